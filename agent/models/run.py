"""What a run acts on (`Target`: one platform and account) and how (`Options`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.errors import login_command
from agent.models.flow import Flow


@dataclass(frozen=True)
class Target:
    """One platform and account to act on; `origin` replaces the platform's (`--base-url`)."""

    flow: Flow
    account: str = "default"
    origin: str | None = None

    @property
    def site(self) -> str:
        """The origin this run talks to: the replay server's, or the platform's own."""
        return self.origin or self.flow.origin

    @property
    def login_hint(self) -> str:
        return login_command(self.flow.id, self.account)


@dataclass(frozen=True)
class Options:
    headed: bool = False
    timeout: float = 20.0  # seconds to wait for any one thing to appear
    home: Path = field(default_factory=Path.cwd)
    choices: frozenset[str] = frozenset()  # e.g. {"delete-activity"}
