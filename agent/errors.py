"""Exit statuses, error kinds, and the errors that carry them.

Every error the user can meet carries a message that says what happened and what to do next
(one or two lines), its `kind` (what `--json` reports) and the exit status the CLI ends with.
A kind always maps to the same exit status, so a result's error and a raised error agree.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    SETTING_ON = 3  # reserved for `check`: a setting is on, or was switched back on
    PERSON_MUST_ACT = 4
    SITE_CHANGED = 5
    DID_NOT_HOLD = 6
    INTERRUPTED = 130  # Ctrl-C, as shells report a process ended by SIGINT


class ErrorKind(StrEnum):
    """What went wrong, as `--json` names it."""

    INTERNAL = "internal"
    BAD_INPUT = "bad_input"
    PERSON_MUST_ACT = "person_must_act"  # a keyring, a browser, a screen
    AUTH_REQUIRED = "auth_required"
    CHALLENGE = "challenge"
    UNREACHABLE = "unreachable"  # no network, or the site is down
    SITE_CHANGED = "site_changed"
    VERIFY_FAILED = "verify_failed"

    @property
    def exit_code(self) -> ExitCode:
        return _EXIT_CODES[self]


_EXIT_CODES = {
    ErrorKind.INTERNAL: ExitCode.INTERNAL,
    ErrorKind.BAD_INPUT: ExitCode.BAD_INPUT,
    ErrorKind.PERSON_MUST_ACT: ExitCode.PERSON_MUST_ACT,
    ErrorKind.AUTH_REQUIRED: ExitCode.PERSON_MUST_ACT,
    ErrorKind.CHALLENGE: ExitCode.PERSON_MUST_ACT,
    ErrorKind.UNREACHABLE: ExitCode.PERSON_MUST_ACT,
    ErrorKind.SITE_CHANGED: ExitCode.SITE_CHANGED,
    ErrorKind.VERIFY_FAILED: ExitCode.DID_NOT_HOLD,
}


class OptoutError(Exception):
    """An error with a user-facing message (one or two lines), a kind and so an exit status."""

    kind: ErrorKind = ErrorKind.INTERNAL

    def __init__(self, message: str, *, step: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.step = step

    @property
    def exit_code(self) -> ExitCode:
        return self.kind.exit_code


class BadInput(OptoutError):
    kind = ErrorKind.BAD_INPUT


class PersonMustAct(OptoutError):
    """Something only the person can fix: a keyring, a browser, a screen."""

    kind = ErrorKind.PERSON_MUST_ACT


class AuthRequired(PersonMustAct):
    kind = ErrorKind.AUTH_REQUIRED


class ChallengeRequired(PersonMustAct):
    kind = ErrorKind.CHALLENGE


class Unreachable(PersonMustAct):
    kind = ErrorKind.UNREACHABLE


class SiteChanged(OptoutError):
    kind = ErrorKind.SITE_CHANGED


class VerifyFailed(OptoutError):
    kind = ErrorKind.VERIFY_FAILED


def login_command(platform: str, account: str) -> str:
    """The command that signs a person in again: every message that asks for it says it so,
    naming the account, so that it is right to copy whichever account it is."""
    return f"optout login {platform} --account {account}"
