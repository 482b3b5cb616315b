"""The quirks of the platforms added in issue 14, each met by a general engine mechanism:
Grammarly's second page for single-user Pro, Perplexity's older label, its upsell, its page that
serves signed-out visitors and its Enterprise accounts, Pinterest's feed filter beside the
training switch, and grok.com's and Quora's switches that have no name of their own."""

from __future__ import annotations

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
