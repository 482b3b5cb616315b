"""Where optout keeps its files, and how it writes them: private to the user (folders 0700,
files 0600) and atomic, so that an interrupted write never leaves half a file behind."""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from pathlib import Path

from agent.errors import BadInput

# Runs of each platform and account whose evidence is kept (OPTOUT_KEEP_EVIDENCE): a status writes
# a screenshot each time, so a sitting's worth, not a year's.
EVIDENCE_KEPT = 10


def home() -> Path:
    """OPTOUT_HOME, else the platform's user data folder; always absolute."""
    configured = os.environ.get("OPTOUT_HOME")
    if not configured:
        from platformdirs import user_data_path

        configured = str(user_data_path("optout", appauthor=False))
    return _absolute(configured)


@functools.cache
def _absolute(configured: str) -> Path:
    # Resolved once per process: a relative OPTOUT_HOME means the folder it named when the run
    # started, not a different one each time something changes the current folder.
    return Path(configured).expanduser().absolute()


def private_dir(path: Path, root: Path) -> Path:
    """Make `path` a private folder: every folder from `root` (OPTOUT_HOME) down to `path` is
    created 0700 when missing, tightened to 0700 when it is ours and open to others, and refused
    (BadInput) when another user owns it: they could read, or swap, what optout keeps there.
    Missing folders above `root` are created 0700 too (mkdir's `parents` would give them the
    umask's mode); existing ones above it are not ours to change."""
    if path != root and root not in path.parents:
        raise ValueError(f"{path} is not inside {root}")
    inside = [path, *path.parents[: len(path.parts) - len(root.parts)]]
    above = []
    folder = root.parent
    while not folder.exists():
        above.append(folder)
        folder = folder.parent
    for folder in [*reversed(above), *reversed(inside)]:
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if folder in inside:
                _check_private(folder)
        else:
            folder.chmod(0o700)  # mkdir's mode is cut by the umask; this one is exact
    return path


def _check_private(folder: Path) -> None:
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise BadInput(f"{folder} is not a folder; set OPTOUT_HOME to a folder of yours.")
    if os.name != "posix":  # Windows: the user's profile folders are private by their ACLs
        return
    if info.st_uid != os.geteuid():
        raise BadInput(
            f"{folder} belongs to another user (uid {info.st_uid}), who could read or replace "
            "what optout keeps there; set OPTOUT_HOME to a folder of yours."
        )
    if stat.S_IMODE(info.st_mode) != 0o700:
        folder.chmod(0o700)


def write_private(path: Path, data: bytes, *, root: Path) -> Path:
    """Write `data` to `path` atomically, as a 0600 file in a private folder under `root`."""
    private_dir(path.parent, root)
    return write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` (a 0600 file) atomically, in a folder that exists: a folder the
    person named, whose permissions are theirs to choose."""
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


def append_private(path: Path, data: bytes, *, root: Path) -> Path:
    """Append `data` to `path` (a 0600 file in a private folder under `root`) in one write:
    with O_APPEND each write lands whole at the end, whoever else appends at the same time."""
    private_dir(path.parent, root)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # a file made wider by hand, or by an older version
        view = memoryview(data)
        while view:  # a short write (a full disk, a signal) goes on where it stopped
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return path
