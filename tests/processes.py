"""Real optout processes for the tests that need more than one (races, locks, a fresh keyring
choice): the worktree's code, and a keyring shared by all of them (scripts/file_keyring.py, a
plain file: made-up sessions only)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE_KEYRING = "file_keyring.FileKeyring"


def environment(tmp: Path, *, keyring: str | None = FILE_KEYRING) -> dict[str, str]:
    """What a process needs to run this checkout's optout on OPTOUT_HOME=tmp/home, with the
    file keyring at tmp/keyring.json chosen by name (or the keyring backend named)."""
    env = dict(
        os.environ, OPTOUT_HOME=str(tmp / "home"), OPTOUT_FILE_KEYRING=str(tmp / "keyring.json")
    )
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), str(ROOT / "scripts"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env.pop("PYTHON_KEYRING_BACKEND", None)
    if keyring:
        env["PYTHON_KEYRING_BACKEND"] = keyring
    return env


def python(
    code: str, *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def optout(
    *argv: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return python(
        "import sys; from agent.cli import main; sys.exit(main(sys.argv[1:]))",
        *argv,
        env=env,
        timeout=timeout,
    )


def ctrl_c_works() -> None:
    """`preexec_fn` for a process a test presses Ctrl-C in: SIGINT as a terminal delivers it,
    even when the suite itself was started in the background (where a shell ignores it, and the
    child would inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
