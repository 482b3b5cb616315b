"""Which keyring holds the key: an OS keyring, never a plaintext one that keyring picked by
itself; a backend that is not an OS keyring only when the person names it, and then optout says
so once; a misspelt name is bad input that names the variable."""

from __future__ import annotations

import base64
from pathlib import Path

import keyring
import pytest
from keyring.backends.chainer import ChainerBackend

from agent.models import Cookie, StorageState
from agent.store.keys import KEYRING_SERVICE, KEYRING_USER
from agent.store.memory_keyring import MemoryKeyring
from agent.store.vault import Vault
from tests import processes

STATE = StorageState(
    cookies=[Cookie(name="li_at", value="AQEDAkeyringsecret", domain=".linkedin.com")]
)


class PlainLikeKeyring(MemoryKeyring):
    """Like keyrings.alt's PlaintextKeyring: what it holds is in the clear, and keyring ranks
    it below 1 (not recommended) but still picks it when nothing better is there."""

    priority = 0.5


def state_file(tmp_path: Path) -> Path:
    path = tmp_path / "state.json"
    path.write_text(STATE.model_dump_json())
    return path


def test_a_plaintext_keyring_picked_by_keyring_itself_is_refused(
    optout, home: Path, tmp_path: Path
) -> None:
    plain = PlainLikeKeyring()
    keyring.set_keyring(plain)
    run = optout("session", "import", "linkedin", str(state_file(tmp_path)))
    assert run.code == 4
    assert "No usable keyring" in run.err and "not an OS keyring" in run.err
    assert "PYTHON_KEYRING_BACKEND=" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert plain.get_password(KEYRING_SERVICE, KEYRING_USER) is None
    assert not list(home.rglob("*.session"))


def test_keyrings_alt_plaintext_picked_by_keyring_itself_is_refused(
    optout, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alt = pytest.importorskip("keyrings.alt.file")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where it would write
    keyring.set_keyring(alt.PlaintextKeyring())
    run = optout("session", "import", "linkedin", str(state_file(tmp_path)))
    assert run.code == 4 and "keyrings.alt.file.PlaintextKeyring" in run.err
    assert not (tmp_path / "data").exists() and not list(home.rglob("*.session"))


def test_a_chain_uses_only_its_os_keyring(
    optout, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keyring chains every backend it finds when there are several: a key left in a plaintext
    one (by an older setup) must not be the one used, nor a new key go there."""
    secure, plain = MemoryKeyring(), PlainLikeKeyring()
    plain.set_password(KEYRING_SERVICE, KEYRING_USER, base64.b64encode(b"k" * 32).decode())
    monkeypatch.setattr(ChainerBackend, "backends", [secure, plain])
    keyring.set_keyring(ChainerBackend())
    run = optout("session", "import", "linkedin", str(state_file(tmp_path)))
    assert run.code == 0, run.err
    assert secure.get_password(KEYRING_SERVICE, KEYRING_USER) is not None
    keyring.set_keyring(secure)
    loaded = vault.load("linkedin", "default")
    assert loaded is not None and loaded.cookies == STATE.cookies


def test_a_backend_named_by_the_person_works_with_one_warning(tmp_path: Path) -> None:
    env = processes.environment(tmp_path)  # the plain-file keyring, named
    done = processes.optout("session", "import", "linkedin", str(state_file(tmp_path)), env=env)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "not an OS keyring" in line]
    assert len(warnings) == 1 and "file_keyring.FileKeyring" in warnings[0]
    assert "PYTHON_KEYRING_BACKEND" in warnings[0] and warnings[0].startswith("optout: warning: ")
    assert (tmp_path / "keyring.json").exists()
    assert (tmp_path / "home" / "sessions" / "linkedin" / "default.session").exists()


def test_a_misspelt_backend_name_is_bad_input(tmp_path: Path) -> None:
    env = processes.environment(tmp_path, keyring="keyring.backends.SecretServce.Keyring")
    done = processes.optout("session", "import", "linkedin", str(state_file(tmp_path)), env=env)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "PYTHON_KEYRING_BACKEND" in done.stderr and "SecretServce" in done.stderr
    assert not (tmp_path / "home").exists()


def test_a_named_backend_that_cannot_work_here_says_why(tmp_path: Path) -> None:
    env = processes.environment(tmp_path)
    del env["OPTOUT_FILE_KEYRING"]  # the file keyring then has nowhere to keep anything
    done = processes.optout("session", "import", "linkedin", str(state_file(tmp_path)), env=env)
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert "No usable keyring" in done.stderr and "OPTOUT_FILE_KEYRING" in done.stderr


def test_no_plaintext_keyring_is_installed_with_optout() -> None:
    """Not even with the dev extras: scripts/setup dev installs them in the .venv people run."""
    assert "keyrings.alt" not in (processes.ROOT / "pyproject.toml").read_text()
