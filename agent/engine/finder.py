"""Finding things on a page the way a person would: by role and accessible name first, and only
what is visible counts."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

    from agent.models import Locate


class Finder:
    def __init__(self, page: Page, timeout_ms: float) -> None:
        self.page = page
        self.timeout_ms = timeout_ms

    def locator(self, way: Locate) -> Locator:
        scope: Page | Locator = self.locator(way.within) if way.within else self.page
        if way.role:
            name = re.compile(way.name, re.I) if way.name else None
            found = scope.get_by_role(way.role, name=name)
        elif way.text:
            found = scope.get_by_text(re.compile(way.text, re.I))
        elif way.href:  # the link's address ends with the path (before any ?query or #part)
            ends = [f"a[href$={json.dumps(way.href)}]"]
            ends += [f"a[href*={json.dumps(way.href + tail)}]" for tail in "?#"]
            found = scope.locator(", ".join(ends))
        else:
            found = scope.locator(way.css or "")
        return found.filter(visible=True)

    def any(self, ways: tuple[Locate, ...]) -> Locator:
        union = self.locator(ways[0])
        for way in ways[1:]:
            union = union.or_(self.locator(way))
        return union

    async def present(self, ways: tuple[Locate, ...]) -> Locator | None:
        """The first way (in the flow's order of preference) that matches now."""
        for way in ways:
            found = self.locator(way)
            if await found.count():
                return found
        return None

    async def wait_any(self, ways: tuple[Locate, ...]) -> bool:
        """Wait until any of `ways` shows; False when none does in time."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        try:
            await self.any(ways).first.wait_for(state="visible", timeout=self.timeout_ms)
        except PlaywrightTimeout:
            return False
        return True
