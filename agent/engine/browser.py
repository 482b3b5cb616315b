"""Finding and launching a Chromium-family browser.

Order: OPTOUT_BROWSER, then Playwright's own Chromium, then a Chrome or Chromium installed on
the system. One browser serves a whole run; each platform and account gets its own context."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from agent.errors import BadInput, PersonMustAct

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

# Flags that keep Chromium from phoning home: it must talk to the platform and nothing else.
QUIET_FLAGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Headless, with many accounts: no renderer kept spare for the next page, and no GPU process
# work (nothing is shown). Measured: a third less memory at two accounts at once.
LEAN_FLAGS = ["--disable-features=SpareRendererForSitePerProcess", "--disable-gpu"]
INSTALLED = {
    "linux": ["google-chrome", "google-chrome-stable", "chromium", "chromium-browser", "chrome"],
    "darwin": [
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ],
    "win32": [
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    ],
}
T = TypeVar("T")
NO_BROWSER = (
    "No Chromium-family browser found. Install one (`python -m playwright install chromium`, "
    "Google Chrome, or e.g. `sudo apt-get install chromium`), or set OPTOUT_BROWSER to its path."
)


def _executable(path: str | Path) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def find_browser(playwright_chromium: str | None) -> str:
    """The browser to drive: a path, or an error that says how to get one."""
    configured = os.environ.get("OPTOUT_BROWSER")
    if configured:
        if not _executable(configured):
            raise BadInput(f"OPTOUT_BROWSER is {configured!r}, which is not an executable file.")
        return configured
    if playwright_chromium and _executable(playwright_chromium):
        return playwright_chromium
    for name in INSTALLED.get(sys.platform, INSTALLED["linux"]):
        found = shutil.which(name) or (name if _executable(name) else None)
        if found:
            return found
    raise PersonMustAct(NO_BROWSER)


def _needs_screen() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


async def launch(playwright: Playwright, *, headed: bool) -> Browser:
    if headed and _needs_screen():
        raise PersonMustAct(
            "A visible browser needs a screen, and this session has none (no DISPLAY). Run it on "
            "your desktop, or bring a session from elsewhere: optout session import PLATFORM FILE"
        )
    executable = find_browser(playwright.chromium.executable_path)
    args = QUIET_FLAGS + ([] if headed else LEAN_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root
    return await playwright.chromium.launch(
        executable_path=executable, headless=not headed, args=args
    )


@contextlib.asynccontextmanager
async def browser_beside(
    prepare: Callable[[], T], *, headed: bool
) -> AsyncIterator[tuple[Browser, T]]:
    """A browser, started while `prepare` runs in a thread (imports, decrypting sessions).
    Playwright's driver and Chromium take most of a run's start-up waiting on other
    processes; this spends that wait on optout's own work."""
    from playwright.async_api import async_playwright

    manager = async_playwright()

    async def start() -> Browser:
        playwright = await manager.__aenter__()
        try:
            return await launch(playwright, headed=headed)
        except BaseException:
            await manager.__aexit__(None, None, None)
            raise

    starting = asyncio.create_task(start())
    try:
        prepared = await asyncio.to_thread(prepare)
    except BaseException:
        with contextlib.suppress(Exception):
            await (await starting).close()
            await manager.__aexit__(None, None, None)
        raise
    browser = await starting
    try:
        yield browser, prepared
    finally:
        await browser.close()
        await manager.__aexit__(None, None, None)


def main() -> int:
    """`python -m agent.browser`: print the browser optout would use (exit 4 when none)."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            print(find_browser(playwright.chromium.executable_path))
    except (BadInput, PersonMustAct) as e:
        print(f"optout: {e.message}", file=sys.stderr)
        return int(e.exit_code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
