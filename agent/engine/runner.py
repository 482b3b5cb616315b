"""Running one action on many targets in one browser: a context per platform and account,
concurrently. Everything that happens to a target, from opening its context to closing it,
becomes that target's result: one target's failure never stops or spoils the others."""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from agent import log
from agent.engine.overlays import dismiss_overlays
from agent.engine.visit import WRITE_METHODS, Visit
from agent.errors import OptoutError, SiteChanged
from agent.models import ErrorInfo, Result
from agent.store.evidence import Evidence

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Request, Route

    from agent.models import Action, Flow, Options, StorageState, Target


async def run_targets(
    browser: Browser,
    targets: list[Target],
    sessions: list[StorageState | OptoutError],
    action: Action,
    options: Options,
) -> list[Result]:
    """Run `action` on every target (with its session, or why it has none), concurrently."""
    runs = [
        run_target(browser, target, session, action, options)
        for target, session in zip(targets, sessions, strict=True)
    ]
    return list(await asyncio.gather(*runs))


def new_result(target: Target, action: Action) -> Result:
    return Result(
        platform=target.flow.id,
        account=target.account,
        setting=target.flow.setting.id,
        action=action,
        checked_at=datetime.now(timezone.utc),
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
        context = await browser.new_context(
            storage_state=session.model_dump(), viewport={"width": 1280, "height": 900}
        )
        try:
            await _visit(context, target, action, options, result)
        finally:
            await context.close()
    except OptoutError as e:
        failed(result, e)
    except Exception as e:
        failed(result, bug(e, f"on {target.flow.name}", options))
    return result


async def _visit(
    context: BrowserContext, target: Target, action: Action, options: Options, result: Result
) -> None:
    context.set_default_timeout(options.timeout * 1000)
    if action != "apply":
        await _forbid_writes(context, target.flow)
    page = await context.new_page()
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
    visit = Visit(page, target, options)
    await dismiss_overlays(visit)
    evidence = Evidence(options.home, target.flow.id, target.account, action)
    try:
        await visit.walk(action, result)
        result.language = await visit.language()
        result.evidence = await evidence.capture(page, with_html=False)
    except OptoutError as e:
        failed(result, e, visit.step.number)
        with contextlib.suppress(Exception):
            result.language = await visit.language()
        result.evidence = await _evidence_after_error(evidence, page, e)
    except Exception as e:
        failed(result, bug(e, f"on {target.flow.name}", options, step=visit.step.number))


async def _evidence_after_error(evidence: Evidence, page: Page, error: OptoutError) -> list[str]:
    try:
        return await evidence.capture(page, with_html=isinstance(error, SiteChanged))
    except Exception:  # a closed page cannot be photographed: the error itself still counts
        log.get().debug("no evidence could be captured", exc_info=True)
        return []


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


def bug(
    error: Exception, where: str, options: Options, *, step: int | None = None
) -> OptoutError:
    """An unexpected error, as a person sees it: a bug, with where its details were logged."""
    path = log.record_bug(error, options.home)
    log.get().debug("internal error", exc_info=error)
    return OptoutError(log.bug_message(error, where, path), step=step)
