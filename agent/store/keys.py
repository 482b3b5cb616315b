"""The key that encrypts saved sessions: random, 256 bits, kept only in the OS keyring, and made
once: however many optout processes start together on a fresh machine, they all end up with
the same key (the first one stored), never each with its own."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from agent.errors import PersonMustAct

KEYRING_SERVICE = "optout"
KEYRING_USER = "session-vault-key"
NO_KEYRING = (
    "No usable keyring to hold the key that encrypts your sessions ({why}). Unlock or install a "
    "desktop keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Locker), or set "
    "PYTHON_KEYRING_BACKEND to another keyring backend."
)
KEY_WAIT = 30.0  # seconds to wait for another process that is making the key


def load_key() -> bytes | None:
    """The key, or None when the keyring holds none."""
    stored = _keyring_call("get_password", KEYRING_SERVICE, KEYRING_USER)
    return base64.b64decode(stored) if stored else None


def get_or_create_key(home: Path) -> bytes:
    """The key; made and stored first if there is none. The check and the making are one step
    for every optout process using this OPTOUT_HOME (an OS lock), and what is returned is what
    the keyring kept, read back: never a key that another process has since replaced."""
    from agent.store.locks import hold

    key = load_key()
    if key is not None:
        return key
    with hold(home, "vault-key", wait=KEY_WAIT, what="The key store"):
        if load_key() is None:
            new = base64.b64encode(os.urandom(32)).decode()
            _keyring_call("set_password", KEYRING_SERVICE, KEYRING_USER, new)
        key = load_key()
    if key is None:
        raise PersonMustAct(NO_KEYRING.format(why="it did not keep the key it was given"))
    return key


def _keyring_call(method: str, *args: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        result: str | None = getattr(keyring, method)(*args)
    except KeyringError as e:
        raise PersonMustAct(NO_KEYRING.format(why=str(e).split("\n")[0] or type(e).__name__)) from e
    return result
