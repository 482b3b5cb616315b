"""Shared fixtures: a private OPTOUT_HOME, an in-memory keyring, `replay(...)` (a signed-in replay
server of any platform, with faults), and `optout(...)`, which runs the CLI in this process as a
user would."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest

import flows
from agent.cli import main
from agent.replay import ReplayServer
from agent.store.memory_keyring import MemoryKeyring
from agent.store.vault import Vault


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> list[dict]:
        return json.loads(self.out)

    @property
    def events(self) -> list[str]:
        """What was logged to stderr (JSON lines, as OPTOUT_LOG=json asks)."""
        return [json.loads(line)["event"] for line in self.err.splitlines() if line.startswith("{")]

    def logged(self, text: str) -> bool:
        return any(text in event for event in self.events)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "optout-home"
    monkeypatch.setenv("OPTOUT_HOME", str(path))
    return path


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def vault(home: Path) -> Vault:
    return Vault(home)


Replay = Callable[..., ReplayServer]

# What the fixtures do not offer, by the server's own record: WordPress.com's Family Album is a
# Private site (its "…/private" is true), which is shown no sharing checkbox.
NOT_OFFERED = {"wordpress": {"familyalbum842.wordpress.com/prevent-third-party-sharing"}}
# What the fixtures start OFF: Tumblr's "quiet diary" is hidden from search results (its
# "…/hide-from-search" is true), which shows its sharing protection on, and unchangeable.
ALREADY_OFF = {"tumblr": {"lantern-diary/prevent-third-party-sharing"}}


def settings_of(name: str, kept: Iterable[str], *, listed: bool = True) -> list[str]:
    """The settings a run of a platform gives a result for, in order: each of its settings;
    for a setting each object has, each one of `kept` (the replay server's settings) that is
    an object's, once listed (else the listing's own)."""
    return [
        setting
        for flow in flows.settings(name)
        for setting in (
            [key for key in kept if flow.object_of(key)]
            if flow.per_object and listed
            else [flow.setting.id]
        )
    ]


def replayed_settings(name: str) -> list[str]:
    """`settings_of` the platform's unchanged replay (its fixture's settings)."""
    from importlib.resources import files

    site = json.loads((files("fixtures") / name / "site.json").read_text())
    return settings_of(name, site["settings"])


@pytest.fixture
def replay(vault: Vault) -> Iterator[Replay]:
    """`replay(platform, *faults, account="default", signed_in=True)`: a running replay server of
    the platform's reconstructed pages with those faults, and (unless `signed_in=False`) a saved
    session for that account that points at it."""
    with ExitStack() as stack:

        def serve(
            platform: str, *faults: str, account: str = "default", signed_in: bool = True
        ) -> ReplayServer:
            server = stack.enter_context(ReplayServer(platform, faults=set(faults), slow_ms=300))
            if signed_in:
                session = server.make_session(flows.load(platform).cookie_domain)
                vault.save(platform, account, session)
            return server

        yield serve


@pytest.fixture
def linkedin(replay: Replay) -> ReplayServer:
    """LinkedIn's replay, with no session saved."""
    return replay("linkedin", signed_in=False)


@pytest.fixture
def signed_in(replay: Replay) -> ReplayServer:
    """LinkedIn's replay, with a saved session for account 'default'."""
    return replay("linkedin")


@pytest.fixture
def optout(capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI as a person would, with stdout and stderr piped; its log events are asked for
    as JSON lines (OPTOUT_LOG=json), so that a test can see what the engine did (`logged`)."""
    monkeypatch.setenv("OPTOUT_LOG", "json")

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


class Chromium:
    """One headless browser per test process, on an event loop of its own thread. The unit tier
    gets a fresh page in `context` (made with `page.set_content(...)`); every optout run of a
    test borrows the browser itself (`one_browser`)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine: Any, timeout: float | None = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        self.playwright = await async_playwright().start()
        await self._launch()

    async def _launch(self) -> None:
        from agent.engine.browser import launch

        self.browser = await launch(self.playwright, headed=False)
        self.context = await self.browser.new_context()
        self.context.set_default_timeout(5000)
        self.pages: dict[str, str] = {}  # what https://example.test/... serves, by URL

        async def serve(route: Any) -> None:
            await route.fulfill(body=self.pages[route.request.url], content_type="text/html; charset=utf-8")

        await self.context.route("https://example.test/**", serve)

    async def connected(self) -> Any:
        """The browser, launched again if a test's run lost it."""
        if not self.browser.is_connected():
            await self._launch()
        return self.browser

    async def stop(self) -> None:
        await self.browser.close()
        await self.playwright.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    browser = Chromium()
    browser.run(browser.start())
    yield browser
    browser.run(browser.stop())
    browser.loop.call_soon_threadsafe(browser.loop.stop)


@pytest.fixture(autouse=True)
def one_browser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """optout starts Playwright's driver and a Chromium for every run (about a second of two
    CPUs); a test's runs borrow the process's one headless browser instead, on its event loop,
    each still in contexts of its own. What only a start of its own can show keeps it: a visible
    browser, OPTOUT_BROWSER, runs from threads, other processes, and tests marked
    `own_browser`. Afterwards the browser must hold no context a run left open."""
    if request.node.get_closest_marker("own_browser"):
        yield
        return
    from agent.engine import browser as browser_module

    chromium: Chromium = request.getfixturevalue("chromium")
    own_run, own_beside = asyncio.run, browser_module.browser_beside

    def run(coroutine: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return own_run(coroutine, **kwargs)
        return chromium.run(coroutine, timeout=None)

    @contextlib.asynccontextmanager
    async def beside(prepare: Callable[[], Any], *, headed: bool) -> AsyncIterator[Any]:
        own_loop = asyncio.get_running_loop() is not chromium.loop
        if headed or os.environ.get("OPTOUT_BROWSER") or own_loop:
            async with own_beside(prepare, headed=headed) as started:
                yield started
            return
        prepared = await asyncio.to_thread(prepare)
        yield await chromium.connected(), prepared

    monkeypatch.setattr(asyncio, "run", run)
    monkeypatch.setattr(browser_module, "browser_beside", beside)
    yield
    left = chromium.run(_close_contexts_left(chromium))
    assert not left, f"a run left {left} browser context(s) open"


async def _close_contexts_left(chromium: Chromium) -> int:
    """How many contexts besides the unit tier's are open, closed (the next test starts clean)."""
    left = [c for c in (await chromium.connected()).contexts if c is not chromium.context]
    for context in left:
        await context.close()
    return len(left)


@pytest.fixture
def on_page(chromium: Chromium) -> Callable[..., Any]:
    """`on_page(html, check, url=...)`: run `await check(page)` on a fresh page showing `html`
    (served at `url`, so that the page has an address), and return what it returns."""

    def run(html: str, check: Callable[[Any], Any], url: str = "https://example.test/page") -> Any:
        async def go() -> Any:
            chromium.pages[url] = html
            page = await chromium.context.new_page()
            try:
                await page.goto(url)
                return await check(page)
            finally:
                await page.close()

        return chromium.run(go())

    return run
