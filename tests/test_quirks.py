"""Each platform's quirk, met by a general engine mechanism: ChatGPT's switch behind a row and
its signed-out page, Claude's terms pop-up and relabelled switch, Gemini's two ways to turn
off; and `--all` across every platform with one of them failing."""

from __future__ import annotations

import pytest

import flows
from tests.conftest import ALREADY_OFF, NOT_OFFERED, Replay, replayed_settings, settings_of


def test_chatgpt_signed_out_page_is_not_mistaken_for_the_account(
    optout, replay: Replay
) -> None:
    server = replay("chatgpt", "signed_out")
    run = optout("apply", "chatgpt", "--base-url", server.url, "--json")
    assert run.code == 4
    assert "belongs to this browser, not to your account" in run.json[0]["error"]["message"]
    assert server.writes == []


def test_chatgpt_inline_switch_works_too(optout, replay: Replay) -> None:
    server = replay("chatgpt", "inline_switch")
    run = optout("apply", "chatgpt", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["changed"] is True and server.settings["improve-model"] is False


def test_chatgpt_older_hash_route_is_tried_before_clicking(optout, replay: Replay) -> None:
    server = replay("chatgpt", "route_renamed")
    run = optout("status", "chatgpt", "--base-url", server.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "on"
    assert run.logged("open the setting's page") and not run.logged("the way a person clicks")


@pytest.mark.parametrize("action", [["apply"], ["apply", "--dry-run"], ["status"]])
def test_claude_terms_are_never_accepted(optout, replay: Replay, action: list[str]) -> None:
    server = replay("claude", "terms_popup")
    run = optout(*action, "claude", "--base-url", server.url, "--json")
    assert run.code == 4
    [result] = run.json
    assert result["error"]["kind"] == "challenge"
    assert "never accepts terms for you" in result["error"]["message"]
    assert "Updates to Consumer Terms and Policies" in result["error"]["message"]
    assert server.writes == []  # neither Accept nor the preset toggle
    assert server.settings["help-improve-claude"] is True


def test_claude_relabelled_switch_is_still_found(optout, replay: Replay) -> None:
    server = replay("claude", "label_renamed")
    run = optout("apply", "claude", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert [w.path for w in server.writes] == ["/api/account/settings/help-improve-claude"]


@pytest.mark.parametrize(
    ("flags", "body"),
    [
        ([], {"value": False}),
        (["--delete-activity", "--yes"], {"value": False, "delete_activity": True}),
    ],
)
def test_gemini_keeps_history_unless_asked(
    optout, replay: Replay, flags: list[str], body: dict
) -> None:
    server = replay("gemini")
    run = optout("apply", "gemini", *flags, "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    [write] = server.writes
    assert write.body == body and server.settings["keep-activity"] is False


def test_gemini_plan_says_which_choice(optout) -> None:
    kept = optout("plan", "gemini").out
    deleted = optout("plan", "gemini", "--delete-activity").out
    assert 'Choose "Turn off" (your activity history is kept)' in kept
    assert (
        "Option --delete-activity (not chosen)" in kept
        and "delete activity" not in kept.split("Option")[0].lower()
    )
    assert 'Choose "Turn off and delete activity"' in deleted and "(chosen)" in deleted


def test_gemini_old_name_and_admin_managed(optout, replay: Replay) -> None:
    renamed = replay("gemini", "label_renamed")
    run = optout("status", "gemini", "--base-url", renamed.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "on"
    managed = replay("gemini", "setting_absent")
    run = optout("apply", "gemini", "--base-url", managed.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state"], run.json[0]["error"]) == ("unavailable", None)
    assert managed.writes == []


def test_all_platforms_at_once_one_failing(optout, replay: Replay) -> None:
    urls = {}
    for name in flows.names():
        faults = ("signed_out",) if name == "claude" else ()
        urls[name] = replay(name, *faults).url
    base = [arg for name, url in urls.items() for arg in ("--base-url", f"{name}={url}")]
    run = optout("apply", "--all", *base)
    assert run.code == 4
    settings = {name: settings_of(name, replayed_settings(name), listed=name != "claude")
                for name in urls}  # fmt: skip
    shown = {flows.shown(name, setting): name for name in urls for setting in settings[name]}
    skipped = {flows.shown(name, s) for name, each in NOT_OFFERED.items() for s in each}
    lines = run.out.splitlines()[: 1 + len(shown) + 1]  # the header, a row each, the totals
    assert run.out.splitlines()[len(lines)].startswith("Evidence of claude (default): ")
    states_at = {line.index(state) for line in lines[1:-1] for state in ("OFF ", "no session", "not offered")
                 if state in line}  # fmt: skip
    assert states_at == {lines[0].index("STATE")}  # the states line up in one column
    by_target = {line.split(" ")[0]: line for line in lines[1:-1]}
    assert by_target.keys() == shown.keys()
    assert "no session" in by_target["claude"] and "optout login claude" in by_target["claude"]
    was_off = {flows.shown(name, s) for name, each in ALREADY_OFF.items() for s in each}
    for target in shown.keys() - {"claude"} - skipped:
        said = "Already off; nothing was changed." if target in was_off else (
            "Switched off just now; a fresh load of the page shows it off.")  # fmt: skip
        assert by_target[target].split(None, 3)[2:] == ["OFF", said]
    for target in skipped:
        assert by_target[target].split(None, 4)[2:4] == ["not", "offered"]
    off = len(shown) - 1 - len(skipped)
    assert lines[-1] == f"In all: {off} OFF, 1 no session" + (f", {len(skipped)} not offered" if skipped else "")
    as_json = optout("status", "--all", *base, "--json")
    assert as_json.code == 4
    assert {(r["platform"], r["setting"]): r["state"] for r in as_json.json} == {
        (name, setting): "unknown" if name == "claude" else "unavailable"
        if setting in NOT_OFFERED.get(name, ()) else "off"
        for name in urls
        for setting in settings[name]
    }
