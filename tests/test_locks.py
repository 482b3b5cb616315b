"""Locks between optout processes: the first key is made once however many imports start
together, and a held lock says who holds it and never outlives a killed holder."""

from __future__ import annotations

import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import keyring
import pytest

from agent.errors import PersonMustAct
from agent.models import Cookie, StorageState
from agent.store.locks import hold
from agent.store.vault import Vault
from tests import processes

STATE = StorageState(
    cookies=[Cookie(name="li_at", value="AQEDAraceraceracerace", domain=".linkedin.com")]
)

# Imports first; then, once every process is ready, all start at once.
AT_ONCE = """
import os, sys, time
import keyring
from agent.cli import main
from agent.cli import commands  # noqa: F401
from agent.store import sessions, vault  # noqa: F401
import flows
flows.load("linkedin")
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: F401
keyring.get_keyring()
print("ready", flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.001)
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("round_", range(2))
def test_imports_at_once_on_a_fresh_machine_share_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, round_: int
) -> None:
    source = tmp_path / "state.json"
    source.write_text(STATE.model_dump_json())
    go = tmp_path / "go"
    # A keyring as slow as a desktop one that asks to be unlocked: each call takes 0.3 s.
    env = dict(processes.environment(tmp_path), OPTOUT_FILE_KEYRING_DELAY="0.3")
    import_argv = ["session", "import", "linkedin", str(source)]
    running = [
        subprocess.Popen(
            [sys.executable, "-c", AT_ONCE, str(go), *import_argv, "--account", f"a{n}"],
            cwd=processes.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    for process in running:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    go.touch()
    for process in running:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    # Every session decrypts with the one key the keyring kept.
    monkeypatch.syspath_prepend(str(processes.ROOT / "scripts"))
    for name, value in processes.environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    from file_keyring import FileKeyring

    keyring.set_keyring(FileKeyring())
    vault = Vault(tmp_path / "home")
    for n in range(8):
        loaded = vault.load("linkedin", f"a{n}")
        assert loaded is not None and loaded.cookies == STATE.cookies


HOLDER = """
import sys, time
from pathlib import Path
from agent.store.locks import hold
with hold(Path(sys.argv[1]), "run-linkedin-default", wait=5, what="The LinkedIn session (default)"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_held_lock_names_its_holder_and_dies_with_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home)],
        cwd=processes.ROOT,
        env=processes.environment(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        with pytest.raises(PersonMustAct) as refused:
            hold(home, "run-linkedin-default", wait=0.5, what="The LinkedIn session (default)")
        assert time.monotonic() - started >= 0.5
        message = refused.value.message
        assert f"pid {holder.pid}" in message and "The LinkedIn session (default)" in message
        assert len(message.splitlines()) == 1
        holder.send_signal(signal.SIGKILL)  # no chance to clean up: the OS releases the lock
        holder.wait(timeout=10)
        started = time.monotonic()
        with hold(home, "run-linkedin-default", wait=10, what="The LinkedIn session (default)"):
            assert time.monotonic() - started < 2
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_lock_waits_for_its_holder_then_is_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = hold(home, "bug-log", wait=1, what="The bug log")
    threading.Timer(0.3, first.release).start()
    started = time.monotonic()
    with hold(home, "bug-log", wait=10, what="The bug log") as second:
        assert 0.2 < time.monotonic() - started < 5
        assert stat.S_IMODE(second.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(second.path.parent.stat().st_mode) == 0o700
    first.release()  # releasing twice is harmless
