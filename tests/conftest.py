"""Shared fixtures: a private OPTOUT_HOME, an in-memory keyring, a replay server of LinkedIn's
reconstructed pages, and `optout(...)`, which runs the CLI in this process as a user would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest

from agent.cli import main
from agent.memory_keyring import MemoryKeyring
from agent.replay import ReplayServer
from agent.vault import Vault


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> list[dict]:
        return json.loads(self.out)

    @property
    def events(self) -> list[str]:
        """What was logged to stderr (JSON lines, as stderr is not a terminal here)."""
        return [json.loads(line)["event"] for line in self.err.splitlines() if line.startswith("{")]

    def logged(self, text: str) -> bool:
        return any(text in event for event in self.events)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "optout-home"
    monkeypatch.setenv("OPTOUT_HOME", str(path))
    return path


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def vault(home: Path) -> Vault:
    return Vault(home)


@pytest.fixture
def linkedin() -> Iterator[ReplayServer]:
    with ReplayServer("linkedin", slow_ms=300) as server:
        yield server


@pytest.fixture
def signed_in(linkedin: ReplayServer, vault: Vault) -> ReplayServer:
    """The replay server, with a saved LinkedIn session for account 'default'."""
    vault.save("linkedin", "default", linkedin.make_session("linkedin.com"))
    return linkedin


@pytest.fixture
def optout(capsys: pytest.CaptureFixture[str], home: Path):
    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
