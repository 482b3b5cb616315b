"""The numbered steps of a flow, as a person reads them. `plan` prints them, the runner logs
them as it goes, and an error names the step it stopped at by the same number."""

from __future__ import annotations

from pydantic import BaseModel

from agent.models import Buttons, Flow


class PlannedStep(BaseModel):
    number: int
    key: str  # "direct", "click-1", ..., "read", "switch" or "switch-1", ..., "verify", "evidence"
    description: str
    fallback: bool = False  # part of the way a person clicks, taken when the direct route fails


def plan(flow: Flow, choices: frozenset[str] = frozenset()) -> list[PlannedStep]:
    label = flow.setting.control_label
    routes = " (or else ".join(flow.url(r) for r in (flow.direct, *flow.also_direct))
    routes += ")" * len(flow.also_direct)
    rows = [("direct", f"Open the setting's own page, {routes}", False)]
    rows += [(f"click-{i}", s.description, True) for i, s in enumerate(flow.click_path, start=1)]
    if isinstance(flow.control, Buttons):
        rows.append(("read", f'Read whether "{label}" is on, from the button it offers', False))
        taken = [s for s in flow.control.switch_off if s.taken(choices)]
        rows += [
            (f"switch-{i}", ("Only if it is ON: " if i == 1 else "") + s.description, False)
            for i, s in enumerate(taken, start=1)
        ]
    else:
        rows.append(("read", f'Find the switch "{label}" and read whether it is on', False))
        rows.append(
            ("switch", "Only if it is ON: switch it off, and wait until the page has saved", False)
        )
    rows += [
        ("verify", "Reload the page and read it again: done only if it shows OFF", False),
        ("evidence", "Save a screenshot of the final state as evidence", False),
    ]
    return [
        PlannedStep(number=n, key=key, description=text, fallback=fallback)
        for n, (key, text, fallback) in enumerate(rows, start=1)
    ]


def numbers(flow: Flow, choices: frozenset[str] = frozenset()) -> dict[str, int]:
    return {s.key: s.number for s in plan(flow, choices)}
