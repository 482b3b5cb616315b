"""The report: what a person sees when they open it in a browser, with the network cut off."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

import flows
from agent.models import ErrorInfo, Flow, Result, State
from agent.store.history import SQLiteHistory, switched_back_on_since
from agent.watch.report import render_report, timeline

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
MADE = datetime(2025, 4, 2, 8, 30, tzinfo=UTC)
HOSTILE = (
    "<script>document.title='owned'</script><img src='https://evil.example/p.png'>"
    '"quoted" & <b>bold</b>'
)
FLOWS: dict[str, Flow] = {name: flows.load(name) for name in flows.names()}


def png(width: int, height: int) -> bytes:
    """A small red PNG, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = b"".join(b"\x00" + b"\xd0\x30\x30" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def result(platform: str, state: State, at: datetime, **fields: object) -> Result:
    return Result.model_validate(
        {
            "platform": platform,
            "account": "default",
            "setting": FLOWS[platform].setting.id,
            "action": "status",
            "state_before": state,
            "state": state,
            "checked_at": at,
        }
        | fields
    )


@pytest.fixture
def history(tmp_path: Path) -> Iterator[SQLiteHistory]:
    """LinkedIn switched off by optout, then found ON again; ChatGPT OFF, then an error with a
    hostile message; Claude not offered; Gemini with a screenshot that is gone."""
    evidence = tmp_path / "evidence"
    shot = evidence / "linkedin" / "default" / "20250302T100000.000000Z-apply.png"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(png(10, 10))
    day = timedelta(days=1)
    runs = [
        [
            result("linkedin", "on", T0),
            result("chatgpt", "off", T0, found_by="label"),
            result("claude", "unavailable", T0),
            result("gemini", "on", T0, evidence=[str(evidence / "gemini/default/gone.png")]),
        ],
        [
            result(
                "linkedin",
                "off",
                T0 + day,
                action="apply",
                state_before="on",
                changed=True,
                evidence=[str(shot)],
                language="en",
                found_by="structure",
            ),
            result(
                "chatgpt",
                "unknown",
                T0 + day,
                error=ErrorInfo(kind="site_changed", message=HOSTILE, step=2),
            ),
        ],
        [result("linkedin", "off", T0 + 2 * day)],
        [result("linkedin", "off", T0 + 3 * day)],
        [result("linkedin", "on", T0 + 10 * day)],
    ]
    with SQLiteHistory(tmp_path / "history.sqlite3") as store:
        for n, run in enumerate(runs):
            store.record(run, run_id=f"run-{n}", version="0.1.0")
        yield store


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


class Opened:
    """A report file open in a browser that records, and blocks, every request but the file."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.context = browser.new_context()
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url == self.url else route.abort(),
        )
        self.page: Page = self.context.new_page()
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    @property
    def fetched(self) -> list[str]:
        """Requests other than the file itself (a data: URI is not a fetch)."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]

    def close(self) -> None:
        self.context.close()


def open_report(browser: Browser, tmp_path: Path, html: str) -> Opened:
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return Opened(browser, path)


def test_what_a_person_sees(browser: Browser, history: SQLiteHistory, tmp_path: Path) -> None:
    opened = open_report(browser, tmp_path, render_report(history, FLOWS, generated_at=MADE))
    page = opened.page
    try:
        text = page.inner_text("body")
        assert "Made 2025-04-02 08:30\xa0UTC" in text
        assert "forward-looking" in text and "fresh load" in text

        summary = [
            [cell.strip() for cell in row.inner_text().split("\t")]
            for row in page.query_selector_all(".summary tbody tr")
        ]
        assert summary == [
            [
                "ChatGPT",
                "default",
                "Improve the model for everyone",
                "OFF",
                "2025-03-01 10:00\xa0UTC",
            ],
            ["Claude", "default", "Help improve Claude", "NOT OFFERED", "2025-03-01 10:00\xa0UTC"],
            ["Gemini", "default", FLOWS["gemini"].setting.name, "ON", "2025-03-01 10:00\xa0UTC"],
            [
                "LinkedIn",
                "default",
                "Data for Generative AI Improvement",
                "ON — SWITCHED BACK ON",
                "2025-03-11 10:00\xa0UTC",
            ],
        ]

        linkedin = page.locator("article", has_text="LinkedIn")
        assert "Last verified 2025-03-11 10:00\xa0UTC" in linkedin.inner_text()
        assert "It had been seen OFF on 2025-03-04 10:00\xa0UTC: switched back on" in (
            linkedin.locator(".now").inner_text()
        )
        events = [e.inner_text() for e in linkedin.locator(".timeline li").all()]
        assert [e.splitlines()[0] for e in events] == [
            "2025-03-01 10:00\xa0UTC",
            "2025-03-02 10:00\xa0UTC",
            "2025-03-11 10:00\xa0UTC",
        ]
        assert "First reading: ON" in events[0]
        assert "The page showed the setting ON." in events[0]
        assert "Switched off by optout" in events[1]
        assert "Seen the same 2 more times, last 2025-03-04 10:00\xa0UTC" in events[1]
        assert "switch found by structure" in events[1]
        assert "Switched back on" in events[2]
        assert "It had been seen OFF on 2025-03-04 10:00\xa0UTC" in events[2]

        # The screenshot is the apply's, inlined, and actually shown.
        image = linkedin.locator(".evidence img")
        assert image.get_attribute("src").startswith("data:image/png;base64,")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 10
        assert "20250302T100000.000000Z-apply.png" in linkedin.locator("figcaption").inner_text()

        # What the setting does not cover comes from the flow.
        for item in FLOWS["linkedin"].setting.does_not_cover:
            assert item in linkedin.inner_text()

        chatgpt = page.locator("article", has_text="ChatGPT")
        assert "did not finish" in chatgpt.locator(".warn").inner_text()
        assert "error site_changed at step 2" in chatgpt.inner_text()

        gemini = page.locator("article", has_text="Gemini")
        assert "no longer on this computer" in gemini.inner_text()
        assert gemini.locator("img").count() == 0

        assert opened.fetched == []
    finally:
        opened.close()


def test_a_hostile_error_message_is_only_text(
    browser: Browser, history: SQLiteHistory, tmp_path: Path
) -> None:
    html = render_report(history, FLOWS, generated_at=MADE)
    assert "<script>" not in html and "<b>bold</b>" not in html
    opened = open_report(browser, tmp_path, html)
    try:
        page = opened.page
        quoted = page.locator("article", has_text="ChatGPT").locator("blockquote")
        assert quoted.inner_text() == HOSTILE
        assert page.title() == "optout report, 2025-04-02"
        assert page.locator("script, b, img[src^='http']").count() == 0
        assert opened.fetched == []
    finally:
        opened.close()


def test_the_request_recorder_sees_a_fetch(browser: Browser, tmp_path: Path) -> None:
    """The check above is only worth something if a fetch would have been seen."""
    opened = open_report(browser, tmp_path, "<img src='https://example.invalid/x.png'>")
    try:
        assert opened.fetched == ["https://example.invalid/x.png"]
    finally:
        opened.close()


def test_timeline_and_history_agree_on_switched_back_on(history: SQLiteHistory) -> None:
    key = ("linkedin", "default", "data-for-ai-improvement")
    events = timeline(history.rows(platform="linkedin"))
    assert [e.kind for e in events] == ["first", "switched_off", "back_on"]
    assert events[-1].since == switched_back_on_since(history, *key) == T0 + timedelta(days=3)


def test_timeline_of_changes_errors_and_repeats(tmp_path: Path) -> None:
    signed_out = ErrorInfo(kind="auth_required", message="Sign in again.")
    day = timedelta(days=1)
    with SQLiteHistory(tmp_path / "h.sqlite3") as store:
        for n, one in enumerate(
            [
                result("linkedin", "off", T0),
                result("linkedin", "unknown", T0 + day, error=signed_out),
                result("linkedin", "off", T0 + 2 * day),
                result("linkedin", "on", T0 + 3 * day, action="dry-run"),
                result(
                    "linkedin",
                    "on",
                    T0 + 4 * day,
                    state_before="on",
                    action="apply",
                    error=ErrorInfo(kind="verify_failed", message="Still ON."),
                ),
                result("linkedin", "unavailable", T0 + 5 * day),
            ]
        ):
            store.record([one], run_id=str(n), version="1")
        events = timeline(store.rows())
    assert [(e.kind, e.state, len(e.confirmed)) for e in events] == [
        ("first", "off", 0),
        ("error", "unknown", 0),
        ("same", "off", 0),  # an error in between starts a new entry
        ("back_on", "on", 1),  # the failed apply's reading confirms it
        ("error", "on", 0),
        ("changed", "unavailable", 0),
    ]


def test_only_png_files_inside_the_evidence_root_are_inlined(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    (root / "linkedin").mkdir(parents=True)
    (root / "linkedin" / "shot.png").write_bytes(png(3, 3))
    outside = tmp_path / "outside.png"
    outside.write_bytes(png(3, 3))
    fake = root / "linkedin" / "secret.png"
    fake.write_bytes(b"not a picture: some private text")

    def report(evidence: str) -> str:
        with SQLiteHistory(tmp_path / f"{len(evidence)}.sqlite3") as store:
            store.record(
                [result("linkedin", "off", T0, evidence=[evidence])], run_id="1", version="1"
            )
            return render_report(store, FLOWS, generated_at=MADE, evidence_root=root)

    assert "data:image/png" in report("linkedin/shot.png")  # relative: read from the root
    assert "data:image/png" not in report(str(outside))
    assert "data:image/png" not in report("../outside.png")
    assert "data:image/png" not in report(str(fake))


def test_an_empty_history_and_an_unknown_platform(tmp_path: Path) -> None:
    with SQLiteHistory(tmp_path / "h.sqlite3") as store:
        assert "no results yet" in render_report(store, FLOWS, generated_at=MADE)
        store.record(
            [
                result("linkedin", "off", T0).model_copy(
                    update={"platform": "retired", "setting": "gone"}
                )
            ],
            run_id="1",
            version="1",
        )
        html = render_report(store, FLOWS, generated_at=MADE)
    assert "retired" in html and "no longer describes this setting" in html


def test_the_screenshot_shown_is_the_newest_that_proves_a_state(tmp_path: Path) -> None:
    proof, wall = tmp_path / "proof.png", tmp_path / "wall.png"
    proof.write_bytes(png(4, 4))
    wall.write_bytes(png(5, 5))
    signed_out = ErrorInfo(kind="auth_required", message="Sign in again.")
    with SQLiteHistory(tmp_path / "h.sqlite3") as store:
        store.record(
            [result("linkedin", "off", T0, evidence=[str(proof)])], run_id="1", version="1"
        )
        later = result("linkedin", "unknown", T0 + timedelta(days=1), error=signed_out)
        store.record([later.model_copy(update={"evidence": [str(wall)]})], run_id="2", version="1")
        html = render_report(store, FLOWS, generated_at=MADE)
    shown = base64.b64encode(proof.read_bytes()).decode()
    assert f"data:image/png;base64,{shown}" in html and html.count("data:image/png") == 1


# `optout report`, from real runs -----------------------------------------------------------------


def test_optout_report_from_real_runs(
    browser: Browser, optout, signed_in, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A status (ON) and an apply against the replay, then `optout report`: what the page shows
    is the history's, with the apply's screenshot inlined, and nothing fetched."""
    from concurrent.futures import ThreadPoolExecutor

    def cli(*argv: str):  # away from the sync browser's event loop, as optout runs its own
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(optout, *argv).result()

    assert cli("status", "linkedin", "--base-url", signed_in.url).code == 0
    applied = cli("apply", "linkedin", "--base-url", signed_in.url, "--json").json[0]
    opened_urls: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened_urls.append)

    out = tmp_path / "kept" / "report.html"
    out.parent.mkdir()
    made = cli("report", "--out", str(out), "--open")
    assert made.code == 0 and made.out.strip() == f"Wrote the report to {out}"
    assert opened_urls == [out.as_uri()]
    assert out.stat().st_mode & 0o777 == 0o600

    opened = Opened(browser, out)
    try:
        page = opened.page
        summary = page.locator(".summary tbody tr")
        assert summary.count() == 1
        assert summary.inner_text().split("\t")[:4] == [
            "LinkedIn", "default", FLOWS["linkedin"].setting.name, "OFF"
        ]
        checked = datetime.fromisoformat(applied["checked_at"])
        assert f"{checked:%Y-%m-%d %H:%M}\xa0UTC" in summary.inner_text()
        events = page.locator(".timeline .event").all_inner_texts()
        assert events[0].startswith(f"{datetime.now(UTC):%Y-%m-%d}")
        assert "First reading: ON" in events[0] and "Switched off by optout" in events[1]
        image = page.locator(".evidence img")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert image.evaluate("img => img.naturalWidth") == 1280  # the apply's screenshot
        assert Path(applied["evidence"][0]).name in page.locator(".evidence figcaption").inner_text()
        assert opened.fetched == []
    finally:
        opened.close()


def test_optout_report_defaults_and_errors(optout, home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    made = optout("report")
    today = datetime.now(UTC)
    expected = tmp_path / f"optout-report-{today:%Y-%m-%d}.html"
    assert made.code == 0 and made.out.strip() == f"Wrote the report to {expected}"
    assert "no results yet" in expected.read_text()

    with SQLiteHistory(home / "history.sqlite3") as store:
        store.record([result("linkedin", "on", T0, account="work"), result("linkedin", "off", T0)],
                     run_id="r", version="0.1.0")  # fmt: skip
    work = optout("report", "--account", "work", "--out", str(tmp_path / "work.html"))
    assert work.code == 0
    assert "account work" in (tmp_path / "work.html").read_text()
    assert "account default" not in (tmp_path / "work.html").read_text()

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    assert optout("report", "--out", str(shared / "r.html")).code == 0
    assert shared.stat().st_mode & 0o777 == 0o755  # the person's folder is left as it was
    assert (shared / "r.html").stat().st_mode & 0o777 == 0o600
    nowhere = optout("report", "--out", str(tmp_path / "missing" / "r.html"))
    assert nowhere.code == 2
    assert f"Cannot write the report to {tmp_path / 'missing' / 'r.html'}: No such file" in nowhere.err

    (home / "history.sqlite3").unlink()
    (home / "history.sqlite3").write_bytes(b"garbage" * 200)
    refused = optout("report", "--out", str(tmp_path / "r.html"))
    assert refused.code == 2 and "Cannot read optout's history" in refused.err
    assert not (tmp_path / "r.html").exists()
