"""Exit statuses and the errors that map to them.

Every error the user can meet carries a message that says what happened and what to do next,
and the exit status the CLI ends with. Per-target errors also carry the `kind` used in `--json`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    SETTING_ON = 3  # reserved for `check`: a setting is on, or was switched back on
    PERSON_MUST_ACT = 4
    SITE_CHANGED = 5
    DID_NOT_HOLD = 6


class OptoutError(Exception):
    """An error with a user-facing message (one or two lines) and an exit status."""

    exit_code: ExitCode = ExitCode.INTERNAL
    kind: str = "internal"

    def __init__(self, message: str, *, step: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.step = step


class BadInput(OptoutError):
    exit_code = ExitCode.BAD_INPUT
    kind = "bad_input"


class PersonMustAct(OptoutError):
    """Something only the person can fix: a keyring, a browser, a screen."""

    exit_code = ExitCode.PERSON_MUST_ACT
    kind = "person_must_act"


class AuthRequired(PersonMustAct):
    kind = "auth_required"


class ChallengeRequired(PersonMustAct):
    kind = "challenge"


class SiteChanged(OptoutError):
    exit_code = ExitCode.SITE_CHANGED
    kind = "site_changed"


class VerifyFailed(OptoutError):
    exit_code = ExitCode.DID_NOT_HOLD
    kind = "verify_failed"


ERROR_EXIT_CODES: dict[str, ExitCode] = {
    cls.kind: cls.exit_code
    for cls in (OptoutError, AuthRequired, ChallengeRequired, SiteChanged, VerifyFailed)
}
