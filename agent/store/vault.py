"""Saved sessions, encrypted at rest.

A session is a Playwright storage state (cookies and local storage). It is sealed with AES-GCM
under a random 256-bit key that lives only in the OS keyring (`keys.py`); the file on disk holds the
ciphertext plus a little metadata that is not secret (when it was saved, which cookies). With no
usable keyring there is no fallback: the person gets an error that says how to get one.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel

from agent.errors import AuthRequired, login_command
from agent.models import StorageState
from agent.store.accounts import check_account
from agent.store.files import write_private
from agent.store.keys import get_or_create_key, load_key


class SessionInfo(BaseModel):
    """What `session list` shows: nothing secret."""

    platform: str
    account: str
    saved_at: datetime
    cookies: list[str]


class _SealedSession(SessionInfo):
    nonce: str
    ciphertext: str


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
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(
            nonce, state.model_dump_json().encode(), self._aad(platform, account)
        )
        record = _SealedSession(
            platform=platform,
            account=account,
            saved_at=datetime.now(timezone.utc),
            cookies=sorted({c.name for c in state.cookies}),
            nonce=base64.b64encode(nonce).decode(),
            ciphertext=base64.b64encode(sealed).decode(),
        )
        return write_private(path, record.model_dump_json(indent=1).encode(), root=self.home)

    def load(self, platform: str, account: str) -> StorageState | None:
        """The saved session, or None when there is none."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        path = self._path(platform, account)
        if not path.exists():
            return None
        record = _SealedSession.model_validate_json(path.read_bytes())
        key = load_key()
        try:
            if key is None:
                raise InvalidTag
            plain = AESGCM(key).decrypt(
                base64.b64decode(record.nonce),
                base64.b64decode(record.ciphertext),
                self._aad(platform, account),
            )
        except InvalidTag:
            raise AuthRequired(
                f"The saved {platform} session ({account}) cannot be decrypted with the key in "
                f"your keyring. Sign in again: {login_command(platform, account)}"
            ) from None
        return StorageState.model_validate(json.loads(plain))

    def sessions(self) -> list[SessionInfo]:
        """Every saved session, without decrypting anything."""
        found = []
        for path in sorted(self.folder.glob("*/*.session")):
            record = _SealedSession.model_validate_json(path.read_bytes())
            found.append(SessionInfo.model_validate(record.model_dump()))
        return found

    def forget(self, platform: str, account: str) -> bool:
        path = self._path(platform, account)
        if not path.exists():
            return False
        path.unlink()
        return True
