"""The engine's parts, alone, in milliseconds: finding things, reading a control's state,
walls and overlays, on small pages made for each test (`on_page`) and a synthetic flow that
belongs to no platform. The end-to-end tests against the replays are in the other files."""

from __future__ import annotations

import time
from typing import Any

import pytest

from agent.engine.controls import Buttons, Switch
from agent.engine.controls.switch import READ_STATE_JS
from agent.engine.overlays import dismiss_overlays
from agent.engine.runner import new_result
from agent.engine.visit import Visit
from agent.errors import AuthRequired, ChallengeRequired, SiteChanged
from agent.models import (
    Control,
    Flow,
    Marker,
    Options,
    Setting,
    Step,
    Target,
    Walls,
    link_to,
    role,
    text,
)

LABEL = "Train on my data"
SWITCH = Switch(find=(role("switch", f"^{LABEL}$"), role("checkbox", f"^{LABEL}$")))


def example_flow(control: Control = SWITCH, **changes: Any) -> Flow:
    fields: dict[str, Any] = {
        "id": "example",
        "name": "Example",
        "origin": "https://example.test",
        "cookie_domain": "example.test",
        "session_cookies": ("sid",),
        "sign_in": "/login",
        "walls": Walls(sign_in=(r"^/login",), challenge=(r"^/checkpoint/",)),
        "setting": Setting(
            id="train",
            name=LABEL,
            control_label=LABEL,
            regions="everywhere",
            covers="what you write",
            does_not_cover=("the past",),
            help_url="https://example.test/help",
        ),
        "direct": "/page",
        "click_path": (Step(description="Open the home page", goto="/"),),
        "control": control,
        "dismiss": ("Not now", "Close"),
    }
    return Flow(**(fields | changes))


def visit_of(page: Any, flow: Flow | None = None) -> Visit:
    return Visit(page, Target(flow=flow or example_flow()), Options(timeout=5))


# Finding things ---------------------------------------------------------------------------------


def test_only_visible_elements_with_the_whole_name_count(on_page) -> None:
    html = """<button>Go</button><button hidden>Go</button><button>Go on</button>"""

    async def check(page: Any) -> int:
        found = await visit_of(page).find.present((role("button", "^go$"),))
        return await found.count() if found else 0

    assert on_page(html, check) == 1


def test_what_is_there_is_found_when_no_short_wait_gets_a_look(
    on_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a starved page (a loaded machine), a wait of a quarter second can end before it has
    looked once: what is on the page is still found, never judged absent."""
    from playwright.async_api import Locator
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    async def never_looks(self: Locator, **_: Any) -> None:
        raise PlaywrightTimeout("Timeout 250ms exceeded.")

    monkeypatch.setattr(Locator, "wait_for", never_looks)

    async def check(page: Any) -> tuple[bool, bool]:
        find = visit_of(page).find
        return await find.wait_any((role("button", "^Go$"),)), await find.wait_any(
            (role("button", "^Stop$"),)
        )

    assert on_page("<button>Go</button>", check) == (True, False)


def test_links_are_found_by_where_they_lead(on_page) -> None:
    html = """<a href="/a/b?x=1">one</a><a href="https://example.test/a/b#top">two</a>
              <a href="/a/bc">not this</a><a href="/a/b/c">nor this</a>"""

    async def check(page: Any) -> list[str]:
        return await visit_of(page).find.locator(link_to("/a/b")).all_inner_texts()

    assert on_page(html, check) == ["one", "two"]


def test_within_keeps_a_match_inside_its_container(on_page) -> None:
    html = """<button>Turn off</button>
              <div role="dialog" aria-label="Confirm"><button>Turn off</button></div>"""

    async def check(page: Any) -> int:
        way = role("button", "^Turn off$", within=role("dialog"))
        return await visit_of(page).find.locator(way).count()

    assert on_page(html, check) == 1


BESIDE = role("switch", beside=text(f"^{LABEL}$"))
ROWS = """<div class="card">
  <div class="row"><div><div>Index my name</div><p>Search engines</p></div>
    <button role="switch" aria-checked="true" id="other"></button></div>
  <div class="row"><div><div>{label}</div><p>What you write</p></div>
    <button role="switch" aria-checked="{checked}" id="ours"></button></div>
</div>"""


def test_a_switch_without_a_name_is_found_by_the_title_in_its_row(on_page) -> None:
    async def check(page: Any) -> list[str | None]:
        found = visit_of(page).find.locator(BESIDE)
        return [await one.get_attribute("id") for one in await found.all()]

    assert on_page(ROWS.format(label=LABEL, checked="true"), check) == ["ours"]


def test_a_row_of_two_switches_beside_the_title_is_never_a_guess(on_page) -> None:
    beside = Switch(find=(BESIDE,))
    html = f"""<div class="row"><div>{LABEL}</div>
               <button role="switch" aria-checked="true"></button><button role="switch" aria-checked="true"></button>
               </div>"""

    async def check(page: Any) -> str:
        return await beside.read(visit_of(page, example_flow(beside)))

    with pytest.raises(SiteChanged, match=r"2 controls could be"):
        on_page(html, check)


def test_a_title_whose_row_lost_its_switch_never_takes_the_next_rows(on_page) -> None:
    """The nearest switch is then another row's, shown with that row's title: not ours."""
    beside = Switch(find=(BESIDE,))
    html = f"""<div class="card">
      <div class="row"><div>Index my name</div><button role="switch" aria-checked="true"></button></div>
      <div class="row"><div>{LABEL}</div><a href="/elsewhere">Manage</a></div></div>"""

    async def check(page: Any) -> str:
        return await beside.read(visit_of(page, example_flow(beside)))

    with pytest.raises(SiteChanged, match=r'the row "Train on my data" holds no switch of its own'):
        on_page(html, check)


def test_without_its_title_the_row_has_no_switch(on_page) -> None:
    async def check(page: Any) -> int:
        return await visit_of(page).find.locator(BESIDE).count()

    assert on_page(ROWS.format(label="Improve the product", checked="true"), check) == 0


def test_a_page_that_failed_to_load_is_reloaded_once_then_stops(on_page) -> None:
    """`reload_when`: the page asks to be reloaded; once is a hiccup, twice the site's failure."""
    failing = """<body><script>const n = Number(sessionStorage.n || 0) + 1; sessionStorage.n = n;
      document.body.innerHTML = n < LOADS ? '<p>Something went wrong. Try reloading.</p>'
        : '<button role="switch" aria-checked="true" aria-label="Train on my data"></button>';
      </script>"""
    flow = example_flow(reload_when=(text("^Something went wrong"),))

    async def read(page: Any) -> str:
        return await visit_of(page, flow).read()

    assert on_page(failing.replace("LOADS", "2"), read, url="https://example.test/a") == "on"
    with pytest.raises(SiteChanged, match="failed to load, and again after a reload"):
        on_page(failing.replace("LOADS", "3"), read, url="https://example.test/b")


def test_a_disabled_switch_is_not_offered_only_where_the_flow_says_so(on_page) -> None:
    html = f'<button role="switch" aria-checked="true" aria-label="{LABEL}" disabled></button>'
    minor = Switch(find=SWITCH.find, disabled_means_not_offered=True)

    async def read(page: Any) -> list[str]:
        return [await SWITCH.read(visit_of(page)), await minor.read(visit_of(page, example_flow(minor)))]

    assert on_page(html, read) == ["on", "unavailable"]


# Reading a control ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "raw"),
    [
        ('<button role="switch" aria-checked="true">x</button>', "true"),
        ('<button role="switch" aria-checked="false">x</button>', "false"),
        ('<button aria-pressed="true">x</button>', "true"),
        ('<input type="checkbox" checked>', "true"),
        ('<input type="checkbox">', "false"),
        # ARIA says off while the native box is ticked: neither is believed.
        ('<input type="checkbox" role="switch" aria-checked="false" checked>', "conflict"),
        ("<button>x</button>", None),
    ],
)
def test_the_state_comes_from_the_control_itself(on_page, markup: str, raw: str | None) -> None:
    async def check(page: Any) -> str | None:
        return await page.locator("body > *").first.evaluate(READ_STATE_JS)

    assert on_page(markup, check) == raw


@pytest.mark.parametrize(("checked", "state"), [("true", "on"), ("false", "off")])
def test_a_switch_reads_on_or_off(on_page, checked: str, state: str) -> None:
    html = f"""<main><span id="l">{LABEL}</span>
               <button role="switch" aria-labelledby="l" aria-checked="{checked}"></button>
               <span>{"Off" if checked == "true" else "On"}</span></main>"""

    async def check(page: Any) -> str:
        return await SWITCH.read(visit_of(page))

    assert on_page(html, check) == state


def test_a_state_that_cannot_be_told_stops_the_walk(on_page) -> None:
    html = f'<label><input type="checkbox" role="switch" aria-checked="false" checked>{LABEL}</label>'

    async def check(page: Any) -> str:
        return await SWITCH.read(visit_of(page))

    with pytest.raises(SiteChanged, match=r"could not tell whether .* \(it reads 'conflict'\)"):
        on_page(html, check)


def test_two_candidates_are_never_a_guess(on_page) -> None:
    unlabelled = Switch(find=(role("switch", within=role("main")),))
    html = """<main><button role="switch" aria-checked="true" aria-label="A"></button>
              <button role="switch" aria-checked="true" aria-label="B"></button></main>"""

    async def check(page: Any) -> str:
        return await unlabelled.read(visit_of(page, example_flow(unlabelled)))

    with pytest.raises(SiteChanged, match=r"2 controls could be .* does not guess"):
        on_page(html, check)


def test_a_switch_behind_a_row_is_revealed_first(on_page) -> None:
    behind = Switch(find=SWITCH.find, reveal=(role("button", f"^{LABEL}$"),))
    html = f"""<button aria-haspopup="dialog" onclick="document.getElementById('d').hidden=false">
               {LABEL}</button>
               <div role="dialog" id="d" hidden><button role="switch" aria-checked="true">
               {LABEL}</button></div>"""

    async def check(page: Any) -> str:
        return await behind.read(visit_of(page, example_flow(behind)))

    assert on_page(html, check) == "on"


def test_a_row_with_a_state_of_its_own_is_never_clicked_on_the_way(on_page) -> None:
    """Only the control, read as ON, is clicked while it has a state: a reveal row that is a
    toggle is not taken for a row (the switch find being switches only), and a click on the
    way that meets a state of its own stops instead."""
    behind = Switch(find=(role("switch", f"^{LABEL}$"),), reveal=(role("button", f"^{LABEL}$"),))
    html = f"""<button aria-pressed="false" onclick="window.clicked = true">{LABEL}</button>"""

    async def check(page: Any) -> Any:
        visit = visit_of(page, example_flow(behind))
        with pytest.raises(SiteChanged, match="has no switch"):
            await behind.read(visit)
        with pytest.raises(SiteChanged, match="has a state of its own"):
            await visit.click(page.get_by_role("button"), "the row")
        return await page.evaluate("window.clicked === undefined")

    assert on_page(html, check) is True


GEMINI_LIKE = Buttons(
    on_when=(role("button", "^Turn off$"),),
    off_when=(role("button", "^Turn on$"),),
    switch_off=(Step(description="Click Turn off", click=(role("button", "^Turn off$"),)),),
)


@pytest.mark.parametrize(
    ("buttons", "state"),
    [
        ("<button>Turn off</button>", "on"),
        ("<button>Turn on</button>", "off"),
        ("<button>Turn off</button><button>Turn on</button>", "both buttons"),
    ],
)
def test_buttons_tell_the_state_when_exactly_one_is_offered(
    on_page, buttons: str, state: str
) -> None:
    async def check(page: Any) -> str:
        return await GEMINI_LIKE.read(visit_of(page, example_flow(GEMINI_LIKE)))

    if state in ("on", "off"):
        assert on_page(buttons, check) == state
    else:
        with pytest.raises(SiteChanged, match=state):
            on_page(buttons, check)


# After the click: what the page asks ----------------------------------------------------------

GEMINI_WITH_DIALOG = Buttons(
    on_when=(role("button", "^Turn off$"),),
    off_when=(role("button", "^Turn on$"),),
    switch_off=(
        Step(description="Click Turn off", click=(role("button", "^Turn off$"),), ready=(role("dialog"),)),
        Step(description="Confirm", click=(role("button", "^Turn off and delete$", within=role("dialog")),)),
    ),
)
TURN_OFF_THEN_DIALOG = """<button onclick="ask()">Turn off</button><script>window.clicked = [];
  function ask() {
    document.body.insertAdjacentHTML('beforeend', '<div role="dialog" aria-label="Sure?">'
      + '<button onclick="confirmed(this)">Turn off and delete</button><button>Cancel</button></div>');
  }
  function confirmed(button) { window.clicked.push(button.innerText); CONFIRMED(button); }
</script>"""


def switched_off(page: Any) -> Any:
    """Read the setting (ON), switch it off as an apply does; what was clicked in the page."""

    async def go() -> list[str]:
        visit = visit_of(page, example_flow(GEMINI_WITH_DIALOG))
        assert await GEMINI_WITH_DIALOG.read(visit) == "on"
        try:
            await visit.switch_off()
        finally:
            clicked: list[str] = await page.evaluate("window.clicked")
        assert visit.saved
        return clicked

    return go()


def test_a_confirmation_still_closing_while_its_save_is_on_the_way_is_no_question(on_page) -> None:
    """The dialog just answered stays a moment (an animation, a slow answer) before the page
    saves: it is judged on the settled page, where it is gone and the change saved."""
    lingers = TURN_OFF_THEN_DIALOG.replace(
        "CONFIRMED(button);",
        "setTimeout(() => fetch(location.href, {method: 'POST'})"
        ".then(() => button.parentElement.remove()), 800);",
    )
    assert on_page(lingers, switched_off) == ["Turn off and delete"]


def test_a_dialog_that_stays_and_asks_something_else_stops_the_walk(on_page) -> None:
    """A question after the change (a survey, a choice) is answered by no one: exit 5 once the
    page has settled with it, and nothing more is clicked."""
    survey = TURN_OFF_THEN_DIALOG.replace(
        "CONFIRMED(button);",
        "button.parentElement.innerHTML = 'Why? <button>Send</button><button>Skip</button>';",
    )
    start = time.monotonic()
    with pytest.raises(SiteChanged, match=(
        r"^Step \d+: after the click the page asks something in a dialog that optout does not "
        r"answer; nothing more was clicked\. A change may have been sent: see where it stands "
        r"with optout status example\.$"
    )):
        on_page(survey, switched_off)
    assert time.monotonic() - start < 10


# Walls and overlays -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "error"), [("/login?next=/page", AuthRequired), ("/checkpoint/x", ChallengeRequired)]
)
def test_walls_are_told_by_the_address(on_page, path: str, error: type) -> None:
    async def check(page: Any) -> None:
        visit_of(page).walls.check_address()

    with pytest.raises(error, match=r"optout login example --account default|security check"):
        on_page("<p>wall</p>", check, url="https://example.test" + path)


def test_a_wall_that_keeps_the_address_stops_with_its_own_words(on_page) -> None:
    walls = Walls(
        sign_in=(),
        challenge=(),
        markers=(
            Marker(kind="sign_in", shows=(role("button", "^Log in$"),), says="Sign in: {login}"),
        ),
    )
    flow = example_flow(walls=walls)

    async def check(page: Any) -> None:
        await visit_of(page, flow).appears(SWITCH.find)

    with pytest.raises(AuthRequired, match=r"^Sign in: optout login example --account default$"):
        on_page(f'<button>Log in</button><button role="switch">{LABEL}</button>', check)


OVERLAY = """<button onclick="window.clicked.push('go')">Go</button>
<div role="dialog" aria-label="Upgrade" style="position:fixed;inset:0;background:#fff">
  <button onclick="window.clicked.push('accept')">Accept</button>
  <button onclick="window.clicked.push('not now');this.parentElement.remove()">Not now</button>
</div><script>window.clicked = []</script>"""


def test_an_overlay_in_the_way_is_dismissed_never_accepted(on_page) -> None:
    async def check(page: Any) -> list[str]:
        visit = visit_of(page)
        await dismiss_overlays(visit)
        await page.get_by_role("button", name="Go").click()
        clicked: list[str] = await page.evaluate("window.clicked")
        return clicked

    assert on_page(OVERLAY, check) == ["not now", "go"]


def test_two_overlays_at_once_are_dismissed_one_after_the_other(on_page) -> None:
    banner = """<div role="region" aria-label="Cookies" style="position:fixed;bottom:0">
      <button onclick="window.clicked.push('close');this.parentElement.remove()">Close</button>
      </div>"""

    async def check(page: Any) -> list[str]:
        visit = visit_of(page)
        await dismiss_overlays(visit)
        await page.get_by_role("button", name="Go").click()
        return sorted(await page.evaluate("window.clicked"))

    assert on_page(OVERLAY + banner, check) == ["close", "go", "not now"]


def test_a_dialog_that_holds_the_setting_is_not_dismissed(on_page) -> None:
    html = f"""<div role="dialog" aria-label="Settings"><button>Close</button>
               <button role="switch" aria-checked="true">{LABEL}</button></div>"""

    async def check(page: Any) -> tuple[str, int]:
        visit = visit_of(page)
        await dismiss_overlays(visit)
        return await SWITCH.read(visit), await page.get_by_role("dialog").count()

    assert on_page(html, check) == ("on", 1)


def test_a_wall_behind_an_overlay_stops_the_action_at_once(on_page) -> None:
    """New terms that cover the page with a dismiss-like button are a wall: the click they block
    ends with the wall's message, never with a dismissal or a wait for the click's timeout."""
    walls = Walls(
        sign_in=(),
        challenge=(),
        markers=(Marker(kind="challenge", shows=(role("dialog", "^New terms$"),), says="Terms."),),
    )
    html = """<button onclick="window.clicked.push('go')">Go</button><script>window.clicked = [];
      setTimeout(() => document.body.insertAdjacentHTML('beforeend',
        '<div role="dialog" aria-label="New terms" style="position:fixed;inset:0;background:#fff">'
        + '<button onclick="window.clicked.push(1)">Accept</button><button>Not now</button></div>'),
        100)</script>"""

    class ClickingGo(Visit):
        async def walk(self, action: Any, result: Any) -> None:
            await self.page.get_by_role("dialog").wait_for(state="attached")
            await self.page.get_by_role("button", name="Go").click()

    async def check(page: Any) -> float:
        visit = ClickingGo(page, Target(flow=example_flow(walls=walls)), Options(timeout=20))
        await dismiss_overlays(visit)
        start = time.monotonic()
        try:
            await visit.walk_within_deadline("status", new_result(visit.target, "status"))
        finally:
            assert await page.evaluate("window.clicked") == []
            assert time.monotonic() - start < 10  # not the click's 20 s
        return 0

    with pytest.raises(ChallengeRequired, match=r"^Terms\.$"):
        on_page(html, check)


def test_an_overlay_that_will_not_close_stops_the_walk_with_a_message(on_page) -> None:
    """A notice whose button cannot be clicked (something else covers it) ends the walk as a
    changed site, from the overlay handler: no error escapes it to crash the run."""
    html = """<button onclick="window.clicked.push('go')">Go</button><script>window.clicked = [];
      setTimeout(() => document.body.insertAdjacentHTML('beforeend',
        '<div role="dialog" aria-label="News"><button>Got it</button></div>'
        + '<div style="position:fixed;inset:0;z-index:9"></div>'), 100)</script>"""

    class ClickingGo(Visit):
        async def walk(self, action: Any, result: Any) -> None:
            await self.page.get_by_role("dialog").wait_for(state="attached")
            await self.page.get_by_role("button", name="Go").click()

    async def check(page: Any) -> None:
        flow = example_flow(acknowledge=("Got it",))
        visit = ClickingGo(page, Target(flow=flow), Options(timeout=20))
        await dismiss_overlays(visit)
        try:
            await visit.walk_within_deadline("status", new_result(visit.target, "status"))
        finally:
            assert await page.evaluate("window.clicked") == []

    with pytest.raises(SiteChanged, match="an overlay covers the page and would not close"):
        on_page(html, check)


def test_a_page_that_answers_slowly_is_given_longer_to_settle() -> None:
    """A starved page (a loaded machine, a busy page) renders late with nothing loading: the
    moment it must stay still grows with how slowly it answers."""
    from agent.engine.finder import SETTLED_SECONDS, quiet_needed

    assert quiet_needed(0.01) == SETTLED_SECONDS
    assert quiet_needed(0.6) == pytest.approx(3.0)


def test_a_notice_is_known_with_either_apostrophe() -> None:
    from agent.engine.overlays import names_pattern

    pattern = names_pattern(("J'ai compris", "No,? thanks"))
    assert all(pattern.match(n) for n in ("J\u2019ai compris", "j'ai compris", "No thanks"))
    assert not pattern.match("J\u2019ai compris tout")



# An opt-out box, and a form saved by its button -------------------------------------------------

OPT_OUT = "Keep my data out of training"
BOX = f'<label><input type="checkbox" onclick="window.clicks = (window.clicks || 0) + 1" CHECKED>{OPT_OUT}</label>'
SAVE_JS = "window.saved = document.querySelector('input').checked"
OPT_OUT_BOX = Switch(find=(role("checkbox", f"^{OPT_OUT}$"),), checked_means="off")
SAVED_BY_BUTTON = Switch(
    find=OPT_OUT_BOX.find, checked_means="off", save=(role("button", "^Save$"),)
)


def quick_visit(page: Any, control: Switch) -> Visit:
    """A visit of the example flow with `control`, that waits one second for anything."""
    return Visit(page, Target(flow=example_flow(control)), Options(timeout=1))


@pytest.mark.parametrize(
    ("checked", "state"), [("checked", "off"), ("", "on"), ("checked disabled", "off")]
)
def test_an_opt_out_box_reads_off_when_checked(on_page, checked: str, state: str) -> None:
    """Checked means protected (OFF), whatever else the box is (disabled: forced so by
    another option, still OFF); unchecked means the platform may use the data (ON)."""

    async def read(page: Any) -> str:
        return await OPT_OUT_BOX.read(visit_of(page, example_flow(OPT_OUT_BOX)))

    assert on_page(BOX.replace("CHECKED", checked), read) == state


def test_a_checked_opt_out_box_is_never_clicked(on_page) -> None:
    async def walk(page: Any) -> tuple[str, bool, bool]:
        visit = visit_of(page, example_flow(SAVED_BY_BUTTON))
        result = new_result(visit.target, "apply")
        await visit.walk("apply", result)
        return result.state, result.changed, await page.evaluate("window.clicks === undefined")

    html = BOX.replace("CHECKED", "checked") + f'<button onclick="{SAVE_JS}">Save</button>'
    assert on_page(html, walk) == ("off", False, True)


def test_an_opt_out_box_is_checked_then_its_save_pressed_and_nothing_else(on_page) -> None:
    from agent.engine.plan import Part

    html = (
        BOX.replace("CHECKED", "")
        + f'<button onclick="{SAVE_JS}">Save</button>'
        + '<button onclick="window.other = true">Save draft</button>'
    )

    async def switch_off(page: Any) -> list[Any]:
        visit = quick_visit(page, SAVED_BY_BUTTON)
        await SAVED_BY_BUTTON.turn_off(visit, visit.plan.part(Part.SWITCH))
        return await page.evaluate("[window.clicks, window.saved, window.other === undefined]")

    assert on_page(html, switch_off) == [1, True, True]


@pytest.mark.parametrize(
    ("buttons", "says", "clicks"),
    [
        ("", 'no button "Save" .* nothing was clicked', None),
        ("<button>Save</button><button>Save</button>", "2 buttons could be .* Nothing was clicked", None),
        ('<button aria-disabled="true" onclick="SAVE">Save</button>', "stayed disabled", 1),
        ('<button disabled onclick="SAVE">Save</button>', "stayed disabled", 1),
    ],
)
def test_without_one_enabled_save_button_nothing_is_saved(
    on_page, buttons: str, says: str, clicks: int | None
) -> None:
    """No Save button, or two, and the box is not even clicked; a Save that stays disabled
    after the click is not pressed (the page keeps the change unsent): the site changed."""
    from agent.engine.plan import Part

    html = BOX.replace("CHECKED", "") + buttons.replace("SAVE", SAVE_JS)

    async def switch_off(page: Any) -> list[Any]:
        visit = quick_visit(page, SAVED_BY_BUTTON)
        with pytest.raises(SiteChanged, match=says):
            await SAVED_BY_BUTTON.turn_off(visit, visit.plan.part(Part.SWITCH))
        return await page.evaluate("[window.clicks ?? null, window.saved ?? null]")

    assert on_page(html, switch_off) == [clicks, None]


SAVED_IF_SHOWN = SAVED_BY_BUTTON.model_copy(update={"save_if_shown": True})
# What the page does once the box changed: enable its Save, or slide in a Save bar.
ON_CHANGE = "<script>document.querySelector('input').onchange = () => {{ {} }}</script>"
SAVE_BUTTON = (
    "const b = document.createElement('button'); b.textContent = 'Save'; "
    f"b.onclick = () => {{ {SAVE_JS} }}; document.body.append(b);"
)


@pytest.mark.parametrize(
    ("buttons", "saved"),
    [
        ("", None),  # the page saves by itself: no button to press
        (  # shown before the change, disabled until it
            f'<button disabled onclick="{SAVE_JS}">Save</button>'
            + ON_CHANGE.format("document.querySelector('button').disabled = false"),
            True,
        ),
        (ON_CHANGE.format(f"setTimeout(() => {{ {SAVE_BUTTON} }}, 300)"), True),  # slides in
    ],
)
def test_a_save_button_the_page_may_show_is_pressed_when_shown(
    on_page, buttons: str, saved: bool | None
) -> None:
    """A page that may save on change or with a Save bar: Save is pressed when it is shown,
    before the change or once the change brought it; without one, the click is all."""
    from agent.engine.plan import Part

    async def switch_off(page: Any) -> list[Any]:
        visit = quick_visit(page, SAVED_IF_SHOWN)
        await SAVED_IF_SHOWN.turn_off(visit, visit.plan.part(Part.SWITCH))
        return await page.evaluate("[window.clicks, window.saved ?? null]")

    assert on_page(BOX.replace("CHECKED", "") + buttons, switch_off) == [1, saved]


def test_a_save_button_the_page_may_show_must_be_named() -> None:
    with pytest.raises(ValueError, match="save_if_shown needs the save button"):
        Switch(find=OPT_OUT_BOX.find, save_if_shown=True)


# A setting each object has (a site's) -----------------------------------------------------------


def per_object_flow(**changes: Any) -> Flow:
    from agent.models import PerObject, css

    every = PerObject(
        noun="site",
        plural="sites",
        list_page="/sites",
        items=css("li[data-host]"),
        key_attribute="data-host",
        key_pattern=r"[a-z0-9]+(\.[a-z0-9]+)+",
        empty=(text("^No sites yet$"),),
        most=3,
    )
    setting = example_flow().setting.model_copy(update={"id": "{object}/train"})
    return example_flow(
        setting=setting, direct="/settings/{object}", per_object=every.model_copy(update=changes)
    )


def listing(html: str, flow: Flow | None = None) -> Any:
    from agent.engine.objects import listed

    async def run(page: Any) -> list[str]:
        return await listed(Visit(page, Target(flow=flow or per_object_flow()), Options(timeout=2)))

    return run


def sites(*hosts: str) -> str:
    return "<ul>" + "".join(f'<li data-host="{host}">{host}</li>' for host in hosts) + "</ul>"


def test_objects_are_listed_in_order_each_once(on_page) -> None:
    html = sites("b.example", "a.example", "b.example") + '<li data-host="c.example" hidden>c</li>'
    assert on_page(html, listing(html), url="https://example.test/sites") == ["b.example", "a.example"]


def test_an_empty_list_says_so(on_page) -> None:
    html = "<p>No sites yet</p>"
    assert on_page(html, listing(html), url="https://example.test/sites") == []


@pytest.mark.parametrize(
    ("html", "says"),
    [
        ("<p>Sites</p>", r"showed no site \(css li\[data-host\]\) and did not say there are none"),
        (sites("a.example", "../../x"), "a site is listed as '../../x', which does not look like one"),
        (sites("a.example", "b.example?x=1"), "does not look like one"),
        (sites("a.ex", "b.ex", "c.ex", "d.ex"), "shows 4 sites, more than the 3 optout takes"),
    ],
)
def test_a_list_that_cannot_be_trusted_stops_before_any_object(on_page, html: str, says: str) -> None:
    with pytest.raises(SiteChanged, match=says):
        on_page(html, listing(html), url="https://example.test/sites")


def test_each_object_has_its_own_flow_and_setting() -> None:
    flow = per_object_flow()
    one = flow.for_object("a.example")
    assert (one.setting.id, one.direct, one.object, one.listing) == (
        "a.example/train", "/settings/a.example", "a.example", False,
    )
    assert flow.listing and flow.object_of("a.example/train") == "a.example"
    assert flow.object_of("../x/train") is None and flow.object_of("a.example/other") is None
    with pytest.raises(ValueError, match=r"names \{object\} in its id and direct route"):
        example_flow(per_object=flow.per_object)
    from agent.models import PerObject, css

    loose = PerObject(noun="site", plural="sites", list_page="/s", items=css("li"),
                      key_attribute="data-k", key_pattern=r".+")  # fmt: skip
    assert [loose.key(raw) for raw in ("a.example", "a/b", "a?b", 'a"b', "", None)] == [
        "a.example", None, None, None, None, None,
    ]  # fmt: skip
    by_link = PerObject(noun="blog", plural="blogs", list_page="/s", items=css("a"),
                        key_attribute="href", key_pattern="[a-z-]+", key_within="/blog/{key}")  # fmt: skip
    assert [by_link.key(raw) for raw in ("/blog/paper-lantern", "/blog/x/y", "paper-lantern")] == [
        "paper-lantern", None, None,
    ]  # fmt: skip
    assert (by_link.is_key("paper-lantern"), by_link.is_key("/blog/paper-lantern")) == ("paper-lantern", None)
    with pytest.raises(ValueError, match="key_within"):
        by_link.model_validate(by_link.model_dump() | {"key_within": "/blog/"})
