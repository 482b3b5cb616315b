"""Account names: what `--account` accepts. Kept apart so the CLI can check them before
anything heavy is imported."""

from __future__ import annotations

import re

from agent.errors import BadInput

ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def check_account(account: str) -> str:
    """The name, if it is safe as a file name; else a BadInput error."""
    if not ACCOUNT_NAME.fullmatch(account):
        raise BadInput(
            f"Bad account name {account!r}: use up to 64 letters, digits, '.', '_', '@' or '-'."
        )
    return account
