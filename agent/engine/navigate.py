"""The way to the setting: its own page first (the direct routes), else the way a person clicks
there. Also taking one planned step (open a page, or click and see the next page), which the
controls use for their own steps too."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent.engine.plan import Part
from agent.errors import Unreachable
from agent.models import describe_ways

if TYPE_CHECKING:
    from agent.engine.plan import PlannedStep
    from agent.engine.visit import Visit
    from agent.models import Step


async def reach_setting(visit: Visit) -> bool:
    """Bring the setting's page up, by a direct route or else the way a person clicks there;
    False when the platform does not offer the setting to this account."""
    direct = visit.plan.one(Part.DIRECT)
    for route in visit.flow.routes:
        url = visit.flow.url(route, visit.target.origin)
        visit.step = direct
        visit.log.info(f"step {direct.number}: open the setting's page", url=url)
        visit.tell("step", direct.description)
        if await goto(visit, route) and await visit.appears(visit.read_ways()):
            visit.way_in = f"direct route {route}"
            return True
        visit.walls.check_address()
    visit.log.info("the direct route did not lead to the setting: going the way a person clicks")
    visit.way_in = "click path"
    for planned in visit.plan.part(Part.CLICK):
        if not await take(visit, planned):
            visit.log.info("the setting is not offered to this account")
            return False
    return True


async def goto(visit: Visit, where: str) -> bool:
    """Open a page; True when it answered and stayed at the path asked for."""
    from playwright.async_api import Error as PlaywrightError

    url = visit.flow.url(where, visit.target.origin)
    try:
        response = await visit.page.goto(url)
    except PlaywrightError as e:
        raise unreachable(visit, e) from None
    visit.walls.check_address()
    return (
        response is not None
        and response.ok
        and urlsplit(visit.page.url).path.rstrip("/") == urlsplit(where).path.rstrip("/")
    )


async def reload(visit: Visit) -> None:
    from playwright.async_api import Error as PlaywrightError

    try:
        await visit.page.reload()
    except PlaywrightError as e:
        raise unreachable(visit, e) from None
    visit.walls.check_address()


def unreachable(visit: Visit, error: Exception) -> Exception:
    """A navigation that failed: the site cannot be reached (no network, or the site is down),
    which is not the site changing; any other failure is returned as it was."""
    text = str(error)
    if "net::ERR_" not in text:
        return error
    reason = text.split("net::", 1)[1].split()[0]
    return Unreachable(
        f"{visit.flow.name} cannot be reached ({reason}): check the connection and try again; "
        f"{visit.so_far()}.",
        step=visit.step.number,
    )


async def take(visit: Visit, planned: PlannedStep) -> bool:
    """Take one planned step: open its page, or click its target and wait for what the next
    page shows. False when the target is missing and that means 'not offered'."""
    step = planned.step
    assert step is not None, "only steps the flow declares are taken"
    visit.at(planned)
    if step.goto is not None:
        await goto(visit, step.goto)
    elif not await click(visit, step):
        if step.optional:
            visit.log.info(f"step {planned.number}: not asked for here, skipped")
            return True
        return False
    if planned.part is Part.SWITCH and visit.saved:
        return True  # what the step expected next (a confirmation) is not needed any more
    await await_ready(visit, step)
    return True


async def click(visit: Visit, step: Step) -> bool:
    """Click the step's target; False when it is missing and that means 'not offered', or
    the step is optional."""
    if step.when_missing == "unavailable":
        found = await visit.find.present(step.click)
    else:
        found = await visit.appears(step.click)
    if found is None:
        if step.when_missing == "unavailable" or step.optional:
            await visit.walls.check_markers()
            return False
        visit.walls.check_address()
        raise visit.site_changed(
            f"could not find {describe_ways(step.click)}.", doing=step.description
        )
    if visit.changing and (count := await found.count()) > 1:
        # On the way there, the first of two links leads there as well as the other; once the
        # change has begun, a click on the wrong one of two is a guess optout never makes.
        raise visit.site_changed(
            f"{count} elements could be {describe_ways(step.click)}; optout does not guess.",
            doing=step.description,
        )
    await visit.click(found, f'the target of "{step.description}" ({describe_ways(step.click)})')
    await visit.page.wait_for_load_state()
    visit.walls.check_address()
    return True


async def await_ready(visit: Visit, step: Step) -> None:
    """Wait for what the step's next page shows."""
    if step.ready and await visit.appears(step.ready) is None:
        visit.walls.check_address()  # a client-side redirect to a wall, seen late
        raise visit.site_changed(
            f"the page never showed {describe_ways(step.ready)}.", doing=step.description
        )
