"""Finding and launching a Chromium-family browser.

Order: OPTOUT_BROWSER, then Playwright's own Chromium, then a Chrome or Chromium installed on
the system; a run that shows no window takes the headless shell of each where there is one
(Playwright's, Debian's chromium-headless-shell), which is what Playwright itself runs headless:
measured on the demo, half the CPU of a full Chromium run headless, and one renderer process
per page instead of two. One browser serves a whole run; each platform and account gets its
own context."""

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
# The headless shells installed on the system (Debian's chromium-headless-shell; Chrome for
# Testing's chrome-headless-shell), tried before the full browsers for a run without a window.
HEADLESS_SHELLS = ["chromium-headless-shell", "chrome-headless-shell"]
# Where Playwright puts its headless shell beside its Chromium of the same revision: the
# folder, then the executable's names (the newer layout first). A guess at Playwright's
# layout, which changes between releases: when it misses, Playwright's full Chromium runs.
PLAYWRIGHT_SHELL_FOLDER = "chromium_headless_shell-{revision}"
PLAYWRIGHT_SHELL_NAMES = ["chrome-headless-shell", "headless_shell"]
T = TypeVar("T")
NO_BROWSER = (
    "No Chromium-family browser found. Install one (`python -m playwright install chromium`, "
    "Google Chrome, or e.g. `sudo apt-get install chromium`), or set OPTOUT_BROWSER to its path."
)


def _executable(path: str | Path) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def find_browser(playwright_chromium: str | None, *, headless: bool = False) -> str:
    """The browser to drive: a path, or an error that says how to get one. `headless` takes
    a headless shell first, where one is installed beside each kind of browser."""
    configured = os.environ.get("OPTOUT_BROWSER")
    if configured:
        if not _executable(configured):
            raise BadInput(f"OPTOUT_BROWSER is {configured!r}, which is not an executable file.")
        return configured
    bundled = [playwright_chromium] if playwright_chromium else []
    installed = INSTALLED.get(sys.platform, INSTALLED["linux"])
    if headless:
        bundled = [*_playwright_shells(playwright_chromium), *bundled]
        installed = [*HEADLESS_SHELLS, *installed]
    for path in bundled:
        if _executable(path):
            return path
    for name in installed:
        found = shutil.which(name) or (name if _executable(name) else None)
        if found:
            return found
    raise PersonMustAct(NO_BROWSER)


def _playwright_shells(playwright_chromium: str | None) -> list[str]:
    """Where Playwright's headless shell would be, beside its Chromium
    (…/ms-playwright/chromium-1255/chrome-linux64/chrome)."""
    if not playwright_chromium:
        return []
    chromium = Path(playwright_chromium)
    if len(chromium.parents) < 3:
        return []
    revision = chromium.parents[1].name.rpartition("-")[2]
    root = chromium.parents[2] / PLAYWRIGHT_SHELL_FOLDER.format(revision=revision)
    suffix = chromium.suffix  # ".exe" on Windows
    return [
        str(folder / f"{name}{suffix}")
        for folder in sorted(root.glob("*"))
        for name in PLAYWRIGHT_SHELL_NAMES
    ]


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
    executable = find_browser(playwright.chromium.executable_path, headless=not headed)
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
    """`python -m agent.engine.browser [--headless]`: print the browser optout would use for
    a visible run (or one without a window); exit 4 when there is none."""
    from playwright.sync_api import sync_playwright

    headless = sys.argv[1:] == ["--headless"]
    try:
        with sync_playwright() as playwright:
            print(find_browser(playwright.chromium.executable_path, headless=headless))
    except (BadInput, PersonMustAct) as e:
        print(f"optout: {e.message}", file=sys.stderr)
        return int(e.exit_code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
