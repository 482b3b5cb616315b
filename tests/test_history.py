"""The run history: what it keeps, what it refuses to touch, and several runs writing at once."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from agent.errors import BadInput, ExitCode
from agent.models import ErrorInfo, Result, State
from agent.store import history
from agent.store.history import (
    SCHEMA_VERSION,
    HistoryStore,
    SQLiteHistory,
    history_path,
    new_run_id,
    switched_back_on_since,
)

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def result(
    state: State,
    at: datetime = T0,
    *,
    platform: str = "linkedin",
    account: str = "default",
    setting: str = "data-for-ai-improvement",
    action: str = "status",
    **fields: object,
) -> Result:
    return Result.model_validate(
        {
            "platform": platform,
            "account": account,
            "setting": setting,
            "action": action,
            "state_before": state,
            "state": state,
            "checked_at": at,
        }
        | fields
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "history.sqlite3"


@pytest.fixture
def store(path: Path):
    with SQLiteHistory(path) as opened:
        yield opened


def run_python(code: str, *args: str) -> subprocess.Popen[bytes]:
    """Another process, as a second optout run would be."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env)


def test_every_field_is_kept_across_instances(path: Path) -> None:
    applied = result(
        "off",
        T0,
        action="apply",
        state_before="on",
        changed=True,
        evidence=["/h/evidence/linkedin/default/1-apply.png"],
        language="de",
        found_by="structure",
    )
    failed = result(
        "unknown",
        T0 + timedelta(days=1),
        platform="chatgpt",
        setting="improve-the-model",
        error=ErrorInfo(kind="site_changed", message="No switch on the page.", step=3),
    )
    with SQLiteHistory(path) as first:
        first.record([applied, failed], run_id="run-1", version="0.1.0")
    with SQLiteHistory(path) as second:
        rows = second.rows()

    assert [r.model_dump(exclude={"id"}) for r in rows] == [
        {
            "run_id": "run-1",
            "checked_at": T0,
            "platform": "linkedin",
            "account": "default",
            "setting": "data-for-ai-improvement",
            "action": "apply",
            "state_before": "on",
            "state": "off",
            "changed": True,
            "outcome": "ok",
            "error_kind": None,
            "error_message": None,
            "error_step": None,
            "evidence": ["/h/evidence/linkedin/default/1-apply.png"],
            "language": "de",
            "version": "0.1.0",
            "found_by": "structure",
        },
        {
            "run_id": "run-1",
            "checked_at": T0 + timedelta(days=1),
            "platform": "chatgpt",
            "account": "default",
            "setting": "improve-the-model",
            "action": "status",
            "state_before": "unknown",
            "state": "unknown",
            "changed": False,
            "outcome": "site_changed",
            "error_kind": "site_changed",
            "error_message": "No switch on the page.",
            "error_step": 3,
            "evidence": [],
            "language": None,
            "version": "0.1.0",
            "found_by": None,
        },
    ]
    assert rows[0].checked_at.utcoffset() == timedelta(0)


def test_rows_written_by_another_process_are_read(store: SQLiteHistory, path: Path) -> None:
    store.record([result("on")], run_id="here", version="0.1.0")
    code = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from agent.models import Result
from agent.store.history import SQLiteHistory
with SQLiteHistory(Path(sys.argv[1])) as h:
    assert [r.run_id for r in h.rows()] == ["here"]
    h.record([Result(platform="linkedin", account="default", setting="data-for-ai-improvement",
        action="status", state="off", checked_at=datetime(2025, 3, 2, tzinfo=timezone.utc))],
        run_id="there", version="0.1.0")
"""
    assert run_python(code, str(path)).wait(timeout=60) == 0
    assert [(r.run_id, r.state) for r in store.rows()] == [("here", "on"), ("there", "off")]


def test_rows_oldest_first_and_filtered(store: SQLiteHistory) -> None:
    # Recorded out of time order, as overlapping runs would: the page's time decides.
    store.record([result("on", T0 + timedelta(days=2))], run_id="c", version="1")
    store.record(
        [result("off", T0), result("on", T0, platform="claude", setting="help-improve-claude")],
        run_id="a",
        version="1",
    )
    store.record([result("off", T0 + timedelta(days=1), account="work")], run_id="b", version="1")

    def runs(**filters: object) -> list[str]:
        return [f"{r.run_id}:{r.platform}:{r.account}" for r in store.rows(**filters)]

    assert runs() == [
        "a:linkedin:default",
        "a:claude:default",
        "b:linkedin:work",
        "c:linkedin:default",
    ]
    assert runs(platform="linkedin") == [
        "a:linkedin:default",
        "b:linkedin:work",
        "c:linkedin:default",
    ]
    assert runs(account="work") == ["b:linkedin:work"]
    assert runs(platform="linkedin", account="default") == [
        "a:linkedin:default",
        "c:linkedin:default",
    ]
    assert runs(since=T0 + timedelta(days=1)) == ["b:linkedin:work", "c:linkedin:default"]
    # A time in another zone is the same moment: 11:00 at UTC+1 is 10:00 UTC.
    plus_one = timezone(timedelta(hours=1))
    assert len(store.rows(since=datetime(2025, 3, 1, 11, 0, 0, 1, tzinfo=plus_one))) == 2
    assert runs(platform="gemini") == []


def test_last_reading_skips_runs_that_read_nothing(store: SQLiteHistory) -> None:
    signed_out = ErrorInfo(kind="auth_required", message="Sign in again.")
    store.record([result("off", T0)], run_id="1", version="1")
    store.record([result("off", T0 + timedelta(days=1))], run_id="2", version="1")
    store.record([result("on", T0 + timedelta(days=2))], run_id="3", version="1")
    store.record(
        [result("unknown", T0 + timedelta(days=3), error=signed_out)], run_id="4", version="1"
    )
    key = ("linkedin", "default", "data-for-ai-improvement")

    newest = store.last_reading(*key)
    assert newest is not None and (newest.run_id, newest.state) == ("3", "on")
    last_off = store.last_reading(*key, state="off")
    assert last_off is not None and last_off.run_id == "2"
    assert store.last_reading(*key, state="unavailable") is None
    assert store.last_reading("linkedin", "other", "data-for-ai-improvement") is None
    assert switched_back_on_since(store, *key) == T0 + timedelta(days=1)


def test_switched_back_on_needs_an_earlier_off(store: SQLiteHistory) -> None:
    key = ("linkedin", "default", "data-for-ai-improvement")
    assert switched_back_on_since(store, *key) is None  # no history at all
    store.record([result("on", T0)], run_id="1", version="1")
    assert switched_back_on_since(store, *key) is None  # ON from the start: never switched off
    # Switched off by optout: the apply's fresh load read OFF.
    applied = result(
        "off", T0 + timedelta(hours=1), action="apply", state_before="on", changed=True
    )
    store.record([applied], run_id="2", version="1")
    assert switched_back_on_since(store, *key) is None
    store.record([result("on", T0 + timedelta(days=9))], run_id="3", version="1")
    assert switched_back_on_since(store, *key) == T0 + timedelta(hours=1)


def test_a_run_is_recorded_whole_or_not_at_all(store: SQLiteHistory) -> None:
    store.record([result("on")], run_id="1", version="1")
    with pytest.raises(ValueError, match="one result per platform"):
        store.record([result("on"), result("off")], run_id="2", version="1")
    with pytest.raises(ValueError, match="already in the history"):
        store.record([result("off", platform="claude"), result("off")], run_id="1", version="1")
    assert [r.run_id for r in store.rows()] == ["1"]


def test_a_new_file_is_private(path: Path) -> None:
    with SQLiteHistory(path) as opened:
        opened.record([result("on")], run_id="1", version="1")
        # SQLite's side files, while a connection is open, are as private as the database.
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600] * 3
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert history_path(path.parent) == path


def test_a_fresh_file_gets_the_current_schema_in_wal_mode(path: Path) -> None:
    SQLiteHistory(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_schema_is_migrated_keeping_its_rows(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SQLiteHistory(path) as old:
        old.record([result("off")], run_id="before", version="0.1.0")
    # The code learns a version 2, as a later release would.
    later = (*history.MIGRATIONS, ("ALTER TABLE results ADD COLUMN note TEXT",))
    monkeypatch.setattr(history, "MIGRATIONS", later)
    monkeypatch.setattr(history, "SCHEMA_VERSION", len(later))

    with SQLiteHistory(path) as new:
        new.record([result("on", T0 + timedelta(days=1))], run_id="after", version="0.2.0")
        assert [(r.run_id, r.state) for r in new.rows()] == [("before", "off"), ("after", "on")]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(later)
        assert "note" in [c[1] for c in db.execute("PRAGMA table_info(results)")]


def make_newer(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE results (id INTEGER PRIMARY KEY, something_new TEXT)")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    sqlite3.connect(path).close()


def make_garbage(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"these are not the bytes of an SQLite database\n" * 200)


def make_foreign(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (make_newer, "written by a newer optout"),
        (make_garbage, "file is not a database"),
        (make_foreign, "not optout's history"),
    ],
)
def test_a_file_it_cannot_use_is_refused_and_left_alone(path: Path, make, says: str) -> None:
    make(path)
    before = path.read_bytes()
    with pytest.raises(BadInput, match=says) as refused:
        SQLiteHistory(path)
    assert str(path) in refused.value.message
    assert refused.value.exit_code == ExitCode.BAD_INPUT
    assert path.read_bytes() == before


def test_a_corrupt_file_is_refused_and_left_alone(path: Path) -> None:
    with SQLiteHistory(path) as opened:
        opened.record([result("on", account=f"a{i}") for i in range(200)], run_id="1", version="1")
    # Overwrite the pages after the first (the schema), where the rows live.
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)
    path.write_bytes(bytes(data))

    with pytest.raises(BadInput, match="left as it is") as refused, SQLiteHistory(path) as damaged:
        damaged.rows()
    assert str(path) in refused.value.message
    assert path.read_bytes() == data


def test_concurrent_runs_lose_no_row(path: Path) -> None:
    # Each process opens the (not yet existing) file for every record, as separate runs would,
    # so that creating, migrating and writing all race.
    code = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from agent.models import Result
from agent.store.history import SQLiteHistory
path, worker, gate = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
Path(f"{gate}.{worker}").touch()
while not gate.exists():
    time.sleep(0.001)
for i in range(25):
    with SQLiteHistory(path) as h:
        h.record([Result(platform="linkedin", account=worker, setting="s", action="status",
            state="off", checked_at=datetime.now(timezone.utc))], run_id=str(i), version="1")
"""
    gate = path.parent.parent / "go"
    workers = [run_python(code, str(path), str(n), str(gate)) for n in range(8)]
    deadline = time.monotonic() + 60
    while not all(Path(f"{gate}.{n}").exists() for n in range(8)):
        assert time.monotonic() < deadline, "the writers did not start"
        time.sleep(0.01)
    gate.touch()
    assert [w.wait(timeout=120) for w in workers] == [0] * 8

    with SQLiteHistory(path) as opened:
        rows = opened.rows()
    assert len(rows) == 200
    assert {(r.account, r.run_id) for r in rows} == {
        (str(w), str(i)) for w in range(8) for i in range(25)
    }


def test_recording_adds_only_milliseconds(path: Path) -> None:
    SQLiteHistory(path).close()
    results = [result("off", account=f"a{i}") for i in range(100)]
    started = time.perf_counter()
    with SQLiteHistory(path) as opened:
        opened.record(results[:1], run_id="one", version="1")
    with SQLiteHistory(path) as opened:
        opened.record(results, run_id="hundred", version="1")
    # Typically 1 ms and 4 ms; the bound leaves room for a busy, shared machine.
    assert time.perf_counter() - started < 0.5


def test_the_sqlite_store_is_a_history_store(store: SQLiteHistory) -> None:
    as_protocol: HistoryStore = store
    assert as_protocol.rows() == []
    first, second = new_run_id(), new_run_id()
    assert first != second and len(first) == len("20250131T140501Z-3f9a1c2b")
