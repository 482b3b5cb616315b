"""One walk through one platform's pages, in one browser page.

`Visit` is the context every part of the engine works in: the page, the flow, the plan it walks,
how long to wait, and which planned step it is at (so an error names the step a person can find
in `optout plan`). The parts each live in their own module: finding things (`finder`), walls
(`walls`), overlays (`overlays`), the way to the setting (`navigate`), and the control's driver
(`controls/`). `walk` is one action from start to the fresh load that proves it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agent import log
from agent.engine import navigate
from agent.engine.controls import driver
from agent.engine.finder import Finder
from agent.engine.plan import Part, PlannedStep, plan
from agent.engine.walls import WallGuard
from agent.errors import SiteChanged, VerifyFailed

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page, Response

    from agent.models import Action, Locate, Options, Result, State, Target

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Visit:
    def __init__(self, page: Page, target: Target, options: Options) -> None:
        self.page = page
        self.target = target
        self.flow = target.flow
        self.choices = options.choices
        self.plan = plan(target.flow, options.choices)
        self.control = driver(target.flow.control)
        self.find = Finder(page, options.timeout * 1000)
        self.walls = WallGuard(self)
        self.step: PlannedStep = self.plan.steps[0]
        self.log = log.get().bind(platform=self.flow.id, account=target.account)

    # Where the walk is -------------------------------------------------------------------------

    def at(self, step: PlannedStep, **details: object) -> None:
        self.step = step
        self.log.info(f"step {step.number}: {step.description}", **details)

    def site_changed(self, what: str, *, doing: str | None = None) -> SiteChanged:
        """The site did not look as expected at the current step (`doing`: what the step does,
        when the plan's number alone would not say it)."""
        where = f"Step {self.step.number}" + (f" ({doing})" if doing else "")
        return SiteChanged(f"{where}: {what}", step=self.step.number)

    # Waiting for things ------------------------------------------------------------------------

    async def appears(self, ways: tuple[Locate, ...]) -> Locator | None:
        """Wait for any of `ways` to show; None when none does in time. A wall that shows
        instead (a sign-in button, a security check, new terms) stops the walk."""
        if not await self.find.wait_any(ways + self.walls.shown_by):
            return None
        await self.walls.check_markers()
        return await self.find.present(ways)

    def read_ways(self) -> tuple[Locate, ...]:
        """What shows that the page is the setting's: its control, or that it is not offered."""
        return self.control.shows + self.flow.not_offered

    # The action --------------------------------------------------------------------------------

    async def walk(self, action: Action, result: Result) -> None:
        """Reach the setting, read it, and for `apply` switch it off only when it is ON, then
        prove it on a fresh load. `result` is filled in as the walk learns things, so that what
        was read before an error is still reported."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        try:
            if not await navigate.reach_setting(self):
                result.state_before = result.state = "unavailable"
                return
            self.at(self.plan.one(Part.READ))
            result.state_before = result.state = await self.read()
            if result.state == "on" and action == "dry-run":
                self.log.info("dry run: would have switched it off; nothing was clicked")
            if result.state == "on" and action == "apply":
                await self.switch_off()
                result.state = await self.verify()
                if result.state != "off":
                    raise VerifyFailed(
                        f"{self.flow.name} still shows the switch ON after a fresh load: the "
                        "change did not hold. Try again later, or switch it off by hand at "
                        f"{self.flow.direct_url}",
                        step=self.step.number,
                    )
                result.changed = True
        except PlaywrightTimeout as e:
            self.walls.check_address()
            raise self.site_changed(
                f"the page did not respond as expected ({str(e).splitlines()[0]})."
            ) from e

    async def read(self) -> State:
        """ON or OFF, from the control itself (never from text beside it); or unavailable when
        the page says the setting is not offered."""
        if self.flow.not_offered:
            if await self.appears(self.read_ways()) is None:
                self.walls.check_address()
            elif await self.find.present(self.flow.not_offered):
                self.log.info("the setting is not offered to this account")
                return "unavailable"
        state = await self.control.read(self)
        self.log.info(f"step {self.step.number}: it is {state.upper()}")
        return state

    async def switch_off(self) -> None:
        """Turn the setting (known to be ON) off, and wait for the page's save request."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        save = re.compile(self.flow.save_request) if self.flow.save_request else None

        def is_save(response: Response) -> bool:
            request = response.request
            return request.method in WRITE_METHODS and (
                save is None or bool(save.search(request.url))
            )

        try:
            async with self.page.expect_response(is_save, timeout=self.find.timeout_ms) as saved:
                await self.control.turn_off(self, self.plan.part(Part.SWITCH))
            self.log.debug("the page saved", status=(await saved.value).status)
        except PlaywrightTimeout:
            # The fresh load below is the judge either way.
            self.log.warning("no save request was seen after switching off")
        await self.control.close_after(self)

    async def verify(self) -> State:
        self.at(self.plan.one(Part.VERIFY))
        await self.page.reload()
        self.walls.check_address()
        return await self.read()

    async def language(self) -> str | None:
        """The page's UI language, as its <html lang> says (e.g. "de", "fr-FR")."""
        lang: str = await self.page.evaluate("document.documentElement.lang")
        return lang or None
