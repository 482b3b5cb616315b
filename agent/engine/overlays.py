"""Overlays that get in the way (an upsell, a cookie banner) are dismissed whenever they cover
an action, never accepted; a wall (new terms) is never dismissed: the walk stops there."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agent.errors import OptoutError

if TYPE_CHECKING:
    from playwright.async_api import Locator

    from agent.engine.visit import Visit


async def dismiss_overlays(visit: Visit) -> None:
    if not visit.flow.dismiss:
        return
    page = visit.page
    names = re.compile("^(" + "|".join(visit.flow.dismiss) + ")$", re.I)
    dismiss = page.get_by_role("button", name=names)
    dialogs = page.get_by_role("dialog").or_(page.get_by_role("alertdialog"))
    # A dialog that holds the way to the setting (a settings dialog) is not in the way.
    wanted = visit.flow.walked(visit.choices) + visit.flow.not_offered
    overlays = dialogs.filter(has=dismiss).filter(has_not=visit.find.any(wanted))

    async def close(overlay: Locator) -> None:
        # A handler that raises does not end the action it interrupts (Playwright logs the
        # error and the action waits on): a wall stops the walk from here instead.
        try:
            await visit.walls.check_markers()
            await visit.click(overlay.get_by_role("button", name=names), "the overlay's button")
        except OptoutError as e:
            visit.stop(e)
            return
        visit.log.info("dismissed an overlay")

    await page.add_locator_handler(overlays, close)
