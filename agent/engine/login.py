"""`optout login`: a visible browser at the platform's sign-in page; the person signs in; the
session is saved once they reach a member page with the session cookie set. Nothing is written
before that, so closing the window or pressing Ctrl-C leaves the previous session as it was."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent import log
from agent.errors import PersonMustAct
from agent.models import StorageState, Target
from agent.store.sessions import platform_session, retarget
from agent.store.vault import Vault

if TYPE_CHECKING:
    from playwright.async_api import Frame, Page


def _member_page(target: Target, url: str) -> bool:
    parts = urlsplit(url)
    if parts.netloc != urlsplit(target.site).netloc:
        return False
    walls = target.flow.walls.sign_in + target.flow.walls.challenge
    return not any(re.search(p, parts.path) for p in walls)


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"


REPEATED_CHECKS = 2  # a security check that comes back: the site does not trust this browser


def _refused(target: Target) -> PersonMustAct:
    flow = target.flow
    return PersonMustAct(
        f"{flow.name} will not let a browser that optout drives sign in. Sign in in the browser "
        f"you use every day, then take that session: optout session import {flow.id} "
        f"--from-browser firefox (or chrome, edge, ...) --account {target.account}"
    )


class ChallengeCount:
    """How many security checks the page has been sent to, counted from the first page."""

    def __init__(self, target: Target, page: Page) -> None:
        self.walls = target.flow.walls.challenge
        self.page = page
        self.seen = 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Frame) -> None:
        path = urlsplit(frame.url).path
        if frame == self.page.main_frame and any(re.search(p, path) for p in self.walls):
            self.seen += 1


async def _signed_in(
    target: Target, page: Page, challenges: ChallengeCount, deadline: float
) -> None:
    """Wait until the person has signed in (a member page, with the session cookie set), or
    stop when the site refuses this browser: it says so, or its security check keeps coming
    back. Every wait ends at the deadline."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    from agent.engine.finder import Finder

    flow = target.flow
    refusal = Finder(page, 0).any(flow.login_refused) if flow.login_refused else None
    while True:
        cookies = await page.context.cookies()
        if _member_page(target, page.url) and any(
            c["name"] in flow.session_cookies and c["value"] for c in cookies
        ):
            return
        if challenges.seen >= REPEATED_CHECKS:
            raise _refused(target)
        remaining = (deadline - time.monotonic()) * 1000
        if remaining <= 0:
            raise PlaywrightTimeout("sign-in")
        waits = [asyncio.ensure_future(page.wait_for_event("framenavigated", timeout=remaining))]
        if refusal is not None:
            waits.append(asyncio.ensure_future(refusal.first.wait_for(timeout=remaining)))
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if refusal is not None and waits[1] in done and waits[1].exception() is None:
            raise _refused(target)
        for task in done:
            task.result()  # a timeout ends the wait for sign-in


async def login(target: Target, vault: Vault, *, timeout: float) -> Path:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    from agent.engine.browser import launch

    flow = target.flow
    deadline = time.monotonic() + timeout
    async with async_playwright() as playwright:
        browser = await launch(playwright, headed=True)
        try:
            context = await browser.new_context()
            page = await context.new_page()
            challenges = ChallengeCount(target, page)
            await page.goto(flow.url(flow.sign_in, target.origin))
            log.get().info(
                f"A browser window shows {flow.name}'s sign-in page: sign in there (any security "
                f"check is yours to answer). Waiting up to {_duration(timeout)}."
            )
            await _signed_in(target, page, challenges, deadline)
            state = StorageState.model_validate(await context.storage_state())
        except PlaywrightTimeout:
            raise PersonMustAct(
                f"Sign-in to {flow.name} did not finish within {_duration(timeout)}; "
                f"nothing was saved. Run `{target.login_hint}` again."
            ) from None
        except PlaywrightError as e:
            if "closed" not in str(e):
                raise
            raise PersonMustAct(
                f"The browser was closed before sign-in finished; nothing was saved. "
                f"Run `{target.login_hint}` again."
            ) from None
        finally:
            await browser.close()
    log.redact_values([c.value for c in state.cookies])
    if target.origin:
        state = retarget(state, urlsplit(target.site).hostname or "", flow.origin)
    session = platform_session(flow, state, "the browser", target.account)
    return vault.save(flow.id, target.account, session)
