"""What a run acts on (`Target`: one platform and account) and how (`Options`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from agent.errors import BadInput, login_command
from agent.models.flow import Flow
from agent.models.result import Result
from agent.store.files import EVIDENCE_KEPT

if TYPE_CHECKING:
    from agent.store.history import HistoryStore


def local_origin(url: str) -> str:
    """`url` as an origin on this machine (http(s)://HOST[:PORT], HOST a loopback address or
    localhost), or BadInput. A saved session goes to its platform or to a local replay server,
    never elsewhere: the host is the URL's real hostname, and a user-info part is refused
    because it makes a URL that reads like one host go to another."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if (
        not parts
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        raise BadInput(f"Bad --base-url {url!r}: expected http(s)://HOST[:PORT], or PLATFORM=URL.")
    if "@" in parts.netloc or not _loopback(parts.hostname):
        raise BadInput(
            f"Bad --base-url {url!r}: it must be a loopback address (127.0.0.0/8, ::1 or "
            "localhost), so that a saved session never leaves this machine."
        )
    return f"{parts.scheme}://{parts.netloc}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Target:
    """One platform and account to act on; `origin` replaces the platform's (`--base-url`)."""

    flow: Flow
    account: str = "default"
    origin: str | None = None

    def __post_init__(self) -> None:
        if self.origin is not None:
            local_origin(self.origin)

    @property
    def site(self) -> str:
        """The origin this run talks to: the replay server's, or the platform's own."""
        return self.origin or self.flow.origin

    @property
    def login_hint(self) -> str:
        return login_command(self.flow.id, self.account)


@dataclass(frozen=True)
class Event:
    """What the engine tells whoever watches a run (a progress line, the Ctrl-C message): a
    target began a planned step, is about to send a change to the platform, or is done (with
    its `result`)."""

    platform: str
    account: str
    kind: Literal["step", "changing", "done"]
    step: int
    description: str = ""
    result: Result | None = None
    setting: str = ""  # which of the platform's settings, when it has several

    @classmethod
    def of(
        cls,
        target: Target,
        kind: Literal["step", "changing", "done"],
        step: int,
        description: str = "",
        result: Result | None = None,
    ) -> Event:
        flow = target.flow
        return cls(flow.id, target.account, kind, step, description, result, flow.setting.id)


@dataclass(frozen=True)
class Options:
    headed: bool = False
    timeout: float = 20.0  # seconds to wait for any one thing to appear
    home: Path = field(default_factory=lambda: _default_home())
    choices: frozenset[str] = frozenset()  # e.g. {"delete-activity"}
    on_event: Callable[[Event], None] | None = None
    # Runs of each platform and account whose evidence is kept (the latest); 0 keeps them all.
    keep_evidence: int = EVIDENCE_KEPT
    # Where every result is kept: None is the SQLite file in `home`; a service may pass its own
    # store. `keep_history=False` keeps nothing (a benchmark, a throwaway replay).
    history: HistoryStore | None = None
    keep_history: bool = True
    # How many targets run at once (None: `default_jobs()`), and the least time between two
    # targets starting on the same site (plus as much again at random): no site sees a burst.
    jobs: int | None = None
    spacing: float = 0.1

    @property
    def deadline(self) -> float:
        """Seconds after which a target stops, whatever its page does: each step may wait up
        to `timeout`, and a few of them do."""
        return DEADLINE_TIMEOUTS * self.timeout


DEADLINE_TIMEOUTS = 5


def default_jobs() -> int:
    """Targets at once: two per CPU (a target waits on the network most of the time), at least
    two and at most eight (each is a browser page, about 100 MB)."""
    import os

    return min(8, max(2, 2 * (os.cpu_count() or 1)))


def _default_home() -> Path:
    """OPTOUT_HOME, else the user's data folder: where sessions and evidence live."""
    from agent.store.files import home

    return home()
