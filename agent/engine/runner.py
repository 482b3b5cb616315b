"""Running one action on many targets in one browser: a context per platform and account,
concurrently. Everything that happens to a target, from opening its context to closing it,
becomes that target's result: one target's failure never stops or spoils the others."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agent import log
from agent.engine.overlays import dismiss_overlays
from agent.engine.visit import WRITE_METHODS, Visit
from agent.errors import AuthRequired, OptoutError, SiteChanged, login_command
from agent.models import ErrorInfo, Event, Result
from agent.store.evidence import Evidence

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Request, Route

    from agent.models import Action, Flow, Options, StorageState, Target
    from agent.store.locks import Held

CLOSING_SECONDS = 10  # closing a context whose page never answers must not hold the run
LOCK_WAIT_SECONDS = 10  # how long an apply waits for another one on the same account


async def run_targets(
    browser: Browser,
    targets: list[Target],
    sessions: list[StorageState | OptoutError],
    action: Action,
    options: Options,
) -> list[Result]:
    """Run `action` on every target (with its session, or why it has none): `options.jobs` at
    a time, each site's starts spaced out. The settings of one platform account run one after
    the other, in one slot: a page that saves all its settings at once, loaded beside another
    run's change, would send the other setting back as it was. A per-object setting (each
    site's) lists the objects first, then runs one target per object, in turn, each with a
    result of its own."""
    from agent.models.run import default_jobs

    slots = asyncio.Semaphore(options.jobs or default_jobs())
    spacing = Spacing(options.spacing)
    pairs = list(zip(targets, sessions, strict=True))
    accounts: dict[tuple[str, str], list[int]] = {}
    for index, target in enumerate(targets):
        accounts.setdefault((target.flow.id, target.account), []).append(index)

    def done(target: Target, result: Result | None, description: str = "") -> None:
        if options.on_event:
            step = result.error.step if result and result.error and result.error.step else 0
            said = result.state if result else description
            options.on_event(Event.of(target, "done", step, said, result))

    async def one(target: Target, session: StorageState | OptoutError) -> Result:
        if not isinstance(session, OptoutError):  # a target without a session visits nothing
            await spacing.wait(target.site)
        result = await run_target(browser, target, session, action, options)
        done(target, result)
        return result

    async def each_object(target: Target, session: StorageState | OptoutError) -> list[Result]:
        """A per-object setting: its objects listed first, then one target each, in turn;
        the listing's own result only when it stopped or found none."""
        if not isinstance(session, OptoutError):
            await spacing.wait(target.site)
        listing, keys = await run_listing(browser, target, session, action, options)
        if not keys:
            done(target, listing)
            return [listing]
        every = target.flow.per_object
        assert every is not None, "a listing target's flow lists objects"
        done(target, None, f"{len(keys)} {every.plural} listed")
        return [
            await one(dataclasses.replace(target, flow=target.flow.for_object(key)), session)
            for key in keys
        ]

    async def each_setting(indices: list[int]) -> None:
        async with slots:
            for index in indices:
                target, session = pairs[index]
                if target.flow.listing:
                    results[index] = await each_object(target, session)
                else:
                    results[index] = [await one(target, session)]

    results: dict[int, list[Result]] = {}
    await asyncio.gather(*(each_setting(indices) for indices in accounts.values()))
    return [result for index in range(len(pairs)) for result in results[index]]


class Spacing:
    """The least time between two targets starting on the same site, plus as much again at
    random: many accounts on one platform never reach it as a burst, nor in a fixed rhythm."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._next: dict[str, float] = {}

    async def wait(self, site: str) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next.get(site, now))
        self._next[site] = start + self.seconds + random.uniform(0, self.seconds)
        await asyncio.sleep(start - now)


def new_result(target: Target, action: Action) -> Result:
    return Result(
        platform=target.flow.id,
        account=target.account,
        setting=target.flow.setting.id,
        action=action,
        checked_at=datetime.now(UTC),
    )


def failed(result: Result, error: OptoutError, step: int | None = None) -> Result:
    """`result` with `error`; `step` is where the walk was, for an error that did not say."""
    result.error = ErrorInfo(kind=error.kind, message=error.message, step=error.step or step)
    return result


async def run_target(
    browser: Browser,
    target: Target,
    session: StorageState | OptoutError,
    action: Action,
    options: Options,
) -> Result:
    result = new_result(target, action)
    if isinstance(session, OptoutError):
        return failed(result, session)
    try:
        held = await _lock(target, action, options)
    except OptoutError as e:
        return failed(result, e)
    try:
        await _in_context(browser, target, session, action, options, result)
    finally:
        if held is not None:
            held.release()
    return result


async def run_listing(
    browser: Browser,
    target: Target,
    session: StorageState | OptoutError,
    action: Action,
    options: Options,
) -> tuple[Result, list[str] | None]:
    """List the objects of a per-object target: their keys (None when the listing stopped),
    and the listing's result, which says why it stopped or that there are none. A listing
    only reads a page: it runs read-only (every write blocked) whatever the action."""
    result = new_result(target, action)
    if isinstance(session, OptoutError):
        return failed(result, session), None
    objects = await _in_context(browser, target, session, action, options, result, read_only=True)
    return result, objects


async def _in_context(
    browser: Browser,
    target: Target,
    session: StorageState,
    action: Action,
    options: Options,
    result: Result,
    *,
    read_only: bool | None = None,
) -> list[str] | None:
    """Walk the target in a context of its own; what a listing walk found (else None)."""
    read_only = action != "apply" if read_only is None else read_only
    try:
        context = await open_context(browser, target, session, read_only=read_only)
    except OptoutError as e:
        failed(result, e)
        return None
    except Exception as e:
        failed(result, bug(e, f"on {target.flow.name}", options))
        return None
    try:
        return await _visit(context, target, action, options, result, read_only=read_only)
    except Exception as e:
        failed(result, bug(e, f"on {target.flow.name}", options))
        return None
    finally:
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(context.close(), CLOSING_SECONDS)


async def _lock(target: Target, action: Action, options: Options) -> Held | None:
    """While one optout process changes a platform account, another waits briefly and then
    says which process has it, instead of clicking too (reads need no lock)."""
    from agent.store.locks import hold

    if action != "apply":
        return None
    return await asyncio.to_thread(
        hold,
        options.home,
        f"run-{target.flow.id}-{target.account}",
        wait=LOCK_WAIT_SECONDS,
        what=f"The {target.flow.name} account '{target.account}'",
    )


async def open_context(
    browser: Browser, target: Target, session: StorageState, *, read_only: bool
) -> BrowserContext:
    """A context with the target's session. A session the browser refuses (a cookie it will
    not take) is that target's problem: signing in again replaces it."""
    from playwright.async_api import Error as PlaywrightError

    try:
        return await browser.new_context(
            storage_state=session.model_dump(),
            viewport={"width": 1280, "height": 900},
            # A service worker's requests would slip past the write guard of read-only runs.
            service_workers="block" if read_only else "allow",
        )
    except PlaywrightError as e:
        raise AuthRequired(
            f"The browser refused the saved {target.flow.name} session "
            f"({str(e).splitlines()[0][:120]}). Sign in again: "
            f"{login_command(target.flow.id, target.account)}"
        ) from None


async def _visit(
    context: BrowserContext,
    target: Target,
    action: Action,
    options: Options,
    result: Result,
    *,
    read_only: bool,
) -> list[str] | None:
    context.set_default_timeout(options.timeout * 1000)
    guard = WriteGuard(target.flow) if read_only else None
    if guard:
        await context.route("**/*", guard.route)
    page = await context.new_page()
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
    visit = Visit(page, target, options)
    # What --verbose adds to the steps: each page the walk lands on, and requests that fail.
    page.on(
        "framenavigated",
        lambda frame: visit.log.debug("on a new page", url=frame.url)
        if frame == page.main_frame
        else None,
    )
    page.on(
        "requestfailed",
        lambda request: visit.log.debug(
            "a request failed", method=request.method, url=request.url, why=request.failure
        ),
    )
    await dismiss_overlays(visit)
    evidence = Evidence(
        options.home,
        target.flow.id,
        target.account,
        action,
        keep=options.keep_evidence,
        of=target.flow.object,
    )
    try:
        await visit.walk_within_deadline(action, result)
        result.language = await visit.language()
        if visit.objects:
            return visit.objects  # each object's own result keeps its evidence, not the list
        result.evidence = await _evidence(visit, evidence, with_html=False)
    except OptoutError as e:
        failed(result, e, visit.step.number)
        if isinstance(e, SiteChanged) and result.error:
            result.error.message += "\n" + doctor_hint(target)
        with contextlib.suppress(Exception):
            result.language = await visit.language()
        result.evidence = await _evidence(visit, evidence, with_html=isinstance(e, SiteChanged))
    except Exception as e:
        failed(result, bug(e, f"on {target.flow.name}", options, step=visit.step.number))
    finally:
        result.found_by = visit.found_by
        if result.error and visit.changing and not visit.verified:
            result.state = "unknown"  # a change may have been sent; no fresh load has shown it
        if guard and guard.blocked:
            visit.log.info(f"blocked {guard.blocked} write(s) the page tried in a read-only run")
    return None


async def _evidence(visit: Visit, evidence: Evidence, *, with_html: bool) -> list[str]:
    """The screenshot (and HTML) of the final state. Evidence that cannot be taken or written
    (a page that never answers, a full disk) is a warning: it never changes the result."""
    try:
        html = await visit.bounded(visit.page.content()) if with_html else None
        return evidence.save(await visit.bounded(visit.page.screenshot()), html)
    except Exception as e:
        visit.log.warning(
            f"no evidence could be saved ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
        )
        return []


def doctor_hint(target: Target) -> str:
    """The second line of every "the site did not look as expected": how to make a report of
    the page that a person can share, so that the flow can be fixed."""
    account = "" if target.account == "default" else f" --account {target.account}"
    name = target.flow.id if target.flow.listing else target.flow.shown
    return (
        f"To help fix this: optout doctor {name}{account} makes a report of the page "
        "without your personal details, to share (nothing is sent)."
    )


class WriteGuard:
    """Read-only runs cannot write: every state-changing request the page tries, to any host,
    is aborted, whatever the page does and whatever the flow guessed about its API; only the
    requests a flow declares as reads over POST go through. What a read does not need (the
    flow's `skip_on_read`: images, fonts, media) is not loaded either."""

    def __init__(self, flow: Flow) -> None:
        self.reads = [re.compile(pattern) for pattern in flow.reads]
        self.skipped = frozenset(flow.skip_on_read)
        self.blocked = 0

    async def route(self, route: Route, request: Request) -> None:
        if request.method in WRITE_METHODS and not any(r.search(request.url) for r in self.reads):
            self.blocked += 1
            log.get().debug("blocked a write in a read-only run", method=request.method)
            await route.abort("blockedbyclient")
        elif request.resource_type in self.skipped:
            await route.abort("blockedbyclient")  # a read does not need it (the flow says so)
        else:
            await route.fallback()


def bug(
    error: Exception, where: str, options: Options, *, step: int | None = None
) -> OptoutError:
    """An unexpected error, as a person sees it: a bug, with where its details were logged."""
    path = log.record_bug(error, options.home)
    log.get().debug("internal error", exc_info=error)
    return OptoutError(log.bug_message(error, where, path), step=step)
