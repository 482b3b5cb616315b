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
    log.configure(verbose=True, as_json=True, stream=stream)
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


def test_warnings_alone_unless_asked_every_event_with_verbose_json_when_asked() -> None:
    quiet, verbose, as_json = io.StringIO(), io.StringIO(), io.StringIO()
    for stream, verbose_on, json_on in [(quiet, False, False), (verbose, True, False),
                                         (as_json, False, True)]:  # fmt: skip
        log.configure(verbose=verbose_on, as_json=json_on, stream=stream)
        log.get().info("step 1: open the page", platform="linkedin", account="work")
        log.get().debug("hidden unless --verbose")
        log.get().warning("no evidence could be saved", platform="linkedin", account="work")
    assert quiet.getvalue() == "optout: warning: linkedin (work): no evidence could be saved\n"
    assert "[info" in verbose.getvalue() and "step 1: open the page" in verbose.getvalue()
    assert "[debug" in verbose.getvalue() and "hidden unless --verbose" in verbose.getvalue()
    lines = [json.loads(line) for line in as_json.getvalue().splitlines()]
    assert [(line["level"], line["platform"]) for line in lines] == [
        ("info", "linkedin"),
        ("warning", "linkedin"),
    ]


# Every shape a registered secret takes: nested fields, URL-encoded, without its quotes ----------

CSRF = '"ajax:4455667788990"'  # LinkedIn's JSESSIONID, quotes and all; sent bare as csrf-token
BARE = "ajax:4455667788990"
LI_AT = "AQEDAnestedsecretvalue42"


class Opaque:
    """Something a log call may pass that is neither text nor a container."""

    def __repr__(self) -> str:
        return f"Opaque(token={BARE})"


def test_logs_redact_secrets_in_every_field_at_any_depth() -> None:
    stream = io.StringIO()
    log.configure(verbose=True, as_json=True, stream=stream)
    log.redact_values([CSRF, LI_AT])
    log.get().info(
        f"sent csrf-token {BARE}",
        request={
            "headers": {"x-restli": "2.0", "csrf-token": BARE, "x-li-track": LI_AT},
            "params": ["q=settings", LI_AT, ("nested", [LI_AT])],
        },
        seen={LI_AT: 1, "count": 2},
        url=f"https://www.linkedin.com/voyager/api/x?csrf=%22ajax%3A4455667788990%22&t={LI_AT}",
        lower="https://www.linkedin.com/?c=ajax%3a4455667788990",
        plus=f"q={BARE.replace(':', '%3A')}",
        thing=Opaque(),
        step=3,
    )
    text = stream.getvalue()
    assert "4455667788990" not in text and LI_AT not in text
    line = json.loads(text)
    assert line["event"] == "sent csrf-token [redacted]"
    assert line["request"]["headers"] == {
        "x-restli": "2.0",
        "csrf-token": "[redacted]",
        "x-li-track": "[redacted]",
    }
    assert line["request"]["params"] == ["q=settings", "[redacted]", ["nested", ["[redacted]"]]]
    assert line["seen"] == {"[redacted]": 1, "count": 2}
    assert (
        line["url"] == "https://www.linkedin.com/voyager/api/x?csrf=%22[redacted]%22&t=[redacted]"
    )
    assert line["step"] == 3


def test_evidence_html_redacts_every_text_node_and_attribute() -> None:
    log.redact_values([CSRF, LI_AT])
    page = (
        "<!DOCTYPE html><html><head><title>Settings</title>"
        '<meta name="description" content="Data privacy">'
        "<style>.a > .b { color: red }</style></head><body>"
        f"<p>the token is {BARE}, bare</p>"
        f'<div data-state="{BARE}" title={LI_AT} class="card">card</div>'
        '<a href="/voyager/api?csrfToken=%22ajax%3A4455667788990%22">encoded</a>'
        '<a href="/x?t=ajax%3a4455667788990">lower-case hex</a>'
        '<img alt="ajax&#58;4455667788990" src="/a.png">'
        '<input value="unregistered-token-1" type="hidden" name="csrfToken">'
        "<input type=hidden value=unregistered-token-2>"
        f"<code><code>inner</code>{LI_AT} still inside</code>"
        f"<!-- {LI_AT} in a comment -->"
        '<h1 class="title">Data &amp; AI &lt;Improvement&gt;</h1>'
        '<a href=" java\tscript:steal()">a script by another name</a>'
        "<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>"
        "<br/><p>Use my data</p></body></html>"
    )
    clean = sanitize_html(page)
    for secret in ("4455667788990", LI_AT, "unregistered-token-1", "unregistered-token-2"):
        assert secret not in clean, secret
    assert '<h1 class="title">Data &amp; AI &lt;Improvement&gt;</h1>' in clean
    assert '<div data-state="[redacted]" title="[redacted]" class="card">card</div>' in clean
    assert "<style>.a > .b { color: red }</style>" in clean
    assert '<meta name="description" content="Data privacy">' in clean
    assert clean.startswith("<!DOCTYPE html>") and "<br/><p>Use my data</p>" in clean
    assert "<code" not in clean and "inner" not in clean and "<!--" not in clean
    assert "steal" not in clean and "<script" not in clean
