"""`scripts/fuzz`: many mutants per platform, a table per platform, every violation replayable.

    scripts/fuzz [--platform P ...] [--mutants N] [--seed S] [--ops A,B | --each-op]
                 [--timeout T] [--concurrency C] [--json PATH] [--verbose]

Mutant seeds are S, S+1, ... S+N-1, so `--seed X --mutants 1` replays mutant X exactly (with the
same --timeout: a slow hydration's delay is a share of it). `--ops A,B` runs mutants of exactly
those operators (parameters drawn from each seed) instead of random combinations; `--each-op`
runs each operator that applies alone, N times. Exit status: 1 when any mutant violated an invariant.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import flows
from agent import log
from mutation.operators import OPERATORS, Mutant, applicable, chosen, draw
from mutation.runner import Verdict, run_mutants


@dataclass
class PlatformRun:
    platform: str
    verdicts: list[Verdict]
    seconds: float


def mutants_for(platform: str, args: argparse.Namespace) -> list[Mutant]:
    seeds = range(args.seed, args.seed + args.mutants)
    if args.ops:
        return [chosen(platform, args.ops.split(","), seed, args.timeout) for seed in seeds]
    if args.each_op:
        kind = flows.load(platform).control.kind
        return [
            chosen(platform, [op.name], seed, args.timeout)
            for op in applicable(kind)
            for seed in seeds
        ]
    return [draw(platform, seed, args.timeout) for seed in seeds]


async def run_platform(
    platform: str, args: argparse.Namespace, home: Path, progress: bool
) -> PlatformRun:
    mutants = mutants_for(platform, args)
    verdicts: list[Verdict] = []
    started = time.monotonic()
    for start in range(0, len(mutants), args.concurrency):
        batch = mutants[start : start + args.concurrency]
        verdicts += await run_mutants(batch, timeout=args.timeout, home=home)
        if progress:
            bad = sum(1 for v in verdicts if v.violations and v.judged)
            print(
                f"{platform}: {len(verdicts)}/{len(mutants)} mutants, {bad} violating, "
                f"{time.monotonic() - started:.0f}s",
                file=sys.stderr,
            )
    return PlatformRun(platform, verdicts, time.monotonic() - started)


def table(runs: list[PlatformRun]) -> str:
    head = (
        "platform",
        "mutants",
        "success",
        "exit 4",
        "exit 5",
        "exit 6",
        "violating",
        "unjudged",
        "time",
    )
    rows = [head]
    for run in runs:
        judged = [v for v in run.verdicts if v.judged]
        ok = [v for v in judged if not v.violations]
        ends = Counter(v.outcome for v in ok)
        n = len(run.verdicts)
        rows.append(
            (
                run.platform,
                str(n),
                str(ends["success"]),
                str(ends["exit4"]),
                str(ends["exit5"]),
                str(ends["exit6"]),
                str(len(judged) - len(ok)),
                str(n - len(judged)),
                f"{run.seconds:.0f}s ({n / run.seconds * 60:.0f}/min)" if n else "-",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def by_operator(runs: list[PlatformRun]) -> str:
    """For each platform, operator and broken invariant: how many mutants, and two seeds."""
    seeds: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for run in runs:
        for v in run.verdicts:
            if not v.judged:
                continue
            broken = {(x.invariant, x.action) for x in v.violations}
            for invariant, action in sorted(broken):
                for op in v.mutant.ops:
                    seeds[(run.platform, op.name, f"{invariant} ({action})")].append(v.mutant.seed)
    lines = [
        f"{platform:9} {op:16} {what:34} {len(found):4}  seeds {', '.join(map(str, found[:2]))}"
        for (platform, op, what), found in sorted(seeds.items())
    ]
    return "\n".join(lines) or "no violations"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", action="append", choices=flows.names(), help="repeatable")
    parser.add_argument("--mutants", type=int, default=200, help="per platform (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="the first mutant's seed")
    parser.add_argument(
        "--ops", help=f"mutants of exactly these operators, of: {', '.join(OPERATORS)}"
    )
    parser.add_argument(
        "--each-op",
        action="store_true",
        help="every operator that applies, alone: --mutants of each (the clearest diagnosis)",
    )
    parser.add_argument("--timeout", type=float, default=5.0, help="optout's --timeout")
    parser.add_argument("--concurrency", type=int, default=8, help="mutants per browser")
    parser.add_argument("--json", type=Path, help="write every verdict here")
    parser.add_argument("--verbose", action="store_true", help="print every violating mutant")
    args = parser.parse_args(argv)

    import keyring

    from agent.store.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())  # throwaway sessions, never a person's keyring
    home = Path(tempfile.mkdtemp(prefix="optout-fuzz-"))
    log.configure(verbose=True, stream=(home / "optout.log").open("w"))
    runs = []
    for platform in args.platform or flows.names():
        runs.append(asyncio.run(run_platform(platform, args, home, progress=True)))
        if args.json:  # after each platform: a long run's first results can be read early
            verdicts = [report(v) for run in runs for v in run.verdicts]
            args.json.write_text(json.dumps(verdicts, indent=1))
    print(table(runs))
    print()
    print(by_operator(runs))
    violating = [v for run in runs for v in run.verdicts if v.violations and v.judged]
    if args.verbose:
        for v in violating:
            print()
            print(v.message(args.timeout))
    if args.json:
        args.json.write_text(
            json.dumps([report(v) for run in runs for v in run.verdicts], indent=1)
        )
    print(f"\nevidence and optout's log: {home}")
    return 1 if violating else 0


def report(v: Verdict) -> dict[str, object]:
    return {
        "platform": v.mutant.platform,
        "seed": v.mutant.seed,
        "ops": [op.model_dump() for op in v.mutant.ops],
        "describe": v.mutant.describe(),
        "outcome": v.outcome,
        "judged": v.judged,
        "runs": [
            {
                "action": r.action,
                "outcome": r.outcome,
                "seconds": round(r.seconds, 1),
                "error": r.result.error.model_dump(mode="json") if r.result.error else None,
                "state": r.result.state,
                "writes": [w.model_dump() for w in r.writes],
            }
            for r in v.runs
        ],
        "violations": [
            {"invariant": x.invariant, "action": x.action, "detail": x.detail} for x in v.violations
        ],
    }
