"""What a person sees (issue 11): the result table, totals and the one "Next:" line, on a
terminal 120 columns wide and piped; live progress; logs only when asked."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from agent.cli.progress import Progress
from agent.cli.render import print_table, results_table, show_results
from agent.errors import ErrorKind
from agent.models import ErrorInfo, Event, Result, Target
from agent.replay import ReplayServer

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def result(platform: str, state: str = "on", **fields: object) -> Result:
    return Result(
        platform=platform,
        account="default",
        setting="s",
        action="status",
        state=state,
        checked_at=NOW,
        **fields,
    )


def error(kind: ErrorKind, message: str, step: int | None = None) -> ErrorInfo:
    return ErrorInfo(kind=kind, message=message, step=step)


MIXED = [
    result("linkedin", "on", language="de-DE"),
    result("chatgpt", "off"),
    result(
        "claude",
        "unknown",
        error=error(
            ErrorKind.AUTH_REQUIRED,
            "No saved Claude session for account 'default'. Sign in first: "
            "optout login claude --account default",
        ),
    ),
    result(
        "gemini",
        "unknown",
        error=error(ErrorKind.SITE_CHANGED, "Step 5: the page has no button.", 5),
        evidence=["/home/me/evidence/gemini/default/1-status.png"],
    ),
]


def terminal(width: int = 120) -> Console:
    return Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)


def piped() -> Console:
    return Console(file=io.StringIO())


def text(console: Console) -> str:
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_the_table_on_a_terminal_at_120_columns() -> None:
    out, err = terminal(), terminal()
    show_results(MIXED, out, err, account=None)
    lines = [line.rstrip() for line in text(out).splitlines()]
    assert lines == [
        "PLATFORM  ACCOUNT  STATE       WHAT HAPPENED",
        "linkedin  default  ON          LinkedIn may use your data to train AI. (The page was in German.)",
        "chatgpt   default  OFF         Already off; nothing was changed.",
        "claude    default  no session  No saved Claude session for account 'default'. Sign in first: optout login claude",
        "                               --account default",
        "gemini    default  unknown     Step 5: the page has no button.",
        "In all: 1 ON, 1 OFF, 1 no session, 1 unknown",
        "Evidence of gemini (default): /home/me/evidence/gemini/default/1-status.png",
    ]
    assert max(len(line) for line in lines) <= 120
    assert text(err) == (
        "Next: optout doctor gemini makes a report of the page without your personal details, "
        "to share so that the flow can be fixed; or run optout status gemini again later.\n"
    )


def test_the_table_piped_is_one_line_per_result_with_no_padding() -> None:
    out, err = piped(), piped()
    show_results(MIXED, out, err, account=None, evidence=True)
    lines = text(out).splitlines()
    assert lines[0] == "PLATFORM  ACCOUNT  STATE       WHAT HAPPENED"
    assert lines[3] == (
        "claude    default  no session  No saved Claude session for account 'default'. "
        "Sign in first: optout login claude --account default"
    )
    assert all(line == line.rstrip() for line in lines)
    assert "\x1b" not in text(out) + text(err)


def test_colour_on_a_terminal_but_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = Console(file=io.StringIO(), width=120, force_terminal=True)
    print_table(coloured, results_table(MIXED))
    assert "\x1b[1;33mON" in text(coloured)  # ON stands out
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Console(file=io.StringIO(), width=120, force_terminal=True)
    print_table(plain, results_table(MIXED))
    assert "\x1b[1;33m" not in text(plain) and "\x1b[31m" not in text(plain)


@pytest.mark.parametrize(
    ("results", "account", "said"),
    [
        ([result("linkedin", "on")], None, "Next: switch it off: optout apply linkedin"),
        (
            [result("linkedin", "on"), result("chatgpt", "on")],
            "work",
            "Next: switch it off: optout apply linkedin chatgpt --account work",
        ),
        (
            [result("linkedin", "on").model_copy(update={"action": "dry-run"})],
            None,
            "Next: do it for real: optout apply linkedin",
        ),
        (
            [result("linkedin", "off"), result("chatgpt", "unavailable")],
            None,
            "Next: nothing to do. Check again now and then: optout status --all",
        ),
        (
            [MIXED[2]],
            None,
            "Next: sign in: optout login claude --account default, or take the session from "
            "your browser: optout session import claude --from-browser firefox",
        ),
        (
            [MIXED[2], MIXED[2].model_copy(update={"platform": "gemini"})],
            None,
            "Next: sign in: optout session import --all --from-browser firefox (or chrome, "
            "edge, ...), or optout login PLATFORM for each.",
        ),
        (
            [result("claude", error=error(ErrorKind.CHALLENGE, "A security check."))],
            None,
            "Next: do what the message above says, then run it again for claude.",
        ),
        (
            [result("claude", error=error(ErrorKind.VERIFY_FAILED, "Still on."))],
            None,
            "Next: run optout apply claude again later; if it turns back on again, report it "
            "with the evidence above.",
        ),
        (
            [result("claude", error=error(ErrorKind.INTERNAL, "optout hit a bug."))],
            None,
            "Next: this is a bug in optout; please report it with the log named above.",
        ),
    ],
)
def test_one_next_line_for_the_worst_result(
    results: list[Result], account: str | None, said: str
) -> None:
    out, err = piped(), piped()
    show_results(results, out, err, account=account)
    assert text(err) == said + "\n"
    quiet = piped()
    show_results(results, piped(), quiet, account=account, quiet=True)
    assert text(quiet) == ""


def test_one_result_has_no_totals_and_no_evidence_unless_asked() -> None:
    out = piped()
    done = result("linkedin", "off", evidence=["/e/1-status.png"])
    show_results([done], out, piped(), account=None)
    assert text(out).splitlines() == [
        "PLATFORM  ACCOUNT  STATE  WHAT HAPPENED",
        "linkedin  default  OFF    Already off; nothing was changed.",
    ]
    show_results([done], out := piped(), piped(), account=None, evidence=True)
    assert text(out).splitlines()[-1] == "Evidence of linkedin (default): /e/1-status.png"


def targets() -> list[Target]:
    import flows

    return [Target(flow=flows.load("linkedin")), Target(flow=flows.load("claude"))]


def test_progress_piped_is_one_plain_line_per_event() -> None:
    console = piped()
    with Progress(console, targets()) as progress:
        progress(Event("linkedin", "default", "step", 3, 'Open the "Me" menu'))
        progress(Event("linkedin", "default", "changing", 8, "switch it off"))
        progress(Event("linkedin", "default", "done", 0, "off", result("linkedin", "off")))
    lines = text(console).splitlines()
    assert lines[0] == 'linkedin (default): step 3/10: Open the "Me" menu'
    assert lines[1] == "linkedin (default): step 8/10: switching it off"
    assert lines[2].startswith("linkedin (default): done: OFF (") and lines[2].endswith("s)")
    assert progress.changing == ["linkedin (default)"]


def test_progress_on_a_terminal_is_one_live_line_per_target_then_gone() -> None:
    console = terminal()
    with Progress(console, targets()) as progress:
        progress(Event("linkedin", "default", "step", 7, "Find the switch " + "and more " * 20))
        progress(Event("claude", "default", "done", 0, "", MIXED[2]))
        shown = terminal()
        shown.print(progress)
    lines = text(shown).splitlines()
    assert len(lines) == 2 and all(len(line) <= 120 for line in lines)
    assert lines[0].startswith("⠋ linkedin (default) step 7/10: Find the switch and more")
    assert "…" in lines[0] and lines[0].endswith(" 0s")
    assert lines[1].startswith("✗ claude (default)   stopped: no session")
    assert text(console).endswith("\x1b[2K")  # the live lines were cleared: the table follows


@pytest.mark.parametrize("env", [{"TERM": "dumb"}, {}])
def test_no_live_display_on_a_dumb_terminal_or_quiet(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    console = Console(file=io.StringIO(), force_terminal=True)
    progress = Progress(console, targets(), quiet=not env)
    assert progress.live is None
    with progress:
        progress(Event("linkedin", "default", "step", 3, "Open"))
    assert text(console) == ("linkedin (default): step 3/10: Open\n" if env else "")


# Through the CLI, with a browser ------------------------------------------------------------


def test_status_prints_the_table_and_next_logs_only_when_asked(
    optout, signed_in: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPTOUT_LOG")  # as a person runs it
    run = optout("status", "linkedin", "--base-url", signed_in.url)
    assert run.code == 0, run.err
    assert run.out == (
        "PLATFORM  ACCOUNT  STATE  WHAT HAPPENED\n"
        "linkedin  default  ON     LinkedIn may use your data to train AI.\n"
    )
    err = run.err.splitlines()
    assert err[0] == "linkedin (default): step 1/10: Open the setting's own page, " + (
        "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
    )
    assert err[-1] == "Next: switch it off: optout apply linkedin"
    assert not any(line.startswith(("{", "20")) for line in err)  # no log line
    quiet = optout("--quiet", "status", "linkedin", "--base-url", signed_in.url)
    assert quiet.code == 0 and quiet.out == run.out and quiet.err == ""
    verbose = optout("status", "linkedin", "--base-url", signed_in.url, "-v")
    assert "[debug" in verbose.err and "[info" in verbose.err and "step 1: open" in verbose.err
    as_json = optout("--log-json", "status", "linkedin", "--base-url", signed_in.url)
    assert as_json.logged("step 1: open the setting's page")


def test_a_run_with_no_session_says_so_and_how_to_sign_in(optout, linkedin: ReplayServer) -> None:
    run = optout("status", "linkedin", "--base-url", linkedin.url, "--account", "work")
    assert run.code == 4
    assert run.out.splitlines()[1] == (
        "linkedin  work     no session  No saved LinkedIn session for account 'work'. "
        "Sign in first: optout login linkedin --account work"
    )
    assert run.err.splitlines()[-1] == (
        "Next: sign in: optout login linkedin --account work, or take the session from your "
        "browser: optout session import linkedin --from-browser firefox"
    )


def test_a_bad_log_format_is_exit_2(optout, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPTOUT_LOG", "xml")
    run = optout("platforms")
    assert run.code == 2 and run.out == ""
    assert run.err == "optout: OPTOUT_LOG is 'xml': set it to json (JSON log lines), or unset it.\n"


def test_the_readme_example_is_what_is_printed() -> None:
    from tests.test_cli import readme_block

    out = piped()
    show_results([MIXED[0], MIXED[2]], out, out, account=None)
    assert text(out) == readme_block("result example")
