"""Overlays: an upsell or a banner that gets in the way is dismissed whenever it covers an
action, and a notice that only acknowledges something ("Got it") is closed; nothing is ever
accepted. A wall (new terms) is never dismissed: the walk stops there."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING

from agent.errors import OptoutError

if TYPE_CHECKING:
    from playwright.async_api import Locator

    from agent.engine.visit import Visit

# Each button's name, near enough to its accessible name to tell buttons apart.
NAMES_JS = """els => els.map(el => el.getAttribute('aria-label')
  || (el.getAttribute('aria-labelledby') || '').split(' ')
       .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim()
  || el.innerText || '')"""


NOTICE_MS = 1000


def names_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """Button names (patterns: ",?" may stand for a comma), whole, in any case, with either apostrophe
    (a typographic one as often as a straight one)."""
    either = (pattern.replace("'", "['\u2019]") for pattern in patterns)
    return re.compile("^(" + "|".join(either) + ")$", re.I)


async def dismiss_overlays(visit: Visit) -> None:
    flow = visit.flow
    if not flow.dismiss and not flow.acknowledge:
        return
    page = visit.page
    closing = page.get_by_role("button", name=names_pattern(flow.dismiss + flow.acknowledge))
    # Dialogs, and the banners that sit over a page (a cookie notice, "what's new").
    dialogs = page.get_by_role("dialog")
    for kind in ("alertdialog", "region", "status", "alert"):
        dialogs = dialogs.or_(page.get_by_role(kind))
    # A dialog that holds the way to the setting (a settings dialog) is not in the way.
    wanted = flow.walked(visit.choices) + flow.not_offered
    overlays = dialogs.filter(has=closing).filter(has_not=visit.find.any(wanted))

    async def close(overlay: Locator) -> None:
        # A handler that raises does not end the action it interrupts: Playwright raises it
        # later, outside the walk (at best when the browser closes). So nothing leaves this
        # handler; a wall, or an overlay that will not close, stops the walk from here instead.
        from playwright.async_api import Error as PlaywrightError

        try:
            await visit.walls.check_markers()
            dismiss = overlay.get_by_role("button", name=names_pattern(flow.dismiss))
            if flow.dismiss and await dismiss.count():
                await visit.click(dismiss, "the overlay's button")
                visit.log.info("dismissed an overlay")
            elif not await close_if_notice(visit, overlay):
                raise visit.site_changed(
                    "a dialog that asks for a choice covers the page; optout answers none."
                )
        except OptoutError as e:
            visit.stop(e)
        except PlaywrightError as e:
            visit.log.debug("the overlay's button did not respond", error=str(e).splitlines()[0])
            with contextlib.suppress(PlaywrightError):
                if not await overlay.first.is_visible():
                    return  # it went away meanwhile: closed by itself, or by the walk
            visit.stop(visit.site_changed("an overlay covers the page and would not close."))

    # Two at once (a dialog over a banner) are closed one per call, the first each time: no
    # wait for "it" to be gone after a call (the next one would be taken for it); before the
    # next try of the action, Playwright looks again.
    await page.add_locator_handler(overlays.first, close, no_wait_after=True)


async def close_if_notice(visit: Visit, dialog: Locator) -> bool:
    """Close `dialog` if it is a notice: its buttons only acknowledge or dismiss it, and one
    acknowledges it. A dialog with any other button (a choice) is left as it is."""
    flow = visit.flow
    if not flow.acknowledge:
        return False
    if not await dialog.count():
        return False
    names: list[str] = await visit.bounded(dialog.get_by_role("button").evaluate_all(NAMES_JS))
    harmless = names_pattern(flow.acknowledge + flow.dismiss)
    acknowledge = dialog.get_by_role("button", name=names_pattern(flow.acknowledge))
    if not names or not all(harmless.match(name.strip()) for name in names):
        return False
    if not await acknowledge.count():
        return False
    # A notice may close by itself (or by the overlay handler) at any moment: a click on it
    # would then wait its whole timeout. So short tries: one, and a longer one for a notice
    # still there (a loaded machine may take longer to click it); one that cannot be clicked
    # (something covers it) holds the walk no longer than that.
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    async def closed(timeout_ms: float) -> bool:
        try:
            await visit.click(acknowledge, "the button that closes the notice", timeout_ms=timeout_ms)
        except PlaywrightTimeout:
            return not await dialog.filter(visible=True).count()  # gone: all this was for
        visit.log.info("closed a notice that followed the change")
        return True

    if await closed(NOTICE_MS) or await closed(2 * NOTICE_MS):
        return True
    raise PlaywrightTimeout(f"the notice was still there after {3 * NOTICE_MS} ms")


async def close_notice(visit: Visit) -> None:
    """After the change: close a notice that followed it, if one shows (the overlay handler
    may have closed it already, if it was in the way)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    page = visit.page
    dialogs = page.get_by_role("dialog").or_(page.get_by_role("alertdialog"))
    await visit.walls.check_markers()
    for dialog in await dialogs.filter(visible=True).all():
        with contextlib.suppress(PlaywrightTimeout):  # it closed by itself meanwhile
            await close_if_notice(visit, dialog.filter(visible=True))
