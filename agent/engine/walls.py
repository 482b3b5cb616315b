"""Walls: the pages a platform shows instead of the setting when only the person can go on (a
sign-in page, a security check, new terms to accept). optout never gets past one by itself: it
stops there and says what to do."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from agent.errors import AuthRequired, ChallengeRequired, PersonMustAct

if TYPE_CHECKING:
    from agent.engine.visit import Visit
    from agent.models import Locate


class WallGuard:
    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.flow = visit.flow
        # What such a wall shows when the address does not change.
        self.shown_by: tuple[Locate, ...] = tuple(
            way for marker in self.flow.walls.markers for way in marker.shows
        )

    def stop(self, kind: Literal["sign_in", "challenge"], says: str | None = None) -> PersonMustAct:
        login = self.visit.target.login_hint
        step = self.visit.step.number
        if says:
            says = says.replace("{login}", login).replace("{platform}", self.flow.name)
        if kind == "challenge":
            return ChallengeRequired(
                says
                or f"{self.flow.name} is asking for a security check. optout never answers those: "
                f"complete it yourself in the browser that `{login}` opens, then run this again.",
                step=step,
            )
        return AuthRequired(
            says
            or f"{self.flow.name} shows its sign-in page: the saved session has expired or was "
            f"signed out. Sign in again: {login}",
            step=step,
        )

    def check_address(self) -> None:
        """Stop at a sign-in page or a security check, told by the page's address."""
        path = urlsplit(self.visit.page.url).path
        if any(re.search(p, path) for p in self.flow.walls.challenge):
            raise self.stop("challenge")
        if any(re.search(p, path) for p in self.flow.walls.sign_in):
            raise self.stop("sign_in")

    async def check_markers(self) -> None:
        """Stop when the page shows a wall without changing its address."""
        for marker in self.flow.walls.markers:
            if await self.visit.find.present(marker.shows):
                raise self.stop(marker.kind, marker.says)
