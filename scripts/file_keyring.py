"""A keyring backend in a plain JSON file, for `scripts/bench.py` and for the tests that need one
keyring shared by several processes. It keeps what it holds IN THE CLEAR: never use it for a
real session. It lives in scripts/, which is not installed, so it is never in a user's
environment, and keyring never picks it by itself: it must be named.

    PYTHONPATH=scripts PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring \\
        OPTOUT_FILE_KEYRING=/tmp/some/keyring.json  optout ...

OPTOUT_FILE_KEYRING_DELAY (seconds) makes each call take that long, as a desktop keyring's round
trip over D-Bus does: the race tests widen the window between reading and writing with it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

VARIABLE = "OPTOUT_FILE_KEYRING"
DELAY = "OPTOUT_FILE_KEYRING_DELAY"


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        if not os.environ.get(VARIABLE):
            raise RuntimeError(f"{VARIABLE} must name the file that holds this keyring")
        return 0.1  # below 1: keyring's own mark of a backend unfit for real secrets

    @property
    def _path(self) -> Path:
        return Path(os.environ[VARIABLE])

    def _read(self) -> dict[str, str]:
        time.sleep(float(os.environ.get(DELAY) or 0))
        try:
            data: dict[str, str] = json.loads(self._path.read_text())
        except FileNotFoundError:
            return {}
        return data

    def _write(self, data: dict[str, str]) -> None:
        time.sleep(float(os.environ.get(DELAY) or 0))
        # Atomic, so that a reader in another process never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=self._path.parent)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        os.replace(tmp, self._path)

    @staticmethod
    def _entry(service: str, username: str) -> str:
        return f"{service}\n{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(self._entry(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[self._entry(service, username)] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        if data.pop(self._entry(service, username), None) is None:
            raise PasswordDeleteError(username)
        self._write(data)
