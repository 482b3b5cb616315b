"""Finding things on a page the way a person would: by role and accessible name first, and only
what is visible counts. Waiting for something ends when it shows, or as soon as the page has
settled without it (nothing loading, nothing changing for a moment): absence is judged on a
page that is done, not after the full timeout at every step."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from playwright.async_api import Locator, Page, Request

    from agent.models import Locate

from agent.models.locate import pattern

SETTLED_SECONDS = 1.5  # nothing loading and nothing changing this long: the page is done
# A page that answers slowly (a loaded machine, a busy page) renders slowly too: it must stay
# still for this many times its slowest answer's delay, when that is longer than the above.
SLOW_ANSWER_FACTOR = 5
POLL_SECONDS = 0.25
# A request open this long is a background connection (long polling, a stream), not loading.
BACKGROUND_SECONDS = 5.0
# Elements that have a state of their own, and those that have none.
STATEFUL = "[aria-checked], [aria-pressed], input[type=checkbox], input[type=radio]"
STATELESS = ":not([aria-checked]):not([aria-pressed]):not(input[type=checkbox]):not(input[type=radio])"
# The page's shape: a change in it means the page is still rendering.
SHAPE_JS = """() => [document.readyState, document.getElementsByTagName('*').length,
  document.body ? document.body.innerText.length : 0].join(' ')"""

# The branch of the row (under the nearest ancestor that also holds the title) that holds the
# element: it shows no words but the element's own when it is the element's own part of the row.
OWN_ROW_JS = """(el, title) => {
  let branch = el;
  while (branch.parentElement && !branch.parentElement.contains(title)) branch = branch.parentElement;
  if (!branch.parentElement) return false;
  return !(branch.innerText || '').replace(el.innerText || '', '').trim();
}"""


def quiet_needed(slowest_answer: float) -> float:
    """How long a page must stay still to be done, given its slowest answer so far."""
    return max(SETTLED_SECONDS, SLOW_ANSWER_FACTOR * slowest_answer)


class Finder:
    def __init__(self, page: Page, timeout_ms: float, log: Any = None) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.log = log  # where the judgement "settled without it" is told, with its grounds
        self.grounds: dict[str, object] = {}  # what the last wait saw when it ended
        self._loading: dict[Request, float] = {}
        self._last_loaded = time.monotonic()
        # Building a locator compiles its name pattern and escapes it for Playwright's
        # selector: measured at a tenth of the demo's CPU when done at every look.
        self._locators: dict[Locate, Locator] = {}
        page.on("request", self._started)
        # A request is done once its whole answer is in, not when its headers are: on a loaded
        # machine the body (what the page renders from) can come seconds later. One that never
        # finishes counts as a background connection after BACKGROUND_SECONDS.
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        self._loading[request] = time.monotonic()

    def _ended(self, request: Request) -> None:
        self._loading.pop(request, None)
        self._last_loaded = time.monotonic()

    def locator(self, way: Locate) -> Locator:
        """What `way` finds on this page (a query: it is looked up anew at each use)."""
        if way not in self._locators:
            self._locators[way] = self._locator(way)
        return self._locators[way]

    def _locator(self, way: Locate) -> Locator:
        scope: Page | Locator = self.locator(way.within) if way.within else self.page
        if way.beside:
            # The anchor's nearest ancestor that holds such an element too: its row. Ancestors
            # come outermost first, so the last is the nearest.
            holders = self.locator(way.beside).locator("xpath=ancestor::*")
            scope = holders.filter(has=self._query(self.page, way)).last
        return self._query(scope, way)

    def _query(self, scope: Page | Locator, way: Locate) -> Locator:
        """The visible elements `way` finds in `scope` (its own `within` and `beside` aside)."""
        if way.role:
            name = pattern(way.name) if way.name else None
            found = scope.get_by_role(way.role, name=name, checked=way.checked)
        elif way.text:
            found = scope.get_by_text(pattern(way.text))
        elif way.href:  # the link's address ends with the path (before any ?query or #part)
            ends = [f"a[href$={json.dumps(way.href)}]"]
            ends += [f"a[href*={json.dumps(way.href + tail)}]" for tail in "?#"]
            found = scope.locator(", ".join(ends))
        else:
            found = scope.locator(way.css or "")
        if way.stateful is not None:
            found = found.and_(self.page.locator(STATEFUL if way.stateful else STATELESS))
        return found.filter(visible=True)

    async def in_own_row(self, way: Locate, found: Locator) -> bool:
        """Whether `found`, found `beside` a title, is that title's own: the part of their row
        that holds it shows no words of its own. (When the title's row lost its control, the
        nearest is another row's, which shows that row's title.)"""
        if way.beside is None:
            return True
        title = await self.locator(way.beside).first.element_handle(timeout=self.timeout_ms)
        return bool(await found.evaluate(OWN_ROW_JS, title))

    def any(self, ways: tuple[Locate, ...]) -> Locator:
        union = self.locator(ways[0])
        for way in ways[1:]:
            union = union.or_(self.locator(way))
        return union

    async def present(self, ways: tuple[Locate, ...]) -> Locator | None:
        """The first way (in the flow's order of preference) that matches now."""
        found = await self.which(ways)
        return None if found is None else found[1]

    async def which(self, ways: tuple[Locate, ...]) -> tuple[Locate, Locator] | None:
        """`present`, with the way that matched: a result says how its control was found."""
        for way in ways:
            found = self.locator(way)
            if await found.count():
                return way, found
        return None

    async def wait_any(self, ways: tuple[Locate, ...]) -> bool:
        """Wait until any of `ways` shows: False when none does before the page settles
        without it, or within the timeout while it keeps loading."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        first = self.any(ways).first

        async def shows(within: float) -> bool:
            try:
                await first.wait_for(state="visible", timeout=within * 1000)
            except PlaywrightTimeout:
                # On a starved page a wait this short can end before it has looked once:
                # what is there now is asked directly.
                return await self._there_now(first, within=POLL_SECONDS * 4)
            return True

        if await self._until_settled(shows, self.timeout_ms / 1000):
            return True
        # The judgement gets a look that has all the time the page takes to answer: on a
        # starved page, a look at a page of many elements can take longer than a poll.
        if await self._there_now(first, within=self.timeout_ms / 1000):
            return True
        if self.log is not None:
            self.log.info("the page settled without it", **self.grounds)
        return False

    async def settle(self, limit: float) -> None:
        """Wait until the page has settled, for at most `limit` seconds."""

        async def nothing(within: float) -> bool:
            await asyncio.sleep(within)
            return False

        await self._until_settled(nothing, limit)

    async def _until_settled(
        self, found: Callable[[float], Awaitable[bool]], limit: float
    ) -> bool:
        """True as soon as `found(seconds)` (which waits at most that long) says so; False
        once the page has settled without it, or after `limit` seconds."""
        began = time.monotonic()
        deadline = began + limit
        shape, still_since, slowest = None, time.monotonic(), 0.0
        while (remaining := deadline - time.monotonic()) > 0:
            if await found(min(POLL_SECONDS, remaining)):
                return True
            asked = time.monotonic()
            now_shape = await self._shape()
            now = time.monotonic()
            if now_shape != shape:
                shape, still_since = now_shape, now
            slowest = max(slowest, now - asked)
            moment = quiet_needed(slowest)
            self.grounds = {
                "waited_s": round(now - began, 2),
                "still_s": round(now - still_since, 2),
                "quiet_needed_s": round(moment, 2),
                "since_last_answer_s": round(now - self._last_loaded, 2),
                "open_requests": len(self._loading),
                "shape": shape,
            }
            if shape is not None and self._settled(since=still_since, now=now, moment=moment):
                return False
        return False

    def _settled(self, *, since: float, now: float, moment: float) -> bool:
        """Nothing has loaded, and the page's shape has not changed, for a `moment`."""
        if any(now - started < BACKGROUND_SECONDS for started in self._loading.values()):
            return False
        return now - max(since, self._last_loaded) >= moment

    async def _there_now(self, found: Locator, *, within: float) -> bool:
        """Whether `found` matches now; False when the page does not answer `within` seconds."""
        try:
            return bool(await asyncio.wait_for(found.count(), within))
        except TimeoutError:  # a page whose scripts do not yield
            return False

    async def _shape(self) -> str | None:
        """The page's shape once it has loaded; None while it loads or does not answer."""
        try:
            shape: str = await asyncio.wait_for(self.page.evaluate(SHAPE_JS), POLL_SECONDS * 4)
        except Exception:  # a page that navigates away or never yields has no shape yet
            return None
        return shape if shape.startswith("complete") else None
