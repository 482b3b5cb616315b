"""Help and parsing (issue 11, item 3), housekeeping (item 6) and extension cookie exports
(item 5): what a person types, and what they read back."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import flows
from agent.models.run import EVIDENCE_KEPT

ROOT = Path(__file__).resolve().parent.parent

KNOWN = ", ".join(flows.names())  # the registry, in its order


def test_optout_alone_prints_the_whole_help(optout) -> None:
    run = optout()
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("usage: optout [-h] [--version]")
    assert "Start with: optout status --all" in run.err and "exit codes:" in run.err


def test_version_comes_from_the_package(optout) -> None:
    run = optout("--version")
    assert (run.code, run.out) == (0, f"optout {version('optout')}\n")


def test_global_options_before_or_after_the_command(optout) -> None:
    for argv in (["--quiet", "platforms"], ["platforms", "--quiet"], ["-q", "plan", "linkedin"]):
        assert optout(*argv).code == 0


def test_each_command_lists_only_its_options_with_examples(optout) -> None:
    plan = optout("plan", "--help").out
    assert "  PLATFORM       one of: " in plan  # argparse wraps the list
    assert " ".join(plan.split("one of: ")[1].split("\n\n")[0].split()) == KNOWN
    assert "examples:\n  optout plan linkedin" in plan
    assert "--headed" not in plan and "--account" not in plan and "--timeout" not in plan
    status = optout("status", "--help").out
    for option in ("--all", "--account", "--json", "--evidence", "--timeout", "--quiet"):
        assert option in status
    assert "--base-url" not in status and "--dry-run" not in status  # a test hook, hidden
    evidence = optout("evidence", "--help").out
    assert f"The latest {EVIDENCE_KEPT} per platform and account are kept" in evidence


def test_base_url_is_hidden_but_works(optout) -> None:
    run = optout("status", "linkedin", "--base-url", "http://127.0.0.1:9", "--account", "nobody")
    assert run.code == 4 and "no session" in run.out


@pytest.mark.parametrize(
    ("argv", "usage", "message"),
    [
        (["stauts"], "usage: optout [-h]", "unknown command 'stauts'; did you mean 'status'?"),
        (["status", "--bogus"], "usage: optout status", "unrecognized arguments: --bogus"),
        (
            ["plan", "linkedin", "--nope"],
            "usage: optout plan",
            "unrecognized arguments: --nope",
        ),
        (["apply", "--timeout", "x"], "usage: optout apply", "invalid float value: 'x'"),
        (["forget"], "usage: optout forget", "the following arguments are required: --all"),
        (["completion", "tcsh"], "usage: optout completion", "invalid choice: 'tcsh'"),
    ],
)
def test_a_usage_error_prints_the_usage_of_the_command_typed(
    optout, argv: list[str], usage: str, message: str
) -> None:
    run = optout(*argv)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(usage) and message in run.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", "LinkedIn"], None),
        (
            ["plan", "linkdin"],
            "optout: Unknown platform 'linkdin'. Did you mean linkedin? Known: "
            f"{KNOWN} (see: optout platforms).\n",
        ),
        (
            ["status", "ChatGTP"],
            "optout: Unknown platform 'ChatGTP'. Did you mean chatgpt? Known: "
            f"{KNOWN} (see: optout platforms).\n",
        ),
        (
            ["session", "import", "state.json"],
            "optout: The platform is missing: optout session import PLATFORM state.json "
            f"(platforms: {KNOWN}).\n",
        ),
        (
            ["session", "import", "claud"],
            "optout: Unknown platform 'claud'. Did you mean claude? Known: "
            f"{KNOWN} (see: optout platforms).\n",
        ),
    ],
)
def test_platforms_in_any_case_and_did_you_mean(optout, argv: list[str], message: str | None) -> None:
    run = optout(*argv)
    if message is None:
        assert run.code == 0 and "optout apply linkedin" in run.out
    else:
        assert (run.code, run.out, run.err) == (2, "", message)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_for_each_shell(optout, shell: str) -> None:
    run = optout("completion", shell)
    assert run.code == 0 and "optout" in run.out and "_ARGCOMPLETE" in run.out


def test_completion_completes_commands_and_platforms(tmp_path: Path) -> None:
    """As the shell asks (argcomplete's protocol): the words come back on file descriptor 8."""

    def complete(line: str) -> list[str]:
        out = tmp_path / "words"
        env = {
            "_ARGCOMPLETE": "1",
            "_ARGCOMPLETE_IFS": "\n",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "PATH": "/usr/bin:/bin",
            "OPTOUT_HOME": str(tmp_path / "home"),
        }
        subprocess.run(
            ["bash", "-c", f'"{sys.executable}" -m agent 8>"{out}" 9>/dev/null'],
            cwd=ROOT,
            env=env,
            timeout=60,
            check=False,
            capture_output=True,
        )
        return out.read_text().split()

    assert "status" in complete("optout st")
    assert complete("optout plan li") == ["linkedin"]


# Housekeeping ---------------------------------------------------------------------------------


def test_only_the_latest_runs_evidence_is_kept(home: Path) -> None:
    from agent.store.evidence import Evidence

    for n in range(4):
        Evidence(home, "linkedin", "default", f"status{n}", keep=3).save(b"png", "<p>page</p>")
    kept = sorted(p.name for p in (home / "evidence" / "linkedin" / "default").iterdir())
    assert [name.split("-", 1)[1] for name in kept] == [
        f"status{n}.{ext}" for n in (1, 2, 3) for ext in ("html", "png")
    ]


def test_evidence_lists_and_opens(optout, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    from agent.store.evidence import Evidence

    assert optout("evidence").err == (
        "No evidence saved yet: each status and apply saves some.\n"
    )
    assert optout("evidence", "LinkedIn", "--account", "work").err == (
        "No evidence saved yet of LinkedIn for account 'work': each status and apply saves some.\n"
    )
    first = Evidence(home, "linkedin", "default", "status").save(b"png")
    latest = Evidence(home, "claude", "work", "apply").save(b"png", "<p>x</p>")
    run = optout("evidence")
    assert run.code == 0
    assert run.out.splitlines() == [
        f"claude (work): {latest[0]}  {latest[1]}",
        f"linkedin (default): {first[0]}",
    ]
    assert optout("evidence", "linkedin").out == f"linkedin (default): {first[0]}\n"
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    assert optout("evidence", "--open").code == 0
    assert opened == [Path(latest[0]).as_uri()]


def test_a_bad_evidence_count_is_exit_2(optout, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPTOUT_KEEP_EVIDENCE", "many")
    run = optout("status", "linkedin")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "optout: OPTOUT_KEEP_EVIDENCE is 'many': set it to how many runs' evidence to keep per "
        "platform and account (0 keeps all).\n"
    )


def test_forget_all_removes_everything_after_a_question(
    optout, home: Path, vault, memory_keyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from agent.store.evidence import Evidence
    from agent.store.keys import KEYRING_SERVICE, KEYRING_USER

    (home / "unrelated.txt").parent.mkdir(parents=True, exist_ok=True)
    (home / "unrelated.txt").write_text("mine")
    vault.save("linkedin", "default", _state())
    Evidence(home, "linkedin", "default", "status").save(b"png")
    (home / "history.sqlite3").write_bytes(b"")
    run = optout("forget", "--all")  # no terminal to ask
    assert run.code == 2 and "add --yes" in run.err
    assert (home / "sessions").exists()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda _: "n")
    run = optout("forget", "--all")
    assert (run.code, run.err) == (2, "optout: Not confirmed: nothing was deleted.\n")
    monkeypatch.setattr("builtins.input", lambda _: "y")
    run = optout("forget", "--all")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        f"Deleted sessions, evidence, locks, history.sqlite3 in {home}, and the key in your "
        "keyring.",
        "To remove optout itself: pipx uninstall optout (or delete its folder).",
    ]
    assert sorted(p.name for p in home.iterdir()) == ["unrelated.txt"]
    assert memory_keyring.get_password(KEYRING_SERVICE, KEYRING_USER) is None
    again = optout("forget", "--all", "--yes")
    assert again.out == f"optout keeps nothing here ({home}) and no key: nothing to delete.\n"


# Cookies that browser extensions export ---------------------------------------------------------


def _state():
    from agent.models import StorageState

    return StorageState.model_validate(
        {"cookies": [{"name": "li_at", "value": "AQEDAT", "domain": ".linkedin.com"}]}
    )


COOKIE_EDITOR = [
    {
        "domain": "linkedin.com",
        "expirationDate": 4102444800.5,
        "hostOnly": False,
        "httpOnly": True,
        "name": "li_at",
        "path": "/",
        "sameSite": "no_restriction",
        "secure": True,
        "session": False,
        "storeId": "0",
        "value": "AQEDATsecretvalue",
    },
    {
        "domain": "www.linkedin.com",
        "hostOnly": True,
        "httpOnly": False,
        "name": "JSESSIONID",
        "path": "/",
        "sameSite": None,
        "secure": True,
        "session": True,
        "value": '"ajax:123456789"',
        "id": 2,  # EditThisCookie numbers them
    },
    {"domain": ".google.com", "name": "SID", "value": "x", "sameSite": "lax"},
]


def test_a_cookie_editor_export_is_imported(optout, tmp_path: Path, vault) -> None:
    exported = tmp_path / "cookies.json"
    exported.write_text(json.dumps(COOKIE_EDITOR))
    run = optout("session", "import", "linkedin", str(exported))
    assert run.code == 0, run.err
    assert f"The file {exported} holds your session in plain text: delete it now." in run.err
    saved = {c.name: c for c in vault.load("linkedin", "default").cookies}
    assert sorted(saved) == ["JSESSIONID", "li_at"]  # only the platform's own
    li_at, jsession = saved["li_at"], saved["JSESSIONID"]
    assert (li_at.domain, li_at.expires, li_at.sameSite, li_at.httpOnly) == (
        ".linkedin.com", 4102444800.5, "None", True
    )
    assert (jsession.domain, jsession.expires, jsession.sameSite) == ("www.linkedin.com", -1, "Lax")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            [{"name": "li_at", "domain": ".linkedin.com"}],
            "is not a cookie export as Cookie-Editor or EditThisCookie write it: cookie 1: "
            "value: Field required.",
        ),
        (
            [{"name": "li_at", "value": "x", "domain": ".linkedin.com", "sameSite": "sideways"}],
            "is not a cookie export as Cookie-Editor or EditThisCookie write it: cookie 1: "
            "sameSite: Input should be 'Strict', 'Lax' or 'None'.",
        ),
        (["li_at"], "is not a cookie export as Cookie-Editor or EditThisCookie write it: cookie 1"),
    ],
)
def test_a_broken_cookie_export_says_which_cookie(
    optout, tmp_path: Path, content: object, message: str
) -> None:
    exported = tmp_path / "cookies.json"
    exported.write_text(json.dumps(content))
    run = optout("session", "import", "linkedin", str(exported))
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"optout: {exported} {message}")
