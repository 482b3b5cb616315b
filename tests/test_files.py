"""OPTOUT_HOME and its folders: private to the person (0700), tightened when they are theirs
and open to others, refused when they belong to someone else, and one absolute place for a
whole run whatever the current folder."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agent.models import Cookie, StorageState
from agent.store import files

STATE = StorageState(
    cookies=[Cookie(name="li_at", value="AQEDAfolders-secret", domain=".linkedin.com")]
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def state_file(tmp_path: Path) -> Path:
    path = tmp_path / "state.json"
    path.write_text(STATE.model_dump_json())
    return path


def test_open_folders_of_ours_are_tightened(optout, home: Path, tmp_path: Path) -> None:
    (home / "sessions" / "linkedin").mkdir(parents=True)
    for folder in (home, home / "sessions", home / "sessions" / "linkedin"):
        folder.chmod(0o777)
    run = optout("session", "import", "linkedin", str(state_file(tmp_path)))
    assert run.code == 0, run.err
    for folder in (home, home / "sessions", home / "sessions" / "linkedin"):
        assert mode(folder) == 0o700, folder


def someone_else_owns(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `path` another user's: for real when this runs as root, else by pretending to be
    another user (what optout compares is the owner with the effective user id)."""
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    else:
        me = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: me + 1)


@pytest.mark.parametrize("whose", [".", "sessions"])
def test_a_folder_of_someone_else_is_refused(
    optout, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whose: str
) -> None:
    source = state_file(tmp_path)
    (home / "sessions").mkdir(parents=True)
    someone_else_owns(home / whose, monkeypatch)
    run = optout("session", "import", "linkedin", str(source))
    assert run.code == 2
    assert "belongs to another user" in run.err and "OPTOUT_HOME" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not list(home.rglob("*.session"))


def test_a_relative_optout_home_is_one_absolute_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    relative = f"rel-home-{tmp_path.name}"  # unique: the answer is kept for the whole process
    monkeypatch.setenv("OPTOUT_HOME", relative)
    monkeypatch.chdir(first)
    resolved = files.home()
    assert resolved.is_absolute() and resolved == first / relative
    monkeypatch.chdir(second)
    assert files.home() == first / relative


def test_write_private_stays_inside_its_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        files.write_private(tmp_path / "elsewhere" / "x", b"", root=tmp_path / "home")
