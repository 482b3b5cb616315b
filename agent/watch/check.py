"""`check`: read every selected setting (or, with `fix`, switch off what is on) and compare
with the history, so that a setting found ON again is reported with the date it was last seen
OFF. What a check finds is data; the CLI, `watch` and notifications say it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from agent import log
from agent.errors import ExitCode, OptoutError

if TYPE_CHECKING:
    from agent.api import Selection
    from agent.models import Options, Result, Target
    from agent.store.history import HistoryStore


@dataclass(frozen=True)
class Checked:
    """One platform and account after a check. `back_on_since` is when optout last saw the
    setting OFF, when this check found it ON (None when it was never seen OFF before)."""

    result: Result
    back_on_since: datetime | None = None

    @property
    def found_on(self) -> bool:
        return self.result.state_before == "on"

    @property
    def fixed(self) -> bool:
        return self.found_on and self.result.changed and self.result.error is None

    @property
    def exit_code(self) -> ExitCode:
        if self.result.error:
            return self.result.error.kind.exit_code
        return ExitCode.SETTING_ON if self.found_on and not self.fixed else ExitCode.OK

    @property
    def needs_attention(self) -> bool:
        """Whether a person should hear of it: ON, switched back on (even if fixed now), or
        anything that stopped the check."""
        return self.found_on or self.result.error is not None


def check(
    selection: Selection | Sequence[Target], options: Options, *, fix: bool = False
) -> list[Checked]:
    """Read the state of every selected target (with `fix`: apply, which reads first and
    switches off only what it reads ON), and say what changed since the history's last
    readings. Never prints, never exits; per-target errors are in the results."""
    from agent.api import run

    return compare(run(selection, "apply" if fix else "status", options), options)


def compare(results: Sequence[Result], options: Options) -> list[Checked]:
    """Each result, with the date it was last seen OFF when it is found ON. A history that
    cannot be read leaves the dates out (a warning): the check's findings stand without it."""
    from agent.store.history import SQLiteHistory, history_path

    if not any(r.state_before == "on" for r in results):
        return [Checked(r) for r in results]
    try:
        store: HistoryStore = options.history or SQLiteHistory(history_path(options.home))
        try:
            return [
                Checked(r, _last_off(store, r) if r.state_before == "on" else None)
                for r in results
            ]
        finally:
            if options.history is None:
                store.close()
    except OptoutError as e:
        log.get().warning(f"the history could not be read to say since when: {e.message}")
        return [Checked(r) for r in results]


def _last_off(store: HistoryStore, result: Result) -> datetime | None:
    found = store.last_reading(
        result.platform, result.account, result.setting, state="off", before=result.checked_at
    )
    return found.checked_at if found else None
