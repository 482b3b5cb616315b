"""The same contract on every platform with a replay: status, apply, dry run, and each error
path, with its exit code, against real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import flows
from agent.replay import ReplayServer
from agent.vault import Vault

PLATFORMS = ["chatgpt", "claude", "gemini"]  # LinkedIn's own tests are in test_linkedin.py


@pytest.fixture(params=PLATFORMS)
def site(request: pytest.FixtureRequest, vault: Vault) -> Iterator[tuple[str, ReplayServer]]:
    name = request.param
    with ReplayServer(name, slow_ms=300) as server:
        vault.save(name, "default", server.make_session(flows.load(name).cookie_domain))
        yield name, server


def setting_of(name: str) -> str:
    return flows.load(name).setting.id


def writes_to_setting(name: str, server: ReplayServer) -> list:
    return [w for w in server.writes if w.path.endswith("/" + setting_of(name))]


def test_status_reads_on_then_off(optout, site) -> None:
    name, server = site
    run = optout("status", name, "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state"], run.json[0]["platform"]) == ("on", name)
    server.settings[setting_of(name)] = False
    run = optout("status", name, "--base-url", server.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "off"
    assert server.writes == []


def test_apply_switches_off_once_and_verifies(optout, site) -> None:
    name, server = site
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["state_before"], run.json[0]["state"], run.json[0]["changed"]) == (
        "on",
        "off",
        True,
    )
    assert server.settings[setting_of(name)] is False
    [write] = writes_to_setting(name, server)
    assert write.status == 200 and write.body["value"] is False
    again = optout("apply", name, "--base-url", server.url)
    assert again.code == 0 and "Already off" in again.out
    assert len(server.writes) == 1


def test_dry_run_writes_nothing(optout, site) -> None:
    name, server = site
    run = optout("apply", name, "--dry-run", "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert (run.json[0]["action"], run.json[0]["state"]) == ("dry-run", "on")
    assert server.writes == [] and server.settings[setting_of(name)] is True


def test_signed_out_is_exit_4(optout, site) -> None:
    name, server = site
    server.add_fault("signed_out")
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 4
    assert run.json[0]["error"]["kind"] == "auth_required"
    assert f"optout login {name}" in run.json[0]["error"]["message"]
    assert server.writes == []


def test_security_check_is_exit_4(optout, site) -> None:
    name, server = site
    server.add_fault("challenge")
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 4 and run.json[0]["error"]["kind"] == "challenge"
    assert server.writes == []


def test_control_missing_is_exit_5(optout, site) -> None:
    name, server = site
    server.add_fault("control_missing")
    run = optout("apply", name, "--base-url", server.url, "--timeout", "2", "--json")
    assert run.code == 5, run.json
    [result] = run.json
    assert result["error"]["kind"] == "site_changed" and result["error"]["step"]
    assert [p.rsplit(".", 1)[1] for p in result["evidence"]] == ["png", "html"]
    assert server.writes == []


@pytest.mark.parametrize("fault", ["save_fails", "save_ignored"])
def test_change_that_does_not_hold_is_exit_6(optout, site, fault: str) -> None:
    name, server = site
    server.add_fault(fault)
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 6, run.json
    assert (run.json[0]["state"], run.json[0]["error"]["kind"]) == ("on", "verify_failed")


def test_renamed_route_still_gets_there(optout, site) -> None:
    name, server = site
    server.add_fault("route_renamed")
    run = optout("apply", name, "--base-url", server.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["changed"] is True and server.settings[setting_of(name)] is False
