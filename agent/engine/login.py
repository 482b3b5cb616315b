"""`optout login`: a visible browser at the platform's sign-in page; the person signs in; the
session is saved once they reach a member page with the session cookie set. Nothing is written
before that, so closing the window or pressing Ctrl-C leaves the previous session as it was."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from agent import log
from agent.errors import PersonMustAct
from agent.models import StorageState, Target
from agent.store.sessions import platform_session, retarget
from agent.store.vault import Vault


def _member_page(target: Target, url: str) -> bool:
    parts = urlsplit(url)
    if parts.netloc != urlsplit(target.site).netloc:
        return False
    walls = target.flow.walls.sign_in + target.flow.walls.challenge
    return not any(re.search(p, parts.path) for p in walls)


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"


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
            await page.goto(flow.url(flow.sign_in, target.origin))
            log.get().info(
                f"A browser window shows {flow.name}'s sign-in page: sign in there (any security "
                f"check is yours to answer). Waiting up to {_duration(timeout)}."
            )
            while True:
                remaining = (deadline - time.monotonic()) * 1000
                if remaining <= 0:
                    raise PlaywrightTimeout("sign-in")
                await page.wait_for_url(lambda url: _member_page(target, url), timeout=remaining)
                cookies = await context.cookies()
                if any(c["name"] in flow.session_cookies and c["value"] for c in cookies):
                    break
                await page.wait_for_event("framenavigated", timeout=remaining)
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
