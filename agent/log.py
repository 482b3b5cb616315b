"""Logging, after structlog's production recipe: shared processors, a renderer for whoever
reads them (warnings as plain lines; every event, for a person, with --verbose; JSON lines when
asked), and one processor that redacts secrets.

Secrets are redacted twice over: by key (any field named like a cookie, token or password, at
any depth) and by value (every session cookie value the run has loaded is registered with
`redact_values`, and scrubbed, quoted or bare, plain or URL-encoded, from every key and value
logged, however deeply nested, and from every text written as evidence)."""

from __future__ import annotations

import logging
import re
import string
import sys
import traceback
from datetime import UTC, datetime
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
_pattern: re.Pattern[str] | None = None  # every shape of every secret; made again on a new one
# What a URL carries as it is (RFC 3986's unreserved characters); any other may be %-encoded.
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_DEPTH = 20  # past this, a nested field is shown as its (scrubbed) text: a cycle ends here


def redact_values(values: list[str]) -> None:
    """Never show these strings (session cookie values) in logs or evidence, in any shape."""
    global _pattern
    new = {v for v in values if len(v.strip('"')) >= 4} - _secret_values
    if new:
        _secret_values.update(new)
        _pattern = None


def _shapes(secret: str) -> str:
    """A pattern for every shape `secret` takes in text. Without the quotes around it: a
    cookie's value may be quoted (one site's CSRF cookie is "ajax:..."), and what a page or a
    header carries is the bare value; quotes around it stay, around [redacted]. And each
    character as itself or %-encoded, in either case (in a URL; twice, %25.., in a URL within a
    URL), a space also as '+'."""
    parts = []
    for char in secret.strip('"'):
        if char in _UNRESERVED:
            parts.append(re.escape(char))
            continue
        utf8 = char.encode("utf-8", "surrogatepass")
        encoded = "".join(f"%(?:25)?{byte:02X}" for byte in utf8)
        shapes = [re.escape(char), f"(?i:{encoded})", *([r"\+"] if char == " " else [])]
        parts.append(f"(?:{'|'.join(shapes)})")
    return "".join(parts)


def scrub(text: str) -> str:
    """`text` with every shape of every registered secret replaced by [redacted]."""
    global _pattern
    if _pattern is None:
        if not _secret_values:
            return text
        longest_first = sorted(_secret_values, key=len, reverse=True)
        _pattern = re.compile("|".join(_shapes(secret) for secret in longest_first))
    return _pattern.sub(REDACTED, text)


def _clean(value: Any, depth: int = 0) -> Any:
    """`value` scrubbed at any depth, keys and values; a field named like a secret (at any
    depth) is redacted whole."""
    if isinstance(value, str):
        return scrub(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if depth < _DEPTH and isinstance(value, dict):
        return {
            _clean(key, depth + 1): REDACTED
            if isinstance(key, str) and key.lower() in SECRET_KEYS
            else _clean(item, depth + 1)
            for key, item in value.items()
        }
    if depth < _DEPTH and isinstance(value, (list, tuple, set, frozenset)):
        items = [_clean(item, depth + 1) for item in value]
        return items if isinstance(value, list) else tuple(items)
    # Anything else is printed as its repr by both renderers: keep it unless that shows a secret.
    shown = repr(value)
    cleaned = scrub(shown)
    return value if cleaned == shown else cleaned


def _redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = _clean(event)
    return cleaned


def _stderr_logger(*_: Any) -> structlog.PrintLogger:
    """A logger on whatever stderr is when the logger is made (a test runner swaps it)."""
    return structlog.PrintLogger(file=sys.stderr)


def _plain(_: Any, level: str, event: dict[str, Any]) -> str:
    """A warning as a person reads it, without --verbose: one line, no timestamp."""
    whose = f"{event['platform']} ({event['account']}): " if "platform" in event else ""
    return f"optout: {level}: {whose}{event['event']}"


def configure(*, verbose: bool, as_json: bool = False, stream: TextIO | None = None) -> None:
    """Logs on stderr: only warnings (plain lines) unless asked for more; `verbose` adds every
    event down to debug (a console rendering, for a person); `as_json` makes them JSON lines
    from info up (for a program, or a test), down to debug with `verbose`."""
    renderer: Any
    if as_json:
        renderer, level = structlog.processors.JSONRenderer(), logging.INFO
    elif verbose:
        renderer, level = structlog.dev.ConsoleRenderer(colors=False), logging.DEBUG
    else:
        renderer, level = _plain, logging.WARNING
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG if verbose else level),
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
    entry = f"[{datetime.now(UTC).isoformat()}]\n{trace}\n".encode()
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
