"""Mutation testing, a fixed sample: for every platform in the registry, every operator that
applies to its control, a few to a mutant (`cover`), each mutant run through status, dry run and
apply in real headless Chromium and judged by its replay server's own record (mutation/runner.py
says which invariants). A failure prints each bad mutant with the command that replays it;
`scripts/fuzz` runs thousands more. Select with `-m mutation`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

import flows
from agent.store.memory_keyring import MemoryKeyring
from mutation.operators import applicable, cover
from mutation.runner import Verdict, run_mutants

# A batch whose unmutated control failed (a loaded machine) runs again: room for that.
pytestmark = [pytest.mark.mutation, pytest.mark.timeout(600)]

SEED = 1
TIMEOUT = 3.0  # optout's --timeout for the sample: every deadline is a multiple of it
BATCHES = 2  # runs of about a dozen mutants each: more at once overloads 2 CPUs


def sample() -> list:
    return [m for platform in flows.names() for m in cover(platform, SEED, TIMEOUT)]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Verdict]]]:
    """The sample in a few batches, each one run per action (one browser, a replay server per
    mutant), with an unmutated page beside it as the machine's control."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        home: Path = tmp_path_factory.mktemp("mutation")
        mutants = sample()
        found = []
        for batch in range(BATCHES):
            part = mutants[batch::BATCHES]
            found += asyncio.run(run_mutants(part, timeout=TIMEOUT, home=home))
    finally:
        keyring.set_keyring(previous)
    yield {p: [v for v in found if v.mutant.platform == p] for p in flows.names()}


def test_the_sample_exercises_every_operator_on_every_platform() -> None:
    for platform in flows.names():
        drawn = {op.name for m in cover(platform, SEED, TIMEOUT) for op in m.ops}
        kind = flows.load(platform).control.kind
        assert drawn == {op.name for op in applicable(kind)}, platform


@pytest.mark.parametrize("platform", flows.names())
def test_every_mutant_keeps_the_invariants(
    verdicts: dict[str, list[Verdict]], platform: str
) -> None:
    unjudged = [v for v in verdicts[platform] if not v.judged]
    assert not unjudged, "the unmutated page failed too: the machine is too slow for the sample"
    bad = [v for v in verdicts[platform] if v.violations]
    assert not bad, f"{len(bad)} of {len(verdicts[platform])} mutants:\n\n" + "\n\n".join(
        v.message(TIMEOUT) for v in bad
    )
