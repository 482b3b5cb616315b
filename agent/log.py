"""Logging, after structlog's production recipe: shared processors, a console renderer when
stderr is a terminal and JSON lines otherwise, and one processor that redacts secrets.

Secrets are redacted twice over: by key (any field named like a cookie, token or password) and
by value (every session cookie value the run has loaded is registered with `redact_values`, and
scrubbed from every string logged or written as evidence)."""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

import structlog

REDACTED = "[redacted]"
SECRET_KEYS = frozenset(
    {
        "cookie",
        "cookies",
        "set-cookie",
        "token",
        "csrf",
        "csrf-token",
        "password",
        "secret",
        "authorization",
        "storage_state",
        "value",
    }
)
_secret_values: set[str] = set()


def redact_values(values: list[str]) -> None:
    """Never show these strings (session cookie values) in logs or evidence."""
    _secret_values.update(v for v in values if len(v) >= 4)


def scrub(text: str) -> str:
    for secret in sorted(_secret_values, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.lower() in SECRET_KEYS:
            event[key] = REDACTED
        elif isinstance(value, str):
            event[key] = scrub(value)
    return event


def _stderr_logger(*_: Any) -> structlog.PrintLogger:
    """A logger on whatever stderr is when the logger is made (a test runner swaps it)."""
    return structlog.PrintLogger(file=sys.stderr)


def configure(*, verbose: bool, stream: TextIO | None = None) -> None:
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if (stream or sys.stderr).isatty()
        else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.DEBUG if verbose else logging.INFO
        ),
        logger_factory=structlog.PrintLoggerFactory(file=stream) if stream else _stderr_logger,
        cache_logger_on_first_use=False,
    )


def get(name: str = "optout") -> Any:
    return structlog.get_logger(name)


BUG_LOG_MAX_BYTES = 1_000_000  # past this, optout.log is rotated
BUG_LOG_KEPT = 2  # rotated files kept beside it: optout.log.1 (newer) and optout.log.2
_ENTRY_MAX_BYTES = 100_000  # one traceback this long is already more than a report needs


def record_bug(error: BaseException, home: Path) -> Path:
    """Append the traceback of an unexpected error (scrubbed) to OPTOUT_HOME/logs/optout.log.

    One write per entry, appended (never read and rewritten), so concurrent failures in other
    threads and processes all keep theirs. The rotation (optout.log -> .1 -> .2) happens under
    a lock, so that two processes never rotate the same file twice."""
    from agent.errors import PersonMustAct
    from agent.store.files import append_private
    from agent.store.locks import hold

    path = home / "logs" / "optout.log"
    trace = scrub("".join(traceback.format_exception(error)))
    entry = f"[{datetime.now(timezone.utc).isoformat()}]\n{trace}\n".encode()
    if len(entry) > _ENTRY_MAX_BYTES:
        entry = entry[: _ENTRY_MAX_BYTES // 2] + b"\n[...]\n" + entry[-_ENTRY_MAX_BYTES // 2 :]
    try:
        with hold(home, "bug-log", wait=10, what="The bug log"):
            _rotate(path, len(entry))
            return append_private(path, entry, root=home)
    except PersonMustAct:
        # Another process has held the lock for long: keep this entry all the same, unrotated.
        return append_private(path, entry, root=home)


def _rotate(path: Path, incoming: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0 or size + incoming <= BUG_LOG_MAX_BYTES:
        return
    for n in range(BUG_LOG_KEPT, 1, -1):
        older = path.with_name(f"{path.name}.{n - 1}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{n}"))
    path.replace(path.with_name(f"{path.name}.1"))


def bug_message(error: BaseException, where: str, log_path: Path) -> str:
    detail = scrub(str(error)).splitlines()[0] if str(error) else "no details"
    return (
        f"optout hit a bug {where} ({type(error).__name__}: {detail}). "
        f"The details are in {log_path}; please report it."
    )
