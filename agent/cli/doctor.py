"""`optout doctor PLATFORM`: a sanitized report of the real pages, to share when a flow broke.

Exit status: 0 when every step found what the flow looks for, 5 when some did not (the
report says which, and is written either way), 4 when the person must act first (no session,
a sign-in page or a security check on the way), 2 for bad input (a folder of --out that does
not exist)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from agent.errors import ExitCode

if TYPE_CHECKING:
    from agent.models import Options, Target


def doctor(args: argparse.Namespace, target: Target, options: Options) -> int:
    """Run doctor on the target, print the summary; the exit status."""
    from agent.doctor import check_out, run_doctor
    from agent.doctor.report import step_line

    if args.out is not None:
        check_out(args.out)  # before the browser starts
    report, path = run_doctor(target, options, args.out)
    found, missed = len(report.found), len(report.not_found)
    print(
        f"{target.flow.id} ({target.account}): doctor recorded {len(report.steps)} steps: "
        f"{found} found what the flow looks for, {missed} did not."
    )
    print(*(f"  {step_line(step)}" for step in report.steps), sep="\n")
    if report.stopped:
        print(f"  The walk stopped early: {report.stopped}")
    print(
        f"Report: {path} ({path.stat().st_size // 1024 + 1} KB). Nothing was sent anywhere; "
        "README.txt inside says what it holds. Look at it before you share it."
    )
    if args.open:
        _open_folder(path.parent)
    if any(step.outcome == "wall" for step in report.steps):
        return ExitCode.PERSON_MUST_ACT
    return ExitCode.SITE_CHANGED if missed else ExitCode.OK


def _open_folder(folder: Path) -> None:
    """Show the folder in the file manager; a machine without one gets a warning."""
    import os
    import subprocess

    try:
        if sys.platform == "win32":
            os.startfile(folder)  # type: ignore[attr-defined]
        else:
            opener = "open" if sys.platform == "darwin" else "xdg-open"
            subprocess.run([opener, str(folder)], check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        print(f"optout: could not open {folder}; open it yourself.", file=sys.stderr)
