"""The runner: executes a flow against a signed-in browser context.

It owns what every platform needs: waiting for client-side rendering, getting overlays out of
the way (dismissed, never accepted), noticing sign-in walls and security checks, reading the
control's state, switching it off only when it is known to be ON, verifying after a fresh load,
and leaving evidence. Flows only say where things are.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
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
from agent.models import (
    Action,
    Buttons,
    ErrorInfo,
    Flow,
    Locate,
    Result,
    State,
    Step,
    StorageState,
    Switch,
)
from agent.plan import numbers
from agent.sessions import retarget

if TYPE_CHECKING:
    from playwright.async_api import (
        Browser,
        BrowserContext,
        Locator,
        Page,
        Request,
        Response,
        Route,
    )

    from agent.vault import Vault

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Buttons that close an overlay without agreeing to anything (English, German, French).
DISMISS = (
    *("Dismiss", "Close", "Not now", "No,? thanks", "Skip", "Maybe later", "Reject all", "Decline"),
    *("Schließen", "Nicht jetzt", "Nein,? danke", "Überspringen", "Alle ablehnen", "Ablehnen"),
    *("Fermer", "Pas maintenant", "Non merci", "Ignorer", "Tout refuser", "Refuser"),
    *("✕", "\u00d7"),  # the multiplication sign, a common close glyph
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
    def site(self) -> str:
        """The origin this run talks to: the replay server's, or the platform's own."""
        return self.origin or self.flow.origin

    @property
    def login_hint(self) -> str:
        account = "" if self.account == "default" else f" --account {self.account}"
        return f"optout login {self.flow.id}{account}"


@dataclass
class Options:
    headed: bool = False
    timeout: float = 20.0  # seconds to wait for any one thing to appear
    home: Path = field(default_factory=Path.cwd)
    choices: frozenset[str] = frozenset()  # e.g. {"delete-activity"}


class Visit:
    """One walk through one platform's pages, in one browser page."""

    def __init__(self, page: Page, target: Target, options: Options) -> None:
        self.page = page
        self.flow = target.flow
        self.target = target
        self.timeout_ms = options.timeout * 1000
        self.choices = options.choices
        self.numbers = numbers(target.flow, options.choices)
        self.step = 1
        self.log = log.get().bind(platform=self.flow.id, account=target.account)

    # Finding things: only what a person could see counts -----------------------------------------

    def _one(self, way: Locate) -> Locator:
        scope: Page | Locator = self._one(way.within) if way.within else self.page
        if way.role:
            name = re.compile(way.name, re.I) if way.name else None
            found = scope.get_by_role(way.role, name=name)  # type: ignore[arg-type]
        elif way.text:
            found = scope.get_by_text(re.compile(way.text, re.I))
        elif way.href:  # the link's address ends with the path (before any ?query or #part)
            ends = [f"a[href$={json.dumps(way.href)}]"]
            ends += [f"a[href*={json.dumps(way.href + tail)}]" for tail in "?#"]
            found = scope.locator(", ".join(ends))
        else:
            found = scope.locator(way.css or "")
        return found.filter(visible=True)

    def _any(self, ways: tuple[Locate, ...]) -> Locator:
        union = self._one(ways[0])
        for way in ways[1:]:
            union = union.or_(self._one(way))
        return union

    async def _present(self, ways: tuple[Locate, ...]) -> Locator | None:
        """The first way (in the flow's order of preference) that matches now."""
        for way in ways:
            found = self._one(way)
            if await found.count():
                return found
        return None

    async def _appears(self, ways: tuple[Locate, ...]) -> Locator | None:
        """Wait for any of `ways` to show; None when none does in time. A wall that shows
        instead (a sign-in button, a security check, new terms) stops the walk."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        walls = [m.shows for m in self.flow.walls.markers]
        union = self._any(ways + tuple(w for shows in walls for w in shows))
        try:
            await union.first.wait_for(state="visible", timeout=self.timeout_ms)
        except PlaywrightTimeout:
            return None
        await self.check_markers()
        return await self._present(ways)

    # Walls -------------------------------------------------------------------------------------

    def _at(self, key: str) -> None:
        self.step = self.numbers[key]

    def _wall(self, kind: str, says: str | None = None) -> OptoutError:
        if kind == "challenge":
            return ChallengeRequired(
                says
                or f"{self.flow.name} is asking for a security check. optout never answers those: "
                f"complete it yourself in the browser that `{self.target.login_hint}` opens, "
                "then run this again.",
                step=self.step,
            )
        return AuthRequired(
            says
            or f"{self.flow.name} shows its sign-in page: the saved session has expired or was "
            f"signed out. Sign in again: {self.target.login_hint}",
            step=self.step,
        )

    def check_walls(self) -> None:
        """Stop at a sign-in page or a security check: only the person can get past those."""
        path = urlsplit(self.page.url).path
        if any(re.search(p, path) for p in self.flow.walls.challenge):
            raise self._wall("challenge")
        if any(re.search(p, path) for p in self.flow.walls.sign_in):
            raise self._wall("sign_in")

    async def check_markers(self) -> None:
        """Stop when the page shows a wall without changing its address."""
        for marker in self.flow.walls.markers:
            if await self._present(marker.shows):
                raise self._wall(marker.kind, marker.says)

    async def dismiss_overlays(self) -> None:
        """Whenever an overlay with a dismiss button is in the way of an action, dismiss it;
        never accept anything, and never dismiss a wall (new terms): stop there instead."""
        names = re.compile("^(" + "|".join(DISMISS + self.flow.dismiss) + ")$", re.I)
        dismiss = self.page.get_by_role("button", name=names)
        dialogs = self.page.get_by_role("dialog").or_(self.page.get_by_role("alertdialog"))
        # A dialog that holds the way to the setting (a settings dialog) is not in the way.
        control = self.flow.control
        steps = self.flow.click_path + (control.switch_off if isinstance(control, Buttons) else ())
        wanted = self._read_ways() + tuple(way for step in steps for way in step.click)
        overlays = dialogs.filter(has=dismiss).filter(has_not=self._any(wanted))

        async def close(overlay: Locator) -> None:
            await self.check_markers()
            self.log.info("dismissed an overlay")
            await overlay.get_by_role("button", name=names).first.click()

        await self.page.add_locator_handler(overlays, close)

    # The walk ----------------------------------------------------------------------------------

    async def _goto(self, where: str) -> bool:
        """Open a page; True when it answered and stayed at the path asked for."""
        response = await self.page.goto(self.flow.url(where, self.target.origin))
        self.check_walls()
        return (
            response is not None
            and response.ok
            and urlsplit(self.page.url).path.rstrip("/") == urlsplit(where).path.rstrip("/")
        )

    async def _click(self, step: Step) -> bool:
        """Click the step's target; False when it is missing and that means 'not offered'."""
        found = (
            await self._present(step.click)
            if step.when_missing == "unavailable"
            else await self._appears(step.click)
        )
        if found is None:
            if step.when_missing == "unavailable":
                await self.check_markers()
                return False
            self.check_walls()
            raise SiteChanged(
                f"Step {self.step} ({step.description}) could not find "
                f"{' or '.join(w.describe() for w in step.click)}.",
                step=self.step,
            )
        await found.first.click()
        await self.page.wait_for_load_state()
        self.check_walls()
        await self._await_ready(step)
        return True

    async def _await_ready(self, step: Step) -> None:
        """Wait for what the step's next page shows."""
        if step.ready and await self._appears(step.ready) is None:
            self.check_walls()  # a client-side redirect to a wall, seen late
            raise SiteChanged(
                f"Step {self.step} ({step.description}): the page never showed "
                f"{' or '.join(w.describe() for w in step.ready)}.",
                step=self.step,
            )

    async def reach_setting(self) -> bool:
        """Bring the setting's page up, by the direct route or else the way a person clicks
        there; False when the platform does not offer the setting to this account."""
        self._at("direct")
        for route in (self.flow.direct, *self.flow.also_direct):
            url = self.flow.url(route, self.target.origin)
            self.log.info(f"step {self.step}: open the setting's page", url=url)
            if await self._goto(route) and await self._appears(self._read_ways()):
                self._at("read")
                return True
            self.check_walls()
        self.log.info("the direct route did not lead to the setting: going the way a person clicks")
        for i, step in enumerate(self.flow.click_path, start=1):
            self._at(f"click-{i}")
            self.log.info(f"step {self.step}: {step.description}")
            if step.goto is not None:
                await self._goto(step.goto)
                await self._await_ready(step)
            elif not await self._click(step):
                self.log.info("the setting is not offered to this account")
                return False
        self._at("read")
        return True

    def _read_ways(self) -> tuple[Locate, ...]:
        """What shows that the page is the setting's: its control, or that it is not offered."""
        return self.flow.control.shows + self.flow.not_offered

    async def find_switch(self) -> Locator:
        """The setting's switch, opening the row it hides behind if need be."""
        control = self.flow.control
        assert isinstance(control, Switch)
        found = await self._appears(control.find + control.reveal)
        if found is not None and control.reveal and await self._present(control.find) is None:
            self.log.debug("opening the row that holds the switch")
            await found.first.click()
            found = await self._appears(control.find)
        if found is None:
            self.check_walls()
            raise SiteChanged(
                f'Step {self.step}: the page has no switch "{self.flow.setting.control_label}" '
                f"where {self.flow.name}'s setting should be.",
                step=self.step,
            )
        count = await found.count()
        if count > 1:
            raise SiteChanged(
                f'Step {self.step}: {count} controls could be "{self.flow.setting.control_label}" '
                "and none is told apart by a known label; optout does not guess which one to "
                "click.",
                step=self.step,
            )
        return found

    async def read(self) -> State:
        """ON or OFF, from the control itself (never from text beside it); or unavailable when
        the page says the setting is not offered."""
        control = self.flow.control
        if isinstance(control, Buttons) or self.flow.not_offered:
            if await self._appears(self._read_ways()) is None:
                self.check_walls()
            elif self.flow.not_offered and await self._present(self.flow.not_offered):
                self.log.info("the setting is not offered to this account")
                return "unavailable"
        if isinstance(control, Buttons):
            on = await self._present(control.on_when) is not None
            off = await self._present(control.off_when) is not None
            # Exactly one of the two buttons tells the state; both or neither tells nothing.
            raw = ("true" if on else "false") if on != off else f"{'both' if on else 'no'} buttons"
        else:
            raw = await (await self.find_switch()).evaluate(READ_STATE_JS)
        if raw not in ("true", "false"):
            raise SiteChanged(
                f'Step {self.step}: could not tell whether "{self.flow.setting.control_label}" '
                f"is on or off (it reads {raw!r}).",
                step=self.step,
            )
        state: State = "on" if raw == "true" else "off"
        self.log.info(f"step {self.step}: it is {state.upper()}")
        return state

    async def switch_off(self) -> None:
        """Turn the setting (known to be ON) off, and wait for the page's save request."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        save = re.compile(self.flow.save_request) if self.flow.save_request else None

        def is_save(response: Response) -> bool:
            request = response.request
            return request.method in WRITE_METHODS and (
                save is None or bool(save.search(request.url))
            )

        try:
            async with self.page.expect_response(is_save, timeout=self.timeout_ms) as saved:
                await self._switch_off_clicks()
            self.log.debug("the page saved", status=(await saved.value).status)
        except PlaywrightTimeout:
            # The fresh load below is the judge either way.
            self.log.warning("no save request was seen after switching off")
        control = self.flow.control
        if isinstance(control, Switch) and control.close:
            done = await self._present(control.close)
            if done is not None:
                await done.first.click()

    async def _switch_off_clicks(self) -> None:
        control = self.flow.control
        if isinstance(control, Switch):
            self._at("switch")
            self.log.info(f"step {self.step}: switching it off")
            switch = await self.find_switch()
            # Read again at the moment of clicking: a click on a switch that is not ON would
            # turn it on.
            if await switch.evaluate(READ_STATE_JS) != "true":
                raise SiteChanged(
                    f"Step {self.step}: the switch was no longer ON when optout was about to "
                    "click it; nothing was clicked. Run this again.",
                    step=self.step,
                )
            await switch.click()
            return
        taken = [s for s in control.switch_off if s.taken(self.choices)]
        for i, step in enumerate(taken, start=1):
            self._at(f"switch-{i}")
            self.log.info(f"step {self.step}: {step.description}")
            await self._click(step)

    async def language(self) -> str | None:
        """The page's UI language, as its <html lang> says (e.g. "de", "fr-FR")."""
        return await self.page.evaluate("document.documentElement.lang") or None

    async def verify(self) -> State:
        self._at("verify")
        self.log.info(f"step {self.step}: reloading to check what {self.flow.name} saved")
        await self.page.reload()
        self.check_walls()
        return await self.read()


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
        visit = Visit(page, target, self.options)
        await visit.dismiss_overlays()
        evidence = Evidence(self.options.home, target.flow.id, target.account, action)
        try:
            await self._act(visit, action, result)
            result.language = await visit.language()
            result.evidence = await evidence.capture(page, with_html=False)
        except OptoutError as e:
            result.error = ErrorInfo(kind=e.kind, message=e.message, step=e.step)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                result.language = await visit.language()
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
            if not await visit.reach_setting():
                result.state_before = result.state = "unavailable"
                return
            result.state_before = result.state = await visit.read()
            if result.state == "unavailable":
                return
            if result.state == "on" and action == "dry-run":
                visit.log.info("dry run: would have switched it off; nothing was clicked")
            if result.state == "on" and action == "apply":
                await visit.switch_off()
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

    def _bug(self, error: Exception, target: Target) -> OptoutError:
        path = log.record_bug(error, self.options.home)
        log.get().debug("internal error", exc_info=error)
        return OptoutError(log.bug_message(error, f"on {target.flow.name}", path))
