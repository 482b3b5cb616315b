"""The command line's grammar. Building it imports nothing heavy (no flow, no browser, no
terminal library), so `optout --help` answers at once; options a platform offers (e.g.
`--delete-activity`) are read from the flows only when a command is given one.

Each command is added with `command(...)`: its one-line help, the option groups it takes (only
those: its help lists nothing else) and a line of examples. The global options (`--verbose`,
`--quiet`, `--log-json`) are taken before or after the command."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import flows
from agent.store.files import EVIDENCE_KEPT

EXIT_CODES = """exit codes:
  0  done: state read, or the setting is off (now or already), or not offered
  1  a bug in optout (the message says where the log is)
  2  bad input: unknown platform, bad option, unreadable or malformed file
  3  `check`: a setting is on, or was switched back on
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
SHELLS = ("bash", "zsh", "fish")
CHECK_EPILOG = """exit codes:
  0  every setting is off (or not offered); with --fix: off again, on a fresh load
  3  a setting is ON, or was switched back on ("switched back on since ..." says when)
  4  a person must act (sign in again, a security check); 5 the site changed; 6 --fix did not hold
With several platforms or accounts, the highest of theirs."""


class Parser(argparse.ArgumentParser):
    """argparse, with a "did you mean" for a mistyped command, and the parser of each command
    by name (`commands`), so that an error found after parsing prints that command's usage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self.commands: dict[str, Parser] = {}

    def error(self, message: str) -> NoReturn:
        typed = re.search(
            r"^argument (?:SUB)?COMMAND: invalid choice: '([^']*)' \(choose from (.*)\)", message
        )
        if typed:
            known = re.findall(r"'([^']*)'", typed.group(2))
            close = difflib.get_close_matches(typed.group(1).lower(), known, n=1)
            message = f"unknown command '{typed.group(1)}'" + (
                f"; did you mean '{close[0]}'?" if close else f" (commands: {', '.join(known)})"
            )
        super().error(message)


def _global_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """The options every command takes, before or after its name. On each command they default
    to SUPPRESS, so that one given before the command is not reset by the command's parser."""
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="show every log event (debug) on stderr, and tracebacks",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="no progress and no hints"
    )
    parser.add_argument(
        "--log-json",
        action="store_true",
        default=default,
        help="log events as JSON lines on stderr (also: OPTOUT_LOG=json)",
    )


def _platform(parser: argparse.ArgumentParser, **kwargs: Any) -> None:
    action = parser.add_argument(
        kwargs.pop("dest", "platform"),
        metavar="PLATFORM",
        help=kwargs.pop("help", f"one of: {', '.join(flows.names())}"),
        **kwargs,
    )
    action.completer = lambda **_: flows.names()  # type: ignore[attr-defined]


def _timeout(parser: argparse.ArgumentParser, default: float, what: str) -> None:
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=default,
        help=f"{what} (default: {default:g})",
    )


def _account(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--account", metavar="NAME", help="which of your accounts (default: default)"
    )


def _base_url(parser: argparse.ArgumentParser) -> None:
    # A test and demo hook (a local replay server instead of the real site): it works, but a
    # person has no use for it, so the help leaves it out.
    parser.add_argument("--base-url", action="append", default=[], help=argparse.SUPPRESS)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")


def _headed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headed", action="store_true", help="show the browser")


def command(
    sub: argparse._SubParsersAction[Parser],
    name: str,
    help: str,
    examples: list[str],
    *,
    description: str | None = None,
    epilog: str | None = None,
) -> Parser:
    """Add a command: its help line, a description (the help line unless given) and its
    examples, which every command's help ends with."""
    shown = "\n".join(f"  {line}" for line in examples)
    parser: Parser = sub.add_parser(
        name,
        help=help,
        description=description or help[0].upper() + help[1:] + ".",
        epilog=f"examples:\n{shown}" + (f"\n\n{epilog}" if epilog else ""),
    )
    _global_options(parser, argparse.SUPPRESS)
    return parser


def build() -> Parser:
    example = flows.EXAMPLE
    parser = Parser(
        prog="optout",
        description="Switch off 'use my data to train AI' settings, prove it, keep watching.",
        epilog=f"Start with: optout status --all   (or: optout plan {example})\n"
        f"Each command's own help: optout COMMAND --help\n\n{EXIT_CODES}",
    )
    parser.add_argument("--version", action=_Version)
    _global_options(parser, False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    platforms = command(sub, "platforms", "what is supported", ["optout platforms --json"])
    _json(platforms)

    plan = command(
        sub,
        "plan",
        "the steps apply takes, without a browser",
        [f"optout plan {example}", "optout platforms   # which options each platform offers"],
        epilog=PLATFORM_OPTIONS,
    )
    _platform(plan)

    login = command(
        sub,
        "login",
        "sign in in a visible browser; the session is saved, encrypted",
        [f"optout login {example}", f"optout login {example} --account work"],
    )
    _platform(login)
    _account(login)
    _timeout(login, LOGIN_TIMEOUT, "how long to wait for you to sign in")
    _base_url(login)

    session_parser = command(
        sub,
        "session",
        "saved sessions: import, list, forget",
        ["optout session import --all --from-browser firefox", "optout session list"],
    )
    session = session_parser.add_subparsers(
        dest="session_command", metavar="SUBCOMMAND", required=True
    )
    imp = command(
        session,
        "import",
        "take the session from your everyday browser, or from a file",
        [
            "optout session import --all --from-browser firefox",
            f"optout session import {example} --from-browser chrome:Default --account work",
            f"optout session import {example} cookies.json",
        ],
        description="Save a platform's signed-in session: from the browser you use every day "
        "(--from-browser), or from a file: a Playwright storage state, or the cookies a "
        "browser extension exports (Cookie-Editor, EditThisCookie).",
    )
    _platform(imp, nargs="?")
    imp.add_argument("file", metavar="FILE", type=Path, nargs="?", help="the file to import")
    imp.add_argument(
        "--from-browser",
        metavar="BROWSER[:PROFILE]",
        help="chrome, chromium, edge, brave, opera, vivaldi, firefox or safari, and a profile",
    )
    imp.add_argument(
        "--all", action="store_true", help="every supported platform signed in there"
    )
    _account(imp)
    _json(command(session, "list", "the saved sessions", ["optout session list --json"]))
    forget = command(
        session,
        "forget",
        "delete a saved session",
        [f"optout session forget {example} --account work"],
    )
    _platform(forget)
    _account(forget)

    status = command(
        sub,
        "status",
        "read the setting, change nothing",
        ["optout status --all", f"optout status {example} --account work --json"],
    )
    _targets(status)
    apply = command(
        sub,
        "apply",
        "switch it off, reload, and check that it stayed off",
        [f"optout apply {example} --dry-run", "optout apply --all"],
        epilog=PLATFORM_OPTIONS,
    )
    _targets(apply)
    apply.add_argument("--dry-run", action="store_true", help="find the switch, click nothing")
    apply.add_argument(
        "--yes", action="store_true", help="do not ask before an option that deletes something"
    )

    demo = command(
        sub,
        "demo",
        "the whole flow against the bundled replay of each site",
        ["optout demo", "optout demo --headed"],
    )
    _headed(demo)
    _timeout(demo, PAGE_TIMEOUT, "how long to wait for any one thing on a page")

    evidence = command(
        sub,
        "evidence",
        "list the screenshots that runs saved",
        ["optout evidence", f"optout evidence {example} --open"],
        epilog=f"The latest {EVIDENCE_KEPT} per platform and account are kept (OPTOUT_KEEP_EVIDENCE=N "
        "keeps N).",
    )
    _platform(evidence, nargs="?")
    _account(evidence)
    evidence.add_argument("--open", action="store_true", help="open the latest one")

    forget_all = command(
        sub,
        "forget",
        "remove everything optout keeps: sessions, evidence, history, logs and the key",
        ["optout forget --all", "optout forget --all --yes"],
    )
    forget_all.add_argument("--all", action="store_true", required=True, help="everything")
    forget_all.add_argument("--yes", action="store_true", help="do not ask first")

    completion = command(
        sub,
        "completion",
        "print the shell code that completes optout's commands",
        [
            'eval "$(optout completion bash)"   # in ~/.bashrc',
            'eval "$(optout completion zsh)"    # in ~/.zshrc',
            "optout completion fish > ~/.config/fish/completions/optout.fish",
        ],
    )
    completion.add_argument("shell", metavar="SHELL", choices=SHELLS, help=", ".join(SHELLS))
    doctor = command(
        sub,
        "doctor",
        "a shareable report of the real pages, read-only, without your details",
        [f"optout doctor {example}", f"optout doctor {example} --out report.zip --open"],
        description="Walk every way to the setting read-only and record each step in a zip "
        "without your personal details, to share when a flow no longer works.",
    )
    _platform(doctor, help=f"one of: {', '.join(flows.names())}; or one of its settings or "
              "sites, as tables name it (PLATFORM/SITE)")  # fmt: skip
    _account(doctor)
    doctor.add_argument("--out", metavar="FILE", type=Path, help="where to write the zip")
    doctor.add_argument("--open", action="store_true", help="open the folder that holds it")
    _headed(doctor)
    _timeout(doctor, PAGE_TIMEOUT, "how long to wait for any one thing on a page")
    _base_url(doctor)
    _watching(sub, example)
    parser.commands = {name: p for name, p in sub.choices.items()}
    return parser


def _watching(sub: argparse._SubParsersAction[Parser], example: str) -> None:
    """The commands that keep it off: history, check, watch, report, schedule, config."""
    history = command(
        sub,
        "history",
        "what every earlier run saw",
        ["optout history", f"optout history {example} --since 7d --json"],
    )
    _platform(history, nargs="?")
    history.add_argument("--account", metavar="NAME", help="only this account")
    history.add_argument(
        "--since", metavar="DATE", help="from this date (2025-03-01), or this long ago (7d)"
    )
    _json(history)

    check = command(
        sub,
        "check",
        "read, compare with history: exit 3 when a setting is (back) on",
        ["optout check --all", "optout check --all --fix --notify ntfy://ntfy.sh/my-topic"],
        epilog=CHECK_EPILOG,
    )
    _targets(check)
    _checking(check)

    watch = command(
        sub,
        "watch",
        "check again and again in the foreground, until Ctrl-C",
        ["optout watch --every 6h", "optout watch --every 1d --fix"],
        epilog=CHECK_EPILOG,
    )
    _targets(watch)
    _checking(watch)
    watch.add_argument("--every", metavar="SPAN", required=True, help="e.g. 30m, 6h, 1d")

    report = command(
        sub,
        "report",
        "one HTML page to keep: states, timeline, evidence",
        ["optout report --open", "optout report --out ~/optout-report.html"],
    )
    report.add_argument("--account", metavar="NAME", help="only this account")
    report.add_argument(
        "--out", metavar="FILE", type=Path, help="where to write it (default: optout-report-DATE.html here)"
    )
    report.add_argument("--open", action="store_true", help="open it in your browser")

    schedule_parser = command(
        sub,
        "schedule",
        "run check on a schedule (systemd user timer, else crontab)",
        ["optout schedule install --every 1d", "optout schedule show", "optout schedule remove"],
    )
    schedule = schedule_parser.add_subparsers(
        dest="schedule_command", metavar="SUBCOMMAND", required=True
    )
    install = command(
        schedule,
        "install",
        "install it (replacing the one optout installed before)",
        ["optout schedule install --every 1d", "optout schedule install --every 12h --fix"],
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
    command(schedule, "show", "what optout installed, as it is now", ["optout schedule show"])
    command(schedule, "remove", "remove what optout installed, only that", ["optout schedule remove"])

    config_parser = command(
        sub, "config", "the config file (notifications)", ["optout config path"]
    )
    config = config_parser.add_subparsers(
        dest="config_command", metavar="SUBCOMMAND", required=True
    )
    command(config, "path", "where the TOML config file lives", ["optout config path"])


def _checking(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fix", action="store_true", help="switch off what is on, under every safety rule"
    )
    parser.add_argument(
        "--notify",
        metavar="URL",
        action="append",
        default=[],
        help="tell this Apprise URL (ntfy://, mailto://, json://, ...; or 'desktop') when a "
        "setting is on or a platform needs you; repeatable, added to the config file's",
    )


def _targets(parser: argparse.ArgumentParser) -> None:
    """What status, apply, check and watch take: platforms or --all, an account, and how to run."""
    _platform(parser, dest="platforms", nargs="*")
    parser.add_argument("--all", action="store_true", help="every platform with a saved session")
    _account(parser)
    _json(parser)
    parser.add_argument(
        "--evidence", action="store_true", help="also list the screenshot of every result"
    )
    parser.add_argument(
        "--jobs", metavar="N", type=_positive, help="how many accounts at once (default: from the CPUs)"
    )
    _headed(parser)
    _timeout(parser, PAGE_TIMEOUT, "how long to wait for any one thing on a page")
    _base_url(parser)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 up, not {text!r}")
    return int(text)


class _Version(argparse.Action):
    """--version, read from the installed package only when asked (it takes a moment)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS)
        self.help = "print optout's version"

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import version

        print(f"optout {version('optout')}")
        parser.exit()


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line; a usage error exits (2) the way argparse does, as does --help.
    `optout` alone prints the whole help (on stderr: it is a usage error)."""
    parser = build()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions: answer, and exit
        import argcomplete

        argcomplete.autocomplete(parser)
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        parser.print_help(sys.stderr)
        parser.exit(2)
    args, extra = parser.parse_known_args(argv)
    args.choices = _choices(parser.commands[args.command], args.command, extra)
    return args


def _choices(parser: argparse.ArgumentParser, command: str, extra: list[str]) -> frozenset[str]:
    """The platform options given (`--delete-activity`): known to some flow, or a usage error
    (with the usage of the command typed). Whether the selected platforms offer them is
    checked with the selection."""
    if not extra:
        return frozenset()
    if command in WITH_CHOICES:
        offered = {c.flag: c.id for f in map(flows.load, flows.names()) for c in f.choices}
        if all(arg in offered for arg in extra):
            return frozenset(offered[arg] for arg in extra)
    parser.error(f"unrecognized arguments: {' '.join(extra)}")
