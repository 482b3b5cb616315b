"""Times a person types: how often (`--every 6h`) and since when (`--since 2025-03-01`, or
`--since 7d` for "the last seven days")."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from agent.errors import BadInput

UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
         "w": timedelta(weeks=1)}  # fmt: skip
_SPAN = re.compile(r"\s*(\d+)\s*([mhdw])\s*", re.I)


def parse_span(text: str, option: str) -> timedelta:
    """`30m`, `12h`, `1d`, `1w` as a time span; BadInput naming the option otherwise."""
    found = _SPAN.fullmatch(text)
    if not found or int(found.group(1)) == 0:
        raise BadInput(
            f"{option} {text!r}: expected a number and a unit, e.g. 30m, 12h, 1d or 1w."
        )
    return int(found.group(1)) * UNITS[found.group(2).lower()]


def parse_since(text: str, now: datetime) -> datetime:
    """A date (2025-03-01, midnight UTC), a time (2025-03-01T14:00, UTC unless it says), or a
    span back from `now` (7d)."""
    if _SPAN.fullmatch(text):
        return now - parse_span(text, "--since")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(
            f"--since {text!r}: expected a date (2025-03-01), a time (2025-03-01T14:00) or a "
            "span back from now (7d, 12h)."
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def spoken(span: timedelta) -> str:
    """A span as `--every` takes it: 1d, 12h, 90m."""
    for unit, size in reversed(UNITS.items()):
        if span % size == timedelta(0):
            return f"{span // size}{unit}"
    raise ValueError(f"{span} is not a whole number of minutes")
