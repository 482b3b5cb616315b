"""`optout login`: a visible browser (on a virtual screen here) at the replay's sign-in page."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

import flows
from agent.replay import ReplayServer
from agent.store.vault import Vault
from tests.conftest import Replay
from tests.processes import ctrl_c_works

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)"
)


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A virtual screen: Xvfb tells on -displayfd which display it took, once it is ready."""
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert xvfb.stdout is not None
    display = ":" + xvfb.stdout.readline().strip()
    monkeypatch.setenv("DISPLAY", display)
    yield display
    xvfb.terminate()
    xvfb.wait(timeout=10)


@pytest.mark.parametrize("name", flows.names())
def test_login_saves_the_session_once_signed_in(
    optout, screen: str, vault: Vault, name: str
) -> None:
    flow = flows.load(name)
    with ReplayServer(name, autologin=True) as server:
        run = optout("login", name, "--base-url", server.url, "--account", "work")
        assert run.code == 0, run.err
        assert f"Signed in to {flow.name} (work); the session is saved, encrypted" in run.out
        saved = vault.load(name, "work")
        assert saved is not None
        assert any(c.name in flow.session_cookies for c in saved.cookies)
        assert all(c.belongs_to(flow.cookie_domain) for c in saved.cookies)
        status = optout("status", name, "--account", "work", "--base-url", server.url, "--json")
        assert status.code == 0 and status.json[0]["state"] == "on"


def test_login_that_never_finishes_keeps_the_old_session(optout, screen: str, vault: Vault) -> None:
    with ReplayServer("linkedin") as server:  # nobody types: the sign-in page just waits
        old = server.make_session("linkedin.com")
        vault.save("linkedin", "default", old)
        run = optout("login", "linkedin", "--base-url", server.url, "--timeout", "2")
        assert run.code == 4
        assert "Sign-in to LinkedIn did not finish within 2 seconds; nothing was saved." in run.err
        kept = vault.load("linkedin", "default")
        assert kept is not None and kept.cookies == old.cookies


def test_headed_apply_shows_the_browser_and_works(
    optout, screen: str, signed_in: ReplayServer
) -> None:
    run = optout("apply", "linkedin", "--headed", "--base-url", signed_in.url, "--json")
    assert run.code == 0, run.err
    assert run.json[0]["changed"] is True and signed_in.settings["data-for-ai-improvement"] is False


@pytest.mark.alone
def test_ctrl_c_during_login_saves_nothing(screen: str, home) -> None:
    import os
    import signal
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with ReplayServer("linkedin") as server:  # nobody signs in: the page waits
        login = subprocess.Popen(
            [sys.executable, "-m", "agent", "login", "linkedin", "--base-url", server.url, "-v"],
            cwd=root,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=ctrl_c_works,
        )
        assert login.stderr is not None
        for line in login.stderr:  # wait until the browser shows the sign-in page (a log event)
            if "A browser window shows" in line:
                break
        login.send_signal(signal.SIGINT)
        out, err = login.communicate(timeout=60)
    assert login.returncode == 130
    assert err.strip().endswith("optout: interrupted; nothing was saved.")
    assert "Traceback" not in err and out == ""
    assert not list(home.rglob("*.session"))


def test_a_sign_in_page_that_refuses_this_browser_suggests_the_everyday_one(
    optout, screen: str, replay: Replay
) -> None:
    server = replay("gemini", "refuses_automation", signed_in=False)
    start = time.monotonic()
    run = optout("login", "gemini", "--base-url", server.url)
    assert run.code == 4
    assert "will not let a browser that optout drives sign in" in run.err
    assert "optout session import gemini --from-browser" in run.err
    assert time.monotonic() - start < 30  # not the ten minutes sign-in may take


def test_a_security_check_that_keeps_coming_back_suggests_the_everyday_browser(
    optout, screen: str, replay: Replay
) -> None:
    server = replay("linkedin", "challenge_repeats", signed_in=False)
    run = optout("login", "linkedin", "--base-url", server.url)
    assert run.code == 4, run.err
    assert "optout session import linkedin --from-browser" in run.err
