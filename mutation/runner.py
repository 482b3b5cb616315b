"""Run mutants through the tool and judge each run by the replay server's own record.

For every mutant: its own replay server (with the mutant's `Mutation`) and its own account; then
`status`, `apply --dry-run` and `apply`, each ONE `api.run_async` over all the mutants' targets
(concurrently, in one browser). Between actions every server is put back as it started, so each
action is judged alone. What the tool says is only checked against what the server saw.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import flows
from agent.api import run_async
from agent.errors import ErrorKind
from agent.models import Action, ErrorInfo, Options, Result, Target
from agent.replay import ReplayServer, Write
from agent.store.vault import Vault
from mutation.operators import DECOY, Mutant, Outcome, flow_of, off_value

ACTIONS: tuple[Action, ...] = ("status", "dry-run", "apply")
# A run may take this many times --timeout (a few waits for things that never come, and the
# click path after a direct route that failed), and no longer.
DEADLINE_FACTOR = 5

Invariant = Literal[
    "wrote_while_reading",  # status or dry run: any write at all
    "wrong_write",  # apply: a write to anything but the setting, or one that turns it on
    "false_success",  # OFF or a change reported that the server's stored value does not show
    "false_state",  # ON (or not offered) reported while the server holds OFF: e.g. the state
    # read before a click that did save, left in a result that ended in an error
    "past_deadline",  # a run longer than DEADLINE_FACTOR x --timeout
    "no_evidence",  # an error without its screenshot (and the HTML, for exit 5)
    "disallowed_outcome",  # an outcome the mutant's operators do not allow
]


@dataclass(frozen=True)
class Run:
    """One action on one mutant: what the tool said, and what the server recorded."""

    action: Action
    result: Result
    writes: tuple[Write, ...]
    stored: bool | None  # the setting's value on the server at the end
    seconds: float

    @property
    def outcome(self) -> str:
        """success, exitN, or exit0-wrong (exit 0 without the right state)."""
        if self.result.error is not None:
            return f"exit{int(self.result.exit_code)}"
        if self.action == "apply":
            ok = (self.result.state_before, self.result.state, self.result.changed) == (
                "on",
                "off",
                True,
            )
        else:
            ok = self.result.state == "on"
        return "success" if ok else "exit0-wrong"


@dataclass(frozen=True)
class Violation:
    invariant: Invariant
    action: Action
    detail: str


@dataclass
class Verdict:
    mutant: Mutant
    runs: list[Run] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    # False when the unmutated page failed in the same batch too: the machine was too slow for
    # --timeout, and this verdict says nothing about the operators (neither pass nor fail).
    judged: bool = True

    @property
    def outcome(self) -> str:
        """The apply run's outcome: how this mutant ended."""
        return next((r.outcome for r in self.runs if r.action == "apply"), "not run")

    def replay_command(self, timeout: float) -> str:
        m = self.mutant
        ops = f" --ops {','.join(op.name for op in m.ops)}" if m.chosen else ""
        return (
            f"scripts/fuzz --platform {m.platform}{ops} --seed {m.seed} --mutants 1 "
            f"--timeout {timeout:g}"
        )

    def message(self, timeout: float) -> str:
        lines = [f"{self.mutant.platform} seed {self.mutant.seed}: {self.mutant.describe()}"]
        if not self.judged:
            lines.append(
                "  unjudged: the unmutated page failed in the same batch (machine too slow)"
            )
        lines += [f"  {v.action}: {v.invariant}: {v.detail}" for v in self.violations]
        lines.append(f"  replay: {self.replay_command(timeout)}")
        return "\n".join(lines)


def setting_path(mutant: Mutant, server: ReplayServer) -> str:
    return f"{server.site.settings_api}/{flow_of(mutant.platform).setting.id}"


def judge(mutant: Mutant, run: Run, server: ReplayServer, timeout: float) -> list[Violation]:
    """The invariants, on the server's record of one run."""
    found: list[Violation] = []

    def violated(invariant: Invariant, detail: str) -> None:
        found.append(Violation(invariant, run.action, detail))

    result, writes = run.result, run.writes
    off = off_value(flow_of(mutant.platform))
    # The stored value as a state: True while ON (an opt-out box keeps True while OFF).
    stored_on = None if run.stored is None else run.stored is not off
    if run.action != "apply" and writes:
        violated("wrote_while_reading", ", ".join(f"POST {w.path}" for w in writes))
    if run.action == "apply":
        own = setting_path(mutant, server)
        for w in writes:
            turns_on = isinstance(w.body, dict) and w.body.get("value") is not off
            if w.path != own or turns_on:
                what = "a decoy" if w.path.endswith("/" + DECOY) else "not the setting"
                detail = (
                    f"POST {w.path} {w.body} ({what})"
                    if w.path != own
                    else f"POST {w.path} {w.body} (turns it on)"
                )
                violated("wrong_write", detail)
    holds = {True: "ON", False: "OFF", None: "nothing"}[stored_on]
    if (result.state == "off" or result.changed) and stored_on is not False:
        said = "a change" if result.changed else "OFF"
        violated("false_success", f"reported {said}, the server holds {holds}")
    elif result.state in ("on", "unavailable") and stored_on is not (result.state == "on"):
        violated("false_state", f"reported {result.state.upper()}, the server holds {holds}")
    if run.seconds > DEADLINE_FACTOR * timeout:
        violated("past_deadline", f"{run.seconds:.1f}s > {DEADLINE_FACTOR} x {timeout:g}s")
    if result.error is not None:
        suffixes = {Path(p).suffix for p in result.evidence if Path(p).is_file()}
        needed = {".png", ".html"} if result.error.kind == "site_changed" else {".png"}
        if not needed <= suffixes:
            violated("no_evidence", f"{result.error.kind} with evidence {sorted(suffixes)}")
    allowed: frozenset[Outcome] = mutant.allowed(run.action)
    if run.outcome not in allowed:
        error = f": {result.error.message}" if result.error else f" (state {result.state})"
        violated("disallowed_outcome", f"{run.outcome} not in {sorted(allowed)}{error}")
    return found


def _seconds(result: Result, batch_end: float) -> float:
    """From the run's start to its evidence (taken last), else to the end of the batch."""
    ends = [Path(p).stat().st_mtime for p in result.evidence if Path(p).is_file()]
    end = max(ends) if ends else batch_end
    return end - result.checked_at.timestamp()


def _reset(server: ReplayServer, initial: dict[str, bool]) -> None:
    with server.lock:
        server.settings = dict(initial)
    server.writes.clear()


async def run_mutants(
    mutants: list[Mutant],
    *,
    timeout: float,
    home: Path,
    jobs: int | None = None,
    actions: tuple[Action, ...] = ACTIONS,
) -> list[Verdict]:
    """Every action on every mutant (all of one platform), `jobs` at a time (all at once when
    None); a verdict per mutant.
    The platform's unmutated page runs alongside: when even it fails, the batch is run again
    once, and if it fails again its verdicts are marked unjudged. The caller provides the keyring (an in-memory one), in which
    sessions for the mutants' accounts are saved."""
    platform = mutants[0].platform
    if any(m.platform != platform for m in mutants):
        raise ValueError("run_mutants takes the mutants of one platform")
    baseline = Mutant(platform=platform, seed=0, kind=flows.load(platform).control.kind, ops=())
    for _ in range(2):
        control, *verdicts = await _run_batch(
            [baseline, *mutants], timeout=timeout, home=home, jobs=jobs, actions=actions
        )
        if not control.violations:
            return verdicts
    for verdict in verdicts:
        verdict.judged = False
    return verdicts


async def _run_batch(
    mutants: list[Mutant],
    *,
    timeout: float,
    home: Path,
    jobs: int | None,
    actions: tuple[Action, ...],
) -> list[Verdict]:
    vault = Vault(home)
    servers = [ReplayServer(m.platform, mutation=m.replay()).start() for m in mutants]
    try:
        initial = [dict(s.settings) for s in servers]
        targets = []
        for mutant, server in zip(mutants, servers, strict=True):
            flow = flow_of(mutant.platform)
            vault.save(mutant.platform, mutant.account, server.make_session(flow.cookie_domain))
            targets.append(Target(flow=flow, account=mutant.account, origin=server.url))
        verdicts = [Verdict(m) for m in mutants]
        # Each on a server of its own; a target's time runs from its own start (`checked_at`)
        # to its evidence, or else to the batch's end.
        options = Options(home=home, timeout=timeout, jobs=jobs or len(targets))
        for action in actions:
            for server, settings in zip(servers, initial, strict=True):
                _reset(server, settings)
            results = await _run_bounded(targets, action, options)
            batch_end = time.time()
            for verdict, server, result in zip(verdicts, servers, results, strict=True):
                setting = flow_of(verdict.mutant.platform).setting.id
                run = Run(
                    action=action,
                    result=result,
                    writes=tuple(server.writes),
                    stored=server.settings.get(setting),
                    seconds=_seconds(result, batch_end),
                )
                verdict.runs.append(run)
                verdict.violations += judge(verdict.mutant, run, server, timeout)
        return verdicts
    finally:
        for server in servers:
            server.stop()


async def _run_bounded(targets: list[Target], action: Action, options: Options) -> list[Result]:
    """One `api.run` over all targets, given up (and every target failed as past its deadline)
    when the slowest could not have kept its deadline (in each wave of `options.jobs`)."""
    waves = -(-len(targets) // (options.jobs or len(targets)))
    limit = waves * DEADLINE_FACTOR * options.timeout + 30  # + starting a browser under load
    started = datetime.now(UTC)
    try:
        return await asyncio.wait_for(run_async(targets, action, options), limit)
    except TimeoutError:
        hung = ErrorInfo(kind=ErrorKind.INTERNAL, message=f"no result after {limit:g}s")
        return [
            Result(
                platform=t.flow.id,
                account=t.account,
                setting=t.flow.setting.id,
                action=action,
                error=hung,
                checked_at=started,
            )
            for t in targets
        ]
