"""Mutation testing, a fixed sample: for every platform in the registry, every operator that
applies to its control, a few to a mutant (`cover`), each mutant run through a dry run and
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
from mutation.runner import run_mutants

# A batch whose unmutated control failed (a loaded machine) runs again: room for that. The
# sample runs after the rest of the suite, with nothing beside it (scripts/test), and a few
# mutants at a time: what it judges includes how long each run took.
pytestmark = [pytest.mark.mutation, pytest.mark.timeout(600)]

SEED = 1
# optout's --timeout for the sample: every deadline is a multiple of it. Long enough that an
# unmutated page loads in time on a loaded 2-CPU machine, with half a dozen mutants beside it.
TIMEOUT = 8.0
# Mutants at once: what one person's run of a few platforms asks of the machine.
JOBS = 4
# A status walks the same way as a dry run, under the same write blocking (the engine differs
# only in what it logs), so the sample leaves it to scripts/fuzz, which runs all three.
ACTIONS = ("dry-run", "apply")


@pytest.fixture
def memory_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def test_the_sample_exercises_every_operator_on_every_platform() -> None:
    for platform in flows.names():
        drawn = {op.name for m in cover(platform, SEED, TIMEOUT) for op in m.ops}
        kind = flows.load(platform).control.kind
        assert drawn == {op.name for op in applicable(kind)}, platform


@pytest.mark.parametrize("platform", flows.names())
def test_every_mutant_keeps_the_invariants(
    memory_keyring: None, tmp_path: Path, platform: str
) -> None:
    """The platform's sample as one batch per action (one browser, a replay server per mutant),
    with its unmutated page beside it as the machine's control."""
    mutants = cover(platform, SEED, TIMEOUT)
    verdicts = asyncio.run(run_mutants(
        mutants, timeout=TIMEOUT, home=tmp_path, jobs=JOBS, actions=ACTIONS
    ))
    unjudged = [v for v in verdicts if not v.judged]
    assert not unjudged, "the unmutated page failed too: the machine is too slow for the sample"
    bad = [v for v in verdicts if v.violations]
    assert not bad, f"{len(bad)} of {len(verdicts)} mutants:\n\n" + "\n\n".join(
        v.message(TIMEOUT) for v in bad
    )
