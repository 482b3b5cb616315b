"""One walk through one platform's pages, in one browser page.

`Visit` is the context every part of the engine works in: the page, the flow, the plan it walks,
how long to wait, and which planned step it is at (so an error names the step a person can find
in `optout plan`). The parts each live in their own module: finding things (`finder`), walls
(`walls`), overlays (`overlays`), the way to the setting (`navigate`), and the control's driver
(`controls/`). `walk` is one action from start to the fresh load that proves it.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Literal, TypeVar

from agent import log
from agent.engine import navigate, objects
from agent.engine.controls import driver
from agent.engine.finder import POLL_SECONDS, Finder
from agent.engine.overlays import close_if_notice, close_notice, names_pattern
from agent.engine.plan import Part, PlannedStep, plan
from agent.engine.walls import WallGuard
from agent.errors import OptoutError, SiteChanged, VerifyFailed
from agent.models import Event
from agent.models.run import DEADLINE_TIMEOUTS

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from playwright.async_api import Locator, Page, Response

    from agent.models import Action, Locate, Options, Result, State, Target

T = TypeVar("T")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SETTLE_BEFORE_ACTING = 5.0  # seconds at most: a page that keeps moving is acted on after that
# Whether clicking an element could change a state of its own: a checkbox, switch or radio (or
# something holding one, or a label for one), a toggle button, a selectable option. Tabs are
# selected by clicking and change nothing on the server: they are not counted.
HAS_STATE_JS = """el => {
  const stateful = e => (e instanceof HTMLInputElement && ['checkbox', 'radio'].includes(e.type))
    || ['switch', 'checkbox', 'radio', 'menuitemcheckbox', 'menuitemradio']
         .includes(e.getAttribute('role'))
    || e.hasAttribute('aria-checked') || e.hasAttribute('aria-pressed')
    || (e.hasAttribute('aria-selected') && e.getAttribute('role') !== 'tab');
  if (stateful(el) || (el instanceof HTMLLabelElement && el.control)) return true;
  return Array.from(el.querySelectorAll('*')).some(stateful);
}"""


class Visit:
    def __init__(self, page: Page, target: Target, options: Options) -> None:
        self.page = page
        self.target = target
        self.flow = target.flow
        self.options = options
        self.choices = options.choices
        self.plan = plan(target.flow, options.choices)
        self.control = driver(target.flow.control)
        self.log = log.get().bind(platform=self.flow.id, account=target.account)
        self.find = Finder(page, options.timeout * 1000, self.log)
        self.walls = WallGuard(self)
        self.step: PlannedStep = self.plan.steps[0]
        self.changing = False  # a change may have been sent to the platform
        self.saved = False  # the page sent its save request
        self.verified = False  # the state was read again on a fresh load
        self.reloaded = False  # a page that failed to load was reloaded (once per visit)
        self.objects: list[str] | None = None  # what a listing walk found (a per-object flow)
        self.stopped: OptoutError | None = None  # a wall met outside the walk (an overlay)
        # How the control was found, for the history: the way in (a direct route or the click
        # path) and the flow's locator that matched. When a site changes, the history shows
        # which way stopped working and since when.
        self.way_in: str | None = None
        self.found_with: Locate | None = None
        self._walking: asyncio.Task[None] | None = None

    # Where the walk is -------------------------------------------------------------------------

    def at(self, step: PlannedStep, **details: object) -> None:
        self.step = step
        self.log.info(f"step {step.number}: {step.description}", **details)
        self.tell("step", step.description)

    def about_to_change(self) -> None:
        """Said just before the first click that may send a change to the platform."""
        self.changing = True
        self.log.info(f"step {self.step.number}: about to change the setting")
        self.tell("changing", self.step.description)

    def tell(self, kind: Literal["step", "changing"], description: str) -> None:
        if self.options.on_event:
            self.options.on_event(Event.of(self.target, kind, self.step.number, description))

    def site_changed(self, what: str, *, doing: str | None = None) -> SiteChanged:
        """The site did not look as expected at the current step (`doing`: what the step does,
        when the plan's number alone would not say it)."""
        where = f"Step {self.step.number}" + (f" ({doing})" if doing else "")
        return SiteChanged(f"{where}: {what}", step=self.step.number)

    # Acting -------------------------------------------------------------------------------------

    async def click(self, found: Locator, what: str, *, timeout_ms: float | None = None) -> None:
        """Click something on the way (a link, a menu, a row that opens a dialog), never
        something with a state of its own: only the control, read as ON at that moment, is
        clicked that way (by its driver)."""
        timeout_ms = timeout_ms or self.find.timeout_ms
        if await self.bounded(found.first.evaluate(HAS_STATE_JS, timeout=timeout_ms)):
            raise self.site_changed(
                f"{what} has a state of its own (it could be switched by a click); optout "
                "clicks nothing like that but the setting's own control, read as ON."
            )
        await found.first.click(timeout=timeout_ms)

    async def bounded(self, work: Awaitable[T]) -> T:
        """Wait for page work that Playwright does not time out itself (script evaluation,
        the page's HTML): a page whose script never yields would hold it forever."""
        try:
            return await asyncio.wait_for(work, self.find.timeout_ms / 1000)
        except TimeoutError:
            raise self.site_changed(
                f"the page stopped answering (its scripts did not yield within "
                f"{self.options.timeout:g} seconds)."
            ) from None

    def so_far(self) -> str:
        """What a person should know of the walk when it ends early."""
        if self.changing:
            return f"a change may have been sent: see where it stands with optout status {self.flow.id}"
        return "nothing was changed"

    def stop(self, error: OptoutError) -> None:
        """End the walk from outside it: the overlay handler met a wall while the walk waited
        for an action that the wall blocks."""
        self.stopped = error
        if self._walking is not None:
            self._walking.cancel()

    # Waiting for things ------------------------------------------------------------------------

    async def appears(self, ways: tuple[Locate, ...]) -> Locator | None:
        """Wait for any of `ways` to show; None when none does in time. A wall that shows
        instead (a sign-in button, a security check, new terms) stops the walk; a page that
        asks to be reloaded (the flow's `reload_when`) is reloaded, once."""
        asks = self.flow.reload_when
        while await self.find.wait_any(ways + self.walls.shown_by + asks):
            await self.walls.check_markers()
            found = await self.find.present(ways)
            if found is not None or not asks or await self.find.present(asks) is None:
                return found
            if self.reloaded:
                raise self.site_changed("the page failed to load, and again after a reload.")
            self.reloaded = True
            self.log.info(f"step {self.step.number}: the page failed to load; reloading it once")
            await self.page.reload()
        return None

    def read_ways(self) -> tuple[Locate, ...]:
        """What shows that the page is the setting's: its control, or that it is not offered."""
        return self.control.shows + self.flow.not_offered

    @property
    def found_by(self) -> str | None:
        """How the control was found ("direct route /path: switch "Label""), once it was."""
        if self.way_in is None or self.found_with is None:
            return None
        return f"{self.way_in}: {self.found_with.describe()}"

    # The action --------------------------------------------------------------------------------

    async def walk_within_deadline(self, action: Action, result: Result) -> None:
        """`walk`, stopped at the deadline whatever the page does, or at once when a wall
        shows up where only the overlay handler sees it."""
        deadline = self.options.deadline
        self._walking = asyncio.ensure_future(self.walk(action, result))
        try:
            done, _ = await asyncio.wait({self._walking}, timeout=deadline)
        except asyncio.CancelledError:  # the whole run is being stopped (Ctrl-C)
            self._walking.cancel()
            raise
        if not done:
            self._walking.cancel()
            await asyncio.wait({self._walking}, timeout=5)
            raise self.site_changed(
                f"the page did not finish within {deadline:g} seconds ({DEADLINE_TIMEOUTS} "
                f"times --timeout), so optout stopped there; {self.so_far()}."
            )
        if self._walking.cancelled() and self.stopped is not None:
            raise self.stopped
        self._walking.result()

    async def walk(self, action: Action, result: Result) -> None:
        """Reach the setting, read it, and for `apply` switch it off only when it is ON, then
        prove it on a fresh load. `result` is filled in as the walk learns things, so that what
        was read before an error is still reported. A per-object flow not yet for one object
        only lists the objects (`objects`): with none, its result is "unavailable"."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        try:
            if self.flow.listing:
                self.objects = await objects.listed(self)
                if not self.objects:
                    result.state_before = result.state = "unavailable"
                return
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
                result.choices = sorted(self.choices & self.flow.choice_ids)
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
        """Turn the setting (known to be ON) off, and wait for the page's save request. Only
        on a page that has settled, with no wall on it: a wall that comes with the page's
        last scripts (new terms) must be seen before anything is changed."""

        await self.find.settle(limit=min(SETTLE_BEFORE_ACTING, self.options.timeout))
        await self.walls.check_markers()
        save = re.compile(self.flow.save_request) if self.flow.save_request else None

        def is_save(response: Response) -> bool:
            request = response.request
            return request.method in WRITE_METHODS and (
                save is None or bool(save.search(request.url))
            )

        def saw(response: Response) -> None:
            if is_save(response):
                self.saved = True
                self.log.debug("the page saved", status=response.status)

        self.page.on("response", saw)
        try:
            await self.control.turn_off(self, self.plan.part(Part.SWITCH))
            await self.await_save()
        finally:
            self.page.remove_listener("response", saw)
        await self.control.close_after(self)
        await close_notice(self)

    async def await_save(self) -> None:
        """Wait for the page to save the change, answering what it may ask first: a
        confirmation of turning the setting off (the flow's `confirm` names, in a dialog that
        appeared and does not hold the control) or a notice. A dialog that asks anything else
        stops the walk: optout answers nothing it does not know."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        page = self.page
        asking = (
            page.get_by_role("dialog")
            .or_(page.get_by_role("alertdialog"))
            .filter(visible=True)
            .filter(has_not=self.find.any(self.control.shows))
        )
        deadline = time.monotonic() + self.options.timeout
        while not self.saved:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # The fresh load that follows is the judge either way.
                self.log.warning("no save request was seen after switching off")
                return
            try:
                await asking.first.wait_for(timeout=min(POLL_SECONDS, remaining) * 1000)
            except PlaywrightTimeout:
                continue
            await self.walls.check_markers()
            await self.answer(asking.first)

    async def answer(self, dialog: Locator) -> None:
        confirm = dialog.get_by_role("button", name=names_pattern(self.flow.confirm))
        if self.flow.confirm and await confirm.count() == 1:
            await self.click(confirm, "the button that confirms turning it off")
            self.log.info(f"step {self.step.number}: confirmed turning it off")
        elif not await close_if_notice(self, dialog):
            # The dialog just answered may still be on its way out, its save on the way: a
            # dialog is judged a question only on a settled page that still shows it.
            await self.find.settle(limit=min(SETTLE_BEFORE_ACTING, self.options.timeout))
            if self.saved or not await dialog.count():
                return
            raise self.site_changed(
                "after the click the page asks something in a dialog that optout does not "
                f"answer; nothing more was clicked. {self.so_far().capitalize()}."
            )

    async def verify(self) -> State:
        self.at(self.plan.one(Part.VERIFY))
        await navigate.reload(self)
        state = await self.read()
        self.verified = True
        return state

    async def language(self) -> str | None:
        """The page's UI language, as its <html lang> says (e.g. "de", "fr-FR")."""
        lang: str = await self.bounded(self.page.evaluate("document.documentElement.lang"))
        return lang or None
