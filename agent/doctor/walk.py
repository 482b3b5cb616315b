"""The doctor's walk: every way to the setting, read-only, recording each step.

It uses the engine's own parts (the `Visit`, its finder, walls, overlays and navigation, the
control's driver), so that what it records is what `status` would meet; but where the walk of
`status` stops at the first failure, this one goes on: the setting's own page, then the whole
way a person clicks there even when the first worked, then reading the setting wherever it
showed. Only a wall (a sign-in page, a security check, new terms) ends it early, as nothing
past a wall is the person's page any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

from agent.doctor.report import Candidate, LocatorMatch, Report, StepRecord
from agent.engine import navigate
from agent.engine.finder import STATEFUL
from agent.engine.plan import Part
from agent.errors import OptoutError, PersonMustAct
from agent.store.sanitize import BOX_ATTRIBUTE, sanitize_aria, sanitize_attributes, sanitize_shared

if TYPE_CHECKING:
    from playwright.async_api import Response

    from agent.engine.plan import PlannedStep
    from agent.engine.visit import Visit
    from agent.models import Locate
    from agent.store.sanitize import Interface

Purpose = Literal["click", "ready", "control", "not_offered", "wall"]
# The page as Chromium holds it now, serialized from a copy: each image's (video's, frame's)
# rendered size, each checkbox's checked state and what CSS hides are written onto the copy,
# so that the sanitized page keeps them without the stylesheets; the live page is not touched.
PAGE_JS = """box => {
  const root = document.documentElement, copy = root.cloneNode(true);
  const live = root.querySelectorAll('*'), copies = copy.querySelectorAll('*');
  for (let i = 0; i < live.length && i < copies.length; i++) {
    const el = live[i], c = copies[i];
    if (el.matches('img, svg, video, canvas, picture, iframe, object, embed, audio')) {
      const r = el.getBoundingClientRect();
      c.setAttribute(box, Math.round(r.width) + 'x' + Math.round(r.height));
    }
    if (el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type)) {
      el.checked ? c.setAttribute('checked', '') : c.removeAttribute('checked');
    }
    if (el instanceof HTMLElement && document.body.contains(el) && !el.hidden
        && getComputedStyle(el).display === 'none') {
      c.setAttribute('hidden', '');
    }
  }
  return '<!DOCTYPE html>' + copy.outerHTML;
}"""
ATTRIBUTES_JS = """el => [el.tagName.toLowerCase(), Array.from(el.attributes).map(a => [a.name, a.value]),
  el instanceof HTMLInputElement ? String(el.checked) : null]"""
CANDIDATES = f"{STATEFUL}, [role=switch], [role=checkbox], [role=radio]"
MAX_CANDIDATES = 20


class Doctor:
    def __init__(self, visit: Visit, interface: Interface, report: Report) -> None:
        self.visit = visit
        self.interface = interface
        self.report = report
        self.files: dict[str, str] = {}  # zip member: text
        self.walls: tuple[Locate, ...] = visit.walls.shown_by
        self.redirects: list[tuple[str, str]] = []  # during the step being recorded
        visit.page.on("response", self._redirected)

    def _redirected(self, response: Response) -> None:
        """A page the site sent elsewhere (a route that moved): the fixture made from the
        report redirects it too."""
        location = response.headers.get("location")
        if (
            response.request.resource_type == "document"
            and location
            and 300 <= response.status < 400
        ):
            self.redirects.append((self._relative(response.url), self._relative(location)))

    def _relative(self, url: str) -> str:
        """An address on the page's site as a path, sanitized."""
        parts = urlsplit(urljoin(self.visit.page.url or "", url))
        return self.interface.url(urlunsplit(("", "", *parts[2:])))

    async def examine(self) -> None:
        """Record every way to the setting, within the deadline; what was recorded stays."""
        visit = self.visit
        routes = len(visit.flow.routes)
        deadline = (len(visit.plan) + routes) * visit.options.timeout
        try:
            await asyncio.wait_for(self._walk(), deadline)
        except TimeoutError:
            self.report.stopped = f"it did not finish within {deadline:g} seconds."

    async def _walk(self) -> None:
        visit, flow = self.visit, self.visit.flow
        direct = visit.plan.one(Part.DIRECT)
        reads = self._ways(("control", visit.control.shows), ("not_offered", flow.not_offered))
        showed_at: str | None = None
        for route in flow.routes:
            async with self.step(direct, reads, asked=route) as record:
                visit.at(direct)
                if await navigate.goto(visit, route):
                    shows = await visit.appears(visit.read_ways()) is not None
                    record.outcome = "found" if shows else "not_found"
                    showed_at = showed_at or (route if shows else None)
                else:
                    record.outcome = "not_found"
                    record.message = "the page was not found there, or it went elsewhere"
            if self.report.stopped:
                return
        for planned in visit.plan.part(Part.CLICK):
            assert planned.step is not None
            ways = self._ways(("click", planned.step.click), ("ready", planned.step.ready))
            async with self.step(planned, ways, asked=planned.step.goto) as record:
                taken = await navigate.take(visit, planned)
                record.outcome = "found" if taken else "not_offered"
            if self.report.stopped:
                return
        read = visit.plan.one(Part.READ)
        if showed_at and await visit.find.present(visit.read_ways()) is None:
            await navigate.goto(visit, showed_at)  # the click path did not get there
        async with self.step(read, reads) as record:
            visit.at(read)
            self.report.state = await visit.read()
            record.outcome = "not_offered" if self.report.state == "unavailable" else "found"

    def _ways(self, *groups: tuple[Purpose, tuple[Locate, ...]]) -> list[tuple[Purpose, Locate]]:
        return [(purpose, way) for purpose, ways in groups for way in ways] + [
            ("wall", way) for way in self.walls
        ]

    @contextlib.asynccontextmanager
    async def step(
        self, planned: PlannedStep, ways: list[tuple[Purpose, Locate]], asked: str | None = None
    ) -> AsyncIterator[StepRecord]:
        """Record one step: its outcome (an error is recorded, and the walk goes on; a wall
        ends it), its timing, and the page it left."""
        from playwright.async_api import Error as PlaywrightError

        record = StepRecord(
            index=len(self.report.steps) + 1,
            number=planned.number,
            part=planned.part.value,
            description=planned.description,
            asked=self.interface.url(asked) if asked else None,
        )
        self.report.steps.append(record)
        self.redirects = record.redirects
        started = time.monotonic()
        try:
            yield record
        except PersonMustAct as e:
            record.outcome, record.message = "wall", self._said(e.message)
            self.report.stopped = record.message
        except OptoutError as e:
            record.outcome, record.message = "error", self._said(e.message)
        except PlaywrightError as e:
            record.outcome = "error"
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            record.message = self._said(f"the page did not respond as expected ({first})")
        except Exception as e:  # a bug: logged, recorded, and the walk goes on
            from agent import log

            path = log.record_bug(e, self.visit.options.home)
            record.outcome = "error"
            record.message = f"optout hit a bug here ({type(e).__name__}); details in {path.name}"
        record.seconds = round(time.monotonic() - started, 2)
        if self.visit.stopped is not None:  # a wall that the overlay handler met
            record.outcome, record.message = "wall", self._said(self.visit.stopped.message)
            self.report.stopped = record.message
        await self._capture(record, ways)

    def _said(self, message: str) -> str:
        """A message as it may be shared: the account's name is the person's own."""
        account = self.visit.target.account
        return message.replace(f"--account {account}", "--account ACCOUNT")

    async def _capture(self, record: StepRecord, ways: list[tuple[Purpose, Locate]]) -> None:
        """What the page shows after the step. A page that does not answer leaves a record
        without it, never an error."""
        visit, page = self.visit, self.visit.page
        stem = f"{record.index:02d}-step{record.number}"
        try:
            record.url = self._relative(page.url)
            html = await visit.bounded(page.evaluate(PAGE_JS, BOX_ATTRIBUTE))
            record.page = f"pages/{stem}.html"
            self.files[record.page] = sanitize_shared(html, self.interface)
            aria = await page.locator("body").aria_snapshot(timeout=visit.find.timeout_ms)
            record.aria = f"aria/{stem}.yaml"
            self.files[record.aria] = sanitize_aria(aria, self.interface) + "\n"
            record.language = await visit.language()
            for purpose, way in ways:
                count = await visit.bounded(visit.find.locator(way).count())
                record.matches.append(
                    LocatorMatch(looks_for=purpose, way=way.describe(), count=count)
                )
            record.candidates = await self._candidates()
        except Exception as e:  # a page that navigates away or never yields
            visit.log.warning(
                f"doctor: the page after step {record.number} could not be recorded whole "
                f"({type(e).__name__})"
            )
            more = "the page could not be recorded whole"
            record.message = f"{record.message}; {more}" if record.message else more

    async def _candidates(self) -> list[Candidate]:
        found = self.visit.page.locator(CANDIDATES).filter(visible=True)
        candidates = []
        for i in range(min(await found.count(), MAX_CANDIDATES)):
            element = found.nth(i)
            tag, attrs, checked = await self.visit.bounded(element.evaluate(ATTRIBUTES_JS))
            attributes = sanitize_attributes(tag, [(n, v) for n, v in attrs], self.interface)
            if checked is not None:
                attributes["(checked)"] = checked
            aria = await element.aria_snapshot(timeout=self.visit.find.timeout_ms)
            candidates.append(
                Candidate(tag=tag, attributes=attributes, aria=sanitize_aria(aria, self.interface))
            )
        return candidates
