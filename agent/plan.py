"""The numbered steps of a flow, as a person reads them. `plan` prints them, the runner logs
them as it goes, and an error names the step it stopped at by the same number."""

from __future__ import annotations

from pydantic import BaseModel

from agent.models import Flow


class PlannedStep(BaseModel):
    number: int
    key: str  # "direct", "click-1", "click-2", ..., "read", "switch", "verify", "evidence"
    description: str
    fallback: bool = False  # part of the way a person clicks, taken when the direct route fails


def plan(flow: Flow) -> list[PlannedStep]:
    label = flow.setting.control_label
    rows = [("direct", f"Open the setting's own page, {flow.direct_url}", False)]
    rows += [(f"click-{i}", s.description, True) for i, s in enumerate(flow.click_path, start=1)]
    rows += [
        ("read", f'Find the switch "{label}" and read whether it is on', False),
        ("switch", "Only if it is ON: switch it off, and wait until the page has saved", False),
        ("verify", "Reload the page and read the switch again: done only if it shows OFF", False),
        ("evidence", "Save a screenshot of the final state as evidence", False),
    ]
    return [
        PlannedStep(number=n, key=key, description=text, fallback=fallback)
        for n, (key, text, fallback) in enumerate(rows, start=1)
    ]


def numbers(flow: Flow) -> dict[str, int]:
    return {s.key: s.number for s in plan(flow)}
