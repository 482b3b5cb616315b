"""Notifications: a check that finds a setting back on tells a local webhook receiver (through
Apprise's json://), a dead URL never fails the check, and the config file's mistakes are exit 2
with their line."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import flows
from agent.replay import ReplayServer

SETTING = flows.load("linkedin").setting.id


class Receiver(ThreadingHTTPServer):
    """A webhook receiver on this machine: what Apprise's json:// posts to it."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file of the test's own (none written yet): the person's own is never read."""
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("OPTOUT_CONFIG", str(path))
    return path


def dead_url() -> str:
    """A port nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"json://127.0.0.1:{s.getsockname()[1]}/hook"


def test_switched_back_on_reaches_the_webhook_and_a_dead_url_fails_nothing(
    optout, signed_in: ReplayServer, receiver: Receiver, home: Path
) -> None:
    url = signed_in.url
    assert optout("check", "linkedin", "--fix", "--base-url", url, "--notify", receiver.url).code == 0
    assert len(receiver.received) == 1  # ON at first, switched off: said once
    assert "optout switched it off again" in receiver.received[0]["message"]
    assert optout("check", "linkedin", "--base-url", url, "--notify", receiver.url).code == 0
    assert len(receiver.received) == 1  # all OFF: nobody is disturbed

    signed_in.settings[SETTING] = True
    dead = dead_url()
    run = optout("check", "linkedin", "--base-url", url, "--notify", dead, "--notify", receiver.url)
    assert run.code == 3  # the check's own result, whatever the notifications did
    assert "Switched back on since" in run.out
    assert run.logged(f"could not notify {dead.removesuffix('/hook')}; the check's result stands")
    told = receiver.received[-1]
    assert told["title"] == "optout: a setting needs you"
    since = run.out.split("Switched back on since ")[1].split(",")[0]
    assert told["message"] == (
        f"LinkedIn (default): switched back on since {since}. Switch it off: "
        "optout check linkedin --fix"
    )
    # Nothing secret, nothing from the disk.
    cookies = [c.value for c in signed_in.make_session("linkedin.com").cookies]
    sent = json.dumps(receiver.received)
    assert str(home) not in sent and ".png" not in sent
    assert not any(value in sent for value in cookies)


def test_the_config_files_urls_and_a_signed_out_account(
    optout, replay, receiver: Receiver, config: Path
) -> None:
    server = replay("linkedin", signed_in=False)
    config.parent.mkdir()
    config.write_text(f'# where to tell me\n[notify]\nurls = ["{receiver.url}"]\n')
    assert optout("config", "path").out.strip() == str(config)
    run = optout("check", "linkedin", "--account", "work", "--base-url", server.url)
    assert run.code == 4
    assert receiver.received[0]["message"] == (
        "LinkedIn (work): signed out. Sign in again: optout login linkedin --account work"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[notify]\nurls = ["json://x",\n  oops]\n', ", line 3: Invalid value (not valid TOML)."),
        ("[notify]\nurl = []\n", ", line 2: notify.url: Extra inputs are not permitted."),
        ('[notify]\n\nurls = "json://x"\n', ", line 3: notify.urls: Input should be a valid tuple."),
        ('[notify]\nurls = [\n  "nosuch://x",\n]\n', ", line 3: nosuch://x is not a notification URL"),
    ],
)
def test_a_bad_config_file_is_exit_2_with_its_line(
    optout, signed_in: ReplayServer, config: Path, text: str, says: str
) -> None:
    config.parent.mkdir()
    config.write_text(text)
    run = optout("check", "linkedin", "--base-url", signed_in.url)
    assert run.code == 2 and f"optout: {config}{says}" in run.err, run.err
    assert "Traceback" not in run.err


def test_a_bad_notify_url_is_exit_2_before_any_page(optout, signed_in: ReplayServer) -> None:
    run = optout("check", "linkedin", "--base-url", signed_in.url, "--notify", "nosuch://tok@host/x")
    assert run.code == 2
    assert "--notify nosuch://host is not a notification URL Apprise knows" in run.err
    assert "tok" not in run.err  # the rest of a URL may be a token
    assert signed_in.writes == [] and not run.out


def test_desktop_where_there_is_none_is_only_a_note(
    optout, signed_in: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agent.watch.notify.DESKTOP_SCHEMES", ("nosuch://",))
    run = optout("check", "linkedin", "--base-url", signed_in.url, "--notify", "desktop", "--verbose")
    assert run.code == 3
    assert "no desktop notification: none is available here" in run.err
    assert "could not notify" not in run.err


def test_what_each_finding_says() -> None:
    from datetime import UTC, datetime

    from agent.models import ErrorInfo, Result
    from agent.watch.check import Checked
    from agent.watch.notify import message

    def found(state_before: str, **fields: object) -> Result:
        return Result.model_validate(
            {"platform": "chatgpt", "account": "work", "setting": "s", "action": "apply",
             "state_before": state_before, "state": fields.pop("state", state_before),
             "checked_at": datetime(2025, 3, 2, tzinfo=UTC)} | fields
        )  # fmt: skip

    since = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    title, body = message([
        Checked(found("on", state="off", changed=True), since),
        Checked(found("on", error=ErrorInfo(kind="verify_failed", message="<page text>"))),
        Checked(found("unknown", error=ErrorInfo(kind="site_changed", message="<page text>"))),
        Checked(found("unknown", error=ErrorInfo(kind="challenge", message="<page text>"))),
        Checked(found("off")),
    ])  # fmt: skip
    assert title == "optout: 4 settings need you"
    assert body.splitlines() == [
        "ChatGPT (work): switched back on since 2025-03-01 09:30 UTC; optout switched it off "
        "again (a fresh load shows it off).",
        "ChatGPT (work): switching it off did not hold. Try again: optout apply chatgpt --account work",
        "ChatGPT (work): the page did not look as optout expected; nothing was changed. See: "
        "optout status chatgpt --account work",
        "ChatGPT (work): it needs you (a security check, the network, a keyring). See: optout "
        "status chatgpt --account work",
    ]
    assert message([Checked(found("off"))]) is None
