"""LinkedIn beyond the contract every platform keeps (tests/test_platforms.py): its human lines,
the way a person clicks there, overlays, a setting not offered, and several accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.replay import ReplayServer

SETTING = "data-for-ai-improvement"


def setting_writes(server: ReplayServer) -> list:
    return [w for w in server.writes if w.path.endswith("/" + SETTING)]




def test_status_human_line_says_how_to_switch_off(optout, signed_in: ReplayServer) -> None:
    run = optout("status", "linkedin", "--base-url", signed_in.url)
    assert run.out.splitlines()[1] == (
        "linkedin  default  ON     LinkedIn may use your data to train AI."
    )
    assert run.err.splitlines()[-1] == "Next: switch it off: optout apply linkedin"





def test_renamed_route_falls_back_to_clicking_through(optout, signed_in: ReplayServer) -> None:
    signed_in.add_fault("route_renamed")
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["changed"] is True
    assert run.logged("the way a person clicks")
    for step in ('"Me" menu', "Settings & Privacy", "Data privacy"):
        assert run.logged(step)
    [write] = setting_writes(signed_in)
    assert write.body == {"value": False}


def test_dry_run_by_the_click_path_writes_nothing(optout, signed_in: ReplayServer) -> None:
    signed_in.add_fault("route_renamed")
    run = optout("apply", "linkedin", "--dry-run", "--base-url", signed_in.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "on"
    assert signed_in.writes == []


def test_slow_site_is_waited_for(optout, signed_in: ReplayServer) -> None:
    signed_in.add_fault("slow")
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["state"] == "off" and signed_in.settings[SETTING] is False


def test_overlay_is_dismissed_never_accepted(optout, signed_in: ReplayServer) -> None:
    signed_in.add_fault("upsell")
    signed_in.add_fault("route_renamed")  # the click path meets the overlay on every page
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.err
    assert signed_in.settings[SETTING] is False
    assert [w.path for w in signed_in.writes] == [f"/voyager/api/mypreferences/settings/{SETTING}"]
    assert run.logged("dismissed an overlay")


def test_not_offered_is_unavailable_and_nothing_is_clicked(optout, signed_in: ReplayServer) -> None:
    signed_in.add_fault("setting_absent")
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.err
    [result] = run.json
    assert (result["state_before"], result["state"], result["error"]) == (
        "unavailable",
        "unavailable",
        None,
    )
    assert signed_in.writes == []
    human = optout("status", "linkedin", "--base-url", signed_in.url)
    assert human.out.splitlines()[1] == (
        "linkedin  default  not offered  LinkedIn does not offer this setting to this account; "
        "nothing to do."
    )
    assert human.code == 0




def test_no_session_asks_to_log_in(optout, linkedin: ReplayServer) -> None:
    run = optout("status", "linkedin", "--base-url", linkedin.url, "--account", "work")
    assert run.code == 4
    assert "No saved LinkedIn session for account 'work'" in run.out
    assert "optout login linkedin --account work" in run.out


def test_missing_control_is_site_changed_with_evidence(optout, signed_in: ReplayServer) -> None:
    signed_in.add_fault("control_missing")
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--timeout", "2", "--json")
    assert run.code == 5
    [result] = run.json
    assert result["error"]["kind"] == "site_changed"
    assert result["error"]["step"] == 7
    first, second = result["error"]["message"].splitlines()
    assert "Use my data for training content creation AI models" in first
    assert second.startswith("To help fix this: optout doctor linkedin makes a report")
    png, html = result["evidence"]
    assert Path(png).read_bytes().startswith(b"\x89PNG")
    page = Path(html).read_text()
    assert "Data for Generative AI Improvement" in page and "<script" not in page.lower()
    assert signed_in.writes == []



def test_all_runs_every_saved_session(optout, signed_in: ReplayServer, vault) -> None:
    vault.save("linkedin", "work", signed_in.make_session("linkedin.com"))
    run = optout("status", "--all", "--base-url", f"linkedin={signed_in.url}", "--json")
    assert run.code == 0, run.err
    assert sorted(r["account"] for r in run.json) == ["default", "work"]
    assert all(r["state"] == "on" for r in run.json)


def test_a_bug_on_one_platform_is_exit_1_naming_the_log(
    optout, signed_in: ReplayServer, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.engine.visit import Visit

    async def broken(self: Visit) -> str:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(Visit, "read", broken)
    run = optout("status", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 1
    [result] = run.json
    assert result["error"]["kind"] == "internal"
    assert result["error"]["message"].startswith(
        "optout hit a bug on LinkedIn (RuntimeError: unexpected)."
    )
    assert str(home / "logs" / "optout.log") in result["error"]["message"]


def test_a_switch_that_is_not_on_at_the_click_is_never_clicked(
    optout, signed_in: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 1 holds at the moment of the click, even if an earlier read was stale."""
    from agent.engine.plan import Part
    from agent.engine.visit import Visit

    signed_in.settings[SETTING] = False
    original = Visit.read

    async def stale_first_read(self: Visit) -> str:
        state = await original(self)
        return "on" if self.step.part is not Part.VERIFY else state

    monkeypatch.setattr(Visit, "read", stale_first_read)
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 5
    assert (
        "no longer ON when optout was about to click it; nothing was clicked"
        in run.json[0]["error"]["message"]
    )
    assert signed_in.writes == [] and signed_in.settings[SETTING] is False
