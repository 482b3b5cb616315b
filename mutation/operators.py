"""The operators, what each may do to a run's outcome, and a mutant: a seeded draw of a few.

Every choice is made here, from the mutant's seed (`random.Random`), and handed to the page
script (`mutate.js`) as data: the same seed is the same mutant, on any machine. The words the
operators add to pages (state words, dialog buttons, decoy labels) are the kinds real sites use;
some of them are words the flows know (e.g. a dismiss button's name), which is the point.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

import flows
from agent.engine.finder import BACKGROUND_SECONDS
from agent.models import Action, Flow, Locate
from agent.replay import Mutation
from agent.replay.site import Site

# What a run can end in: success (on the right control), or one of the exits a person reads.
Outcome = Literal["success", "exit4", "exit5", "exit6"]
# When in a walk each exit happens: a wall comes first, a page that looks wrong next, a change
# that does not hold last. An operator that makes success impossible stops the walk at its stage.
STAGE: dict[str, int] = {"exit4": 0, "exit5": 1, "exit6": 2}
SUCCESS: frozenset[Outcome] = frozenset({"success"})

DECOY = "mutation-decoy"  # the setting a decoy writes to; the server knows it
ACCEPT = "/_mutation/accept"  # where an accept-like button writes; the server records it
STATE_WORDS = (
    ("On", "Off"),
    ("Enabled", "Disabled"),
    ("An", "Aus"),
    ("Aktiviert", "Deaktiviert"),
    ("Activé", "Désactivé"),
)


class Op(BaseModel):
    """One operator as drawn for one mutant: its name and its parameters."""

    model_config = ConfigDict(frozen=True)

    name: str
    params: dict[str, Any] = {}

    def describe(self) -> str:
        args = ",".join(
            f"{k}={v}" for k, v in self.params.items() if k in _SHOWN.get(self.name, ())
        )
        return f"{self.name}({args})" if args else self.name


_SHOWN: dict[str, tuple[str, ...]] = {
    "rename": ("classes", "ids"),
    "wrap": ("tags",),
    "reorder": ("how",),
    "label_text": ("how",),
    "state_text": ("where", "before"),
    "name_decor": ("text", "before"),
    "swap": ("as",),
    "decoy": ("label", "where"),
    "dialog": ("when", "dismiss", "accept"),
    "terms_wall": ("when", "title"),
    "banner": ("where", "when"),
    "confirm_added": ("confirm",),
    "notice_after": ("button",),
    "slow_hydration": ("delay_ms",),
}


@dataclass(frozen=True)
class Operator:
    """A way real sites change. `kinds`: the control kinds it applies to. `draw` makes its
    parameters (given the run's timeout in seconds, for operators that wait). `allows` says what
    outcomes a correct tool may end in, for an action, in a mutant (some depend on the others)."""

    name: str
    kinds: frozenset[str]
    draw: Callable[[random.Random, float], dict[str, Any]]
    allows: Callable[[Action, Mutant], frozenset[Outcome]]
    # Operators that make success impossible whatever else: at most one per mutant.
    blocking: bool = False
    excludes: frozenset[str] = frozenset()


def _always(*outcomes: Outcome) -> Callable[[Action, Mutant], frozenset[Outcome]]:
    return lambda _action, _mutant: frozenset(outcomes)


def _on_apply(*outcomes: Outcome) -> Callable[[Action, Mutant], frozenset[Outcome]]:
    """Only a change can meet it: reads succeed."""
    return lambda action, _mutant: frozenset(outcomes) if action == "apply" else SUCCESS


def _decoy_allows(_action: Action, mutant: Mutant) -> frozenset[Outcome]:
    # A decoy is told apart by its label, or by the control's: with neither labelled (or with
    # buttons, whose names say only "Turn off"), picking one would be a guess.
    if mutant.kind == "buttons":
        return frozenset({"success", "exit5"})
    if mutant.kind == "select":
        # A look-alike dropdown in the setting's own row: only a guess could pick one.
        return frozenset({"success", "exit5"})
    decoy, unlabelled = mutant.op("decoy"), mutant.op("unlabel") is not None
    if decoy is not None and decoy.params["label"] is None and unlabelled:
        return frozenset({"exit5"})
    return frozenset({"success", "exit5"}) if unlabelled else SUCCESS


def _terms_wall_allows(action: Action, mutant: Mutant) -> frozenset[Outcome]:
    # A wall that shows a while after the control may come after a read is done: the read
    # stands. A change waits for the page to settle and looks for walls first, so meets it.
    wall = mutant.op("terms_wall")
    if action != "apply" and wall is not None and wall.params["when"] == "after":
        return frozenset({"exit4", "success"})
    return frozenset({"exit4"})


def _pick(rng: random.Random, options: tuple[Any, ...]) -> Any:
    return options[rng.randrange(len(options))]


def _when(rng: random.Random) -> dict[str, Any]:
    """Before hydration (at once) or after it (a while after the control shows)."""
    return {"when": _pick(rng, ("before", "after")), "after_ms": rng.randrange(0, 1500, 50)}


SWITCH, BUTTONS, SELECT = frozenset({"switch"}), frozenset({"buttons"}), frozenset({"select"})
BOTH = SWITCH | BUTTONS
ANY = BOTH | SELECT  # what changes the page around the control, whatever its kind
ON_THE_LABEL = frozenset({"unlabel", "control_missing"})

OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Operator(
            "rename",
            ANY,
            lambda rng, _t: {
                "tag": _pick(rng, ("x", "q", "css")) + str(rng.randrange(100)),
                **_pick(
                    rng,
                    (
                        {"classes": True, "ids": False},
                        {"classes": False, "ids": True},
                        {"classes": True, "ids": True},
                    ),
                ),
            },
            _always("success"),
        ),
        Operator(
            "wrap",
            ANY,
            lambda rng, _t: {
                "tags": [_pick(rng, ("div", "span")) for _ in range(rng.randint(1, 3))]
            },
            _always("success"),
        ),
        Operator(
            "reorder",
            ANY,
            lambda rng, _t: {"how": _pick(rng, ("first", "last", "reverse"))},
            _always("success"),
        ),
        Operator(
            "label_text",
            ANY,
            lambda rng, _t: {
                "how": _pick(rng, ("upper", "lower", "title", "spaces", "nbsp", "newline"))
            },
            _always("success"),
            excludes=ON_THE_LABEL,
        ),
        Operator(
            "state_text",
            SWITCH,
            lambda rng, _t: {
                "where": _pick(rng, ("labelledby", "label", "aria-label")),
                "before": rng.random() < 0.25,
                "sep": _pick(rng, (" ", ", ", " · ", ": ")),
                "words": list(_pick(rng, STATE_WORDS)),
            },
            _always("success"),
            excludes=ON_THE_LABEL,
        ),
        Operator(
            "name_decor",
            ANY,
            lambda rng, _t: {
                "text": _pick(rng, ("\u203a", "→", "▸", "⌄", "(2)", "3 new", "New")),
                "before": rng.random() < 0.25,
            },
            _always("success"),
            excludes=ON_THE_LABEL,
        ),
        Operator(
            "swap",
            SWITCH,
            lambda rng, _t: {
                "as": _pick(
                    rng,
                    ("checkbox", "switch", "button_checked", "button_pressed", "label_checkbox"),
                ),
                "words": list(_pick(rng, STATE_WORDS)),
            },
            _always("success"),
            excludes=frozenset({"control_missing"}),
        ),
        Operator(
            "unlabel",
            SWITCH,
            lambda _rng, _t: {},
            _always("success", "exit5"),
            excludes=frozenset({"control_missing", "swap"}),
        ),
        Operator(
            "decoy",
            ANY,
            lambda rng, _t: {
                "label": _pick(
                    rng,
                    (
                        None,
                        "Use my data for personalised ads",
                        "Allow personalised advertising",
                        "Share my data with partners",
                        "Web & App Activity",
                    ),
                ),
                "where": _pick(rng, ("before", "after")),
            },
            _decoy_allows,
        ),
        Operator(
            "dialog",
            ANY,
            lambda rng, _t: {
                **_when(rng),
                "title": _pick(
                    rng,
                    (
                        "Try Premium free for 1 month",
                        "Turn on notifications?",
                        "New: a personalised feed",
                    ),
                ),
                "body": "See what's new. You can change this later.",
                "accept": _pick(
                    rng, ("Try now", "Accept", "Continue", "Yes, turn it on", "Get started")
                ),
                **_pick(
                    rng,
                    (
                        {"dismiss": "Not now", "dismiss_aria": None},
                        {"dismiss": "Close", "dismiss_aria": None},
                        {"dismiss": "No thanks", "dismiss_aria": None},
                        {"dismiss": "Maybe later", "dismiss_aria": None},
                        {"dismiss": "✕", "dismiss_aria": "Close"},
                    ),
                ),
            },
            _always("success"),
        ),
        Operator(
            "terms_wall",
            ANY,
            lambda rng, _t: {
                **_when(rng),
                "title": _pick(
                    rng,
                    (
                        "Updates to Consumer Terms and Policies",
                        "We\u2019ve updated our Terms of Service",
                        "Review our updated Privacy Policy",
                    ),
                ),
                "body": "To keep using the service, review and accept the updated terms.",
                "accept": _pick(rng, ("Accept", "I agree", "Agree and continue")),
            },
            _terms_wall_allows,
            blocking=True,
        ),
        Operator(
            "banner",
            ANY,
            lambda rng, _t: {
                **_when(rng),
                **_pick(
                    rng,
                    (
                        {
                            "role": "region",
                            "where": "bottom",
                            "title": "Cookie consent",
                            "body": "We use cookies to improve your experience.",
                            "accept": "Accept all",
                            "dismiss": "Reject all",
                            "dismiss_aria": None,
                        },
                        {
                            "role": "status",
                            "where": "top",
                            "title": "We\u2019ve updated our Privacy Policy",
                            "body": "Read what changed.",
                            "accept": None,
                            "dismiss": "✕",
                            "dismiss_aria": "Close",
                        },
                    ),
                ),
            },
            _always("success"),
        ),
        Operator(
            "confirm_added",
            SWITCH,
            lambda rng, _t: {
                "title": _pick(rng, ("Turn off this setting?", "Are you sure?")),
                "body": "You can change this again at any time.",
                "cancel": "Cancel",
                "confirm": _pick(rng, ("Turn off", "Confirm", "Yes, turn off", "Continue")),
            },
            _on_apply("success", "exit5"),
            excludes=frozenset({"control_missing"}),
        ),
        Operator(
            "confirm_removed",
            BUTTONS,
            lambda _rng, _t: {},
            _always("success"),
            excludes=frozenset({"control_missing"}),
        ),
        Operator(
            "notice_after",
            ANY,
            lambda rng, _t: {
                "title": _pick(rng, ("Setting updated", "You\u2019re all set")),
                "body": "Your choice was saved.",
                "button": _pick(rng, ("Got it", "OK")),
            },
            _always("success"),
        ),
        Operator(
            "slow_hydration",
            ANY,
            # A slow backend: the server sits on the settings' read, late but within the bound
            # (the tool waits `timeout` for any one thing) and shorter than a background
            # connection (a request open longer is not loading: see agent/engine/finder.py).
            lambda rng, timeout: {
                "delay_ms": int(rng.uniform(0.2, 0.5) * min(timeout, BACKGROUND_SECONDS) * 1000)
            },
            _always("success"),
        ),
        Operator(
            "rerender",
            SWITCH,
            lambda _rng, _t: {},
            _always("success"),
            excludes=frozenset({"control_missing"}),
        ),
        Operator("save_fails", ANY, lambda _rng, _t: {}, _on_apply("exit6"), blocking=True),
        Operator("control_missing", ANY, lambda _rng, _t: {}, _always("exit5"), blocking=True),
    )
}


class Mutant(BaseModel):
    """A platform's pages changed by a few operators, drawn from `seed`."""

    model_config = ConfigDict(frozen=True)

    platform: str
    seed: int
    kind: str  # the flow's control kind
    ops: tuple[Op, ...]
    chosen: bool = False  # operators named (`chosen`), not drawn

    @property
    def account(self) -> str:
        if not self.ops:
            return "unmutated"
        names = ".".join(op.name for op in self.ops) if self.chosen else ""
        return f"mutant-{self.seed}-{names}"[:64].rstrip(".-")

    def op(self, name: str) -> Op | None:
        return next((op for op in self.ops if op.name == name), None)

    def describe(self) -> str:
        return " + ".join(op.describe() for op in self.ops)

    def allowed(self, action: Action) -> frozenset[Outcome]:
        """What a correct tool may end in. Each operator allows some outcomes; one that allows
        no success stops the walk at its stage, so no later stage's outcome can happen."""
        sets = [OPERATORS[op.name].allows(action, self) for op in self.ops]
        certain = [max(STAGE[o] for o in s) for s in sets if "success" not in s]
        limit = min(certain, default=max(STAGE.values()))
        fails = {o for s in sets for o in s if o != "success" and STAGE[o] <= limit}
        return frozenset(fails | (set() if certain else {"success"}))

    def replay(self) -> Mutation:
        """The replay server's hook: the page script with this mutant's choices."""
        flow = flow_of(self.platform)
        site = Site.model_validate_json(
            files("fixtures").joinpath(self.platform, "site.json").read_text()
        )
        config = {
            "seed": self.seed,
            "kind": self.kind,
            "names": [way.name for way in _control_ways(flow.control) if way.name],
            "beside": [
                way.beside.text
                for way in _control_ways(flow.control)
                if way.beside and way.beside.text
            ],
            "api": site.settings_api,
            "setting": flow.setting.id,
            "decoy": DECOY,
            "accept": ACCEPT,
            "csrf": site.csrf.model_dump() if site.csrf else None,
            "words": _words(self),
            "ops": [{"op": op.name, **op.params} for op in self.ops],
        }
        # "</" would end the <script> element early.
        script = SCRIPT.replace("/*CONFIG*/null", json.dumps(config).replace("</", "<\\/"))
        faults = frozenset({"save_fails"}) if self.op("save_fails") else frozenset()
        slow = self.op("slow_hydration")
        return Mutation(
            script=script,
            settings={DECOY: True},
            faults=faults,
            api_delay_ms=slow.params["delay_ms"] if slow else 0,
        )


SCRIPT = files("mutation").joinpath("mutate.js").read_text()


def _control_ways(control: Any) -> tuple[Locate, ...]:
    """The control's own locators (a switch's, the buttons that tell the state, a dropdown's own
    or its row's title): their names are how the page script recognises the control."""
    if control.kind == "buttons":
        return tuple(control.on_when) + tuple(control.off_when)
    if control.kind == "select":
        return tuple(control.find) + tuple(control.row)
    return tuple(control.find)


def _words(mutant: Mutant) -> list[str]:
    for name in ("state_text", "swap"):
        op = mutant.op(name)
        if op is not None:
            return list(op.params["words"])
    return ["On", "Off"]


def flow_of(platform: str) -> Flow:
    """The flow a mutant runs: the platform's; for a setting each site has, the first site's
    the fixture keeps (a mutant is one page with one control, and one result)."""
    flow = flows.load(platform)
    if flow.per_object is None:
        return flow
    site = json.loads(files("fixtures").joinpath(platform, "site.json").read_text())
    key = next(key for setting in site["settings"] if (key := flow.object_of(setting)))
    return flow.for_object(key)


def off_value(flow: Flow) -> bool:
    """The value the server keeps while the setting is OFF: the control's own checked value,
    which an opt-out box (checked = OFF) keeps True."""
    return getattr(flow.control, "checked_means", "on") == "off"


def applicable(kind: str) -> list[Operator]:
    return [op for op in OPERATORS.values() if kind in op.kinds]


def draw(platform: str, seed: int, timeout: float) -> Mutant:
    """Mutant `seed` of a platform: one to three operators that fit its control and each other."""
    kind = flows.load(platform).control.kind
    rng = random.Random(f"{platform}:{seed}")
    count = rng.choices((1, 2, 3), weights=(4, 4, 2))[0]
    chosen: list[Operator] = []
    candidates = applicable(kind)
    while len(chosen) < count:
        fits = [op for op in candidates if _fits(op, chosen)]
        if not fits:
            break
        chosen.append(fits[rng.randrange(len(fits))])
    ops = tuple(Op(name=op.name, params=op.draw(rng, timeout)) for op in chosen)
    return Mutant(platform=platform, seed=seed, kind=kind, ops=ops)


def _fits(op: Operator, chosen: list[Operator]) -> bool:
    for other in chosen:
        if op.name == other.name or op.name in other.excludes or other.name in op.excludes:
            return False
        if op.blocking and other.blocking:
            return False
    return True


def chosen(platform: str, names: Sequence[str], seed: int, timeout: float) -> Mutant:
    """A mutant of the named operators, their parameters drawn from `seed`."""
    kind = flows.load(platform).control.kind
    unknown = [n for n in names if n not in OPERATORS or kind not in OPERATORS[n].kinds]
    if unknown:
        raise ValueError(f"not an operator for a {kind} control: {', '.join(unknown)}")
    rng = random.Random(f"{platform}:{','.join(names)}:{seed}")
    ops = tuple(Op(name=n, params=OPERATORS[n].draw(rng, timeout)) for n in names)
    return Mutant(platform=platform, seed=seed, kind=kind, ops=ops, chosen=True)


def cover(platform: str, seed: int, timeout: float, size: int = 3) -> list[Mutant]:
    """Every operator that applies to the platform's control, in mutants of up to `size` that
    fit together: the smallest sample that still exercises each one. Seeds are seed, seed+1..."""
    kind = flows.load(platform).control.kind
    pending = applicable(kind)
    random.Random(f"{platform}:cover:{seed}").shuffle(pending)
    groups: list[list[Operator]] = []
    while pending:
        group: list[Operator] = []
        for op in list(pending):
            if len(group) < size and _fits(op, group):
                group.append(op)
                pending.remove(op)
        groups.append(group)
    return [
        chosen(platform, [op.name for op in group], seed + i, timeout)
        for i, group in enumerate(groups)
    ]
