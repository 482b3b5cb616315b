"""What one platform and account look like after one action: exactly what `--json` prints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from agent.errors import ErrorKind, ExitCode

State = Literal["on", "off", "unavailable", "unknown"]
Action = Literal["status", "apply", "dry-run"]


class ErrorInfo(BaseModel):
    kind: ErrorKind
    message: str
    step: int | None = None


class Result(BaseModel):
    platform: str
    account: str
    setting: str
    action: Action
    state_before: State = "unknown"
    state: State = "unknown"
    changed: bool = False
    error: ErrorInfo | None = None
    evidence: list[str] = []
    checked_at: datetime
    language: str | None = None  # the page's UI language (<html lang>), when it said
    choices: list[str] = []  # the platform options carried out (e.g. "delete-activity")
    found_by: str | None = None  # how the control was found (its way in the flow)

    @property
    def exit_code(self) -> ExitCode:
        return self.error.kind.exit_code if self.error else ExitCode.OK


def exit_code(results: list[Result]) -> ExitCode:
    """A run's exit status: the highest of its results' (0 for none)."""
    return max((r.exit_code for r in results), default=ExitCode.OK)
