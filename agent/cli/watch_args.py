"""The grammar of the watching commands (history, check, report, schedule, watch, config),
registered by `parser.build`. Like the parser, it imports nothing heavy."""

from __future__ import annotations

import argparse
from pathlib import Path

CHECK_EPILOG = """exit codes:
  0  every setting is off (or not offered); with --fix: off again, on a fresh load
  3  a setting is ON, or was switched back on ("switched back on since ..." says when)
  4  a person must act (sign in again, a security check); 5 the site changed; 6 --fix did not hold
With several platforms or accounts, the highest of theirs."""


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    pages: argparse.ArgumentParser,
    targets: argparse.ArgumentParser,
    as_json: argparse.ArgumentParser,
) -> None:
    # Commands that open no page take only what they use.
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("--verbose", action="store_true", help="debug logs and tracebacks")
    account = argparse.ArgumentParser(add_help=False)
    account.add_argument("--account", metavar="NAME", help="only this account")
    checking = argparse.ArgumentParser(add_help=False)
    checking.add_argument(
        "--fix", action="store_true", help="switch off what is on, under every safety rule"
    )
    notify = argparse.ArgumentParser(add_help=False)
    notify.add_argument(
        "--notify",
        metavar="URL",
        action="append",
        default=[],
        help="tell this Apprise URL (ntfy://, mailto://, json://, ...; or 'desktop') when a "
        "setting is on or a platform needs you; repeatable, added to the config file's",
    )

    history = sub.add_parser(
        "history", parents=[quiet, account, as_json], help="what every earlier run saw"
    )
    history.add_argument("platform", metavar="PLATFORM", nargs="?")
    history.add_argument(
        "--since", metavar="DATE", help="from this date (2025-03-01), or this long ago (7d)"
    )

    sub.add_parser(
        "check",
        parents=[common, pages, targets, as_json, checking, notify],
        help="read, compare with history: exit 3 when a setting is (back) on",
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    report = sub.add_parser(
        "report", parents=[quiet, account], help="one HTML page to keep: states, timeline, evidence"
    )
    report.add_argument(
        "--out", metavar="FILE", type=Path, help="where to write it (default: optout-report-DATE.html here)"
    )
    report.add_argument("--open", action="store_true", help="open it in your browser")

    schedule = sub.add_parser(
        "schedule", help="run check on a schedule (systemd user timer, else crontab)"
    ).add_subparsers(dest="schedule_command", metavar="SUBCOMMAND", required=True)
    install = schedule.add_parser(
        "install",
        parents=[quiet],
        help="install it (replacing the one optout installed before)",
        description="Run `optout check --all` every so often, with a random delay, as a "
        "systemd user timer where systemd runs for you, else as a line in your crontab. "
        "It prints what it wrote, and where.",
    )
    install.add_argument(
        "--every", metavar="SPAN", required=True, help="1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d, 2d, 1w..."
    )
    install.add_argument("--via", choices=["systemd", "cron"], help="choose instead of optout")
    install.add_argument("--account", metavar="NAME", help="check only this account's sessions")
    install.add_argument("--fix", action="store_true", help="switch off what it finds on")
    schedule.add_parser("show", parents=[quiet], help="what optout installed, as it is now")
    schedule.add_parser("remove", parents=[quiet], help="remove what optout installed, only that")

    watch = sub.add_parser(
        "watch",
        parents=[common, pages, targets, as_json, checking, notify],
        help="check again and again in the foreground, until Ctrl-C",
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    watch.add_argument("--every", metavar="SPAN", required=True, help="e.g. 30m, 6h, 1d")

    config = sub.add_parser("config", help="the config file (notifications)").add_subparsers(
        dest="config_command", metavar="SUBCOMMAND", required=True
    )
    config.add_parser("path", parents=[quiet], help="where the TOML config file lives")
