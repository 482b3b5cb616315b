"""A switch or checkbox whose own checked state is the setting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from agent.engine.controls.base import ControlDriver
from agent.models import Locate, PlanItem, describe_ways
from agent.models.locate import readable

if TYPE_CHECKING:
    from playwright.async_api import Locator

    from agent.engine.plan import PlannedStep
    from agent.engine.visit import Visit
    from agent.models import State

# The control's state: aria-checked (switches, custom checkboxes), aria-pressed (toggle
# buttons), or a native checkbox's `checked`. When two of them disagree the state is unknown.
READ_STATE_JS = """el => {
  const aria = el.getAttribute('aria-checked') ?? el.getAttribute('aria-pressed');
  const native = (el instanceof HTMLInputElement && el.type === 'checkbox') ? String(el.checked) : null;
  if (aria !== null && native !== null && aria !== native) return 'conflict';
  return aria ?? native;
}"""


class Switch(ControlDriver):
    """A switch or checkbox whose own checked state is the setting. It may sit behind a row that
    opens a small dialog (`reveal`), shut after the change with a button that only closes it
    (`close`, never an accept). `checked_means="off"`: an opt-out box ("Prevent sharing"),
    checked when the setting is OFF. `save`: the button that sends the change (a form that
    saves only when asked); pressed right after the click, and nothing else is. With
    `save_if_shown`, a page may also save the change by itself, showing no such button (one
    kind of the page saves on change, another with a Save bar): it is pressed when shown."""

    kind: Literal["switch"] = "switch"
    find: tuple[Locate, ...] = Field(min_length=1)
    reveal: tuple[Locate, ...] = ()
    close: tuple[Locate, ...] = ()
    # A platform that shows the switch disabled to accounts it does not offer the setting to
    # (under-18 accounts): read as not offered. Off by default: many pages disable a switch
    # while they load or save.
    disabled_means_not_offered: bool = False
    checked_means: Literal["on", "off"] = "on"
    save: tuple[Locate, ...] = ()
    save_if_shown: bool = False

    # The switch has a state of its own; a row that only opens it has none. That tells them
    # apart when both carry the label (a toggle button, a row button).
    @field_validator("find")
    @classmethod
    def _with_a_state(cls, ways: tuple[Locate, ...]) -> tuple[Locate, ...]:
        return tuple(way.model_copy(update={"stateful": True}) for way in ways)

    @field_validator("reveal", "save")
    @classmethod
    def _without_a_state(cls, ways: tuple[Locate, ...]) -> tuple[Locate, ...]:
        return tuple(way.model_copy(update={"stateful": False}) for way in ways)

    @model_validator(mode="after")
    def _save_to_press(self) -> Switch:
        if self.save_if_shown and not self.save:
            raise ValueError("save_if_shown needs the save button's ways (save=...)")
        return self

    @property
    def shows(self) -> tuple[Locate, ...]:
        return self.find + self.reveal

    @property
    def clicks(self) -> tuple[Locate, ...]:
        return self.shows + self.save

    @property
    def noun(self) -> str:
        """What a person calls the control: a checkbox when it can only be one."""
        return "checkbox" if all(way.role == "checkbox" for way in self.find) else "switch"

    def plan_read(self, label: str) -> str:
        read = f'Find the {self.noun} "{label}" and read whether it is'
        if self.checked_means == "on":
            return f"{read} on"
        if self.noun == "checkbox":
            return f"{read} checked (checked is off)"
        return f"{read} on (on protects: the setting is off)"

    def plan_switch_off(self, choices: frozenset[str]) -> tuple[PlanItem, ...]:
        if self.checked_means == "on":
            click = "switch it off"
        else:
            click = "check it" if self.noun == "checkbox" else "switch it on (on protects)"
        if self.save:
            names = " or ".join(f'"{readable(way.name)}"' if way.name else way.describe()
                                for way in self.save)  # fmt: skip
            shown = " if the page shows it" if self.save_if_shown else ""
            click += f", press {names}{shown} (nothing else)"
        return (PlanItem(description=f"{click}, and wait until the page has saved"),)

    async def locate(self, visit: Visit) -> Locator:
        """The setting's switch, opening the row it hides behind if need be."""
        found = await visit.appears(self.find + self.reveal)
        if found is not None and self.reveal and await visit.find.present(self.find) is None:
            visit.log.debug("opening the row that holds the switch")
            await visit.click(found, f"the row that opens the switch ({describe_ways(self.reveal)})")
            found = await visit.appears(self.find)
        label = visit.flow.setting.control_label
        if found is None:
            visit.walls.check_address()
            raise visit.site_changed(
                f'the page has no {self.noun} "{label}" where {visit.flow.name}\'s setting '
                "should be."
            )
        count = await found.count()
        if count > 1:
            raise visit.site_changed(
                f'{count} controls could be "{label}" and none is told apart by a known label; '
                "optout does not guess which one to click."
            )
        matched = await visit.find.which(self.find)
        if matched and not await visit.bounded(visit.find.in_own_row(matched[0], found)):
            raise visit.site_changed(
                f'the row "{label}" holds no {self.noun} of its own (the nearest one is '
                "another row's); optout does not guess."
            )
        visit.found_with = matched[0] if matched else None
        return found

    async def reading(self, visit: Visit, switch: Locator) -> str | None:
        """"true" when the setting is ON, "false" when OFF (the checked state, read through
        the control's polarity), else what the control reads."""
        raw: str | None = await visit.bounded(switch.evaluate(READ_STATE_JS))
        if self.checked_means == "off" and raw in ("true", "false"):
            return "false" if raw == "true" else "true"
        return raw

    async def read(self, visit: Visit) -> State:
        switch = await self.locate(visit)
        if self.disabled_means_not_offered and await switch.is_disabled():
            visit.log.info("the switch is disabled: the setting is not offered to this account")
            return "unavailable"
        return self.state(visit, await self.reading(visit, switch))

    async def turn_off(self, visit: Visit, steps: tuple[PlannedStep, ...]) -> None:
        visit.at(steps[0])
        switch = await self.locate(visit)
        # The Save button is found before anything is clicked: without exactly one, nothing is
        # (unless the page may save by itself).
        save = await self._save_button(visit) if self.save else None
        # Read again at the moment of clicking: a click on a switch that is not ON would turn
        # it on.
        if await self.reading(visit, switch) != "true":
            raise visit.site_changed(
                "the switch was no longer ON when optout was about to click it; nothing was "
                "clicked. Run this again."
            )
        visit.about_to_change()
        await switch.click()
        if save is None and self.save_if_shown:
            # A Save bar may slide in once something changed: judged when the page settles.
            save = await self._save_button(visit, appearing=True)
        if save is not None:
            await self._press(visit, save)

    async def _save_button(self, visit: Visit, *, appearing: bool = False) -> Locator | None:
        """The one button that sends the change; the site changed when there is none (None
        when the page may save by itself), or several (optout never guesses which one
        saves). `appearing`: waited for, until the page has settled without it."""
        find = visit.appears if appearing else visit.find.present
        found = await find(self.save)
        if found is None and self.save_if_shown:
            if appearing:
                visit.log.debug("no Save button was shown: the page saves by itself")
            return None
        if found is None:
            raise visit.site_changed(
                f"the page has no {describe_ways(self.save)} to save the change; nothing was "
                "clicked."
            )
        if (count := await found.count()) > 1:
            raise visit.site_changed(
                f"{count} buttons could be {describe_ways(self.save)}; optout does not guess "
                "which one saves. Nothing was clicked."
            )
        return found

    async def _press(self, visit: Visit, save: Locator) -> None:
        """Press Save once it is enabled (a page may disable it until something changed); else
        stop, nothing more clicked. The control is not read again here (a page may render it
        anew after the click): the fresh load that follows is the judge."""
        from playwright.async_api import expect

        try:
            await expect(save).to_be_enabled(timeout=visit.options.timeout * 1000)
        except AssertionError:
            raise visit.site_changed(
                f"after the click, {describe_ways(self.save)} stayed disabled, so nothing "
                "was saved and nothing more clicked. Run this again, or do it by hand."
            ) from None
        await visit.click(save, f"the button that saves ({describe_ways(self.save)})")

    async def close_after(self, visit: Visit) -> None:
        if self.close:
            done = await visit.find.present(self.close)
            if done is not None:
                await visit.click(done, "the button that closes the dialog")
