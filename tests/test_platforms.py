"""The same contract on every platform in the registry: status, apply, dry run, and each error
path, with its exit code, against real headless Chromium and the replay server's own record.
A platform with several settings (X) gives a result for each, in the flow's order; one whose
setting each site has (WordPress.com) a result for each site the server keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

import flows
from agent.replay import ReplayServer
from tests.conftest import ALREADY_OFF, NOT_OFFERED, Replay, settings_of


@pytest.fixture(params=flows.names())
def site(request: pytest.FixtureRequest, replay: Replay) -> tuple[str, ReplayServer]:
    return request.param, replay(request.param)


def on(name: str, setting: str) -> bool:
    """The value the server keeps while the setting is ON: the control's own checked value,
    which an opt-out box (checked = OFF) keeps False."""
    flow = flows.of_setting(name, setting)
    assert flow is not None, setting
    return getattr(flow.control, "checked_means", "on") == "on"


def writes_to(setting: str, server: ReplayServer) -> list:
    return [w for w in server.writes if w.path.endswith("/" + setting)]


def each_setting(
    name: str,
    results: list[dict],
    server: ReplayServer,
    *,
    listed: bool = True,
    read: bool = True,
) -> list[tuple[str, dict]]:
    """The results, one per setting of the platform, in the flow's order, but for those the
    fixtures do not offer or start OFF (when the page could be `read`): these are checked here
    (as they were, never an error, no write)."""
    assert [r["setting"] for r in results] == settings_of(name, server.settings, listed=listed)
    starts = {setting: "unavailable" for setting in NOT_OFFERED.get(name, ())}
    if read:
        starts |= {setting: "off" for setting in ALREADY_OFF.get(name, ())}
    for result in results:
        if result["setting"] in starts:
            assert (result["state"], result["error"]) == (starts[result["setting"]], None), result
            assert writes_to(result["setting"], server) == []
    return [(r["setting"], r) for r in results if r["setting"] not in starts]


def test_status_reads_on_then_off_and_changes_nothing(optout, site) -> None:
    name, server = site
    run = optout("status", name, "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    checked = each_setting(name, run.json, server)
    assert checked
    for _, result in checked:
        assert (result["platform"], result["account"], result["action"]) == (name, "default", "status")
        assert (result["state_before"], result["state"], result["changed"]) == ("on", "on", False)
        assert result["error"] is None
        assert Path(result["evidence"][0]).read_bytes().startswith(b"\x89PNG")
    for setting, _ in checked:
        server.settings[setting] = not on(name, setting)
    run = optout("status", name, "--base-url", server.url)
    assert run.code == 0
    rows = {line.split()[0]: line.split(None, 3) for line in run.out.splitlines()[1:]}
    for setting, _ in checked:
        shown = flows.shown(name, setting)
        assert rows[shown] == [shown, "default", "OFF", "Already off; nothing was changed."]
    assert server.writes == []


def test_apply_switches_off_once_and_a_fresh_load_proves_it(optout, site) -> None:
    name, server = site
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    checked = each_setting(name, run.json, server)
    for setting, result in checked:
        assert (result["state_before"], result["state"], result["changed"]) == ("on", "off", True)
        assert server.settings[setting] is not on(name, setting)
        [write] = writes_to(setting, server)
        assert write.status == 200 and write.body["value"] is not on(name, setting)  # any CSRF check passed
        assert Path(result["evidence"][0]).is_file()
    assert "Switched off" not in run.out  # --json prints only JSON
    again = optout("apply", name, "--base-url", server.url)
    assert again.code == 0 and "Already off; nothing was changed." in again.out
    assert len(server.writes) == len(checked)


def test_dry_run_finds_the_control_and_writes_nothing(optout, site) -> None:
    name, server = site
    run = optout("apply", name, "--dry-run", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    for setting, result in each_setting(name, run.json, server):
        assert (result["action"], result["state"], result["changed"]) == ("dry-run", "on", False)
        assert server.settings[setting] is on(name, setting)
    human = optout("apply", name, "--dry-run", "--base-url", server.url)
    assert "Dry run: would have switched it off; nothing was clicked." in human.out
    assert server.writes == []


def test_signed_out_is_exit_4_and_asks_to_log_in(optout, site) -> None:
    name, server = site
    server.add_fault("signed_out")
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 4
    for _, result in each_setting(name, run.json, server, listed=False):
        assert result["error"]["kind"] == "auth_required"
        assert f"optout login {name}" in result["error"]["message"]
        assert result["state"] == "unknown"
    assert server.writes == []


def test_security_check_is_left_to_the_person(optout, site) -> None:
    name, server = site
    server.add_fault("challenge")
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 4
    stopped = each_setting(name, run.json, server, listed=False)
    assert {r["error"]["kind"] for _, r in stopped} == {"challenge"}
    human = optout("apply", name, "--base-url", server.url)
    assert "security check" in human.out and "never answers" in human.out
    assert server.writes == []


def test_control_missing_is_exit_5_with_evidence(optout, site) -> None:
    name, server = site
    server.add_fault("control_missing")
    run = optout("apply", name, "--base-url", server.url, "--timeout", "2", "--json")
    assert run.code == 5, run.json
    for _, result in each_setting(name, run.json, server, read=False):
        assert result["error"]["kind"] == "site_changed" and result["error"]["step"]
        png, html = result["evidence"]
        assert Path(png).read_bytes().startswith(b"\x89PNG")
        assert Path(html).suffix == ".html" and "<script" not in Path(html).read_text().lower()
    assert server.writes == []


@pytest.mark.parametrize("fault", ["save_fails", "save_ignored"])
def test_change_that_does_not_hold_is_exit_6(optout, site, fault: str) -> None:
    name, server = site
    server.add_fault(fault)
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 6, run.json
    for setting, result in each_setting(name, run.json, server):
        assert (result["state_before"], result["state"], result["changed"]) == ("on", "on", False)
        assert result["error"]["kind"] == "verify_failed"
        assert "still shows the switch ON after a fresh load" in result["error"]["message"]
        assert len(writes_to(setting, server)) == 1


def test_renamed_route_still_gets_there(optout, site) -> None:
    name, server = site
    server.add_fault("route_renamed")
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    for setting, result in each_setting(name, run.json, server):
        assert result["changed"] is True and server.settings[setting] is not on(name, setting)
        [write] = writes_to(setting, server)
        assert write.body["value"] is not on(name, setting)
