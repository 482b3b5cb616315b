"""Locks between optout processes: OS file locks in OPTOUT_HOME/locks/.

The lock itself is the operating system's (flock on Unix, LockFileEx on Windows, through
`filelock`): it is released when its holder ends, however it ends, so a killed process never
leaves a lock that blocks forever. Beside it, NAME.pid says which process holds it; that file
is only informational (a message names the pid) and is never what decides who holds the lock.

    with hold(home, "vault-key", wait=30, what="The key store"):
        ...  # no other optout process is in here

For a lock held across an event loop's work, take it in a thread and release it when done:

    held = await asyncio.to_thread(hold, home, f"run-{platform}-{account}", wait=5, what=...)
    try: ...
    finally: held.release()
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from agent.errors import PersonMustAct
from agent.store.files import private_dir, write_private

if TYPE_CHECKING:
    from filelock import BaseFileLock


class Held:
    """A lock this process holds, until `release()` (or the end of a `with` block)."""

    def __init__(self, lock: BaseFileLock, path: Path, pid_file: Path) -> None:
        self._lock = lock
        self.path = path
        self._pid_file = pid_file

    def release(self) -> None:
        """Let the next process in. Releasing a lock already released does nothing."""
        if self._lock.is_locked:
            # The pid goes first, while the lock is still ours: never the next holder's.
            self._pid_file.unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> Held:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()


def hold(home: Path, name: str, *, wait: float, what: str) -> Held:
    """Take the lock OPTOUT_HOME/locks/NAME.lock, waiting up to `wait` seconds (0: try once).
    When another process still holds it then, raise PersonMustAct naming that process's pid:
    `what` is what the lock protects, as the message's subject ("The session of that account").
    Blocks the calling thread while it waits."""
    from filelock import FileLock, Timeout

    folder = private_dir(home / "locks", home)
    path, pid_file = folder / f"{name}.lock", folder / f"{name}.pid"
    lock = FileLock(
        path,
        timeout=wait,
        mode=0o600,
        # One holder per process and object, not per thread: a lock taken in a worker thread
        # (asyncio.to_thread) can be released by the event loop's thread.
        thread_local=False,
        # Only an OS lock is released when its holder is killed; filelock's fallback for a
        # file system without locks (a marker file) would outlive it and block forever.
        fallback_to_soft=False,
    )
    try:
        lock.acquire()
    except Timeout:
        raise PersonMustAct(
            f"{what} is in use by another optout process{_holder(pid_file)}, still after "
            f"{wait:g} s. Let it finish (or stop it), then try again."
        ) from None
    except (NotImplementedError, OSError) as e:
        raise PersonMustAct(
            f"Cannot lock files in {folder} ({getattr(e, 'strerror', None) or e}); "
            "set OPTOUT_HOME to a folder on a local disk."
        ) from None
    try:
        write_private(pid_file, str(os.getpid()).encode(), root=home)
    except BaseException:
        lock.release()
        raise
    return Held(lock, path, pid_file)


def _holder(pid_file: Path) -> str:
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):  # not written yet, or being replaced: the pid is a courtesy
        return ""
    return f" (pid {pid})"
