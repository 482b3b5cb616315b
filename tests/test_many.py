"""Many accounts: a bounded number at once, each site's starts spaced out, and nothing loaded
that a read does not need."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any

import pytest

import flows
from agent.api import Selection, run
from agent.engine.runner import WriteGuard
from agent.models import Options
from agent.models.run import default_jobs
from tests.conftest import Replay


def test_accounts_run_a_few_at_a_time_and_spaced_out(
    replay: Replay, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.engine.visit import Visit

    server = replay("linkedin", account="a0")
    for n in range(1, 6):
        replay("linkedin", account=f"a{n}")  # only its session is used
    from agent.engine import runner

    running, most, starts = 0, 0, []
    original, start_target = Visit.walk, runner.run_target

    async def started(*args: Any) -> Any:
        starts.append(time.monotonic())  # when the target may first reach the site
        return await start_target(*args)

    async def counted(self: Visit, *args: Any) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await original(self, *args)
            await asyncio.sleep(0.3)  # long enough for a third to start, were it allowed
        finally:
            running -= 1

    monkeypatch.setattr(Visit, "walk", counted)
    monkeypatch.setattr(runner, "run_target", started)
    selection = Selection(every=True, origins={"linkedin": server.url})
    results = run(selection, "status", Options(home=home, jobs=2, spacing=0.25))
    assert [r.state for r in results] == ["on"] * 6
    assert most == 2
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 6 and min(gaps) >= 0.25 - 0.01  # never a burst on one site


def test_the_default_number_of_jobs_follows_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert default_jobs() == 4
    monkeypatch.setattr("os.cpu_count", lambda: 64)
    assert default_jobs() == 8
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert default_jobs() == 2


def test_jobs_must_be_a_whole_number(optout) -> None:
    run = optout("status", "--all", "--jobs", "0")
    assert run.code == 2 and "--jobs: expected a whole number from 1 up, not '0'" in run.err


@pytest.mark.parametrize("skipped", [True, False])
def test_a_read_loads_no_picture_when_the_flow_allows(chromium, skipped: bool) -> None:
    flow = flows.load("linkedin")
    if not skipped:
        flow = flow.model_copy(update={"skip_on_read": ()})
    picture = "https://example.test/picture.png"
    chromium.pages[picture] = "not really a picture"
    chromium.pages["https://example.test/page"] = f"<p>Hello</p><img src='{picture}'>"

    async def go() -> list[str]:
        page = await chromium.context.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        await page.route("**/*", WriteGuard(flow).route)
        try:
            await page.goto("https://example.test/page")
            await page.wait_for_load_state("networkidle")
        finally:
            await page.close()
        return failed

    assert (picture in chromium.run(go())) is skipped
