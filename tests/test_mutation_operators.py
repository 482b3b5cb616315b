"""The mutation operators themselves, on the replayed pages, clicked like a person (no optout):
each does what it says, and a changed page still saves through its own script."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import flows
from agent.replay import ReplayServer
from agent.store.sessions import retarget
from mutation.operators import ACCEPT, DECOY, Mutant, Op
from tests.conftest import Chromium

pytestmark = pytest.mark.mutation

Check = Callable[[Any, ReplayServer], Awaitable[None]]


def mutant(platform: str, *ops: Op) -> Mutant:
    return Mutant(platform=platform, seed=7, kind=flows.load(platform).control.kind, ops=ops)


@contextmanager
def served(m: Mutant) -> Iterator[ReplayServer]:
    with ReplayServer(m.platform, mutation=m.replay()) as server:
        yield server


def on_setting_page(chromium: Chromium, m: Mutant, check: Check) -> ReplayServer:
    """Open the setting's own page of a mutant, signed in, and run `check(page, server)`."""
    flow = flows.load(m.platform)
    with served(m) as server:
        session = retarget(server.make_session(flow.cookie_domain), flow.cookie_domain, server.url)

        async def go() -> None:
            context = await chromium.browser.new_context(storage_state=session.model_dump())
            context.set_default_timeout(5000)
            try:
                page = await context.new_page()
                await page.goto(flow.url(flow.direct, server.url))
                await check(page, server)
            finally:
                await context.close()

        chromium.run(go())
        return server


def posts(server: ReplayServer) -> list[tuple[str, Any]]:
    return [(w.path, w.body) for w in server.writes]


def own(platform: str) -> str:
    server_api = {
        "linkedin": "/voyager/api/mypreferences/settings",
        "claude": "/api/account/settings",
    }
    return f"{server_api[platform]}/{flows.load(platform).setting.id}"


SWITCH_NAME = {"linkedin": "Use my data for training", "claude": "Help improve Claude"}


async def wait_for_write(page: Any, server: ReplayServer, count: int = 1) -> None:
    for _ in range(50):
        if len(server.writes) >= count:
            return
        await page.wait_for_timeout(100)


@pytest.mark.parametrize("platform", ["linkedin", "claude"])  # a native checkbox; a button switch
@pytest.mark.parametrize(
    ("as_", "role"),
    [
        ("checkbox", "checkbox"),
        ("switch", "switch"),
        ("button_checked", "button"),
        ("button_pressed", "button"),
        ("label_checkbox", "checkbox"),
    ],
)
def test_a_swapped_control_still_saves_through_the_page(
    chromium: Chromium, platform: str, as_: str, role: str
) -> None:
    m = mutant(platform, Op(name="swap", params={"as": as_, "words": ["On", "Off"]}))

    async def check(page: Any, server: ReplayServer) -> None:
        proxy = page.get_by_role(role, name=SWITCH_NAME[platform])
        await proxy.click()
        await wait_for_write(page, server)
        assert posts(server) == [(own(platform), {"value": False})]
        await page.wait_for_timeout(200)  # the proxy follows the original's state
        state = await page.locator("[data-mut=proxy]").evaluate(
            "el => { const i = el.tagName === 'LABEL' ? el.querySelector('input') : el;"
            " return i.getAttribute('aria-checked') ?? i.getAttribute('aria-pressed') ?? String(i.checked); }"
        )
        assert state == "false"
        if as_ == "label_checkbox":  # the label says the state too
            words = (await page.locator("[data-mut=proxy]").inner_text()).split()
            assert words[-1] == "Off"
        await page.reload()  # the fresh load shows what the server holds, through a new proxy
        again = page.get_by_role(role, name=SWITCH_NAME[platform])
        await again.wait_for()
        assert await again.count() == 1

    on_setting_page(chromium, m, check)


def test_a_decoy_click_is_recorded_as_a_write_to_the_decoy_setting(chromium: Chromium) -> None:
    m = mutant(
        "claude",
        Op(name="decoy", params={"label": "Use my data for personalised ads", "where": "before"}),
    )

    async def check(page: Any, server: ReplayServer) -> None:
        await page.get_by_role("switch", name="Use my data for personalised ads").click()
        await wait_for_write(page, server)
        assert posts(server) == [(f"/api/account/settings/{DECOY}", {"value": False})]
        assert server.settings[DECOY] is False and server.settings["help-improve-claude"] is True

    on_setting_page(chromium, m, check)


def test_a_dialog_is_dismissed_without_a_write_and_its_accept_is_recorded(
    chromium: Chromium,
) -> None:
    params = {
        "when": "before",
        "after_ms": 0,
        "title": "Try Premium",
        "body": "",
        "accept": "Try now",
    }
    m = mutant(
        "linkedin", Op(name="dialog", params={**params, "dismiss": "Not now", "dismiss_aria": None})
    )

    async def check(page: Any, server: ReplayServer) -> None:
        dialog = page.get_by_role("dialog", name="Try Premium")
        await dialog.get_by_role("button", name="Not now").click()
        assert await dialog.count() == 0 and server.writes == []
        await page.reload()
        await page.get_by_role("button", name="Try now").click()
        await wait_for_write(page, server)
        assert [w.path for w in server.writes] == [ACCEPT]

    on_setting_page(chromium, m, check)


def test_an_added_confirmation_saves_only_on_confirm(chromium: Chromium) -> None:
    params = {"title": "Are you sure?", "body": "", "cancel": "Cancel", "confirm": "Turn off"}
    m = mutant("claude", Op(name="confirm_added", params=params))

    async def check(page: Any, server: ReplayServer) -> None:
        switch = page.get_by_role("switch", name="Help improve Claude")
        await switch.click()
        await page.get_by_role("dialog", name="Are you sure?").wait_for()
        assert server.writes == [] and await switch.get_attribute("aria-checked") == "true"
        await page.get_by_role("button", name="Turn off").click()
        await wait_for_write(page, server)
        assert posts(server) == [(own("claude"), {"value": False})]

    on_setting_page(chromium, m, check)


def test_a_removed_confirmation_saves_at_once(chromium: Chromium) -> None:
    m = mutant("gemini", Op(name="confirm_removed"))

    async def check(page: Any, server: ReplayServer) -> None:
        await page.get_by_role("button", name="Turn off").click()
        await page.get_by_role("menuitem", name="Turn off", exact=True).click()
        await wait_for_write(page, server)
        assert posts(server) == [("/myactivity/api/controls/keep-activity", {"value": False})]
        await page.get_by_role("button", name="Turn on").wait_for()
        assert await page.get_by_role("dialog").count() == 0

    on_setting_page(chromium, m, check)


def test_state_text_follows_the_state_in_the_accessible_name(chromium: Chromium) -> None:
    params = {"where": "labelledby", "before": False, "sep": " ", "words": ["Enabled", "Disabled"]}
    m = mutant("claude", Op(name="state_text", params=params))

    async def check(page: Any, server: ReplayServer) -> None:
        await page.get_by_role("switch", name="Help improve Claude Enabled", exact=True).click()
        await page.get_by_role("switch", name="Help improve Claude Disabled", exact=True).wait_for()

    on_setting_page(chromium, m, check)


def test_a_rerendered_control_is_a_new_node_after_the_click(chromium: Chromium) -> None:
    m = mutant("claude", Op(name="rerender"))

    async def check(page: Any, server: ReplayServer) -> None:
        before = await page.get_by_role("switch", name="Help improve Claude").element_handle()
        await before.click()
        await wait_for_write(page, server)
        await page.wait_for_timeout(200)
        assert not await before.evaluate("el => el.isConnected && el.checkVisibility()")
        after = page.get_by_role("switch", name="Help improve Claude")
        assert await after.get_attribute("aria-checked") == "false"

    on_setting_page(chromium, m, check)


def test_slow_hydration_shows_the_control_late(chromium: Chromium) -> None:
    m = mutant("claude", Op(name="slow_hydration", params={"delay_ms": 1500}))

    async def check(page: Any, server: ReplayServer) -> None:
        switch = page.get_by_role("switch", name="Help improve Claude")
        assert await switch.count() == 0
        await switch.wait_for(timeout=4000)

    on_setting_page(chromium, m, check)


def test_a_notice_follows_the_save(chromium: Chromium) -> None:
    params = {"title": "Setting updated", "body": "", "button": "Got it"}
    m = mutant("claude", Op(name="notice_after", params=params))

    async def check(page: Any, server: ReplayServer) -> None:
        await page.get_by_role("switch", name="Help improve Claude").click()
        await (
            page.get_by_role("dialog", name="Setting updated")
            .get_by_role("button", name="Got it")
            .click()
        )
        assert len(server.writes) == 1

    on_setting_page(chromium, m, check)


def test_the_control_missing_and_the_terms_wall(chromium: Chromium) -> None:
    async def missing(page: Any, server: ReplayServer) -> None:
        await page.get_by_text("Location metadata", exact=True).wait_for()
        assert await page.get_by_role("switch", name="Help improve Claude").count() == 0

    on_setting_page(chromium, mutant("claude", Op(name="control_missing")), missing)

    params = {
        "when": "before",
        "after_ms": 0,
        "title": "Updated terms",
        "body": "",
        "accept": "I agree",
    }

    async def wall(page: Any, server: ReplayServer) -> None:
        dialog = page.get_by_role("dialog", name="Updated terms")
        assert await dialog.get_by_role("button").all_inner_texts() == ["I agree"]

    on_setting_page(chromium, mutant("linkedin", Op(name="terms_wall", params=params)), wall)


def test_what_a_mutant_allows_follows_where_each_operator_stops_a_walk() -> None:
    def allowed(
        *names: str, label: str | None = "Ads", when: str = "before"
    ) -> dict[str, set[str]]:
        params = {"decoy": {"label": label}, "terms_wall": {"when": when}}
        ops = tuple(Op(name=n, params=params.get(n, {})) for n in names)
        m = mutant("claude", *ops)
        return {action: set(m.allowed(action)) for action in ("status", "apply")}

    assert allowed("wrap") == {"status": {"success"}, "apply": {"success"}}
    assert allowed("save_fails") == {"status": {"success"}, "apply": {"exit6"}}
    # An unlabelled control may stop the walk first (exit 5), or the failed save comes later.
    assert allowed("unlabel", "save_fails")["apply"] == {"exit5", "exit6"}
    # A wall comes before anything else can happen.
    assert allowed("terms_wall", "unlabel", "save_fails")["apply"] == {"exit4"}
    # One that shows a while after the control may come after a read is done; never a change.
    assert allowed("terms_wall", when="after") == {"status": {"exit4", "success"}, "apply": {"exit4"}}
    # Two unlabelled look-alikes: only a guess could pick one.
    assert allowed("unlabel", "decoy", label=None)["status"] == {"exit5"}
    assert allowed("unlabel", "decoy")["status"] == {"success", "exit5"}


def test_a_seed_is_the_same_mutant_and_blocking_operators_never_meet() -> None:
    from mutation.operators import OPERATORS, draw

    for platform in flows.names():
        mutants = [draw(platform, seed, 5.0) for seed in range(200)]
        assert mutants[:20] == [draw(platform, seed, 5.0) for seed in range(20)]
        for m in mutants:
            assert sum(OPERATORS[op.name].blocking for op in m.ops) <= 1, m.describe()
            assert all(m.kind in OPERATORS[op.name].kinds for op in m.ops), m.describe()
