"""`optout session import PLATFORM|--all --from-browser BROWSER[:PROFILE]` from the command line:
the session of the browser a person uses every day, read from cookie stores built here (see
tests/test_browser_cookies.py), then used against the replay server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import flows
from agent.replay import ReplayServer
from tests.conftest import Replay
from tests.test_browser_cookies import (
    OTHER_ROWS,
    PROFILES_INI,
    chromium_db,
    firefox_db,
    snapshot,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux layout")


@pytest.fixture(autouse=True)
def browser_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of a person whose browsers are built by the tests; no desktop keyring."""
    home = tmp_path / "person"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-session-bus")
    return home


def rows_of(server: ReplayServer, platform: str) -> tuple[list[tuple], list[str]]:
    """The replay's own session cookies, as a browser stores them, and their values."""
    session = server.make_session(flows.load(platform).cookie_domain)
    rows = [(c.domain, c.name, c.value, True, c.httpOnly, 0) for c in session.cookies]
    return rows, [c.value for c in session.cookies]


def firefox_with(home: Path, *profiles: list[tuple]) -> list:
    """Firefox with these cookie rows in its profiles (default-release first)."""
    root = home / ".mozilla" / "firefox"
    root.mkdir(parents=True)
    (root / "profiles.ini").write_text(PROFILES_INI)
    folders = ["u7q2zz4d.default-release", "k3m1xx9f.default"]
    return [
        firefox_db(root / "Profiles" / folder / "cookies.sqlite", rows)
        for folder, rows in zip(folders, profiles, strict=False)
    ]


def test_a_firefox_session_is_imported_and_works(
    optout, replay: Replay, browser_home: Path
) -> None:
    server = replay("linkedin", signed_in=False)
    rows, secrets = rows_of(server, "linkedin")
    open_dbs = firefox_with(browser_home, rows + OTHER_ROWS, OTHER_ROWS)
    before = snapshot(browser_home)
    run = optout("session", "import", "linkedin", "--from-browser", "firefox")
    assert run.code == 0, run.err
    assert "linkedin (default): imported from firefox:default-release" in run.out
    assert snapshot(browser_home) == before  # the browser's files are untouched
    status = optout("status", "linkedin", "--base-url", server.url, "--json", "--verbose")
    assert status.code == 0 and status.json[0]["state"] == "on"
    for secret in secrets:
        for text in (run.out, run.err, status.out, status.err):
            assert secret not in text
    for db in open_dbs:
        db.close()


def test_a_chrome_session_encrypted_without_a_keyring(
    optout, replay: Replay, browser_home: Path
) -> None:
    server = replay("claude", signed_in=False)
    rows, _ = rows_of(server, "claude")
    root = browser_home / ".config" / "google-chrome"
    chromium_db(root / "Default" / "Network" / "Cookies", rows + OTHER_ROWS)
    run = optout("session", "import", "claude", "--from-browser", "chrome", "--account", "work")
    assert run.code == 0, run.err
    assert "claude (work): imported from chrome:Default" in run.out
    status = optout("status", "claude", "--account", "work", "--base-url", server.url, "--json")
    assert status.code == 0 and status.json[0]["state"] == "on"


def test_all_imports_every_platform_signed_in_there(
    optout, replay: Replay, browser_home: Path
) -> None:
    linkedin, gemini = replay("linkedin", signed_in=False), replay("gemini", signed_in=False)
    rows = rows_of(linkedin, "linkedin")[0] + rows_of(gemini, "gemini")[0]
    open_dbs = firefox_with(browser_home, rows + OTHER_ROWS)
    run = optout("session", "import", "--all", "--from-browser", "firefox")
    assert run.code == 0, run.err
    assert sorted(line.split(" ")[0] for line in run.out.splitlines() if "imported" in line) == [
        "gemini",
        "linkedin",
    ]
    assert "Next: optout status --all" in run.out
    listed = optout("session", "list", "--json")
    assert sorted(s["platform"] for s in listed.json) == ["gemini", "linkedin"]
    for db in open_dbs:
        db.close()


def test_signed_out_in_that_browser_is_exit_2_naming_the_platform(
    optout, browser_home: Path
) -> None:
    open_dbs = firefox_with(browser_home, OTHER_ROWS)
    run = optout("session", "import", "linkedin", "--from-browser", "firefox")
    assert run.code == 2
    assert "firefox holds no signed-in LinkedIn session (li_at on linkedin.com)" in run.err
    assert "optout login linkedin --account default" in run.err
    assert optout("session", "import", "--all", "--from-browser", "firefox").code == 2
    for db in open_dbs:
        db.close()


def test_a_profile_that_does_not_exist_lists_the_ones_that_do(
    optout, browser_home: Path
) -> None:
    open_dbs = firefox_with(browser_home, OTHER_ROWS, OTHER_ROWS)
    run = optout("session", "import", "linkedin", "--from-browser", "firefox:work")
    assert run.code == 2
    assert "default-release" in run.err and "default" in run.err
    assert len(run.err.strip().splitlines()) <= 2
    for db in open_dbs:
        db.close()


def test_two_profiles_signed_in_say_where_each_goes(
    optout, replay: Replay, browser_home: Path
) -> None:
    server = replay("linkedin", signed_in=False)
    one, two = rows_of(server, "linkedin")[0], rows_of(server, "linkedin")[0]
    open_dbs = firefox_with(browser_home, one, two)
    run = optout("session", "import", "linkedin", "--from-browser", "firefox")
    assert run.code == 2
    assert "signed in in 2 profiles" in run.err and "--account NAME" in run.err
    run = optout(
        "session", "import", "linkedin", "--from-browser", "firefox:default", "--account", "b"
    )
    assert run.code == 0, run.err
    for db in open_dbs:
        db.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["session", "import", "--from-browser", "netscape"], "Unknown browser 'netscape'"),
        (["session", "import", "--all"], "--all goes with --from-browser"),
        (["session", "import", "linkedin"], "Give the file to import"),
        (["session", "import", "state.json"], "The platform is missing"),
        (["session", "import", "--from-browser", "firefox"], "Name one platform or use --all"),
        (["session", "import", "linkedin", "x.json", "--from-browser", "firefox"], "not both"),
        (["session", "import", "--from-browser", "chrome:"], "No profile after the colon"),
    ],
)
def test_bad_import_requests_are_exit_2(optout, argv: list[str], message: str) -> None:
    run = optout(*argv)
    assert run.code == 2, run.err
    assert message in run.err and len(run.err.strip().splitlines()) <= 2
