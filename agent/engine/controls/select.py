"""A setting that is a choice among options (a dropdown): off is choosing one named option."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import field_validator, model_validator

from agent.engine.controls.base import ControlDriver
from agent.models import Locate, PlanItem
from agent.models.locate import readable

if TYPE_CHECKING:
    from playwright.async_api import Locator

    from agent.engine.plan import PlannedStep
    from agent.engine.visit import Visit
    from agent.models import State

# What is a dropdown: a native <select>, a combobox, or a button that opens a menu or a list
# (not one that opens a dialog).
DROPDOWN_CSS = (
    "select, [role=combobox], "
    "[aria-haspopup]:not([aria-haspopup=false]):not([aria-haspopup=dialog])"
)
# The nearest ancestor of a row's title that holds a dropdown (visible or not).
HOLDS_A_DROPDOWN = (
    "xpath=ancestor::*[.//select or .//*[@role='combobox'] or .//*[@aria-haspopup and "
    "@aria-haspopup!='false' and @aria-haspopup!='dialog']][1]"
)
# The roles of the options in a dropdown's menu or list.
ITEM_ROLES: tuple[Literal["menuitemradio", "option", "menuitem", "menuitemcheckbox"], ...] = (
    "menuitemradio",
    "option",
    "menuitem",
    "menuitemcheckbox",
)
# What the control says it holds: a native select's chosen options; else the checked (or
# selected) items of the menu or list it controls, and the text it shows (a button shows the
# current choice, a text combobox its value). Hidden text (an arrow, an icon) is not read.
READ_CHOICE_JS = """el => {
  const shown = e => {
    if (e.nodeType === Node.TEXT_NODE) return e.nodeValue;
    if (e.nodeType !== Node.ELEMENT_NODE || e.getAttribute('aria-hidden') === 'true'
        || e.hidden) return '';
    return Array.from(e.childNodes).map(shown).join('');
  };
  const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
  if (el instanceof HTMLSelectElement) {
    return {native: true, multiple: el.multiple, shown: null,
            chosen: Array.from(el.selectedOptions).map(o => norm(o.label || o.text))};
  }
  const ids = [el.getAttribute('aria-controls'), el.getAttribute('aria-owns')].join(' ')
    .split(/\\s+/).filter(Boolean);
  const popups = ids.map(id => document.getElementById(id)).filter(Boolean);
  if (el.getAttribute('role') === 'listbox') popups.push(el);
  if (el.id) {
    popups.push(...document.querySelectorAll(`[aria-labelledby~="${CSS.escape(el.id)}"]`));
  }
  const items = new Set();
  const roles = ['menuitemradio', 'option', 'menuitem', 'menuitemcheckbox'];
  popups.forEach(p => p.querySelectorAll(roles.map(r => `[role=${r}]`).join(', '))
    .forEach(i => items.add(i)));
  const chosen = Array.from(items)
    .filter(i => i.getAttribute('aria-checked') === 'true' || i.getAttribute('aria-selected') === 'true')
    .map(i => norm(shown(i)));
  const value = el instanceof HTMLInputElement ? el.value : shown(el);
  return {native: false, multiple: false, shown: norm(value), chosen: chosen};
}"""
# Whether the dropdown's own row is the title's: the nearest ancestor of the dropdown that holds
# any title holds this one (else the dropdown belongs to another row, and the title's has none).
TITLES = "h1, h2, h3, h4, h5, h6, [role=heading], label, legend"
IN_ROW_OF_JS = f"""(el, title) => {{
  for (let up = el.parentElement; up; up = up.parentElement) {{
    const titles = Array.from(up.querySelectorAll('{TITLES}')).filter(t => !el.contains(t));
    if (titles.length) return up.contains(title);
  }}
  return false;
}}"""
OPTIONS_JS = """el => Array.from(el.options).map(o => ({
  name: (o.label || o.text || '').replace(/\\s+/g, ' ').trim(), disabled: o.disabled }))"""
POPUP_IDS_JS = """el => [el.getAttribute('aria-controls'), el.getAttribute('aria-owns')].join(' ')
  .split(/\\s+/).filter(Boolean)"""


class Select(ControlDriver):
    """A choice among options (a dropdown) whose chosen option is the setting: `off` names the
    option that turns it off, `on` the option(s) that mean it is on; any other choice is a state
    optout cannot tell. The dropdown is a native <select>, or a button that shows the current
    choice and opens a menu (or list) of options, or a list of options itself. It is found by
    its own name (`find`), or, when it is named only by its current choice, by the title of the
    row that holds it (`row`: the one dropdown in the nearest part of the page that holds the
    title and any dropdown). Switching off chooses exactly the `off` option, nothing else."""

    kind: Literal["select"] = "select"
    find: tuple[Locate, ...] = ()
    row: tuple[Locate, ...] = ()
    off: str
    on: str

    @field_validator("off", "on")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        re.compile(pattern)
        return pattern

    @model_validator(mode="after")
    def _found_somehow(self) -> Select:
        if not self.find and not self.row:
            raise ValueError("a select is found by its own name (find) or its row's title (row)")
        return self

    @property
    def shows(self) -> tuple[Locate, ...]:
        return self.find + self.row

    @property
    def off_name(self) -> str:
        return readable(self.off)

    def plan_read(self, label: str) -> str:
        return f'Find the dropdown "{label}" and read its current choice'

    def plan_switch_off(self, choices: frozenset[str]) -> tuple[PlanItem, ...]:
        return (
            PlanItem(
                description=f'choose "{self.off_name}" in it (no other option), and wait '
                "until the page has saved"
            ),
        )

    # Finding it ---------------------------------------------------------------------------------

    async def locate(self, visit: Visit) -> Locator:
        """The setting's dropdown: by its own name, else the one in its row."""
        label = visit.flow.setting.control_label
        if await visit.appears(self.shows) is None:
            visit.walls.check_address()
            raise visit.site_changed(
                f'the page has no dropdown "{label}" where {visit.flow.name}\'s setting should be.'
            )
        named = await visit.find.which(self.find) if self.find else None
        if named is not None:
            way, found = named
            if (count := await found.count()) > 1:
                raise visit.site_changed(
                    f'{count} dropdowns could be "{label}" and none is told apart by a known '
                    "label; optout does not guess which one to choose in."
                )
            visit.found_with = way
            return found
        titled = await visit.find.which(self.row)
        if titled is None:
            visit.walls.check_address()
            raise visit.site_changed(f'the page has no dropdown "{label}".')
        way, titles = titled
        if (count := await titles.count()) > 1:
            raise visit.site_changed(
                f'{count} rows could be "{label}"; optout does not guess which one is the '
                "setting's."
            )
        found = titles.locator(HOLDS_A_DROPDOWN).locator(DROPDOWN_CSS).filter(visible=True)
        count = await found.count()
        if count == 1:
            title = await titles.element_handle(timeout=visit.find.timeout_ms)
            if not await visit.bounded(found.evaluate(IN_ROW_OF_JS, title)):
                count = 0  # the nearest dropdown is another row's
        if count != 1:
            what = "no dropdown" if count == 0 else f"{count} dropdowns"
            raise visit.site_changed(
                f'the row "{label}" holds {what}; optout does not guess which one is the '
                "setting's."
            )
        visit.found_with = way
        return found

    # Reading it ---------------------------------------------------------------------------------

    def choice(self, name: str) -> Literal["true", "false"] | None:
        """"true" for an option that means ON, "false" for the one that turns it off, None for
        any other (or a name that both patterns take: the flow cannot tell)."""
        on = re.search(self.on, name, re.I) is not None
        off = re.search(self.off, name, re.I) is not None
        if on == off:
            return None
        return "true" if on else "false"

    def raw(self, reading: dict[str, Any]) -> str:
        """What the control's reading says: "true" (ON), "false" (OFF), or what it shows."""
        chosen: list[str] = reading["chosen"]
        if reading["multiple"] or len(chosen) > 1:
            return f"{len(chosen)} options chosen at once"
        if reading["native"]:
            return (self.choice(chosen[0]) or chosen[0]) if chosen else "no option chosen"
        shown: str = reading["shown"]
        said = self.choice(shown)
        if not chosen:  # the menu is made when it opens: the current choice it shows
            return said or shown
        checked = self.choice(chosen[0])
        if checked is None:
            return chosen[0]
        # A button named by its row, not by its choice, says nothing about the state.
        return "conflict" if said is not None and said != checked else checked

    async def reading(self, visit: Visit, control: Locator) -> str:
        return self.raw(await visit.bounded(control.evaluate(READ_CHOICE_JS)))

    async def read(self, visit: Visit) -> State:
        control = await self.locate(visit)
        return self.state(visit, await self.reading(visit, control))

    # Switching it off ---------------------------------------------------------------------------

    async def turn_off(self, visit: Visit, steps: tuple[PlannedStep, ...]) -> None:
        visit.at(steps[0])
        control = await self.locate(visit)
        native = await visit.bounded(control.evaluate("el => el instanceof HTMLSelectElement"))
        if native:
            await self._choose_native(visit, control)
            return
        role = await visit.bounded(control.evaluate("el => el.getAttribute('role')"))
        if role != "listbox":  # a button (or combobox) that opens its options
            label = visit.flow.setting.control_label
            await visit.click(control, f'the dropdown "{label}"')
        item = await self._off_item(visit, control)
        await self._still_on(visit, control)
        visit.about_to_change()
        await item.click(timeout=visit.find.timeout_ms)

    async def _still_on(self, visit: Visit, control: Locator) -> None:
        """Read again at the moment of choosing: choosing anything when it is not ON is never
        needed, and could turn it on."""
        if await self.reading(visit, control) != "true":
            raise visit.site_changed(
                "the dropdown no longer showed ON when optout was about to choose "
                f'"{self.off_name}"; nothing was chosen. Run this again.'
            )

    async def _choose_native(self, visit: Visit, control: Locator) -> None:
        options: list[dict[str, Any]] = await visit.bounded(control.evaluate(OPTIONS_JS))
        offs = [i for i, o in enumerate(options) if self.choice(o["name"]) == "false"]
        if len(offs) != 1 or options[offs[0]]["disabled"]:
            names = ", ".join(repr(o["name"]) for o in options)
            raise visit.site_changed(
                f'the dropdown does not offer exactly one option "{self.off_name}" to choose '
                f"(it offers {names or 'nothing'}); nothing was chosen."
            )
        await self._still_on(visit, control)
        visit.about_to_change()
        await control.select_option(index=offs[0], timeout=visit.find.timeout_ms)

    async def _off_item(self, visit: Visit, control: Locator) -> Locator:
        """The one option of the opened menu (or list) that turns it off."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        page = visit.page
        ids: list[str] = await visit.bounded(control.evaluate(POPUP_IDS_JS))
        role = await visit.bounded(control.evaluate("el => el.getAttribute('role')"))
        popup: Locator
        if role == "listbox":
            popup = control
        elif ids:
            popup = page.locator(", ".join(f"[id={json.dumps(i)}]" for i in ids))
        else:
            popup = page.get_by_role("menu").or_(page.get_by_role("listbox")).filter(visible=True)
        name = re.compile(self.off, re.I)
        items = popup.get_by_role(ITEM_ROLES[0], name=name)
        for item_role in ITEM_ROLES[1:]:
            items = items.or_(popup.get_by_role(item_role, name=name))
        items = items.filter(visible=True)
        try:
            await items.first.wait_for(state="visible", timeout=visit.find.timeout_ms)
        except PlaywrightTimeout:
            raise visit.site_changed(
                f'the dropdown\'s options showed no "{self.off_name}"; nothing was chosen.'
            ) from None
        if (count := await items.count()) > 1:
            raise visit.site_changed(
                f'{count} options could be "{self.off_name}"; optout does not guess which one '
                "to choose."
            )
        # Its name matched the off option's; a name that the on option's takes too is no choice.
        shown = " ".join((await visit.bounded(items.evaluate("el => el.innerText"))).split())
        if self.choice(shown) != "false":
            raise visit.site_changed(
                f'the option "{shown}" does not tell OFF from ON; nothing was chosen.'
            )
        return items
