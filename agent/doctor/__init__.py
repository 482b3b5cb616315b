"""`optout doctor`: when a real page breaks a flow, a report of it the person can share.

`run_doctor(target, options, out)` walks every way to the setting read-only (walk.py), with
the same write blocking as `status`, sanitizes every page before anything is written
(agent/store/sanitize.py), and writes one zip (report.py); `fixture.py` turns such a zip into
a fixture variant that the replay server serves. Like `agent.api`, it never prints or exits.
"""

from __future__ import annotations

import asyncio
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent.doctor.report import Report, Versions, zip_bytes
from agent.errors import BadInput, OptoutError

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from agent.models import Flow, Locate, Options, StorageState, Target
    from agent.store.sanitize import Interface


def interface_of(target: Target) -> Interface:
    """What may be kept of this platform's pages: its labels, its paths, its hosts."""
    import flows
    from agent.store.sanitize import Interface

    flow = target.flow
    hosts = {urlsplit(flow.origin).hostname or "", flow.cookie_domain}
    paths = known_paths(flow)
    hosts |= {urlsplit(p).hostname or "" for p in paths if "://" in p}
    if target.origin:
        hosts.add(urlsplit(target.origin).hostname or "")
    return Interface.of(flows.interface(flow.id), paths, hosts - {""})


def known_paths(flow: Flow) -> set[str]:
    """Every path (or URL) the flow names: its routes, the pages its steps open, the
    addresses its links are found by."""
    steps = flow.click_path + tuple(
        item.step for item in flow.control.plan_switch_off(flow.choice_ids) if item.step
    )
    ways: list[Locate] = [*flow.control.shows, *flow.control.clicks, *flow.not_offered]
    ways += [way for step in steps for way in (*step.click, *step.ready)]
    hrefs = set()
    while ways:
        way = ways.pop()
        if way.href:
            hrefs.add(way.href)
        ways += [near for near in (way.within, way.beside) if near]
    return {*flow.routes, *(s.goto for s in steps if s.goto), *hrefs}


def default_out(options: Options, target: Target, created: datetime) -> Path:
    stamp = created.strftime("%Y%m%dT%H%M%SZ")
    return options.home / "doctor" / f"{target.flow.id}-{target.account}-{stamp}.zip"


def check_out(out: Path) -> Path:
    """Where the report goes: a file in a folder that exists (a folder given: a new file in
    it); BadInput before any browser starts, when it cannot be."""
    out = out.expanduser()
    if out.is_dir():
        return out
    if not out.parent.is_dir():
        raise BadInput(f"--out {out}: the folder {out.parent} does not exist.")
    return out


def run_doctor(target: Target, options: Options, out: Path | None = None) -> tuple[Report, Path]:
    """Walk, record, sanitize and write the zip; the report and where it is."""
    from agent.store.files import write_atomic, write_private

    created = datetime.now(UTC)
    if out is not None:
        out = check_out(out)
        if out.is_dir():
            out = out / default_out(options, target, created).name
    interface = interface_of(target)
    report, files = asyncio.run(_doctor(target, options, interface, created))
    data = zip_bytes(report, files)
    try:
        if out is None:
            out = write_private(default_out(options, target, created), data, root=options.home)
        else:
            write_atomic(out, data)
    except OSError as e:
        raise BadInput(f"Could not write the report to {out}: {e.strerror or e}.") from None
    return report, out


async def _doctor(
    target: Target, options: Options, interface: Interface, created: datetime
) -> tuple[Report, dict[str, str]]:
    from agent.api import load_session
    from agent.engine.browser import browser_beside

    def prepare() -> StorageState | OptoutError:
        from agent.store.vault import Vault

        return load_session(Vault(options.home), target)

    async with browser_beside(prepare, headed=options.headed) as (browser, session):
        if isinstance(session, OptoutError):
            raise session
        return await _walk(browser, target, session, options, interface, created)


async def _walk(
    browser: Browser,
    target: Target,
    session: StorageState,
    options: Options,
    interface: Interface,
    created: datetime,
) -> tuple[Report, dict[str, str]]:
    import contextlib
    from dataclasses import replace

    from agent.doctor.walk import Doctor
    from agent.engine import objects
    from agent.engine.overlays import dismiss_overlays
    from agent.engine.runner import CLOSING_SECONDS, WriteGuard, open_context
    from agent.engine.visit import Visit

    flow = target.flow
    report = Report(
        platform=flow.id,
        name=flow.name,
        setting=flow.setting.name,
        created_at=created,
        versions=_versions(browser),
    )
    context = await open_context(browser, target, session, read_only=True)
    try:
        context.set_default_timeout(options.timeout * 1000)
        guard = WriteGuard(flow)  # the same blocking as `status`
        await context.route("**/*", guard.route)
        page = await context.new_page()
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        visit = Visit(page, target, options)
        await dismiss_overlays(visit)
        # A setting each site has: the way to the named site's is walked, else the first's.
        keys = [flow.object] if flow.object is not None else []
        if flow.listing:
            keys = await objects.listed(visit)
            if keys:
                visit = Visit(page, replace(target, flow=flow.for_object(keys[0])), options)
        doctor = Doctor(visit, interface, report)
        await doctor.examine()
        report.blocked_writes = guard.blocked
        return masked(report, doctor.files, keys)
    finally:
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(context.close(), CLOSING_SECONDS)


def masked(
    report: Report, files: dict[str, str], keys: list[str]
) -> tuple[Report, dict[str, str]]:
    """The report and its files with every listed object's key (a site's host: the person's)
    in its shape only ("xxxx.xxxxxxxxx.xxx"), as written, as a pattern and inside JSON."""
    import json
    import re

    forms = {
        form: re.sub(r"\w", "x", key)
        for key in keys
        for form in (key, re.escape(key), json.dumps(re.escape(key))[1:-1])
    }
    if not forms:
        return report, files
    pattern = re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True))))

    def mask(text: str) -> str:
        return pattern.sub(lambda found: forms[found[0]], text)

    shown = type(report).model_validate_json(mask(report.model_dump_json()))
    return shown, {name: mask(text) for name, text in files.items()}


def _versions(browser: Browser) -> Versions:
    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "unknown"

    return Versions(
        optout=of("optout"),
        playwright=of("playwright"),
        browser=f"{browser.browser_type.name} {browser.version}",
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()} ({sys.platform})",
    )
