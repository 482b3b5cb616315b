"""What every control driver does: read the setting's state from the control itself, and turn
it off (only ever called when the state was read as ON)."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from agent.models import Control

if TYPE_CHECKING:
    from agent.engine.plan import PlannedStep
    from agent.engine.visit import Visit
    from agent.models import State


class ControlDriver(Control):
    @abstractmethod
    async def read(self, visit: Visit) -> State:
        """"on" or "off", from the control itself; a site-changed error when it cannot tell."""

    @abstractmethod
    async def turn_off(self, visit: Visit, steps: tuple[PlannedStep, ...]) -> None:
        """Switch the setting off, walking the planned `steps` (those `plan_switch_off` gave).
        Called only after a read of ON; the page's save is awaited by the caller."""

    async def close_after(self, visit: Visit) -> None:
        """Shut what turning off left open (a small dialog with a button that only closes it);
        never an accept."""

    def state(self, visit: Visit, raw: str | None) -> State:
        """ON or OFF from the control's own reading ("true" or "false"), or stop."""
        if raw not in ("true", "false"):
            raise visit.site_changed(
                f'could not tell whether "{visit.flow.setting.control_label}" is on or off '
                f"(it reads {raw!r})."
            )
        return "on" if raw == "true" else "off"


def driver(control: Control) -> ControlDriver:
    """The control as the engine drives it (every kind of control is a driver)."""
    if not isinstance(control, ControlDriver):
        raise TypeError(f"{type(control).__name__} is not a control driver")
    return control
