"""The quirks of the platforms added in issue 14, each met by a general engine mechanism:
Grammarly's second page for single-user Pro, Perplexity's older label, its upsell, its page that
serves signed-out visitors and its Enterprise accounts, Pinterest's feed filter beside the
training switch, grok.com's and Quora's switches that have no name of their own, and the
settings each WordPress.com site and each Tumblr blog has on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import flows
from tests.conftest import Replay


def test_grammarly_single_user_pro_is_found_on_data_settings(optout, replay: Replay) -> None:
    server = replay("grammarly", "pro_single_user")
    run = optout("apply", "grammarly", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state_before"], run.json[0]["state"]) == ("on", "off")
    assert [w.path for w in server.writes] == [
        "/api/settings/privacy/product-improvement-and-training"
    ]
    assert server.settings["personalized-advertising"] is True


def test_perplexity_older_label_and_upsell(optout, replay: Replay) -> None:
    server = replay("perplexity", "label_renamed", "pro_upsell")
    run = optout("apply", "perplexity", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["changed"] is True and server.settings["ai-data-retention"] is False
    assert [w.path for w in server.writes] == ["/rest/user/settings/ai-data-retention"]


def test_perplexity_signed_out_page_asks_to_sign_in(optout, replay: Replay) -> None:
    server = replay("perplexity", "signed_out")
    run = optout("status", "perplexity", "--base-url", server.url, "--json")
    assert run.code == 4 and run.json[0]["error"]["kind"] == "auth_required"
    assert server.writes == []


def test_perplexity_enterprise_is_not_offered(optout, replay: Replay) -> None:
    server = replay("perplexity", "setting_absent")
    run = optout("apply", "perplexity", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state"], run.json[0]["error"]) == ("unavailable", None)
    assert server.writes == []


def test_pinterest_feed_filter_is_left_alone(optout, replay: Replay) -> None:
    server = replay("pinterest")
    run = optout("apply", "pinterest", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert server.settings["show-ai-content"] is True
    assert [w.path for w in server.writes] == [
        "/resource/UserSettingsResource/train-pinterest-canvas"
    ]


def test_pinterest_save_bar_is_pressed_when_the_page_shows_one(optout, replay: Replay) -> None:
    """The page's Reset / Save bar keeps the change on screen until Save: Save is pressed,
    and only the training setting is sent."""
    server = replay("pinterest", "save_bar")
    run = optout("apply", "pinterest", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state_before"], run.json[0]["state"]) == ("on", "off")
    assert [(w.path, w.body["value"]) for w in server.writes] == [
        ("/resource/UserSettingsResource/train-pinterest-canvas", False)
    ]
    assert server.settings["show-ai-content"] is True


def test_grok_training_switch_is_found_beside_its_title(optout, replay: Replay) -> None:
    """grok.com's switches have no name of their own, and the training one is the second of
    three on its tab: only it is clicked."""
    server = replay("grok")
    run = optout("apply", "grok", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state_before"], run.json[0]["state"]) == ("on", "off")
    assert [w.path for w in server.writes] == ["/rest/user-settings/improve-the-model"]
    assert server.settings["personalize-with-x"] is server.settings["allow-chat-link-sharing"] is True
    assert run.json[0]["found_by"].endswith('switch with a state beside text "Improve the Model"')


def test_grok_settings_dialog_reached_by_clicking_when_its_address_moved(
    optout, replay: Replay
) -> None:
    server = replay("grok", "route_renamed")
    run = optout("apply", "grok", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["found_by"].startswith("click path")
    assert server.settings["improve-the-model"] is False


def test_grok_enterprise_row_hidden_is_site_changed_never_not_offered(
    optout, replay: Replay
) -> None:
    """Enterprise accounts see no "Improve the Model" row and nothing in its place: as a renamed
    row would look. "Not offered" would then be said of a setting that may be ON."""
    server = replay("grok", "enterprise")
    run = optout("apply", "grok", "--base-url", server.url, "--json")
    assert run.code == 5 and run.json[0]["error"]["kind"] == "site_changed"
    assert 'no switch "Improve the Model"' in run.json[0]["error"]["message"]
    assert server.writes == []


def test_grok_signed_out_page_asks_to_sign_in(optout, replay: Replay) -> None:
    server = replay("grok", "signed_out")
    run = optout("status", "grok", "--base-url", server.url, "--json")
    assert run.code == 4 and run.json[0]["error"]["kind"] == "auth_required"


def test_grok_off_by_default_in_the_eu_is_left_as_it_is(optout, replay: Replay) -> None:
    server = replay("grok")
    server.settings["improve-the-model"] = False
    run = optout("apply", "grok", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state"], run.json[0]["changed"]) == ("off", False)
    assert server.writes == []


def test_quora_search_indexing_beside_it_is_left_alone(optout, replay: Replay) -> None:
    server = replay("quora")
    run = optout("apply", "quora", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [w.path for w in server.writes] == ["/api/user_settings/allow-llm-training"]
    assert server.settings["allow-search-indexing"] is True


def test_quora_in_hindi(optout, replay: Replay) -> None:
    server = replay("quora", "lang_hi")
    run = optout("apply", "quora", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["language"], server.settings["allow-llm-training"]) == ("hi", False)
    assert server.settings["allow-search-indexing"] is True


# GitHub Copilot: a dropdown, not a switch ------------------------------------------------------

GITHUB_OTHERS = {  # the page's other dropdowns, as the fixture starts them
    "product_improvements": True,
    "public_code_suggestions": False,
    "copilot_chat_in_ide": True,
}


def test_github_chooses_disabled_and_nothing_else(optout, replay: Replay) -> None:
    server = replay("github")
    run = optout("apply", "github", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    [result] = run.json
    assert (result["state_before"], result["state"], result["changed"]) == ("on", "off", True)
    assert result["found_by"] == (
        'direct route /settings/copilot/features: heading "Allow GitHub to use my data for AI '
        'model training"'
    )
    # The older "product improvements" option, in the same section with the same options, is
    # left as it was: one write, to the training setting, choosing Disabled.
    assert [(w.path, w.body["value"]) for w in server.writes] == [
        ("/settings/copilot/api/user_policies/ai_model_training", False)
    ]
    assert server.settings == {"ai_model_training": False, **GITHUB_OTHERS}


def test_github_status_reads_enabled_as_on_and_disabled_as_off(optout, replay: Replay) -> None:
    server = replay("github")
    run = optout("status", "github", "--base-url", server.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "on"
    server.settings["ai_model_training"] = False
    server.settings["product_improvements"] = False  # another row's Disabled says nothing
    run = optout("status", "github", "--base-url", server.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "off"
    server.settings |= {"ai_model_training": True}
    run = optout("status", "github", "--base-url", server.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "on"
    assert server.writes == []


def test_github_dry_run_writes_nothing(optout, replay: Replay) -> None:
    server = replay("github")
    run = optout("apply", "github", "--dry-run", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state"], run.json[0]["changed"]) == ("on", False)
    assert server.writes == []
    assert server.settings == {"ai_model_training": True, **GITHUB_OTHERS}


def test_github_native_select_is_chosen_by_its_label(optout, replay: Replay) -> None:
    server = replay("github", "native_select")
    run = optout("apply", "github", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["changed"] is True
    assert run.json[0]["found_by"].endswith(
        'combobox "Allow GitHub to use my data for AI model training"'
    )
    assert [w.path for w in server.writes] == ["/settings/copilot/api/user_policies/ai_model_training"]
    assert server.settings == {"ai_model_training": False, **GITHUB_OTHERS}


def test_github_redesigned_page_is_a_site_change(optout, replay: Replay) -> None:
    server = replay("github", "control_missing")
    run = optout("apply", "github", "--base-url", server.url, "--timeout", "3", "--json")
    assert run.code == 5, run.err
    error = run.json[0]["error"]
    assert error["kind"] == "site_changed"
    assert 'no dropdown "Allow GitHub to use my data for AI model training"' in error["message"]
    assert server.writes == []


def test_github_renamed_route_is_reached_through_your_copilot(optout, replay: Replay) -> None:
    """The features page moved: the profile picture's menu still leads to "Your Copilot"
    (/settings/copilot), which lands on the page wherever it now is."""
    server = replay("github", "route_renamed")
    run = optout("apply", "github", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["found_by"].startswith("click path:")
    assert server.settings == {"ai_model_training": False, **GITHUB_OTHERS}


def test_github_business_seat_is_not_offered(optout, replay: Replay) -> None:
    server = replay("github", "setting_absent")
    run = optout("apply", "github", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state"], run.json[0]["error"]) == ("unavailable", None)
    assert server.writes == []


X_SETTINGS = ["allow_xai_data_sharing", "allow_xai_personalization"]
X_WRITES = [f"/i/api/graphql/user_preferences/{setting}" for setting in X_SETTINGS]


def test_x_switches_off_each_of_its_settings_on_its_own(optout, replay: Replay) -> None:
    """Two settings on one page: a result each, one after the other (the second page loads
    after the first change was proven), Grok's memory untouched; the history and a later
    check tell them apart."""
    server = replay("x")
    run = optout("apply", "x", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["setting"], r["state_before"], r["state"], r["changed"]) for r in run.json] == [
        (setting, "on", "off", True) for setting in X_SETTINGS
    ]
    assert [w.path for w in server.writes] == X_WRITES
    assert server.settings["allow_grok_memory"] is True
    first_done = run.err.index("x/allow_xai_data_sharing (default): done: OFF")
    assert run.err.index("x/allow_xai_personalization (default): step 1/") > first_done

    server.settings["allow_xai_personalization"] = True  # X switches one of them back on
    drift = optout("check", "x", "--base-url", server.url)
    assert drift.code == 3
    rows = {line.split()[0]: line for line in drift.out.splitlines()[1:3]}
    assert rows["x/allow_xai_data_sharing"].split()[2] == "OFF"
    assert "Switched back on since " in rows["x/allow_xai_personalization"]
    history = optout("history", "x", "--json").json
    assert sorted({row["setting"] for row in history}) == X_SETTINGS


def test_x_plan_and_platforms_show_both_settings(optout) -> None:
    plan = optout("plan", "x")
    assert plan.code == 0
    assert 'optout apply x: switch off "Data Sharing" on X (setting 1 of 2, on its own)' in plan.out
    assert 'switch off "Grok Personalization" on X (setting 2 of 2, on its own)' in plan.out
    assert plan.out.count("Reload the page and read it again") == 2
    listed = optout("platforms").out
    assert 'x: X, "Data Sharing", "Grok Personalization"' in listed
    assert "  Grok Personalization: covers: " in listed


def test_x_under_18_disabled_checkbox_is_not_offered(optout, replay: Replay) -> None:
    server = replay("x", "under_18")
    run = optout("apply", "x", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["setting"], r["state"], r["error"]) for r in run.json] == [
        (setting, "unavailable", None) for setting in X_SETTINGS
    ]
    assert server.writes == []


def test_x_page_that_failed_to_load_is_reloaded_once(optout, replay: Replay) -> None:
    server = replay("x", "something_went_wrong")
    run = optout("apply", "x", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [w.path for w in server.writes] == X_WRITES
    assert server.settings["allow_grok_memory"] is True


def test_x_2024_label_and_french(optout, replay: Replay) -> None:
    for fault in ("label_2024", "lang_fr"):
        server = replay("x", fault)
        run = optout("apply", "x", "--base-url", server.url, "--json")
        assert run.code == 0, (fault, run.err)
        assert [server.settings[setting] for setting in X_SETTINGS] == [False, False], fault


# WordPress.com: a checkbox per site, checked = protected, saved by a button ---------------------

WRITES = "alicewrites.wordpress.com/prevent-third-party-sharing"
BAKES = "alicebakes.com/prevent-third-party-sharing"
ALBUM = "familyalbum842.wordpress.com/prevent-third-party-sharing"  # a Private site


def wordpress_path(setting: str) -> str:
    return f"/rest/v1.4/me/site-settings/{setting}"


def test_wordpress_checks_the_box_of_each_public_site_and_saves(optout, replay: Replay) -> None:
    server = replay("wordpress")
    run = optout("apply", "wordpress", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["setting"], r["state_before"], r["state"], r["changed"], r["error"]) for r in run.json] == [
        (WRITES, "on", "off", True, None),
        (BAKES, "on", "off", True, None),
        (ALBUM, "unavailable", "unavailable", False, None),
    ]
    assert server.settings[WRITES] is server.settings[BAKES] is True
    assert server.settings[ALBUM] is False
    assert [(w.path, w.body["value"]) for w in server.writes] == [
        (wordpress_path(WRITES), True), (wordpress_path(BAKES), True),
    ]  # fmt: skip
    # Nothing else on the page was saved: visibility and search engines are as they were.
    assert not any(server.settings[f"{host}/{key}"] for host in ("alicewrites.wordpress.com", "alicebakes.com")
                   for key in ("discourage-search", "private", "coming-soon"))  # fmt: skip
    assert run.json[0]["found_by"] == (
        "direct route /settings/general/alicewrites.wordpress.com: checkbox "
        '"Prevent third-party sharing for alicewrites.wordpress.com" with a state'
    )
    human = optout("status", "wordpress", "--base-url", server.url)
    rows = [line.split(None, 3) for line in human.out.splitlines()[1:4]]
    assert rows == [
        ["wordpress/alicewrites.wordpress.com", "default", "OFF", "Already off; nothing was changed."],
        ["wordpress/alicebakes.com", "default", "OFF", "Already off; nothing was changed."],
        ["wordpress/familyalbum842.wordpress.com", "default", "not",
         "offered  WordPress.com does not offer this setting for familyalbum842.wordpress.com; "
         "nothing to do."],
    ]  # fmt: skip


def test_wordpress_box_forced_checked_by_discourage_is_left_alone(optout, replay: Replay) -> None:
    """While "Discourage search engines" is checked the box shows checked and disabled: the
    site is protected (OFF), whatever its own stored value; nothing is clicked."""
    server = replay("wordpress")
    server.settings["alicewrites.wordpress.com/discourage-search"] = True
    run = optout("apply", "wordpress", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["setting"], r["state"], r["changed"]) for r in run.json][:2] == [
        (WRITES, "off", False), (BAKES, "off", True),
    ]  # fmt: skip
    assert [w.path for w in server.writes] == [wordpress_path(BAKES)]
    assert server.settings[WRITES] is False


@pytest.mark.parametrize("fault", ["new_dashboard", "route_renamed"])
def test_wordpress_moved_settings_page_is_reached_through_the_site(
    optout, replay: Replay, fault: str
) -> None:
    """The settings page moved (the newer dashboard's Site visibility, with a "Save" disabled
    until something changed; or a renamed route): the site's menu still leads there."""
    server = replay("wordpress", fault)
    run = optout("apply", "wordpress", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["state"], r["changed"]) for r in run.json] == [
        ("off", True), ("off", True), ("unavailable", False),
    ]  # fmt: skip
    assert all(r["found_by"].startswith("click path:") for r in run.json[:2])
    assert [(w.path, w.body["value"]) for w in server.writes] == [
        (wordpress_path(WRITES), True), (wordpress_path(BAKES), True),
    ]  # fmt: skip


def test_wordpress_without_the_box_is_a_site_change(optout, replay: Replay) -> None:
    server = replay("wordpress", "control_missing")
    run = optout("apply", "wordpress", "--base-url", server.url, "--timeout", "3", "--json")
    assert run.code == 5, run.err
    first = run.json[0]["error"]
    assert first["kind"] == "site_changed"
    assert 'no checkbox "Prevent third-party sharing for alicewrites.wordpress.com"' in first["message"]
    assert [r["error"]["kind"] for r in run.json[:2]] == ["site_changed"] * 2
    assert (run.json[2]["state"], run.json[2]["error"]) == ("unavailable", None)
    assert server.writes == []


def test_wordpress_dry_run_and_status_write_nothing(optout, replay: Replay) -> None:
    server = replay("wordpress")
    for action in (["apply", "--dry-run"], ["status"]):
        run = optout(*action, "wordpress", "--base-url", server.url, "--json")
        assert run.code == 0, run.err
        assert [r["state"] for r in run.json] == ["on", "on", "unavailable"]
    assert server.writes == []
    assert [k for k, v in server.settings.items() if v] == ["familyalbum842.wordpress.com/private"]


def test_wordpress_plan_says_it_goes_site_by_site(optout) -> None:
    plan = optout("plan", "wordpress")
    assert plan.code == 0
    assert (
        'optout apply wordpress: switch off "Prevent third-party sharing" on WordPress.com, for '
        "each of your sites (one result per site)"
    ) in plan.out
    assert "  1. List your sites at https://wordpress.com/sites (at most 50)" in plan.out
    assert "https://wordpress.com/settings/general/<site>" in plan.out
    assert 'press "Save settings" or "Save" (nothing else)' in plan.out


def wordpress_target(server_url: str, **listing: Any) -> Any:
    """WordPress.com's flow with its listing changed as a test needs (a page that lists none,
    a list page that moved)."""
    from agent.models import Target

    flow = flows.load("wordpress")
    assert flow.per_object is not None
    every = flow.per_object.model_copy(update=listing)
    return Target(flow=flow.model_copy(update={"per_object": every}), origin=server_url)


def test_wordpress_account_without_sites_is_not_offered(replay: Replay, home: Path) -> None:
    from agent.api import run
    from agent.models import Options, css, text

    server = replay("wordpress")
    target = wordpress_target(server.url, items=css("tr[data-none]"), empty=(text("^Sites$"),))
    [result] = run([target], "apply", Options(home=home))
    assert (result.setting, result.state, result.error) == (
        "{object}/prevent-third-party-sharing", "unavailable", None,
    )  # fmt: skip
    assert server.writes == []
    from agent.cli.render import happened

    assert happened(result, target.flow) == (
        "WordPress.com lists no sites for this account; nothing to do."
    )
    assert flows.shown("wordpress", result.setting) == "wordpress/*"


def test_wordpress_list_page_that_does_not_show_is_exit_5(replay: Replay, home: Path) -> None:
    from agent.api import run
    from agent.models import Options

    server = replay("wordpress")
    [result] = run([wordpress_target(server.url, list_page="/my-sites")], "apply", Options(home=home))
    assert result.exit_code == 5 and result.error is not None
    assert result.error.message.startswith(
        f"Step 1 (list your sites): the list of your sites at {server.url}/my-sites did not open."
    )
    assert server.writes == []


# Tumblr: a toggle per blog, on = protected, saved by the flip itself --------------------------

BLOGS = ("paperlantern", "lantern-sketches", "lantern-diary")  # the main blog, then side blogs


def tumblr_path(blog: str, key: str = "prevent-third-party-sharing") -> str:
    return f"/api/v2/settings/{blog}/{key}"


def test_tumblr_switches_on_the_protection_of_each_blog(optout, replay: Replay) -> None:
    """Two blogs are switched, each by its own toggle; the third, hidden from search, shows its
    protection on and unchangeable: already off, never clicked."""
    server = replay("tumblr")
    run = optout("apply", "tumblr", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["setting"], r["state_before"], r["state"], r["changed"]) for r in run.json] == [
        ("paperlantern/prevent-third-party-sharing", "on", "off", True),
        ("lantern-sketches/prevent-third-party-sharing", "on", "off", True),
        ("lantern-diary/prevent-third-party-sharing", "off", "off", False),
    ]
    assert [(w.path, w.body["value"]) for w in server.writes] == [
        (tumblr_path("paperlantern"), True), (tumblr_path("lantern-sketches"), True),
    ]  # fmt: skip
    assert [server.settings[f"{blog}/hide-from-search"] for blog in BLOGS] == [False, False, True]
    assert run.json[0]["found_by"] == (
        'direct route /settings/blog/paperlantern: switch "Prevent third-party sharing for '
        'paperlantern" with a state'
    )
    human = optout("status", "tumblr", "--base-url", server.url)
    assert [line.split()[:3] for line in human.out.splitlines()[1:4]] == [
        [f"tumblr/{blog}", "default", "OFF"] for blog in BLOGS
    ]


def test_tumblr_protection_forced_on_by_hiding_from_search_is_left_alone(
    optout, replay: Replay
) -> None:
    """Hidden from search, a blog shows its protection on and disabled whatever its own stored
    value: it reads OFF and nothing is clicked on it."""
    server = replay("tumblr")
    server.settings["paperlantern/hide-from-search"] = True
    run = optout("apply", "tumblr", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["state_before"], r["changed"]) for r in run.json] == [
        ("off", False), ("on", True), ("off", False),
    ]  # fmt: skip
    assert [w.path for w in server.writes] == [tumblr_path("lantern-sketches")]
    assert server.settings["paperlantern/prevent-third-party-sharing"] is False


def test_tumblr_moved_blog_settings_are_reached_through_the_settings_menu(
    optout, replay: Replay
) -> None:
    """Blog settings moved to /blog/<blog>/settings, and a consent dialog covers every page:
    the blogs are still listed, the dialog is refused, and the menu leads to each blog."""
    server = replay("tumblr", "route_renamed", "consent_dialog")
    run = optout("apply", "tumblr", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [(r["state"], r["changed"]) for r in run.json] == [
        ("off", True), ("off", True), ("off", False),
    ]  # fmt: skip
    assert all(r["found_by"].startswith("click path:") for r in run.json)
    assert [w.path for w in server.writes] == [tumblr_path(blog) for blog in BLOGS[:2]]


def test_tumblr_plan_says_it_goes_blog_by_blog(optout) -> None:
    plan = optout("plan", "tumblr")
    assert plan.code == 0
    assert (
        'optout apply tumblr: switch off "Prevent third-party sharing" on Tumblr, for each of '
        "your blogs (one result per blog)"
    ) in plan.out
    assert "  1. List your blogs at https://www.tumblr.com/settings/account (at most 50)" in plan.out
    assert "https://www.tumblr.com/settings/blog/<blog>" in plan.out
    assert (
        'Find the switch "Prevent third-party sharing for <blog>" and read whether it is on '
        "(on protects: the setting is off)"
    ) in plan.out
    assert "Only if the setting is ON: switch it on (on protects)" in plan.out
