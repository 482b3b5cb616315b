"""The command line's contract: help, platforms, plan, and bad input (exit 2, one clear line,
never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import flows
from tests.conftest import ALREADY_OFF, NOT_OFFERED, replayed_settings

ROOT = Path(__file__).resolve().parent.parent


def test_help_lists_commands_and_exit_codes(optout) -> None:
    run = optout("--help")
    assert run.code == 0
    for word in ("platforms", "plan", "login", "session", "status", "apply", "demo", "exit codes"):
        assert word in run.out


def test_platforms_human_and_json(optout) -> None:
    run = optout("platforms")
    assert run.code == 0
    assert 'linkedin: LinkedIn, "Data for Generative AI Improvement"' in run.out
    assert "forward-looking" in run.out and "Private messages" in run.out
    platforms = {p["platform"]: p for p in optout("platforms", "--json").json}
    assert sorted(platforms) == sorted(flows.names())
    linkedin = platforms["linkedin"]
    assert linkedin["platform"] == "linkedin"
    assert linkedin["id"] == "data-for-ai-improvement"
    assert any("private messages" in line.lower() for line in linkedin["does_not_cover"])


def test_plan_numbers_every_step_without_a_browser(optout) -> None:
    run = optout("plan", "linkedin")
    assert run.code == 0
    lines = run.out.splitlines()
    assert (
        "  1. Open the setting's own page, https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
        in lines
    )
    assert "   If that page does not show the setting, go the way a person clicks:" in lines
    assert '  3. Open the "Me" menu' in lines
    assert any(line.startswith(" 10. Save a screenshot") for line in lines)
    assert "What this does not cover:" in lines
    assert any("forward-looking" in line for line in lines)


BAD_INPUT = [
    (
        ["status", "facebook"],
        f"Unknown platform 'facebook'. Known: {', '.join(flows.names())} (see: optout platforms)",
    ),
    (["plan", "facebook"], "Unknown platform 'facebook'"),
    (
        ["apply", "linkedin", "--base-url", "ftp://example.com"],
        "Bad --base-url 'ftp://example.com'",
    ),
    (["apply", "linkedin", "--base-url", "localhost:8000"], "Bad --base-url 'localhost:8000'"),
    (["apply", "linkedin", "--base-url", "http://127.0.0.1:8000/feed/"], "Bad --base-url"),
    (["apply", "linkedin", "--base-url", "http://127.0.0.1:99999"], "Bad --base-url"),
    (
        ["apply", "linkedin", "--base-url", "myspace=http://127.0.0.1:1"],
        "Unknown platform 'myspace'",
    ),
    (
        ["status", "--all", "--base-url", "http://127.0.0.1:1"],
        "names no platform, so it needs exactly one",
    ),
    (["status"], "Name a platform (e.g. optout status linkedin) or use --all."),
    (["status", "linkedin", "--all"], "Name platforms or use --all, not both."),
    (["status", "linkedin", "--account", "../etc"], "Bad account name '../etc'"),
    (["status", "linkedin", "--timeout", "0"], "--timeout must be a positive number"),
    (["login", "linkedin", "--timeout", "-1"], "--timeout must be a positive number"),
    (
        ["session", "import", "linkedin", "/nonexistent/state.json"],
        "Cannot read /nonexistent/state.json: No such file",
    ),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_exit_2_with_one_clear_line(optout, argv: list[str], message: str) -> None:
    run = optout(*argv)
    assert run.code == 2
    assert run.err.startswith("optout: ") and message in run.err
    assert len(run.err.strip().splitlines()) <= 2
    assert run.out == ""


@pytest.mark.parametrize(
    "argv", [["status", "--bogus"], [], ["apply", "linkedin", "--timeout", "x"]]
)
def test_usage_errors_are_exit_2(optout, argv: list[str]) -> None:
    run = optout(*argv)
    assert run.code == 2
    assert "usage: optout" in run.err


def test_import_rejects_garbage_and_malformed_files(optout, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x89PNG not json")
    run = optout("session", "import", "linkedin", str(garbage))
    assert run.code == 2 and f"{garbage} is not JSON" in run.err
    malformed = tmp_path / "malformed.json"
    malformed.write_text(json.dumps({"cookies": [{"name": "li_at"}]}))
    run = optout("session", "import", "linkedin", str(malformed))
    assert run.code == 2
    assert (
        f"{malformed} is not a Playwright storage-state file: cookies.0.value: Field required"
        in run.err
    )
    no_session = tmp_path / "google.json"
    no_session.write_text(
        json.dumps({"cookies": [{"name": "SID", "value": "x", "domain": ".google.com"}]})
    )
    run = optout("session", "import", "linkedin", str(no_session))
    assert run.code == 2 and "holds no LinkedIn session cookie (li_at on linkedin.com)" in run.err
    expired = tmp_path / "expired.json"
    expired.write_text(
        json.dumps(
            {
                "cookies": [
                    {"name": "li_at", "value": "AQEDAT", "domain": ".linkedin.com", "expires": 1000}
                ]
            }
        )
    )
    run = optout("session", "import", "linkedin", str(expired))
    assert run.code == 2 and "has expired" in run.err


def _process(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--help"], 0),
        (["plan", "nope"], 2),
        (["status", "linkedin", "--base-url", "nope"], 2),
        (["session", "import", "linkedin", "/nonexistent"], 2),
    ],
)
def test_a_real_process_never_shows_a_traceback(argv: list[str], code: int, home: Path) -> None:
    done = _process(*argv)
    assert done.returncode == code
    assert "Traceback" not in done.stderr


def test_a_bug_in_a_command_is_exit_1_with_the_log(
    optout, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agent.cli.commands

    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(agent.cli.commands.COMMANDS, "platforms", broken)
    run = optout("platforms")
    assert run.code == 1
    log = home / "logs" / "optout.log"
    assert run.err.strip() == (
        f"optout: optout hit a bug in `platforms` (RuntimeError: boom). "
        f"The details are in {log}; please report it."
    )
    assert "Traceback" not in run.err and "Traceback" in log.read_text()
    verbose = optout("platforms", "--verbose")
    assert verbose.code == 1 and "Traceback" in verbose.err


def readme_block(marker: str) -> str:
    """The fenced block that follows `<!-- marker -->` in the README."""
    text = (ROOT / "README.md").read_text()
    after = text.split(f"<!-- {marker} -->", 1)[1]
    return after.split("```", 2)[1].split("\n", 1)[1]


@pytest.mark.parametrize(
    ("argv0", "says"),
    [
        ("/home/me/.venv/bin/optout", "/home/me/.venv/bin/optout"),
        ("-c", f"{sys.executable} -m agent"),  # python -c: no command a person can type
        ("/src/optout/agent/__main__.py", f"{sys.executable} -m agent"),  # python -m agent
    ],
)
def test_demo_says_how_to_run_optout_when_it_is_not_on_path(
    argv0: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.cli.demo import how_to_run_me

    monkeypatch.setattr(sys, "argv", [argv0])
    assert how_to_run_me() == says


def test_demo_runs_the_whole_flow_as_the_readme_shows(optout, home: Path) -> None:
    import flows

    run = optout("demo", "--timeout", "120")  # a loaded machine is slow, not wrong
    assert run.code == 0, run.out + run.err
    assert run.out == readme_block("demo output")  # character for character
    tables = [block.split("\n\n")[0].splitlines() for block in run.out.split("\n== ")[2:]]
    settings = [(name, s) for name in flows.names() for s in replayed_settings(name)]
    shown = [flows.shown(name, setting) for name, setting in settings]
    assert [[line.split()[0] for line in table[2:-1]] for table in tables] == [shown] * 4
    states = [[line.split()[2] for line in table[2:-1]] for table in tables]
    offered = [setting not in NOT_OFFERED.get(name, ()) for name, setting in settings]
    off = [setting in ALREADY_OFF.get(name, ()) for name, setting in settings]
    assert states == [
        ["not" if not yes else "OFF" if was_off else state for yes, was_off in zip(offered, off, strict=True)]
        for state in ("ON", "ON", "OFF", "OFF")
    ]
    assert "\nNow try it on your own account, where you are signed in:\n" in run.out
    for name, yes in zip(shown, offered, strict=True):  # progress, one plain line per event
        assert f"{name} (demo): step " in run.err
        assert f"{name} (demo): done: {'OFF' if yes else 'not offered'} (" in run.err
    evidence = home / "demo" / "evidence"
    assert f"The screenshots of each final state are in {evidence}" in run.err
    assert len(list(evidence.rglob("*.png"))) == 4 * len(shown)
    assert not list(home.rglob("*.session"))  # the throwaway sessions are gone
