"""The numbered steps of a flow, as a person reads them. `plan` prints them, the engine walks
these very steps (so the plan, `--dry-run` and the log cannot disagree), and an error names the
step it stopped at by the same number."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from agent.models import Flow, Step


class Part(StrEnum):
    LIST = "list"  # list the person's objects (sites), for a setting each of them has
    DIRECT = "direct"  # open the setting's own page
    CLICK = "click"  # the way a person clicks there, when the direct route fails
    READ = "read"
    SWITCH = "switch"  # only if it is ON
    VERIFY = "verify"
    EVIDENCE = "evidence"


@dataclass(frozen=True)
class PlannedStep:
    number: int
    part: Part
    description: str
    step: Step | None = None  # what is opened or clicked, when the flow declares it

    @property
    def fallback(self) -> bool:
        """Part of the way a person clicks, taken only when the direct route fails."""
        return self.part is Part.CLICK


@dataclass(frozen=True)
class Plan:
    steps: tuple[PlannedStep, ...]

    def __iter__(self) -> Iterator[PlannedStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def part(self, part: Part) -> tuple[PlannedStep, ...]:
        return tuple(s for s in self.steps if s.part is part)

    def one(self, part: Part) -> PlannedStep:
        [step] = self.part(part)
        return step


def plan(flow: Flow, choices: frozenset[str] = frozenset()) -> Plan:
    routes = " (or else ".join(flow.url(r) for r in flow.routes) + ")" * len(flow.also_direct)
    rows: list[tuple[Part, str, Step | None]] = []
    if flow.per_object:
        rows.append((Part.LIST, listing(flow), None))
    rows.append((Part.DIRECT, f"Open the setting's own page, {routes}", None))
    rows += [(Part.CLICK, s.description, s) for s in flow.click_path]
    rows.append((Part.READ, flow.control.plan_read(flow.setting.control_label), None))
    rows += [
        (Part.SWITCH, ("Only if the setting is ON: " if i == 0 else "") + item.description, item.step)
        for i, item in enumerate(flow.control.plan_switch_off(choices))
    ]
    rows += [
        (Part.VERIFY, "Reload the page and read it again: done only if it shows OFF", None),
        (Part.EVIDENCE, "Save a screenshot of the final state as evidence", None),
    ]
    return Plan(
        tuple(
            PlannedStep(number=n, part=part, description=text, step=step)
            for n, (part, text, step) in enumerate(rows, start=1)
        )
    )


def listing(flow: Flow) -> str:
    """The plan's line for listing the objects of a per-object setting."""
    every = flow.per_object
    assert every is not None, "only a per-object flow lists objects"
    return (
        f"List your {every.plural} at {flow.url(every.list_page)} (at most {every.most}); then "
        f"for each {every.noun}, on its own, the steps below"
    )
