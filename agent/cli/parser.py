"""The command line's grammar. Building it imports nothing heavy, so `optout --help` answers at
once; options a platform offers (e.g. `--delete-activity`) are read from the flows only when a
command is given one."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_CODES = """exit codes:
  0  done: state read, or the setting is off (now or already), or not offered
  1  a bug in optout (the message says where the log is)
  2  bad input: unknown platform, bad option, unreadable or malformed file
  4  a person must act: sign in, answer a security check, or set up a keyring
  5  the site did not look as expected (evidence saved)
  6  the change did not hold: a fresh load still shows the setting ON"""
PLATFORM_OPTIONS = (
    "A platform may offer options of its own (e.g. to delete history as well); "
    "`optout platforms` lists them."
)
PAGE_TIMEOUT = 20.0  # seconds, for any one thing on a page
LOGIN_TIMEOUT = 600.0  # seconds for a person to sign in
# Commands that take the options a platform offers (`Flow.choices`).
WITH_CHOICES = frozenset({"plan", "apply"})


def build() -> argparse.ArgumentParser:
    import flows  # the registry only: no flow is loaded
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--account", metavar="NAME", help="which of your accounts (default: default)"
    )
    common.add_argument("--headed", action="store_true", help="show the browser")
    common.add_argument("--verbose", action="store_true", help="debug logs and tracebacks")
    common.add_argument(
        "--base-url",
        metavar="[PLATFORM=]URL",
        action="append",
        default=[],
        help="use this origin instead of the platform's real one (e.g. a local replay server)",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON on stdout")
    targets = argparse.ArgumentParser(add_help=False)
    targets.add_argument("platforms", nargs="*", metavar="PLATFORM")
    targets.add_argument("--all", action="store_true", help="every platform with a saved session")

    parser = argparse.ArgumentParser(
        prog="optout",
        description="Switch off 'use my data to train AI' settings, prove it, keep watching.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Each command that waits on pages has its own --timeout and default: a default set on a
    # shared parent would be shared by every command (argparse parents copy actions).
    pages = argparse.ArgumentParser(add_help=False)
    _timeout(pages, PAGE_TIMEOUT, "how long to wait for any one thing on a page")
    sub.add_parser("platforms", parents=[common, as_json], help="what is supported")
    plan = sub.add_parser(
        "plan", parents=[common], help="the steps, without a browser", epilog=PLATFORM_OPTIONS
    )
    plan.add_argument("platform", metavar="PLATFORM")
    login = sub.add_parser("login", parents=[common], help="sign in in a visible browser")
    login.add_argument("platform", metavar="PLATFORM")
    _timeout(login, LOGIN_TIMEOUT, "how long to wait for you to sign in")

    session = sub.add_parser("session", help="saved sessions").add_subparsers(
        dest="session_command", metavar="SUBCOMMAND", required=True
    )
    imp = session.add_parser(
        "import",
        parents=[common],
        help="take the session from your everyday browser, or from a file",
        description="Save a platform's signed-in session: from the browser you use every day "
        "(--from-browser), or from a Playwright storage-state file.",
        epilog="examples:\n  optout session import --all --from-browser firefox\n"
        f"  optout session import {flows.EXAMPLE} --from-browser chrome:Default --account work\n"
        f"  optout session import {flows.EXAMPLE} state.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("platform", metavar="PLATFORM", nargs="?")
    imp.add_argument("file", metavar="FILE", type=Path, nargs="?")
    imp.add_argument(
        "--from-browser",
        metavar="BROWSER[:PROFILE]",
        help="chrome, chromium, edge, brave, opera, vivaldi, firefox or safari, and a profile",
    )
    imp.add_argument(
        "--all", action="store_true", help="every supported platform signed in there"
    )
    session.add_parser("list", parents=[common, as_json], help="the saved sessions")
    forget = session.add_parser("forget", parents=[common], help="delete a saved session")
    forget.add_argument("platform", metavar="PLATFORM")

    sub.add_parser(
        "status", parents=[common, pages, targets, as_json], help="read the state, change nothing"
    )
    apply = sub.add_parser(
        "apply",
        parents=[common, pages, targets, as_json],
        help="switch it off",
        epilog=PLATFORM_OPTIONS,
    )
    apply.add_argument("--dry-run", action="store_true", help="find the switch, click nothing")
    apply.add_argument(
        "--yes", action="store_true", help="do not ask before an option that deletes something"
    )
    sub.add_parser(
        "demo", parents=[common, pages], help="the whole flow against the bundled replay"
    )
    doctor = sub.add_parser(
        "doctor",
        parents=[common, pages],
        help="a shareable report of the real pages, read-only",
        description="Walk every way to the setting read-only and record each step in a zip "
        "without your personal details, to share when a flow no longer works.",
    )
    doctor.add_argument("platform", metavar="PLATFORM")
    doctor.add_argument("--out", metavar="FILE", type=Path, help="where to write the zip")
    doctor.add_argument("--open", action="store_true", help="open the folder that holds it")
    return parser


def _timeout(parser: argparse.ArgumentParser, default: float, what: str) -> None:
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=default,
        help=f"{what} (default: {default:g})",
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line; a usage error exits (2) the way argparse does, as does --help."""
    parser = build()
    args, extra = parser.parse_known_args(argv)
    args.choices = _choices(parser, args.command, extra)
    return args


def _choices(parser: argparse.ArgumentParser, command: str, extra: list[str]) -> frozenset[str]:
    """The platform options given (`--delete-activity`): known to some flow, or a usage error.
    Whether the selected platforms offer them is checked with the selection."""
    if not extra:
        return frozenset()
    if command in WITH_CHOICES:
        import flows

        offered = {c.flag: c.id for f in map(flows.load, flows.names()) for c in f.choices}
        if all(arg in offered for arg in extra):
            return frozenset(offered[arg] for arg in extra)
    parser.error(f"unrecognized arguments: {' '.join(extra)}")
