"""The Select driver alone, on small pages made for each test (as tests/test_engine.py does):
a dropdown's current choice read from the control itself, the one dropdown of its row, and
switching off by choosing exactly the off option, or stopping."""

from __future__ import annotations

from typing import Any

import pytest

from agent.engine.controls import Select
from agent.engine.plan import Part
from agent.errors import SiteChanged
from agent.models import role
from tests.test_engine import LABEL, example_flow, visit_of

SELECT = Select(
    find=(role("combobox", f"^{LABEL}$"),),
    row=(role("heading", f"^{LABEL}$"),),
    off=r"^No$",
    on=r"^Yes(, always)?$",
)
OPTIONS = ("Yes", "No")


def menu(shown: str, checked: str | None, options: tuple[str, ...] = OPTIONS, title: str = LABEL) -> str:
    """A row: its title, and a button showing the current choice that opens a menu (as a Primer
    ActionMenu does); each item records a click on it in window.chosen."""
    items = "".join(
        f'<li><button role="menuitemradio" aria-checked="{str(o == checked).lower()}" '
        f"onclick=\"(window.chosen = window.chosen || []).push('{o}')\">{o}</button></li>"
        for o in options
    )
    key = sum(map(ord, title))
    return f"""<div class="row"><h3>{title}</h3>
      <button id="b{key}" aria-haspopup="true" aria-controls="m{key}" popovertarget="p{key}">
        <span>{shown}</span><span aria-hidden="true">▼</span></button>
      <div id="p{key}" popover><ul id="m{key}" role="menu" aria-labelledby="b{key}">{items}</ul></div>
    </div>"""


OTHER = menu("No", "No", title="Use my data for something else")


def native(chosen: str, options: tuple[str, ...] = OPTIONS) -> str:
    opts = "".join(f"<option{' selected' if o == chosen else ''}>{o}</option>" for o in options)
    return f'<label for="s">{LABEL}</label><select id="s">{opts}</select>'


def read(on_page: Any, html: str) -> str:
    async def check(page: Any) -> str:
        return await SELECT.read(visit_of(page, example_flow(SELECT)))

    return on_page(html, check)


@pytest.mark.parametrize(
    ("shown", "checked", "state"),
    [
        ("Yes", "Yes", "on"),
        ("No", "No", "off"),
        ("Yes, always", None, "on"),  # a menu made only when it opens: the button says it
        ("No", None, "off"),
    ],
)
def test_a_menu_button_reads_its_current_choice(on_page, shown: str, checked: str | None, state: str) -> None:
    options = (*OPTIONS, "Yes, always")
    assert read(on_page, OTHER + menu(shown, checked, options) + OTHER.replace("else", "more")) == state


@pytest.mark.parametrize("chosen", ["Yes", "No"])
def test_a_native_select_reads_its_chosen_option(on_page, chosen: str) -> None:
    assert read(on_page, native(chosen)) == ("on" if chosen == "Yes" else "off")


@pytest.mark.parametrize(
    ("html", "message"),
    [
        # A choice that is neither the on nor the off option is never guessed at.
        (menu("Only public code", "Only public code", (*OPTIONS, "Only public code")), "it reads 'Only public code'"),
        (native("Ask me", (*OPTIONS, "Ask me")), "it reads 'Ask me'"),
        # The button and its menu disagree.
        (menu("Yes", "No"), "it reads 'conflict'"),
    ],
)
def test_a_choice_it_cannot_tell_stops_the_walk(on_page, html: str, message: str) -> None:
    with pytest.raises(SiteChanged, match=rf"could not tell whether \"{LABEL}\" is on or off \({message}\)"):
        read(on_page, html)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (menu("Yes", "Yes") + menu("No", "No"), "2 rows could be"),
        (
            menu("Yes", "Yes").replace("</div>\n    </div>", '</div><button aria-haspopup="menu">No</button></div>'),
            "holds 2 dropdowns",
        ),
        (f"<h3>{LABEL}</h3><p>Managed elsewhere</p>" + OTHER, "holds no dropdown"),
    ],
)
def test_which_dropdown_is_never_a_guess(on_page, html: str, message: str) -> None:
    with pytest.raises(SiteChanged, match=message):
        read(on_page, html)


def turn_off(on_page: Any, html: str) -> Any:
    """Switch off on `html`; what the page's items recorded (or the select's value)."""

    async def check(page: Any) -> Any:
        visit = visit_of(page, example_flow(SELECT))
        try:
            await SELECT.turn_off(visit, visit.plan.part(Part.SWITCH))
        finally:
            chosen = await page.evaluate(
                "window.chosen || (document.querySelector('select') || {}).value || null"
            )
        return chosen, visit.changing

    return on_page(html, check)


def test_switching_off_chooses_the_off_option_and_nothing_else(on_page) -> None:
    options = ("Yes", "Yes, always", "No")
    assert turn_off(on_page, OTHER + menu("Yes", "Yes", options)) == (["No"], True)
    assert turn_off(on_page, native("Yes", options)) == ("No", True)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (menu("Yes", "Yes", ("Yes", "Maybe")), 'showed no "No"'),
        (native("Yes", ("Yes", "No", "No")), 'exactly one option "No"'),
        (menu("No", "No"), "no longer showed ON"),  # read ON before, OFF now: nothing chosen
    ],
)
def test_switching_off_without_one_off_option_chooses_nothing(on_page, html: str, message: str) -> None:
    async def check(page: Any) -> Any:
        visit = visit_of(page, example_flow(SELECT))
        with pytest.raises(SiteChanged, match=message):
            await SELECT.turn_off(visit, visit.plan.part(Part.SWITCH))
        return await page.evaluate("window.chosen || null"), visit.changing

    assert on_page(html, check) == (None, False)


def test_the_plan_says_what_will_be_chosen() -> None:
    assert SELECT.plan_read(LABEL) == f'Find the dropdown "{LABEL}" and read its current choice'
    [item] = SELECT.plan_switch_off(frozenset())
    assert item.description.startswith('choose "No" in it (no other option)')
