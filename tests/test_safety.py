"""Never harm the account: regression tests for what a red-team review found (issue 8). Each
test failed on the code before its fix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import flows
from agent.cli.parser import parse
from agent.replay import ReplayServer
from tests.conftest import Replay
from tests.processes import ctrl_c_works

ROOT = Path(__file__).resolve().parent.parent
SETTING = "data-for-ai-improvement"


# 1. A session goes only to its platform, or to this machine ------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://attacker.example",
        "http://127.0.0.1:8123@attacker.example",
        "http://user:pw@127.0.0.1:8123",
        "http://10.0.0.1:8000",
        "http://[::2]:8000",
        "http://127.0.0.1.attacker.example:80",
        "https://localhost.attacker.example",
    ],
)
@pytest.mark.parametrize("command", [["status"], ["apply", "--dry-run"], ["login"]])
def test_base_url_must_be_this_machine(optout, command: list[str], url: str) -> None:
    run = optout(*command, "linkedin", "--base-url", url)
    assert run.code == 2, run.err
    assert "--base-url" in run.err and "loopback" in run.err
    assert len(run.err.strip().splitlines()) <= 2 and run.out == ""


def test_a_program_cannot_send_a_session_elsewhere_either(home: Path) -> None:
    from agent.errors import BadInput
    from agent.models import Target

    with pytest.raises(BadInput, match="loopback"):
        Target(flow=flows.load("linkedin"), origin="http://attacker.example")


@pytest.mark.parametrize("url", ["http://localhost:8123", "http://127.0.0.2:1", "http://[::1]:80"])
def test_loopback_hosts_are_accepted(optout, url: str) -> None:
    run = optout("status", "linkedin", "--base-url", url, "--account", "nobody")
    assert run.code == 4 and "No saved LinkedIn session" in run.out  # got past the check


# 2. Nothing with a state of its own is clicked, unless it is the control read as ON ------------


@pytest.mark.parametrize("saved", [False, True])
def test_a_row_that_is_itself_a_toggle_is_clicked_only_when_it_reads_on(
    optout, replay: Replay, saved: bool
) -> None:
    """The row carries the switch's label and a state of its own (aria-pressed from the saved
    value): it is the control. Read OFF it is left alone; read ON one click turns it off."""
    server = replay("chatgpt", "pressed_row")
    server.settings["improve-model"] = saved
    run = optout("apply", "chatgpt", "--base-url", server.url, "--timeout", "10", "--json")
    assert run.code == 0, run.err
    assert server.settings["improve-model"] is False
    assert [w.body for w in server.writes] == ([{"value": False}] if saved else []), server.writes
    assert run.json[0]["state"] == "off"


# 3. Read-only runs send no write, whatever the page tries ---------------------------------------


@pytest.mark.parametrize("name", flows.names())
@pytest.mark.parametrize("action", [["status"], ["apply", "--dry-run"]])
def test_read_only_runs_let_no_write_through(
    optout, replay: Replay, name: str, action: list[str]
) -> None:
    server = replay(name, "eager_writes")
    run = optout(*action, name, "--base-url", server.url, "--json", "--verbose")
    assert run.code == 0, run.err
    assert run.json[0]["state"] == "on"
    assert server.writes == [], server.writes
    assert run.logged("blocked")


# 5. One session Chromium refuses does not sink the others ---------------------------------------


def test_a_session_chromium_refuses_is_that_targets_result(optout, replay: Replay, vault) -> None:
    from agent.models import Cookie, StorageState

    good = replay("chatgpt")
    bad = replay("linkedin")
    session = bad.make_session("linkedin.com")
    broken = Cookie.model_construct(**(session.cookies[0].model_dump() | {"expires": -5.0}))
    vault.save("linkedin", "default", StorageState.model_construct(cookies=[broken]))
    run = optout(
        "status", "--all", "--base-url", f"linkedin={bad.url}", "--base-url",
        f"chatgpt={good.url}", "--json",
    )  # fmt: skip
    by_platform = {r["platform"]: r for r in run.json}
    assert by_platform["chatgpt"]["state"] == "on" and by_platform["chatgpt"]["error"] is None
    assert by_platform["linkedin"]["error"]["kind"] == "auth_required"
    assert "optout login linkedin --account default" in by_platform["linkedin"]["error"]["message"]
    assert run.code == 4


# 6. Every command has its own wait, and every run ends ------------------------------------------


def test_each_command_has_its_own_default_timeout() -> None:
    assert parse(["status", "linkedin"]).timeout == 20.0
    assert parse(["apply", "linkedin"]).timeout == 20.0
    assert parse(["login", "linkedin"]).timeout == 600.0
    assert parse(["status", "linkedin"]).timeout == 20.0  # login's default did not leak


def test_a_page_that_never_answers_ends_at_the_deadline(optout, replay: Replay) -> None:
    """A page whose script blocks its main thread: nothing on it ever answers."""
    server = replay("linkedin", "frozen")
    start = time.monotonic()
    run = optout("status", "linkedin", "--base-url", server.url, "--timeout", "2", "--json")
    elapsed = time.monotonic() - start
    assert run.code == 5, run.json
    assert run.json[0]["error"]["kind"] == "site_changed"
    assert elapsed < 2 * 5 + 25, elapsed  # the deadline, plus starting and closing the browser


def test_a_walk_that_hangs_is_stopped_at_the_deadline(
    signed_in: ReplayServer, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever hangs, Playwright's own timeouts included: the deadline ends the target."""
    import asyncio

    from agent.api import Selection, run
    from agent.engine.visit import Visit
    from agent.models import Options

    async def hang(self: Visit, action: str, result: object) -> None:
        await asyncio.sleep(3600)

    monkeypatch.setattr(Visit, "walk", hang)
    start = time.monotonic()
    [result] = run(
        Selection(platforms=("linkedin",), origins={"linkedin": signed_in.url}),
        "status",
        Options(home=home, timeout=0.5),
    )
    assert time.monotonic() - start < 30  # the deadline (2.5 s) and a browser's start, not an hour
    assert result.error is not None and result.error.kind.value == "site_changed"
    assert "did not finish within 2.5 seconds" in result.error.message
    assert "nothing was changed" in result.error.message


def test_one_stuck_target_never_holds_back_the_others(optout, replay: Replay) -> None:
    stuck, fine = replay("linkedin", "frozen"), replay("claude")
    start = time.monotonic()
    run = optout(
        "status", "--all", "--timeout", "2", "--json",
        "--base-url", f"linkedin={stuck.url}", "--base-url", f"claude={fine.url}",
    )  # fmt: skip
    assert time.monotonic() - start < 2 * 5 + 25
    by_platform = {r["platform"]: r for r in run.json}
    assert by_platform["claude"]["state"] == "on" and by_platform["claude"]["error"] is None
    assert by_platform["linkedin"]["error"]["kind"] == "site_changed"


def test_a_wall_met_by_the_overlay_handler_ends_the_run_at_once(
    optout, replay: Replay
) -> None:
    server = replay("claude", "terms_popup", "route_renamed")
    start = time.monotonic()
    run = optout("apply", "claude", "--base-url", server.url, "--json", "--timeout", "60")
    assert run.code == 4 and run.json[0]["error"]["kind"] == "challenge"
    assert time.monotonic() - start < 30  # never a wait for a click the wall blocks
    assert server.writes == []


# 7. Ctrl-C: exit 130, and say what is known -----------------------------------------------------


def _ctrl_c(argv: list[str], when: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run optout in its own process group, as a terminal would, and press Ctrl-C (SIGINT to
    the whole group, Chromium included) once stderr shows `when`."""
    env = dict(os.environ, OPTOUT_HOME=str(home))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.interrupted", *argv],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=ctrl_c_works,
    )  # fmt: skip
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if when in line:
            os.killpg(process.pid, signal.SIGINT)
            break
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(argv, process.returncode, out, "".join(seen) + err)


@pytest.mark.alone
def test_ctrl_c_before_any_click_says_nothing_was_clicked(home: Path) -> None:
    done = _ctrl_c(["apply", "linkedin", "--fault", "slow"], "step 1", home)
    assert done.returncode == 130, done.stderr
    assert "stopped before anything was clicked" in done.stderr
    assert "bug" not in done.stderr


@pytest.mark.alone
def test_ctrl_c_after_the_click_says_it_may_have_changed(home: Path) -> None:
    done = _ctrl_c(["apply", "linkedin", "--fault", "slow"], "switching it off", home)
    assert done.returncode == 130, done.stderr
    assert "may have changed" in done.stderr and "optout status" in done.stderr
    assert "nothing was saved" not in done.stderr and "bug" not in done.stderr


# 10. Inputs that slipped through ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_timeout_must_be_a_finite_positive_number(optout, value: str) -> None:
    run = optout("status", "linkedin", "--timeout", value)
    assert run.code == 2 and "--timeout" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("account", ["", "work\n", " work", "../x"])
def test_account_names_are_checked_whole(optout, account: str) -> None:
    run = optout("status", "linkedin", "--account", account)
    assert run.code == 2 and "Bad account name" in run.err


# 11. A verified change stays verified when its evidence cannot be written ----------------------


def test_evidence_that_cannot_be_written_is_a_warning(
    optout, signed_in: ReplayServer, home: Path
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "evidence").write_text("a file where the folder should be")
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.json
    [result] = run.json
    assert (result["state"], result["changed"], result["error"]) == ("off", True, None)
    assert result["evidence"] == []
    assert run.logged("no evidence could be saved")


# 12. The same account twice in one command is one target ----------------------------------------


def test_the_same_target_twice_is_run_once(optout, signed_in: ReplayServer) -> None:
    run = optout("apply", "linkedin", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0
    assert len(run.json) == 1 and len(signed_in.writes) == 1


# 16. Deleting history is asked first ------------------------------------------------------------


def test_a_destructive_choice_needs_yes_without_a_terminal(optout, replay: Replay) -> None:
    server = replay("gemini")
    run = optout("apply", "gemini", "--delete-activity", "--base-url", server.url)
    assert run.code == 2 and "--yes" in run.err
    assert server.writes == []
    run = optout("apply", "gemini", "--delete-activity", "--yes", "--base-url", server.url)
    assert run.code == 0, run.err
    assert "activity history was deleted" in run.out


# 17. Offline is not a bug -----------------------------------------------------------------------


def test_a_site_that_cannot_be_reached_is_exit_4_for_that_target(
    optout, replay: Replay, vault
) -> None:
    fine = replay("claude")
    vault.save("linkedin", "default", fine.make_session("linkedin.com"))
    run = optout(
        "status", "--all", "--json", "--base-url", "linkedin=http://127.0.0.1:9",
        "--base-url", f"claude={fine.url}",
    )  # fmt: skip
    assert run.code == 4
    by_platform = {r["platform"]: r for r in run.json}
    assert by_platform["claude"]["state"] == "on"
    message = by_platform["linkedin"]["error"]["message"]
    assert "cannot be reached" in message and "nothing was changed" in message
    assert "bug" not in message


# 12. The same account from two processes at once ------------------------------------------------


def test_a_second_process_on_the_same_account_waits_then_says_who_has_it(
    optout, signed_in: ReplayServer, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agent.engine.runner

    monkeypatch.setattr(agent.engine.runner, "LOCK_WAIT_SECONDS", 1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_ACCOUNT, str(home)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
        assert run.code == 4, run.json
        message = run.json[0]["error"]["message"]
        assert "in use by another optout process" in message and f"pid {holder.pid}" in message
        assert signed_in.writes == []
        # A status needs no lock: reading while another run changes things is harmless.
        assert optout("status", "linkedin", "--base-url", signed_in.url).code == 0
    finally:
        holder.kill()  # SIGKILL: the holder never releases; the OS lock goes with it
        holder.wait()
    run = optout("apply", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0 and run.json[0]["changed"] is True


HOLD_THE_ACCOUNT = """
import sys, time
from pathlib import Path
from agent.store.locks import hold
held = hold(Path(sys.argv[1]), "run-linkedin-default", wait=0, what="x")
print("held", flush=True)
time.sleep(600)
"""
