"""The key that encrypts saved sessions: random, 256 bits, kept only in an OS keyring, and made
once: however many optout processes start together on a fresh machine, they all end up with
the same key (the first one stored), never each with its own.

Which keyring: keyring picks the best backend it finds, and when nothing better is there that
may be one that keeps secrets in a plain file (keyrings.alt's), or a chain of every backend
found, plain ones included. optout uses an OS keyring only, unless the person names another
backend in PYTHON_KEYRING_BACKEND; then it says once that the key is no better kept than that
backend keeps it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import TYPE_CHECKING

from agent.errors import BadInput, PersonMustAct

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

KEYRING_SERVICE = "optout"
KEYRING_USER = "session-vault-key"
NO_KEYRING = (
    "No usable keyring to hold the key that encrypts your sessions ({why}). Unlock or install a "
    "desktop keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Locker), or set "
    "PYTHON_KEYRING_BACKEND to another keyring backend."
)
NOT_OS_KEYRING = (
    "No usable keyring to hold the key that encrypts your sessions: {name} is not an OS keyring "
    "(it may keep the key in a plain file). Unlock or install a desktop keyring (GNOME Keyring, "
    "KWallet, macOS Keychain, Windows Credential Locker), or, to use it all the same, name it: "
    "PYTHON_KEYRING_BACKEND={name}"
)
KEY_WAIT = 30.0  # seconds to wait for another process that is making the key
CHOSEN = "PYTHON_KEYRING_BACKEND"
# keyring's own backends for the OS keyrings (the keychains of GNOME, KDE, macOS and Windows).
_OS_KEYRINGS = tuple(
    f"keyring.backends.{name}"
    for name in ("SecretService", "libsecret", "kwallet", "macOS", "Windows")
)
# These hold nothing, so they can leak nothing; using one fails with its own reason.
_EMPTY_KEYRINGS = ("keyring.backends.fail", "keyring.backends.null")
_warned = False  # the warning for a named backend that is not an OS keyring: once per run


class DamagedKey(Exception):
    """The keyring holds something under the key's name that is not a key we made (why)."""


def load_key() -> bytes | None:
    """The key, or None when the keyring holds none; DamagedKey when what it holds is not one."""
    import binascii

    stored = _keyring_call("get_password", KEYRING_SERVICE, KEYRING_USER)
    if not stored:
        return None
    try:
        # Whitespace is what a hand edit adds most often; any other stray character is damage.
        key = base64.b64decode("".join(stored.split()), validate=True)
    except (binascii.Error, ValueError):
        raise DamagedKey("not base64") from None
    if len(key) != 32:
        raise DamagedKey(f"{len(key)} bytes, not 32")
    return key


def forget_key() -> bool:
    """Delete the key from the keyring (every session it encrypted becomes unreadable); False
    when there was none."""
    if _keyring_call("get_password", KEYRING_SERVICE, KEYRING_USER) is None:
        return False
    _keyring_call("delete_password", KEYRING_SERVICE, KEYRING_USER)
    return True


def get_or_create_key(home: Path) -> bytes:
    """The key; made and stored first if there is none. The check and the making are one step
    for every optout process using this OPTOUT_HOME (an OS lock), and what is returned is what
    the keyring kept, read back: never a key that another process has since replaced.

    A damaged key is replaced: no session can be decrypted with it anyway (each one that was
    asks to sign in again), and keeping it would make every new session fail as well."""
    from agent import log
    from agent.store.locks import hold

    try:
        key = load_key()
    except DamagedKey:
        key = None
    if key is not None:
        return key
    with hold(home, "vault-key", wait=KEY_WAIT, what="The key store"):
        try:
            missing = load_key() is None
        except DamagedKey as e:
            log.get().warning(
                f"The key in your keyring that encrypts your sessions was damaged ({e}); "
                "optout made a new one. Sessions saved before ask to sign in again."
            )
            missing = True
        if missing:
            new = base64.b64encode(os.urandom(32)).decode()
            _keyring_call("set_password", KEYRING_SERVICE, KEYRING_USER, new)
        try:
            key = load_key()
        except DamagedKey:
            key = None
    if key is None:
        raise PersonMustAct(NO_KEYRING.format(why="it did not keep the key it was given"))
    return key


def backend() -> KeyringBackend:
    """The keyring backend that holds the key: the one named in PYTHON_KEYRING_BACKEND, else
    the OS keyring keyring found (in a chain of several, the first that is an OS keyring).
    BadInput for a name that loads no backend; PersonMustAct when there is no usable one."""
    import keyring
    from keyring.backends.chainer import ChainerBackend

    named = _named_class()
    current = keyring.get_keyring()  # a program's set_keyring (the demo's, tests') comes first
    if named is not None and isinstance(current, named):
        if _not_os_keyring(current):
            _warn_once(current)
        return current
    found = list(current.backends) if isinstance(current, ChainerBackend) else [current]
    usable = [b for b in found if not _not_os_keyring(b)]
    if not usable:
        raise PersonMustAct(NOT_OS_KEYRING.format(name=_name(found[0])))
    return usable[0]


def _named_class() -> type[KeyringBackend] | None:
    from keyring.backend import KeyringBackend
    from keyring.core import load_keyring

    name = os.environ.get(CHOSEN)
    if not name:
        return None
    try:
        chosen = load_keyring(name)
    except (ImportError, AttributeError, ValueError, TypeError) as e:
        raise BadInput(
            f"{CHOSEN}={name!r} names no keyring backend ({type(e).__name__}: {e}); unset it to "
            "use your OS keyring, or name one, e.g. keyring.backends.SecretService.Keyring."
        ) from None
    except Exception as e:  # it loads, but cannot work here: its `priority` raises and says why
        raise PersonMustAct(NO_KEYRING.format(why=f"{CHOSEN}={name}: {_first_line(e)}")) from None
    if not isinstance(chosen, KeyringBackend):
        raise BadInput(f"{CHOSEN}={name!r} names something that is not a keyring backend.")
    return type(chosen)


def _not_os_keyring(candidate: KeyringBackend) -> bool:
    """A backend that keyring itself marks as unfit for secrets (a priority below 1), or one
    of keyrings.alt's (plain or home-made encrypted files, the Windows registry), unless it is
    one of keyring's own OS keyrings."""
    module = type(candidate).__module__
    if module.startswith(_OS_KEYRINGS + _EMPTY_KEYRINGS):
        return False
    if module.startswith("keyrings.alt"):
        return True
    try:
        return bool(candidate.priority < 1)
    except Exception:  # a priority that raises: keyring's way of saying "not usable here"
        return True


def _warn_once(chosen: KeyringBackend) -> None:
    from agent import log

    global _warned
    if not _warned:
        _warned = True
        log.get().warning(
            f"The key that encrypts your sessions is kept by {_name(chosen)}, named in {CHOSEN}: "
            "it is not an OS keyring, so the key is only as safe as that backend keeps it."
        )


def _name(candidate: KeyringBackend) -> str:
    return f"{type(candidate).__module__}.{type(candidate).__qualname__}"


def _first_line(error: BaseException) -> str:
    return str(error).split("\n")[0] or type(error).__name__


def _keyring_call(method: str, *args: str) -> str | None:
    from keyring.errors import KeyringError

    chosen = backend()
    try:
        result: str | None = getattr(chosen, method)(*args)
    except KeyringError as e:
        raise PersonMustAct(NO_KEYRING.format(why=_first_line(e))) from e
    return result
