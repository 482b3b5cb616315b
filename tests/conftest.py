"""Shared fixtures: a private OPTOUT_HOME, an in-memory keyring, `replay(...)` (a signed-in replay
server of any platform, with faults), and `optout(...)`, which runs the CLI in this process as a
user would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
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
    """One headless browser for the whole session, on an event loop of its own, for the unit
    tier: each test gets a fresh context and a page made with `page.set_content(...)`."""

    def __init__(self) -> None:
        import asyncio
        import threading

        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine: Any, timeout: float = 60) -> Any:
        import asyncio

        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        from agent.engine.browser import launch

        self.playwright = await async_playwright().start()
        self.browser = await launch(self.playwright, headed=False)
        self.context = await self.browser.new_context()
        self.context.set_default_timeout(5000)
        self.pages: dict[str, str] = {}  # what https://example.test/... serves, by URL

        async def serve(route: Any) -> None:
            await route.fulfill(body=self.pages[route.request.url], content_type="text/html; charset=utf-8")

        await self.context.route("https://example.test/**", serve)

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
