"""Keeping it off: every run in the history, `optout history`, and `optout check` noticing a
setting switched back on, against real headless Chromium and the replay server's own record."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

import flows
from agent.replay import ReplayServer
from agent.store.history import SQLiteHistory, history_path
from agent.version import tool_version
from tests import processes
from tests.conftest import Replay

SETTING = flows.load("linkedin").setting.id
ROUTE = flows.load("linkedin").routes[0]


def rows(home: Path) -> list:
    with SQLiteHistory(history_path(home)) as store:
        return store.rows()


def when(text: str) -> str:
    """A history time as `check` and `history` print it."""
    return f"{datetime.fromisoformat(text):%Y-%m-%d %H:%M} UTC"


# history ---------------------------------------------------------------------------------------


def test_every_run_is_recorded_with_how_the_switch_was_found(
    optout, signed_in: ReplayServer, home: Path
) -> None:
    url = signed_in.url
    assert optout("status", "linkedin", "--base-url", url).code == 0
    assert optout("apply", "linkedin", "--dry-run", "--base-url", url).code == 0
    assert optout("apply", "linkedin", "--base-url", url).code == 0
    signed_in.add_fault("route_renamed")  # the direct route no longer leads there
    assert optout("status", "linkedin", "--base-url", url).code == 0

    kept = optout("history", "--json")
    assert kept.code == 0
    status, dry, applied, clicked = kept.json
    assert [r["action"] for r in kept.json] == ["status", "dry-run", "apply", "status"]
    assert (status["state"], dry["state"], applied["state_before"], applied["state"]) == (
        "on", "on", "on", "off"
    )
    assert applied["changed"] and applied["outcome"] == "ok" and applied["error_kind"] is None
    assert clicked["state"] == "off"
    for row in kept.json:
        assert row["version"] == tool_version() != "unknown"
        assert row["language"] == "en"
        assert Path(row["evidence"][0]).is_file()
    assert status["found_by"].startswith(f"direct route {ROUTE}: switch ")
    assert clicked["found_by"].startswith("click path: switch ")
    assert len({r["run_id"] for r in kept.json}) == 4
    # The file is the person's: private.
    assert history_path(home).stat().st_mode & 0o777 == 0o600

    lines = optout("history").out.splitlines()
    assert len(lines) == 4
    assert "linkedin (default)  apply    ON -> OFF   switched off" in lines[2]
    assert lines[0].startswith(when(status["checked_at"]))


def test_errors_are_recorded_and_history_filters(optout, replay: Replay, home: Path) -> None:
    server = replay("linkedin", account="work")
    assert optout("status", "linkedin", "--base-url", server.url).code == 4  # no default session
    assert optout("status", "linkedin", "--account", "work", "--base-url", server.url).code == 0

    everything = optout("history", "--json").json
    assert [(r["account"], r["outcome"]) for r in everything] == [
        ("default", "auth_required"), ("work", "ok")
    ]
    assert everything[0]["state"] == "unknown" and everything[0]["found_by"] is None
    assert "stopped: auth_required" in optout("history").out
    work = optout("history", "linkedin", "--account", "work", "--json").json
    assert [r["account"] for r in work] == ["work"]
    assert optout("history", "chatgpt", "--json").json == []
    assert optout("history", "--since", "2999-01-01", "--json").json == []
    assert len(optout("history", "--since", "1d", "--json").json) == 2
    assert optout("history", "--since", "2999-01-01").err.strip() == (
        "No runs in the history yet that match."
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["history", "--since", "last week"], "--since 'last week': expected a date (2025-03-01)"),
        (["history", "nosuch"], "Unknown platform 'nosuch'"),
        (["history", "--account", "../x"], "account"),
    ],
)
def test_bad_history_arguments_are_exit_2(optout, argv: list[str], message: str) -> None:
    run = optout(*argv)
    assert run.code == 2 and message in run.err and "Traceback" not in run.err


def test_no_history_yet_creates_none(optout, home: Path) -> None:
    run = optout("history")
    assert run.code == 0 and run.out == "" and "No runs in the history yet." in run.err
    assert not history_path(home).exists()


def test_a_history_it_cannot_read_is_exit_2_but_never_costs_a_result(
    optout, signed_in: ReplayServer, home: Path
) -> None:
    path = history_path(home)
    path.write_bytes(b"not a database at all, but the person's file" * 100)
    before = path.read_bytes()

    run = optout("status", "linkedin", "--base-url", signed_in.url, "--json")
    assert run.code == 0 and run.json[0]["state"] == "on"  # the result stands
    assert run.logged("this run was not added to the history: Cannot read optout's history")

    refused = optout("history")
    assert refused.code == 2
    assert f"Cannot read optout's history {path}" in refused.err
    assert "Move it aside" in refused.err
    assert path.read_bytes() == before  # never replaced


def test_a_history_from_a_newer_optout_is_exit_2(optout, home: Path) -> None:
    SQLiteHistory(history_path(home)).close()
    with sqlite3.connect(history_path(home)) as db:
        db.execute("PRAGMA user_version = 99")
    run = optout("history")
    assert run.code == 2 and "was written by a newer optout (history version 99" in run.err


def test_concurrent_processes_lose_no_row(replay: Replay, tmp_path: Path) -> None:
    """Three optout processes read three accounts at the same moment: three rows."""
    env = processes.environment(tmp_path)
    server = replay("linkedin", signed_in=False)
    setup = (
        "import sys, keyring, flows; from agent.store.vault import Vault; "
        "from agent.replay import ReplayServer; from pathlib import Path\n"
        "v = Vault(Path(sys.argv[1]))\n"
        "for a in ('a', 'b', 'c'): v.save('linkedin', a, ReplayServer.make_session("
        "ReplayServer('linkedin'), flows.load('linkedin').cookie_domain))"
    )
    made = processes.python(setup, str(tmp_path / "home"), env=env)
    assert made.returncode == 0, made.stderr
    import subprocess
    import sys

    runs = [
        subprocess.Popen(
            [sys.executable, "-c", "import sys; from agent.cli import main; sys.exit(main(sys.argv[1:]))",
             "status", "linkedin", "--account", account, "--base-url", server.url],
            cwd=processes.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for account in "abc"
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert sorted(r.account for r in rows(tmp_path / "home")) == ["a", "b", "c"]


# check -----------------------------------------------------------------------------------------


def test_check_notices_a_setting_switched_back_on(optout, signed_in: ReplayServer) -> None:
    url = signed_in.url
    first = optout("check", "linkedin", "--base-url", url)
    assert first.code == 3
    assert first.out.splitlines() == [
        "PLATFORM  ACCOUNT  STATE  WHAT HAPPENED",
        "linkedin  default  ON     LinkedIn may use your data to train AI.",
    ]
    assert first.err.splitlines()[-1] == "Next: optout check linkedin --fix"
    assert signed_in.writes == []  # a check without --fix reads only

    fixed = optout("check", "linkedin", "--fix", "--base-url", url, "--json")
    assert fixed.code == 0 and fixed.json[0]["state"] == "off"
    assert signed_in.settings[SETTING] is False
    off_at = fixed.json[0]["checked_at"]

    calm = optout("check", "linkedin", "--base-url", url)
    assert calm.code == 0 and "OFF    Already off" in calm.out and "--fix" not in calm.err

    signed_in.settings[SETTING] = True  # the platform switches it back on
    drift = optout("check", "linkedin", "--base-url", url)
    assert drift.code == 3
    last_off = optout("history", "--json").json[-2]["checked_at"]  # the calm check's reading
    assert last_off > off_at
    assert f"Switched back on since {when(last_off)}" in drift.out
    as_json = optout("check", "linkedin", "--base-url", url, "--json").json[0]
    assert as_json["state"] == "on"
    assert datetime.fromisoformat(as_json["switched_back_on_since"]) == datetime.fromisoformat(
        last_off
    )

    again = optout("check", "linkedin", "--fix", "--base-url", url)
    assert again.code == 0
    assert "linkedin  default  OFF    Off again: it was ON (switched back on since " in again.out
    assert signed_in.settings[SETTING] is False
    assert len(signed_in.writes) == 2  # one switch-off per --fix, nothing else


def test_check_reports_every_target_whatever_fails(optout, replay: Replay) -> None:
    """LinkedIn ON, ChatGPT signed out, Claude's page changed: each said, the highest code."""
    servers = {
        "linkedin": replay("linkedin"),
        "chatgpt": replay("chatgpt", signed_in=False),
        "claude": replay("claude", "control_missing"),
    }
    origins = [arg for name, s in servers.items() for arg in ("--base-url", f"{name}={s.url}")]
    run = optout("check", *servers, *origins)
    assert run.code == 5
    lines = run.out.splitlines()
    assert lines[1] == "linkedin  default  ON          LinkedIn may use your data to train AI."
    assert lines[2].startswith("chatgpt   default  no session") and "optout login chatgpt" in lines[2]
    assert lines[3].startswith("claude    default  unknown") and "Step " in lines[3]
    assert run.err.splitlines()[-1] == "Next: optout check linkedin --fix"
    assert all(s.writes == [] for s in servers.values())


def test_check_needs_a_selection(optout) -> None:
    run = optout("check")
    assert run.code == 2 and "Name a platform (e.g. optout check" in run.err


def test_check_without_a_readable_history_still_says_what_it_reads(
    optout, signed_in: ReplayServer, home: Path
) -> None:
    history_path(home).write_bytes(b"not a database" * 300)
    run = optout("check", "linkedin", "--base-url", signed_in.url)
    assert run.code == 3
    assert "linkedin  default  ON     LinkedIn may use your data to train AI." in run.out
    assert run.logged("the history could not be read to say since when: Cannot read")
    assert run.logged("this run was not added to the history")


def test_a_check_of_many_accounts_says_how_far_it_is(optout, replay: Replay) -> None:
    server = replay("linkedin", account="a0")
    for n in range(1, 6):
        replay("linkedin", account=f"a{n}")  # only its session is used
    run = optout("check", "--all", "--base-url", f"linkedin={server.url}")
    assert run.code == 3
    progress = [line for line in run.err.splitlines() if line.startswith("checked ")]
    assert progress == [f"checked {n} of 6" for n in range(1, 7)]
    assert len(run.out.splitlines()) == 8  # the header, six accounts, the totals


def test_the_progress_bar_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.cli.watching import Progress

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    progress = Progress(40)
    for _ in range(40):
        progress.advance()
    err = capsys.readouterr().err
    assert err.startswith("\r[" + " " * 20 + "] checked 1 of 40\r[#")
    assert err.endswith("\r[" + "#" * 20 + "] checked 40 of 40\n")
    few = Progress(2)
    few.advance()
    assert capsys.readouterr().err == ""
