"""The run history: every status, dry run and apply result, kept in SQLite at
OPTOUT_HOME/history.sqlite3, one row per platform, account, setting and run.

Watching needs memory: a setting found ON means "switched back on" only next to an earlier OFF
reading, and a person who complains to a regulator needs the dates. The file is the person's
record, so optout never replaces or rewrites one it cannot read or that a newer optout wrote:
it stops with a message instead.

Several optout runs (a scheduled check, a person at the terminal) may write at once: the
database is in WAL mode (readers never block the writer), every write is one short
`BEGIN IMMEDIATE` transaction (it takes the write lock up front, so it waits for its turn rather
than failing half-way), and SQLite's busy timeout makes a writer wait for the lock instead of
giving up.

`HistoryStore` is the interface the rest of optout uses, so that a service could keep the same
history in another database; `SQLiteHistory` is the local, default one.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from agent.errors import BadInput, OptoutError
from agent.log import scrub
from agent.models import Action, Result, State
from agent.store.files import home, private_dir

FILENAME = "history.sqlite3"
BUSY_TIMEOUT_S = 10.0  # far above a write's few milliseconds, even with many runs at once

# Migration i takes the schema from version i to version i + 1 (`PRAGMA user_version`); the
# code knows versions up to len(MIGRATIONS). Append new ones; never edit one that has shipped,
# as existing files were built by it.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE results (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL,
            checked_at TEXT NOT NULL,
            platform TEXT NOT NULL,
            account TEXT NOT NULL,
            setting TEXT NOT NULL,
            action TEXT NOT NULL,
            state_before TEXT NOT NULL,
            state TEXT NOT NULL,
            changed INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            error_kind TEXT,
            error_message TEXT,
            error_step INTEGER,
            evidence TEXT NOT NULL,
            language TEXT,
            version TEXT NOT NULL,
            found_by TEXT,
            UNIQUE (run_id, platform, account, setting)
        )
        """,
        "CREATE INDEX results_target ON results (platform, account, setting, checked_at)",
        "CREATE INDEX results_time ON results (checked_at)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    "run_id, checked_at, platform, account, setting, action, state_before, state, changed, "
    "outcome, error_kind, error_message, error_step, evidence, language, version, found_by"
)
_INSERT = f"INSERT INTO results ({_COLUMNS}) VALUES ({', '.join('?' * (_COLUMNS.count(',') + 1))})"
_SELECT = f"SELECT id, {_COLUMNS} FROM results"
# Oldest first by the time the page was read; rows of runs that overlapped keep insertion order.
_ORDER = "checked_at, id"


class HistoryRow(BaseModel):
    """One platform, account and setting after one run, as the history keeps it."""

    model_config = ConfigDict(frozen=True)

    id: int
    run_id: str
    checked_at: datetime  # UTC, aware
    platform: str
    account: str
    setting: str
    action: Action
    state_before: State
    state: State  # after the run: for an apply that switched it off, the fresh load's reading
    changed: bool
    outcome: str  # "ok", or the error's kind
    error_kind: str | None = None
    error_message: str | None = None
    error_step: int | None = None
    evidence: list[str] = []
    language: str | None = None
    version: str
    found_by: str | None = None

    @property
    def is_reading(self) -> bool:
        """Whether the page's state was read in this run (even if the run then failed)."""
        return self.state != "unknown"


class HistoryStore(Protocol):
    """What optout needs from a history, whatever keeps it."""

    def record(self, results: Sequence[Result], *, run_id: str, version: str) -> None:
        """Keep one run's results, all or none."""
        ...

    def rows(
        self,
        platform: str | None = None,
        account: str | None = None,
        since: datetime | None = None,
    ) -> list[HistoryRow]:
        """Rows oldest first, optionally of one platform, one account, read at or after `since`."""
        ...

    def last_reading(
        self,
        platform: str,
        account: str,
        setting: str,
        *,
        state: State | None = None,
        before: datetime | None = None,
    ) -> HistoryRow | None:
        """The newest row whose state was read (optionally: that showed `state`, read before
        `before`)."""
        ...

    def close(self) -> None: ...


def new_run_id() -> str:
    """A run id that sorts by time and is unique across processes: 20250131T140501Z-3f9a1c2b."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def history_path(folder: Path | None = None) -> Path:
    """Where the history lives: OPTOUT_HOME/history.sqlite3."""
    return (folder or home()) / FILENAME


def switched_back_on_since(
    history: HistoryStore, platform: str, account: str, setting: str
) -> datetime | None:
    """When the setting was last seen OFF, if the newest reading shows it ON again: the date
    in "switched back on since <date>". None if it is not ON, or was never seen OFF."""
    latest = history.last_reading(platform, account, setting)
    if latest is None or latest.state != "on":
        return None
    off = history.last_reading(platform, account, setting, state="off")
    return off.checked_at if off else None


class SQLiteHistory:
    """The history in one local SQLite file (0600, in a 0700 folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        private_dir(path.parent, path.parent)  # the history sits at the top of OPTOUT_HOME
        _create_private(path)
        try:
            # isolation_level=None: transactions are the explicit ones below, nothing implicit.
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._db.row_factory = sqlite3.Row
        except sqlite3.Error as e:
            raise self._unreadable(e) from e
        try:
            with self._guard():
                self._open()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> SQLiteHistory:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # --- the interface ------------------------------------------------------------------------

    def record(self, results: Sequence[Result], *, run_id: str, version: str) -> None:
        keys = {(r.platform, r.account, r.setting) for r in results}
        if len(keys) != len(results):
            raise ValueError("a run has one result per platform, account and setting")
        values = [_values(r, run_id, version) for r in results]
        with self._guard():
            try:
                with self._write():
                    self._db.executemany(_INSERT, values)
            except sqlite3.IntegrityError as e:
                raise ValueError(f"run {run_id} is already in the history: {e}") from e

    def rows(
        self,
        platform: str | None = None,
        account: str | None = None,
        since: datetime | None = None,
    ) -> list[HistoryRow]:
        where, params = [], []
        if platform is not None:
            where.append("platform = ?")
            params.append(platform)
        if account is not None:
            where.append("account = ?")
            params.append(account)
        if since is not None:
            where.append("checked_at >= ?")
            params.append(_utc_text(since))
        sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + f" ORDER BY {_ORDER}"
        with self._guard():
            return [_row(r) for r in self._db.execute(sql, params)]

    def last_reading(
        self,
        platform: str,
        account: str,
        setting: str,
        *,
        state: State | None = None,
        before: datetime | None = None,
    ) -> HistoryRow | None:
        sql = _SELECT + " WHERE platform = ? AND account = ? AND setting = ? AND state != 'unknown'"
        params = [platform, account, setting]
        if state is not None:
            sql += " AND state = ?"
            params.append(state)
        if before is not None:
            sql += " AND checked_at < ?"
            params.append(_utc_text(before))
        sql += " ORDER BY checked_at DESC, id DESC LIMIT 1"
        with self._guard():
            found = self._db.execute(sql, params).fetchone()
        return _row(found) if found else None

    # --- opening and migrating ----------------------------------------------------------------

    def _open(self) -> None:
        # Read before writing anything: a file that is not SQLite fails here, and one from a
        # newer optout or another program is refused, byte for byte as it was. One statement,
        # so one snapshot: another run may be migrating this very file, and version 0 with
        # tables can then only be someone else's database.
        version, tables = self._db.execute(
            "SELECT (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
        self._refuse_newer(version)
        if version == 0 and tables:
            raise BadInput(
                f"{self.path} is an SQLite database, but not optout's history, and was left as "
                "it is. Move it aside to start a new history there."
            )
        mode = self._use_wal()
        if mode != "wal":
            raise BadInput(
                f"{self.path} cannot be shared safely between runs (journal mode {mode}, not "
                "WAL): keep OPTOUT_HOME on a local disk."
            )
        if version < SCHEMA_VERSION:
            self._migrate()

    def _use_wal(self) -> str:
        """Switch to WAL mode (a no-op once the file is in it) and return the mode now in use.
        Switching needs the file to itself, and SQLite reports "locked" at once instead of
        waiting: that happens only while several runs open a new file, so wait and retry."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                mode: str = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                return mode
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    def _migrate(self) -> None:
        with self._write():
            # Another run may have migrated while this one waited for the lock.
            version = self._version()
            self._refuse_newer(version)
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    self._db.execute(statement)
            # A pragma cannot take a parameter; SCHEMA_VERSION is an int from this module.
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _version(self) -> int:
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise BadInput(
                f"{self.path} was written by a newer optout (history version {version}; this "
                f"one knows up to {SCHEMA_VERSION}) and was left as it is. Update optout."
            )

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk): do not mask them.
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite's errors as optout's: a lock held too long, or a file it cannot read."""
        try:
            yield
        except sqlite3.OperationalError as e:
            if "locked" in str(e):
                raise OptoutError(
                    f"{self.path} stayed locked by another optout run for over "
                    f"{BUSY_TIMEOUT_S:.0f} s. Try again when it is done."
                ) from e
            raise self._unreadable(e) from e
        except sqlite3.DatabaseError as e:
            raise self._unreadable(e) from e

    def _unreadable(self, error: sqlite3.Error) -> BadInput:
        return BadInput(
            f"Cannot read optout's history {self.path} ({error}); it was left as it is. "
            "Move it aside to start a new history, or restore it from a backup."
        )


def _create_private(path: Path) -> None:
    """Create an empty (hence valid, empty SQLite) 0600 file, so that SQLite opens a private
    one: it would create it with the umask's mode, and gives its -wal and -shm files the mode
    of the database file."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _utc_text(moment: datetime) -> str:
    """UTC, fixed width, so that text order is time order. A naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _values(result: Result, run_id: str, version: str) -> tuple[Any, ...]:
    error = result.error
    return (
        run_id,
        _utc_text(result.checked_at),
        result.platform,
        result.account,
        result.setting,
        result.action,
        result.state_before,
        result.state,
        int(result.changed),
        error.kind if error else "ok",
        error.kind if error else None,
        # Messages can quote a page; a session cookie's value must never reach the file.
        scrub(error.message) if error else None,
        error.step if error else None,
        json.dumps(result.evidence),
        result.language,
        version,
        result.found_by,
    )


def _row(row: sqlite3.Row) -> HistoryRow:
    data = dict(row)
    data["evidence"] = json.loads(data["evidence"])
    return HistoryRow.model_validate(data)
