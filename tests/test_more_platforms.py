"""The quirks of the platforms added in issue 14, each met by a general engine mechanism:
Grammarly's second page for single-user Pro, Perplexity's older label, its upsell, its page that
serves signed-out visitors and its Enterprise accounts, and Pinterest's feed filter beside the
training switch."""

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
