"""A setting without a switch: the button on offer tells the state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from agent.engine import navigate
from agent.engine.controls.base import ControlDriver
from agent.errors import SiteChanged
from agent.models import Locate, PlanItem, Step, describe_ways

if TYPE_CHECKING:
    from agent.engine.plan import PlannedStep
    from agent.engine.visit import Visit
    from agent.models import State


class Buttons(ControlDriver):
    """The button on offer tells the state (one that turns it off shows it is ON, one that
    turns it on that it is OFF), and turning it off takes a few clicks (a menu, a confirm)."""

    kind: Literal["buttons"] = "buttons"
    on_when: tuple[Locate, ...] = Field(min_length=1)
    off_when: tuple[Locate, ...] = Field(min_length=1)
    switch_off: tuple[Step, ...] = Field(min_length=1)

    @field_validator("switch_off")
    @classmethod
    def _clicks(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        if any(step.goto for step in steps):
            raise ValueError("switching off happens on the setting's page: clicks only")
        return steps

    @property
    def shows(self) -> tuple[Locate, ...]:
        return self.on_when + self.off_when

    def plan_read(self, label: str) -> str:
        return f'Read whether "{label}" is on, from the button it offers'

    def plan_switch_off(self, choices: frozenset[str]) -> tuple[PlanItem, ...]:
        return tuple(
            PlanItem(description=step.description, step=step)
            for step in self.switch_off
            if step.taken(choices)
        )

    async def read(self, visit: Visit) -> State:
        if await visit.appears(self.shows) is None:
            visit.walls.check_address()
        on = await self._one(visit, self.on_when)
        off = await self._one(visit, self.off_when)
        # Exactly one of the two buttons tells the state; both or neither tells nothing.
        return self.state(
            visit, ("true" if on else "false") if on != off else f"{'both' if on else 'no'} buttons"
        )

    async def _one(self, visit: Visit, ways: tuple[Locate, ...]) -> bool:
        """Whether the page offers this button; two of them are a guess optout never makes."""
        matched = await visit.find.which(ways)
        if matched is None:
            return False
        way, found = matched
        if (count := await found.count()) > 1:
            raise visit.site_changed(
                f"{count} buttons could be {describe_ways(ways)}, and nothing tells them apart; "
                "optout does not guess which one is the setting's."
            )
        visit.found_with = way
        return True

    async def turn_off(self, visit: Visit, steps: tuple[PlannedStep, ...]) -> None:
        """Take the steps in order; once the page has saved, or shows the setting OFF, the
        rest (a confirmation this page does not ask for) is skipped."""

        visit.about_to_change()  # any of these clicks may be the one that saves
        for number, planned in enumerate(steps):
            if number and await self._made(visit):
                visit.log.info(f"step {planned.number}: not needed, the change is made")
                return
            try:
                await navigate.take(visit, planned)
            except SiteChanged:
                # The click before saved at once, and its answer (or a notice, closed meanwhile)
                # came while this step looked for what it needs: judged now, the page settled.
                if not (number and await self._made(visit)):
                    raise
                visit.log.info(f"step {planned.number}: not needed, the change is made")
                return

    async def _made(self, visit: Visit) -> bool:
        """The page has saved, or shows the setting OFF (a fresh load still has the last word)."""
        return visit.saved or await visit.find.present(self.off_when) is not None
