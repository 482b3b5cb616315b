"""The watching commands: `history`, `check`, `report`, `schedule`, `watch` and `config`.
Each returns an exit status; errors are raised as `OptoutError` and mapped by `main`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from agent.cli.commands import Interrupted, options, selection
from agent.errors import BadInput, ExitCode

if TYPE_CHECKING:
    from collections.abc import Callable

    from agent.models import Event, Flow, Result
    from agent.store.history import HistoryRow
    from agent.watch.check import Checked


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


# history ---------------------------------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    from agent.api import known_platform
    from agent.cli.render import print_json
    from agent.store.accounts import check_account
    from agent.store.files import home
    from agent.store.history import SQLiteHistory, history_path
    from agent.watch.timing import parse_since

    platform = known_platform(args.platform) if args.platform else None
    account = check_account(args.account) if args.account is not None else None
    since = parse_since(args.since, datetime.now(UTC)) if args.since else None
    path = history_path(home())
    rows: list[HistoryRow] = []
    if path.exists():  # looking at the history creates none
        with SQLiteHistory(path) as store:
            rows = store.rows(platform, account, since)
    if args.json:
        print_json([row.model_dump(mode="json") for row in rows])
    elif rows:
        print(*history_lines(rows), sep="\n")
    else:
        print("No runs in the history yet" + (" that match." if path.exists() else "."), file=sys.stderr)
    return ExitCode.OK


def history_lines(rows: list[HistoryRow]) -> list[str]:
    """One line per row, in columns: when, who, what was done, the state, what happened."""
    import flows

    who = [f"{flows.shown(r.platform, r.setting)} ({r.account})" for r in rows]
    width = max(map(len, who))
    lines = []
    for row, name in zip(rows, who, strict=True):
        state = (
            f"{row.state_before.upper()} -> {row.state.upper()}"
            if row.state_before != row.state
            else row.state.upper()
        )
        if row.error_kind:
            step = f" at step {row.error_step}" if row.error_step else ""
            said = f"stopped{step}: {row.error_kind}"
        else:
            said = "switched off" if row.changed else "ok"
        lines.append(f"{_when(row.checked_at)}  {name:<{width}}  {row.action:<7}  {state:<10}  {said}")
    return lines


# check -----------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from agent.cli.render import print_json
    from agent.store.vault import Vault
    from agent.watch.check import check
    from agent.watch.notify import message, send

    opts = options(args)
    chosen = selection(args)
    urls = notify_urls(args)  # a bad config file or URL stops here, before any page opens
    changing: list[str] = []
    targets = chosen.targets(Vault(opts.home))
    progress = Progress(len(targets))

    def watch(event: Event) -> None:
        if event.kind == "changing":
            changing.append(f"{event.platform} ({event.account})")
        elif event.kind == "done" and event.result is not None:  # not a list of sites
            progress.advance()

    try:
        checked = check(targets, replace(opts, on_event=watch), fix=args.fix)
    except KeyboardInterrupt:
        raise Interrupted(changing) from None
    if args.json:
        print_json([check_json(c) for c in checked])
    else:
        show_checked(checked, args)
    sys.stdout.flush()  # the results first: a slow notification service must not hold them
    told = message(checked)
    if told and urls:
        send(urls, *told)
    return max((c.exit_code for c in checked), default=ExitCode.OK)


def notify_urls(args: argparse.Namespace) -> list[str]:
    """The config file's notification URLs, and --notify's."""
    from agent.watch.config import load_config
    from agent.watch.notify import check_url

    for url in args.notify:
        check_url(url, "--notify")
    return [*load_config().notify.urls, *args.notify]


class Progress:
    """How far a check of many accounts is, on stderr: a bar redrawn in place on a terminal,
    elsewhere (a log, a scheduled run) a line at every tenth."""

    FROM = 5  # targets: fewer are done before a progress line would help

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        self.terminal = sys.stderr.isatty()

    def advance(self) -> None:
        self.done += 1
        self.total = max(self.total, self.done)  # a per-site setting: a result per site
        if self.total < self.FROM:
            return
        if self.terminal:
            bar = "#" * (20 * self.done // self.total)
            end = "\n" if self.done == self.total else ""
            print(f"\r[{bar:<20}] checked {self.done} of {self.total}", end=end, file=sys.stderr)
        elif 10 * self.done // self.total != 10 * (self.done - 1) // self.total:
            print(f"checked {self.done} of {self.total}", file=sys.stderr)
        sys.stderr.flush()


def check_json(checked: Checked) -> dict[str, object]:
    since = checked.back_on_since
    return {
        **checked.result.model_dump(mode="json"),
        "switched_back_on_since": since.isoformat() if since else None,
    }


def show_checked(checked: list[Checked], args: argparse.Namespace) -> None:
    """The result table, where a setting found ON says since when (and --fix what it did), and
    the one next step: the command that switches them off again."""
    from agent.cli.render import console, happened, show_results

    by_result = {id(c.result): c for c in checked}

    def say(result: Result, flow: Flow) -> str:
        c = by_result[id(result)]
        if c.found_on and (c.fixed or result.error is None):
            return _found_on(c, flow)
        return happened(result, flow)

    to_fix = [c.result for c in checked if c.found_on and not c.fixed and c.result.error is None]
    show_results(
        [c.result for c in checked],
        console(sys.stdout),
        console(sys.stderr),
        account=args.account,
        evidence=args.evidence,
        quiet=args.quiet,
        say=say,
        next_line=f"Next: {fix_command(to_fix)}" if to_fix else None,
    )


def _found_on(c: Checked, flow: Flow) -> str:
    since = (
        f"switched back on since {_when(c.back_on_since)}, when optout last saw it OFF"
        if c.back_on_since
        else f"{flow.name} may use your data to train AI"
    )
    if c.fixed:
        return f"Off again: it was ON ({since}); switched off just now, a fresh load shows it off."
    return since[0].upper() + since[1:] + "."


def fix_command(results: list[Result]) -> str:
    """The command that switches these off again."""
    accounts = sorted({r.account for r in results})
    if len(accounts) > 1:  # one command cannot name two accounts; --fix touches only what is ON
        return "optout check --all --fix"
    platforms = " ".join(dict.fromkeys(r.platform for r in results))
    account = "" if accounts == ["default"] else f" --account {accounts[0]}"
    return f"optout check {platforms}{account} --fix"


# report ----------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    import webbrowser

    import flows
    from agent.store.accounts import check_account
    from agent.store.files import home
    from agent.store.history import SQLiteHistory, history_path
    from agent.watch.report import render_report

    now = datetime.now(UTC)
    folder = home()
    account = check_account(args.account) if args.account is not None else None
    with SQLiteHistory(history_path(folder)) as store:
        html = render_report(
            store,
            {name: flows.load(name) for name in flows.names()},
            generated_at=now,
            evidence_root=folder / "evidence",
            account=account,
        )
    out: Path = (args.out or Path(f"optout-report-{now:%Y-%m-%d}.html")).absolute()
    try:
        write_file(out, html.encode())
    except OSError as e:
        raise BadInput(f"Cannot write the report to {out}: {e.strerror or e}.") from None
    print(f"Wrote the report to {out}")
    if args.open:
        webbrowser.open(out.as_uri())
    return ExitCode.OK


# schedule and watch ----------------------------------------------------------------------------


def cmd_schedule(args: argparse.Namespace) -> int:
    from agent.store.accounts import check_account
    from agent.store.files import home
    from agent.watch import schedule
    from agent.watch.timing import parse_span, spoken

    if args.schedule_command == "install":
        every = parse_span(args.every, "--every")
        account = check_account(args.account) if args.account is not None else None
        via, written, removed = schedule.install(
            every, via=args.via, account=account, fix=args.fix, home=home()
        )
        if removed:
            print("Removed the schedule optout installed before:", *removed, sep="\n  ")
        how = "a systemd user timer" if via == "systemd" else "a crontab line"
        print(f"Installed {how}: optout check runs every {spoken(every)}, each time up to "
              f"{spoken(schedule.delay(every))} later, at random.")  # fmt: skip
        for item in written:
            print(f"\nWrote {item.where}:\n{item.text.rstrip()}")
        print("\nSee it: optout schedule show; remove it: optout schedule remove")
    elif args.schedule_command == "show":
        found = schedule.shown()
        for item in found:
            print(f"{item.where}:\n{item.text.rstrip()}\n")
        if not found:
            print("No schedule installed. Install one: optout schedule install --every 1d", file=sys.stderr)
    else:
        removed = schedule.remove()
        print(*(["Removed:", *removed] if removed else []), sep="\n  ")
        if not removed:
            print("optout had installed no schedule; nothing was removed.", file=sys.stderr)
    return ExitCode.OK


def cmd_watch(args: argparse.Namespace) -> int:
    """`check`, again and again: Ctrl-C between two checks stops at once (130), saying so;
    during one, it says what is known, as any run does."""
    import random
    import time

    from agent.watch.timing import parse_span

    every = parse_span(args.every, "--every")
    selection(args)  # a bad selection stops now, not after the first wait
    while True:
        started = time.monotonic()
        print(f"Check at {_when(datetime.now(UTC))}:", flush=True)
        worst = cmd_check(args)
        sys.stdout.flush()
        # A little random spread, so that a site does not see this at the same minute each time.
        wait = every.total_seconds() - (time.monotonic() - started)
        wait = max(0.0, wait) + random.uniform(0, min(every.total_seconds() / 10, 300))
        upcoming = datetime.fromtimestamp(datetime.now(UTC).timestamp() + wait, UTC)
        try:  # from the line that says Ctrl-C stops: a Ctrl-C may come as soon as it shows
            print(f"Last check: exit {worst}. Next at {_when(upcoming)}; Ctrl-C stops.",
                  file=sys.stderr, flush=True)  # fmt: skip
            time.sleep(wait)
        except KeyboardInterrupt:
            print("optout: stopped watching, between two checks: nothing was running.",
                  file=sys.stderr)  # fmt: skip
            return ExitCode.INTERRUPTED


def cmd_config(args: argparse.Namespace) -> int:
    from agent.watch.config import config_path

    print(config_path())
    return ExitCode.OK


def write_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all, 0600 (the report shows the person's own pages), in a
    folder of the person's choosing that is left as it is (unlike OPTOUT_HOME's, not tightened)."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "history": cmd_history,
    "check": cmd_check,
    "report": cmd_report,
    "schedule": cmd_schedule,
    "watch": cmd_watch,
    "config": cmd_config,
}
