"""Where optout keeps its files, and how it writes them: private to the user (folders 0700,
files 0600) and atomic, so that an interrupted write never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def home() -> Path:
    """OPTOUT_HOME, else the platform's user data folder."""
    configured = os.environ.get("OPTOUT_HOME")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("optout", appauthor=False)


def private_dir(path: Path) -> None:
    """Create `path` and any missing parents as 0700 folders (mkdir's `parents` would give
    the parents the umask's mode)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically, as a 0600 file in a 0700 folder."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
