"""LinkedIn in the member's own language: known labels first, links by where they lead, the
switch by where it sits, and never a guess between two switches."""

from __future__ import annotations

from pathlib import Path

import pytest

import flows
from agent import log
from agent.api import run
from agent.engine.controls import Switch
from agent.models import Locate, Options, Step, Target
from agent.replay import ReplayServer
from tests.conftest import Replay

SETTING = "data-for-ai-improvement"


@pytest.mark.parametrize("lang", ["de", "fr", "tr"])
def test_status_dry_run_and_apply_in_the_members_language(
    optout, signed_in: ReplayServer, lang: str
) -> None:
    signed_in.add_fault(f"lang_{lang}")
    status = optout("status", "linkedin", "--base-url", signed_in.url, "--json")
    assert status.code == 0, status.err
    assert (status.json[0]["state"], status.json[0]["language"]) == ("on", lang)
    dry = optout("apply", "linkedin", "--dry-run", "--base-url", signed_in.url)
    language = {"de": "German", "fr": "French", "tr": "Turkish"}[lang]
    assert dry.code == 0 and "Dry run" in dry.out and f"(The page was in {language}.)" in dry.out
    assert signed_in.writes == []
    applied = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert applied.code == 0, applied.err
    assert (applied.json[0]["state"], applied.json[0]["changed"]) == ("off", True)
    assert [w.body for w in signed_in.writes] == [{"value": False}]


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_click_path_by_known_labels(optout, signed_in: ReplayServer, lang: str) -> None:
    signed_in.add_fault(f"lang_{lang}")
    signed_in.add_fault("route_renamed")
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.err
    assert run.logged("the way a person clicks")
    assert (run.json[0]["changed"], run.json[0]["language"]) == (True, lang)


def test_two_switches_without_a_known_label_is_never_a_guess(
    optout, signed_in: ReplayServer
) -> None:
    signed_in.add_fault("two_switches")
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--timeout", "2", "--json")
    assert run.code == 5
    [result] = run.json
    assert result["error"]["kind"] == "site_changed" and result["language"] == "tr"
    assert (
        "2 controls could be" in result["error"]["message"]
        and "does not guess" in result["error"]["message"]
    )
    assert [Path(p).suffix for p in result["evidence"]] == [".png", ".html"]
    assert signed_in.writes == []


def _without_labels(ways: tuple[Locate, ...]) -> tuple[Locate, ...]:
    return tuple(way for way in ways if way.role is None or way.name is None)


def test_links_by_where_they_lead_and_the_switch_by_where_it_sits(
    signed_in: ReplayServer, home: Path
) -> None:
    """The LinkedIn flow with every label taken out still gets there: this is what a page in a
    language the flow does not know leaves it with."""
    log.configure(verbose=False)  # this test calls the engine directly, without the CLI
    flow = flows.load("linkedin")
    steps = tuple(
        Step.model_validate(
            step.model_dump()
            | {"click": _without_labels(step.click), "ready": _without_labels(step.ready)}
        )
        for step in flow.click_path
    )
    assert all(step.click or step.goto for step in steps)
    unlabelled = flow.model_copy(
        update={
            "direct": "/mypreferences/d/settings/no-such-page",  # forces the click path
            "click_path": steps,
            "control": Switch(find=_without_labels(flow.control.find)),
        }
    )
    target = Target(flow=unlabelled, origin=signed_in.url)
    [result] = run([target], "apply", Options(home=home, timeout=5))
    assert result.error is None, result.error
    assert (result.state_before, result.state, result.changed) == ("on", "off", True)
    assert signed_in.settings[SETTING] is False


def test_platforms_and_plan_list_the_known_languages(optout) -> None:
    listed = optout("platforms").out
    for name in flows.names():  # each platform with the languages its flow knows
        languages = ", ".join(flows.load(name).languages)
        entry = ("\n" + listed).split(f"\n{name}: ", 1)[1].split("\n  help: ", 1)[0]
        assert f"labels known in: {languages}" in entry, name
    assert listed.count("labels known in: en, de, fr") == sum(
        flows.load(name).languages == ("en", "de", "fr") for name in flows.names()
    )
    linkedin = {p["platform"]: p for p in optout("platforms", "--json").json}["linkedin"]
    assert linkedin["languages"] == ["en", "de", "fr"]
    assert "Labels known in: en, de, fr" in optout("plan", "linkedin").out


@pytest.mark.parametrize("lang", ["de", "fr"])
@pytest.mark.parametrize("name", ["chatgpt", "claude", "gemini"])
def test_the_other_platforms_in_german_and_french(
    optout, replay: Replay, name: str, lang: str
) -> None:
    flow = flows.load(name)
    assert lang in flow.languages
    faults = {f"lang_{lang}"} | ({"route_renamed"} if name != "chatgpt" else set())
    server = replay(name, *faults)
    dry = optout("apply", name, "--dry-run", "--base-url", server.url, "--json")
    assert dry.code == 0, dry.err
    assert (dry.json[0]["state"], dry.json[0]["language"]) == ("on", lang)
    assert server.writes == []
    applied = optout("apply", name, "--base-url", server.url, "--json")
    assert applied.code == 0, applied.err
    assert (applied.json[0]["changed"], applied.json[0]["language"]) == (True, lang)
    assert len(server.writes) == 1 and server.settings[flow.setting.id] is False


def test_the_switch_state_counts_never_the_text_beside_it(optout, signed_in: ReplayServer) -> None:
    signed_in.add_fault("text_lies")  # "Off" written beside a switch that is on
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state_before"], run.json[0]["state"]) == ("on", "off")
    assert [w.body for w in signed_in.writes] == [{"value": False}]
