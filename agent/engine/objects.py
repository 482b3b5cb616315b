"""Listing the person's objects (sites, blogs) for a setting each of them has on its own
(`Flow.per_object`): the list page is opened, the objects' keys are read from it, and each
becomes a target of its own (agent/engine/runner.py). Listing never clicks anything, and runs
read-only whatever the action: it only reads a page."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from agent.engine import navigate
from agent.engine.plan import Part

if TYPE_CHECKING:
    from agent.engine.visit import Visit

# How long a list that renders in parts (a row at a time, a page of rows after another) may
# take to settle, at most, once its first item shows.
SETTLE_LIST_SECONDS = 5.0


async def listed(visit: Visit) -> list[str]:
    """The keys of the objects the list page shows, in its order, each once; [] when it says
    there are none. A list page that does not open, shows neither items nor its "none" message,
    names an object by a key that does not look like one, or shows more than the flow's bound,
    stops the walk (the site changed): nothing is then changed on any object."""
    every = visit.flow.per_object
    assert every is not None, "only a per-object flow lists objects"
    visit.at(visit.plan.one(Part.LIST))
    doing = f"list your {every.plural}"
    if not await navigate.goto(visit, every.list_page):
        url = visit.flow.url(every.list_page, visit.target.origin)
        raise visit.site_changed(
            f"the list of your {every.plural} at {url} did not open.", doing=doing
        )
    if await visit.appears((every.items, *every.empty)) is None:
        visit.walls.check_address()
        raise visit.site_changed(
            f"the list of your {every.plural} showed no {every.noun} "
            f"({every.items.describe()}) and did not say there are none.",
            doing=doing,
        )
    await visit.find.settle(limit=min(SETTLE_LIST_SECONDS, visit.options.timeout))
    items = visit.find.locator(every.items)
    attribute = json.dumps(every.key_attribute)
    raw: list[str | None] = await visit.bounded(
        items.evaluate_all(f"els => els.map(e => e.getAttribute({attribute}))")
    )
    if not raw and await visit.find.present(every.empty) is None:
        raise visit.site_changed(
            f"the list of your {every.plural} changed while it was read.", doing=doing
        )
    keys = [every.key(key) for key in raw]
    if None in keys:
        bad = raw[keys.index(None)]
        raise visit.site_changed(
            f"a {every.noun} is listed as {bad!r}, which does not look like one; nothing was "
            "changed on any of them.",
            doing=doing,
        )
    found = list(dict.fromkeys(key for key in keys if key is not None))
    if len(found) > every.most:
        raise visit.site_changed(
            f"the list shows {len(found)} {every.plural}, more than the {every.most} optout "
            "takes in one run; nothing was changed on any of them.",
            doing=doing,
        )
    visit.log.info(f"step {visit.step.number}: {len(found)} {every.plural} listed", keys=found)
    return found
