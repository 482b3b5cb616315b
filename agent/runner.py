"""The runner: executes a flow against a signed-in browser context.

It owns what every platform needs: waiting for client-side rendering, getting overlays out of
the way (dismissed, never accepted), noticing sign-in walls and security checks, reading the
control's state, switching it off only when it is known to be ON, verifying after a fresh load,
and leaving evidence. Flows only say where things are.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent import log
from agent.errors import (
    AuthRequired,
    ChallengeRequired,
    OptoutError,
    SiteChanged,
    VerifyFailed,
)
from agent.evidence import Evidence
from agent.models import Action, ErrorInfo, Flow, Locate, Result, State, Step, StorageState
from agent.plan import numbers
from agent.sessions import retarget

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Locator, Page, Request, Route

    from agent.vault import Vault

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Buttons that close an overlay without agreeing to anything.
DISMISS = (
    "Dismiss",
    "Close",
    "Not now",
    "No,? thanks",
    "Skip",
    "Maybe later",
    "Reject all",
    "Decline",
    "✕",
    "\u00d7",  # multiplication sign, a common close glyph
)
# The control's state: aria-checked (switches, custom checkboxes), aria-pressed (toggle
# buttons), or a native checkbox's `checked`. When two of them disagree the state is unknown.
READ_STATE_JS = """el => {
  const aria = el.getAttribute('aria-checked') ?? el.getAttribute('aria-pressed');
  const native = (el instanceof HTMLInputElement && el.type === 'checkbox') ? String(el.checked) : null;
  if (aria !== null && native !== null && aria !== native) return 'conflict';
  return aria ?? native;
}"""


@dataclass(frozen=True)
class Target:
    """One platform and account to act on; `origin` replaces the platform's (`--base-url`)."""

    flow: Flow
    account: str = "default"
    origin: str | None = None

    @property
    def login_hint(self) -> str:
        account = "" if self.account == "default" else f" --account {self.account}"
        return f"optout login {self.flow.id}{account}"


@dataclass
class Options:
    headed: bool = False
    timeout: float = 20.0  # seconds to wait for any one thing to appear
    home: Path = field(default_factory=Path.cwd)


class Visit:
    """One walk through one platform's pages, in one browser page."""

    def __init__(self, page: Page, target: Target, timeout_ms: float) -> None:
        self.page = page
        self.flow = target.flow
        self.target = target
        self.origin = target.origin or target.flow.origin
        self.timeout_ms = timeout_ms
        self.numbers = numbers(target.flow)
        self.step = 1
        self.log = log.get().bind(platform=self.flow.id, account=target.account)

    # Finding things ----------------------------------------------------------------------------

    def _one(self, way: Locate) -> Locator:
        if way.role:
            name = re.compile(way.name, re.I) if way.name else None
            return self.page.get_by_role(way.role, name=name)  # type: ignore[arg-type]
        if way.text:
            return self.page.get_by_text(re.compile(way.text, re.I))
        return self.page.locator(way.css or "")

    async def _present(self, ways: tuple[Locate, ...]) -> Locator | None:
        """The first way (in the flow's order of preference) that matches now."""
        for way in ways:
            found = self._one(way)
            if await found.count():
                return found
        return None

    async def _appears(self, ways: tuple[Locate, ...]) -> Locator | None:
        """Wait for any of `ways` to become visible; None when none does in time."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        union = self._one(ways[0])
        for way in ways[1:]:
            union = union.or_(self._one(way))
        try:
            await union.first.wait_for(state="visible", timeout=self.timeout_ms)
        except PlaywrightTimeout:
            return None
        return await self._present(ways)

    # Walls -------------------------------------------------------------------------------------

    def _at(self, key: str) -> None:
        self.step = self.numbers[key]

    def check_walls(self) -> None:
        """Stop at a sign-in page or a security check: only the person can get past those."""
        path = urlsplit(self.page.url).path
        if any(re.search(p, path) for p in self.flow.walls.challenge):
            raise ChallengeRequired(
                f"{self.flow.name} is asking for a security check. optout never answers those: "
                f"complete it yourself in the browser that `{self.target.login_hint}` opens, "
                "then run this again.",
                step=self.step,
            )
        if any(re.search(p, path) for p in self.flow.walls.sign_in):
            raise AuthRequired(
                f"{self.flow.name} showed its sign-in page: the saved session has expired or "
                f"was signed out. Sign in again: {self.target.login_hint}",
                step=self.step,
            )

    async def _goto(self, path: str) -> bool:
        """Open a page; True when it answered and stayed at the path asked for."""
        response = await self.page.goto(self.origin + path)
        self.check_walls()
        return (
            response is not None
            and response.ok
            and urlsplit(self.page.url).path.rstrip("/") == path.rstrip("/")
        )

    async def _await_ready(self, step: Step) -> None:
        if step.ready and await self._appears(step.ready) is None:
            self.check_walls()  # a client-side redirect to a wall, seen late
            raise SiteChanged(
                f"Step {self.step} ({step.description}): the page never showed "
                f"{' or '.join(w.describe() for w in step.ready)}.",
                step=self.step,
            )

    # The walk ----------------------------------------------------------------------------------

    async def reach_control(self) -> Locator | None:
        """The setting's control, by the direct route or else the way a person clicks there;
        None when the platform does not offer the setting to this account."""
        self._at("direct")
        self.log.info(
            f"step {self.step}: open the setting's page", url=self.origin + self.flow.direct
        )
        if await self._goto(self.flow.direct):
            control = await self._appears(self.flow.control)
            if control is not None:
                self._at("read")
                return control
            self.check_walls()
        self.log.info("the direct route did not lead to the setting: going the way a person clicks")
        for i, step in enumerate(self.flow.click_path, start=1):
            self._at(f"click-{i}")
            self.log.info(f"step {self.step}: {step.description}")
            if step.goto is not None:
                await self._goto(step.goto)
            else:
                found = (
                    await self._present(step.click)
                    if step.when_missing == "unavailable"
                    else await self._appears(step.click)
                )
                if found is None:
                    if step.when_missing == "unavailable":
                        self.log.info("the setting is not offered to this account")
                        return None
                    raise SiteChanged(
                        f"Step {self.step} ({step.description}) could not find "
                        f"{' or '.join(w.describe() for w in step.click)}.",
                        step=self.step,
                    )
                await found.first.click()
                await self.page.wait_for_load_state()
                self.check_walls()
            await self._await_ready(step)
        self._at("read")
        return await self.find_control()

    async def find_control(self) -> Locator:
        control = await self._appears(self.flow.control)
        if control is None:
            self.check_walls()
            raise SiteChanged(
                f'Step {self.step}: the page has no switch "{self.flow.setting.control_label}" '
                f"where {self.flow.name}'s setting should be.",
                step=self.step,
            )
        if await control.count() > 1:
            raise SiteChanged(
                f"Step {self.step}: {await control.count()} controls are named "
                f'"{self.flow.setting.control_label}"; optout does not guess which one to click.',
                step=self.step,
            )
        return control

    async def read(self, control: Locator) -> State:
        raw = await control.evaluate(READ_STATE_JS)
        if raw not in ("true", "false"):
            raise SiteChanged(
                f"Step {self.step}: could not tell whether the switch is on or off "
                f"(it reads {raw!r}).",
                step=self.step,
            )
        state: State = "on" if raw == "true" else "off"
        self.log.info(f"step {self.step}: the switch is {state.upper()}")
        return state

    async def switch_off(self, control: Locator) -> None:
        """Click the control (known to be ON) and wait for the page's save request to finish."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        self._at("switch")
        self.log.info(f"step {self.step}: switching it off")
        save = re.compile(self.flow.save_request) if self.flow.save_request else None

        def is_save(response: object) -> bool:
            request = response.request  # type: ignore[attr-defined]
            return request.method in WRITE_METHODS and (
                save is None or bool(save.search(request.url))
            )

        try:
            async with self.page.expect_response(is_save, timeout=self.timeout_ms) as saved:
                await control.click()
            response = await saved.value
            self.log.debug("the page saved", status=response.status)
        except PlaywrightTimeout:
            # The fresh load below is the judge either way.
            self.log.warning("no save request was seen after the click")

    async def verify(self) -> State:
        self._at("verify")
        self.log.info(f"step {self.step}: reloading to check what {self.flow.name} saved")
        await self.page.reload()
        self.check_walls()
        return await self.read(await self.find_control())


class Runner:
    def __init__(self, vault: Vault, options: Options) -> None:
        self.vault = vault
        self.options = options

    async def run(self, targets: list[Target], action: Action) -> list[Result]:
        """Run `action` on every target, concurrently, in one browser."""
        from agent.browser import browser_beside

        async with browser_beside(lambda: self.sessions(targets), headed=self.options.headed) as (
            browser,
            sessions,
        ):
            return await self.run_in(browser, targets, sessions, action)

    def sessions(self, targets: list[Target]) -> list[StorageState | OptoutError]:
        """Each target's saved session, or why it has none."""
        return [self._session(t) for t in targets]

    async def run_in(
        self,
        browser: Browser,
        targets: list[Target],
        sessions: list[StorageState | OptoutError],
        action: Action,
    ) -> list[Result]:
        """Run `action` on every target in `browser`, one context each, concurrently. One
        target's failure is its own result and never stops the others."""

        async def one(target: Target, session: StorageState | OptoutError) -> Result:
            if isinstance(session, OptoutError):
                return self._failed(target, action, session)
            return await self._run_one(browser, target, action, session)

        return list(await asyncio.gather(*map(one, targets, sessions)))

    def _session(self, target: Target) -> StorageState | OptoutError:
        try:
            state = self.vault.load(target.flow.id, target.account)
        except AuthRequired as e:
            return e
        if state is None:
            return AuthRequired(
                f"No saved {target.flow.name} session for account '{target.account}'. "
                f"Sign in first: {target.login_hint}"
            )
        log.redact_values([c.value for c in state.cookies])
        if target.origin:
            state = retarget(state, target.flow.cookie_domain, target.origin)
        return state

    def _result(self, target: Target, action: Action) -> Result:
        return Result(
            platform=target.flow.id,
            account=target.account,
            setting=target.flow.setting.id,
            action=action,
            checked_at=datetime.now(timezone.utc),
        )

    def _failed(self, target: Target, action: Action, error: OptoutError) -> Result:
        result = self._result(target, action)
        result.error = ErrorInfo(kind=error.kind, message=error.message, step=error.step)  # type: ignore[arg-type]
        return result

    async def _run_one(
        self, browser: Browser, target: Target, action: Action, state: StorageState
    ) -> Result:
        result = self._result(target, action)
        context = await browser.new_context(
            storage_state=state.model_dump(), viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(self.options.timeout * 1000)
        if action != "apply":
            await self._forbid_writes(context, target.flow)
        page = await context.new_page()
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        await self._dismiss_overlays(page, target.flow)
        visit = Visit(page, target, self.options.timeout * 1000)
        evidence = Evidence(self.options.home, target.flow.id, target.account, action)
        try:
            await self._act(visit, action, result)
            result.evidence = await evidence.capture(page, with_html=False)
        except OptoutError as e:
            result.error = ErrorInfo(kind=e.kind, message=e.message, step=e.step)  # type: ignore[arg-type]
            result.evidence = await self._evidence_after_error(evidence, page, e)
        except Exception as e:
            error = self._bug(e, target)
            result.error = ErrorInfo(kind="internal", message=error.message, step=visit.step)
        finally:
            await context.close()
        return result

    async def _act(self, visit: Visit, action: Action, result: Result) -> None:
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        try:
            control = await visit.reach_control()
            if control is None:
                result.state_before = result.state = "unavailable"
                return
            result.state_before = result.state = await visit.read(control)
            if result.state == "on" and action == "dry-run":
                visit.log.info("dry run: would have switched it off; nothing was clicked")
            if result.state == "on" and action == "apply":
                await visit.switch_off(control)
                result.state = await visit.verify()
                if result.state != "off":
                    raise VerifyFailed(
                        f"{visit.flow.name} still shows the switch ON after a fresh load: the "
                        "change did not hold. Try again later, or switch it off by hand at "
                        f"{visit.flow.direct_url}",
                        step=visit.step,
                    )
                result.changed = True
        except PlaywrightTimeout as e:
            visit.check_walls()
            raise SiteChanged(
                f"Step {visit.step}: the page did not respond as expected "
                f"({str(e).splitlines()[0]}).",
                step=visit.step,
            ) from e

    async def _evidence_after_error(
        self, evidence: Evidence, page: Page, error: OptoutError
    ) -> list[str]:
        try:
            return await evidence.capture(page, with_html=isinstance(error, SiteChanged))
        except Exception:  # a closed page cannot be photographed: the error itself still counts
            log.get().debug("no evidence could be captured", exc_info=True)
            return []

    @staticmethod
    async def _forbid_writes(context: BrowserContext, flow: Flow) -> None:
        """Read-only runs cannot write: any state-changing request to the platform's settings
        API is aborted, whatever the page tries (a safety net under 'never click the control')."""
        if not flow.save_request:
            return

        async def guard(route: Route, request: Request) -> None:
            if request.method in WRITE_METHODS:
                log.get().warning("blocked a write during a read-only run", url=request.url)
                await route.abort("blockedbyclient")
            else:
                await route.fallback()

        await context.route(re.compile(flow.save_request), guard)

    @staticmethod
    async def _dismiss_overlays(page: Page, flow: Flow) -> None:
        """Whenever an overlay with a dismiss button is in the way of an action, dismiss it."""
        names = re.compile("^(" + "|".join(DISMISS + flow.dismiss) + ")$", re.I)
        dismiss = page.get_by_role("button", name=names)
        overlay = (
            page.get_by_role("dialog").or_(page.get_by_role("alertdialog")).filter(has=dismiss)
        )

        async def close(found: Locator) -> None:
            log.get().info("dismissed an overlay", platform=flow.id)
            await found.get_by_role("button", name=names).first.click()

        await page.add_locator_handler(overlay, close)

    def _bug(self, error: Exception, target: Target) -> OptoutError:
        path = log.record_bug(error, self.options.home)
        log.get().debug("internal error", exc_info=error)
        return OptoutError(log.bug_message(error, f"on {target.flow.name}", path))
