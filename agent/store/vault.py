"""Saved sessions, encrypted at rest.

A session is a Playwright storage state (cookies and local storage). It is sealed with AES-GCM
under a random 256-bit key that lives only in the OS keyring (`keys.py`); the file on disk holds the
ciphertext plus a little metadata that is not secret (when it was saved, which cookies). With no
usable keyring there is no fallback: the person gets an error that says how to get one.
"""

from __future__ import annotations

import base64
import binascii
import os
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.errors import AuthRequired, login_command
from agent.models import StorageState
from agent.store.accounts import ACCOUNT_NAME, check_account
from agent.store.files import write_private
from agent.store.keys import DamagedKey, get_or_create_key, load_key

NONCE_BYTES = 12  # AES-GCM's standard nonce


class SessionInfo(BaseModel):
    """What `session list` shows: nothing secret. A damaged session says why (`damaged`), and
    has neither a date nor cookie names."""

    platform: str
    account: str
    saved_at: datetime | None = None
    cookies: list[str] = []
    damaged: str | None = None


class _SealedSession(BaseModel):
    """What a .session file holds."""

    model_config = ConfigDict(hide_input_in_errors=True)

    platform: str
    account: str
    saved_at: datetime
    cookies: list[str]
    nonce: str
    ciphertext: str


class _Damaged(Exception):
    """Why a session file cannot be used: a short phrase, never anything from inside it."""


class Vault:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.folder = home / "sessions"

    def _path(self, platform: str, account: str) -> Path:
        return self.folder / platform / f"{check_account(account)}.session"

    @staticmethod
    def _aad(platform: str, account: str) -> bytes:
        # Binds the ciphertext to its platform and account: a renamed file does not decrypt.
        return f"optout-session:{platform}:{account}".encode()

    def save(self, platform: str, account: str, state: StorageState) -> Path:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        path = self._path(platform, account)
        key = get_or_create_key(self.home)
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(
            nonce, state.model_dump_json().encode(), self._aad(platform, account)
        )
        record = _SealedSession(
            platform=platform,
            account=account,
            saved_at=datetime.now(UTC),
            cookies=sorted({c.name for c in state.cookies}),
            nonce=base64.b64encode(nonce).decode(),
            ciphertext=base64.b64encode(sealed).decode(),
        )
        return write_private(path, record.model_dump_json(indent=1).encode(), root=self.home)

    def load(self, platform: str, account: str) -> StorageState | None:
        """The saved session, or None when there is none. AuthRequired (sign in again) when it
        cannot be used: a damaged file, a file moved from another name, a lost or damaged key.
        Keyring trouble (PersonMustAct) and a misspelt backend (BadInput) are the whole run's."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        path = self._path(platform, account)
        if not path.exists():
            return None
        login = login_command(platform, account)
        try:
            _, nonce, ciphertext = self._open(path, platform, account)
        except _Damaged as e:
            raise AuthRequired(
                f"The saved {platform} session ({account}) cannot be used ({e}). "
                f"Sign in again: {login}"
            ) from None
        try:
            key = load_key()
        except DamagedKey as e:
            raise AuthRequired(
                f"The key in your keyring that encrypts your sessions is damaged ({e}), so the "
                f"saved {platform} session ({account}) cannot be decrypted. Sign in again: {login}"
            ) from None
        try:
            if key is None:
                raise InvalidTag
            plain = AESGCM(key).decrypt(nonce, ciphertext, self._aad(platform, account))
        except InvalidTag:
            raise AuthRequired(
                f"The saved {platform} session ({account}) cannot be decrypted with the key in "
                f"your keyring. Sign in again: {login}"
            ) from None
        try:
            return StorageState.model_validate_json(plain)
        except ValidationError as e:  # e.g. saved before a rule on cookies that it breaks
            raise AuthRequired(
                f"The saved {platform} session ({account}) cannot be used "
                f"({_first_error(e)}). Sign in again: {login}"
            ) from None

    def sessions(self) -> list[SessionInfo]:
        """Every saved session of a known platform, named by where its file is
        (sessions/PLATFORM/ACCOUNT.session), never by what the file says; without decrypting
        anything. A damaged one is listed too, with why."""
        import flows

        known = set(flows.names())
        found = []
        for path in sorted(self.folder.glob("*/*.session")):
            platform, account = path.parent.name, path.stem
            if platform not in known or not ACCOUNT_NAME.fullmatch(account):
                continue  # not a place optout saves to: `--all` could not run it
            try:
                record, _, _ = self._open(path, platform, account)
            except _Damaged as e:
                found.append(SessionInfo(platform=platform, account=account, damaged=str(e)))
            else:
                found.append(
                    SessionInfo(
                        platform=platform,
                        account=account,
                        saved_at=record.saved_at,
                        cookies=record.cookies,
                    )
                )
        return found

    def forget(self, platform: str, account: str) -> bool:
        path = self._path(platform, account)
        if not path.exists():
            return False
        path.unlink()
        return True

    @staticmethod
    def _open(path: Path, platform: str, account: str) -> tuple[_SealedSession, bytes, bytes]:
        """The record of a session file, its nonce and ciphertext; _Damaged if it is not one
        optout saved there."""
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise _Damaged(f"its file cannot be read: {e.strerror or e}") from None
        try:
            record = _SealedSession.model_validate_json(raw)
        except ValidationError as e:
            raise _Damaged(_first_error(e)) from None
        if (record.platform, record.account) != (platform, account):
            raise _Damaged(
                f"saved as {record.platform} ({record.account}), then moved here; a session "
                "decrypts only under its own name"
            )
        try:
            nonce = base64.b64decode(record.nonce, validate=True)
            ciphertext = base64.b64decode(record.ciphertext, validate=True)
        except (binascii.Error, ValueError):
            raise _Damaged("its nonce or ciphertext is not base64") from None
        if len(nonce) != NONCE_BYTES:
            raise _Damaged(f"a nonce of {len(nonce)} bytes, not {NONCE_BYTES}")
        return record, nonce, ciphertext


def _first_error(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    if first["type"] == "json_invalid":
        return "not JSON"
    where = ".".join(str(part) for part in first["loc"])
    return f"not a session file: {where + ': ' if where else ''}{first['msg']}"
