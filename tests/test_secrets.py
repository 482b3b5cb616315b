"""Session cookies are secrets: never in logs, output or files in the clear."""

from __future__ import annotations

import io
import json
from pathlib import Path

from agent import log
from agent.replay import ReplayServer
from agent.store.evidence import sanitize_html
from agent.store.vault import Vault


def every_file(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file()]


def test_cookie_values_never_leave_the_vault(
    optout, linkedin: ReplayServer, vault: Vault, home: Path
) -> None:
    session = linkedin.make_session("linkedin.com")
    secrets = [c.value for c in session.cookies]
    vault.save("linkedin", "default", session)
    runs = [
        optout("apply", "linkedin", "--base-url", linkedin.url, "--verbose", "--json"),
        optout("status", "linkedin", "--base-url", linkedin.url, "--verbose"),
        optout("session", "list", "--json"),
    ]
    linkedin.add_fault("control_missing")  # site_changed also writes the page's HTML
    runs.append(
        optout("status", "linkedin", "--base-url", linkedin.url, "--timeout", "1", "--verbose")
    )
    assert [r.code for r in runs] == [0, 0, 0, 5]
    files = every_file(home)
    assert any(f.suffix == ".html" for f in files)
    for secret in secrets:
        for run in runs:
            assert secret not in run.out and secret not in run.err
        for file in files:
            assert secret.encode() not in file.read_bytes(), file


def test_logs_redact_secret_fields_and_registered_values() -> None:
    stream = io.StringIO()
    log.configure(verbose=True, stream=stream)
    log.redact_values(["AQEDsecretcookievalue"])
    log.get().info("saw AQEDsecretcookievalue in a URL", cookie="li_at=abc", csrf="ajax:1", step=3)
    line = json.loads(stream.getvalue())
    assert "AQEDsecretcookievalue" not in stream.getvalue()
    assert line["event"] == "saw [redacted] in a URL"
    assert (line["cookie"], line["csrf"], line["step"]) == ("[redacted]", "[redacted]", 3)


def test_evidence_html_is_stripped_of_scripts_and_tokens() -> None:
    log.redact_values(["ajax:998877665544"])
    page = (
        '<html><head><meta name="csrf-token" content="ajax:998877665544">'
        '<script>window.token="abc"</script></head><body onload="go()">'
        '<code style="display:none">{"jsessionid":"ajax:998877665544"}</code>'
        '<input type="hidden" name="csrfToken" value="ajax:998877665544">'
        "<h1>Data for Generative AI Improvement</h1><p>ajax:998877665544</p></body></html>"
    )
    clean = sanitize_html(page)
    assert "ajax:998877665544" not in clean
    assert "<script" not in clean and "<code" not in clean and "onload" not in clean
    assert "<h1>Data for Generative AI Improvement</h1>" in clean


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_console_on_a_terminal_json_otherwise() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    log.configure(verbose=False, stream=terminal)
    log.get().info("step 1: open the page", platform="linkedin")
    log.get().debug("hidden unless --verbose")
    log.configure(verbose=False, stream=pipe)
    log.get().info("step 1: open the page", platform="linkedin")
    assert "[info" in terminal.getvalue() and "step 1: open the page" in terminal.getvalue()
    assert "hidden" not in terminal.getvalue()
    assert json.loads(pipe.getvalue())["platform"] == "linkedin"
