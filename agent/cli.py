"""The command line: parse, call the engine, render, map errors to exit codes.

Payload (results, tables, JSON) goes to stdout; progress and errors go to stderr. Imports are
lazy so that `optout --help` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import ERROR_EXIT_CODES, BadInput, ExitCode, OptoutError, PersonMustAct

if TYPE_CHECKING:
    from agent.models import Action, Flow, Result
    from agent.runner import Options, Target

EXIT_CODES = """exit codes:
  0  done: state read, or the setting is off (now or already), or not offered
  1  a bug in optout (the message says where the log is)
  2  bad input: unknown platform, bad option, unreadable or malformed file
  4  a person must act: sign in, answer a security check, or set up a keyring
  5  the site did not look as expected (evidence saved)
  6  the change did not hold: a fresh load still shows the setting ON"""


# Parsing ----------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
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
    common.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=20.0,
        help="how long to wait for any one thing on a page (default: 20)",
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
    sub.add_parser("platforms", parents=[common, as_json], help="what is supported")
    choices = argparse.ArgumentParser(add_help=False)
    choices.add_argument(
        "--delete-activity",
        dest="choices",
        action="append_const",
        const="delete-activity",
        default=[],
        help="where turning off can also delete your history (Gemini), delete it too",
    )
    plan = sub.add_parser("plan", parents=[common, choices], help="the steps, without a browser")
    plan.add_argument("platform", metavar="PLATFORM")
    login = sub.add_parser("login", parents=[common], help="sign in in a visible browser")
    login.add_argument("platform", metavar="PLATFORM")
    login.set_defaults(timeout=600.0)

    session = sub.add_parser("session", help="saved sessions").add_subparsers(
        dest="session_command", metavar="SUBCOMMAND", required=True
    )
    imp = session.add_parser(
        "import", parents=[common], help="take a Playwright storage-state file"
    )
    imp.add_argument("platform", metavar="PLATFORM")
    imp.add_argument("file", metavar="FILE", type=Path)
    session.add_parser("list", parents=[common, as_json], help="the saved sessions")
    forget = session.add_parser("forget", parents=[common], help="delete a saved session")
    forget.add_argument("platform", metavar="PLATFORM")

    sub.add_parser(
        "status", parents=[common, targets, as_json], help="read the state, change nothing"
    )
    apply = sub.add_parser(
        "apply", parents=[common, targets, as_json, choices], help="switch it off"
    )
    apply.add_argument("--dry-run", action="store_true", help="find the switch, click nothing")
    sub.add_parser("demo", parents=[common], help="the whole flow against the bundled replay")
    return parser


def _known(name: str) -> str:
    """A platform id, checked without importing any flow."""
    import flows

    if name not in flows.names():
        raise BadInput(
            f"Unknown platform {name!r}. Known: {', '.join(flows.names())} (see: optout platforms)."
        )
    return name


def _flow(name: str) -> Flow:
    import flows

    return flows.load(_known(name))


def _origin(value: str, raw: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if (
        not parts
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
    ):
        raise BadInput(f"Bad --base-url {raw!r}: expected http(s)://HOST[:PORT], or PLATFORM=URL.")
    return f"{parts.scheme}://{parts.netloc}"


def _base_urls(args: argparse.Namespace, platforms: list[str] | None) -> dict[str, str]:
    """--base-url URL (with exactly one named platform) or --base-url PLATFORM=URL, repeatable.
    `platforms` is None for --all: which platforms will run is not known yet."""
    origins: dict[str, str] = {}
    for raw in args.base_url:
        name, sep, url = raw.partition("=")
        if not sep or "://" in name:
            if platforms is None or len(set(platforms)) != 1:
                raise BadInput(
                    f"--base-url {raw!r} names no platform, so it needs exactly one; "
                    "use --base-url PLATFORM=URL."
                )
            name, url = platforms[0], raw
        origins[_known(name)] = _origin(url, raw)
    return origins


def _check_selection(args: argparse.Namespace) -> dict[str, str]:
    """Which platforms, accounts and origins: checked before any browser starts. Returns the
    origins given with --base-url."""
    from agent.accounts import check_account

    if args.all and args.platforms:
        raise BadInput("Name platforms or use --all, not both.")
    if not args.all and not args.platforms:
        raise BadInput(f"Name a platform (e.g. optout {args.command} linkedin) or use --all.")
    for name in args.platforms:
        _known(name)
    if args.account:
        check_account(args.account)
    return _base_urls(args, None if args.all else args.platforms)


def _targets(args: argparse.Namespace, vault: Any, origins: dict[str, str]) -> list[Target]:
    from agent.runner import Target

    if args.all:
        pairs = [(s.platform, s.account) for s in vault.sessions()]
        if args.account:
            pairs = [(p, a) for p, a in pairs if a == args.account]
        if not pairs:
            whose = f" for account '{args.account}'" if args.account else ""
            raise PersonMustAct(f"No saved sessions{whose}. Sign in first: optout login PLATFORM")
    else:
        pairs = [(p, args.account or "default") for p in args.platforms]
    return [Target(flow=_flow(p), account=a, origin=origins.get(p)) for p, a in pairs]


def _options(args: argparse.Namespace) -> Options:
    from agent.files import home
    from agent.runner import Options

    return Options(
        headed=args.headed,
        timeout=args.timeout,
        home=home(),
        choices=frozenset(getattr(args, "choices", ())),
    )


def _vault() -> Any:
    from agent.files import home
    from agent.vault import Vault

    return Vault(home())


# Rendering --------------------------------------------------------------------------------------


def _print_json(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, default=str))


def describe(result: Result, flow: Flow, width: int = 0) -> str:
    """One line per platform and account: the state, and what was done. `width` aligns the
    lines of several results into a table."""
    if result.error:
        step = f" at step {result.error.step}" if result.error.step else ""
        said = f"{result.state.upper()}, stopped{step}. {result.error.message}"
    elif result.state == "unavailable":
        said = (
            f"not offered. {flow.name} does not offer this setting to this account; nothing to do."
        )
    elif result.changed:
        said = "OFF. Switched off just now; a fresh load of the page shows it off."
    elif result.state == "off":
        said = "OFF. Already off; nothing was changed."
    elif result.action == "dry-run":
        said = "ON. Dry run: would have switched it off; nothing was clicked."
    else:
        said = (
            f"ON. {flow.name} may use your data to train AI. "
            f"To switch it off: optout apply {result.platform}"
        )
    if result.language and not result.language.lower().startswith("en"):
        said += f" (The page was in {result.language}.)"
    if result.evidence:
        said += f" Evidence: {result.evidence[0]}"
    return f"{f'{result.platform} ({result.account}):':<{width}} {said}"


def describe_all(results: list[Result], flows: list[Flow]) -> list[str]:
    width = max(len(f"{r.platform} ({r.account}):") for r in results) if results else 0
    return [describe(r, f, width) for r, f in zip(results, flows, strict=True)]


def exit_code(results: list[Result]) -> int:
    return max(
        (ERROR_EXIT_CODES[r.error.kind] if r.error else ExitCode.OK for r in results), default=0
    )


# Commands ---------------------------------------------------------------------------------------


def cmd_platforms(args: argparse.Namespace) -> int:
    import flows

    loaded = [flows.load(name) for name in flows.names()]
    if args.json:
        _print_json(
            [
                {
                    "platform": f.id,
                    "name": f.name,
                    **f.setting.model_dump(),
                    "options": {f"--{c.id}": c.description for c in f.choices},
                    "languages": list(f.languages),
                }
                for f in loaded
            ]
        )
        return ExitCode.OK
    for f in loaded:
        print(
            f'{f.id}: {f.name}, "{f.setting.name}"\n  regions: {f.setting.regions}\n'
            f"  covers: {f.setting.covers}"
        )
        for line in f.setting.does_not_cover:
            print(f"  does not cover: {line}")
        print(f"  labels known in: {', '.join(f.languages)}\n  help: {f.setting.help_url}")
        for choice in f.choices:
            print(f"  option --{choice.id}: {choice.description}")
    return ExitCode.OK


def cmd_plan(args: argparse.Namespace) -> int:
    from agent.plan import plan

    flow = _flow(args.platform)
    steps = plan(flow, frozenset(args.choices))
    print(f'optout apply {flow.id}: switch off "{flow.setting.name}" on {flow.name}')
    for step in steps:
        if step.fallback and steps[step.number - 2].key == "direct":
            print("   If that page does not show the setting, go the way a person clicks:")
        print(f"{step.number:>3}. {step.description}")
    print(f"Labels known in: {', '.join(flow.languages)}")
    for choice in flow.choices:
        taken = "chosen" if choice.id in args.choices else "not chosen"
        print(f"Option --{choice.id} ({taken}): {choice.description}")
    print("What this does not cover:")
    for line in flow.setting.does_not_cover:
        print(f"   - {line}")
    return ExitCode.OK


def _run(args: argparse.Namespace, action: Action) -> int:
    import asyncio

    from agent.browser import browser_beside

    origins = _check_selection(args)

    def prepare() -> tuple[Any, list[Target], list[Any]]:
        # Runs while the browser starts: the engine's imports and decrypting the sessions.
        from agent.runner import Runner

        vault = _vault()
        targets = _targets(args, vault, origins)
        runner = Runner(vault, _options(args))
        return runner, targets, runner.sessions(targets)

    async def run() -> tuple[list[Target], list[Result]]:
        async with browser_beside(prepare, headed=args.headed) as (browser, prepared):
            runner, targets, sessions = prepared
            return targets, await runner.run_in(browser, targets, sessions, action)

    targets, results = asyncio.run(run())
    if args.json:
        _print_json([r.model_dump(mode="json") for r in results])
    else:
        print(*describe_all(results, [t.flow for t in targets]), sep="\n")
    return exit_code(results)


def cmd_status(args: argparse.Namespace) -> int:
    return _run(args, "status")


def cmd_apply(args: argparse.Namespace) -> int:
    return _run(args, "dry-run" if args.dry_run else "apply")


def _one_target(args: argparse.Namespace) -> Target:
    from agent.accounts import check_account
    from agent.runner import Target

    flow = _flow(args.platform)
    origin = _base_urls(args, [flow.id]).get(flow.id)
    return Target(flow=flow, account=check_account(args.account or "default"), origin=origin)


def cmd_login(args: argparse.Namespace) -> int:
    import asyncio

    from agent.login import login

    target = _one_target(args)
    path = asyncio.run(login(target, _vault(), timeout=_options(args).timeout))
    print(
        f"Signed in to {target.flow.name} ({target.account}); the session is saved, encrypted, in {path}"
    )
    return ExitCode.OK


def cmd_session(args: argparse.Namespace) -> int:
    from agent.sessions import platform_session, read_storage_state

    vault = _vault()
    if args.session_command == "list":
        sessions = vault.sessions()
        if args.json:
            _print_json([s.model_dump(mode="json") for s in sessions])
        for s in [] if args.json else sessions:
            print(f"{s.platform} ({s.account}): saved {s.saved_at:%Y-%m-%d %H:%M} UTC")
        if not sessions and not args.json:
            print("No saved sessions. Sign in: optout login PLATFORM", file=sys.stderr)
        return ExitCode.OK
    target = _one_target(args)
    if args.session_command == "import":
        state = platform_session(target.flow, read_storage_state(args.file), str(args.file))
        path = vault.save(target.flow.id, target.account, state)
        print(
            f"Imported the {target.flow.name} session ({target.account}); saved, encrypted, in {path}"
        )
    elif vault.forget(target.flow.id, target.account):
        print(f"Forgot the {target.flow.name} session ({target.account}).")
    else:
        print(
            f"No saved {target.flow.name} session ({target.account}); nothing to forget.",
            file=sys.stderr,
        )
    return ExitCode.OK


def cmd_demo(args: argparse.Namespace) -> int:
    from agent.demo import demo

    return demo(_options(args))


COMMANDS = {
    "platforms": cmd_platforms,
    "plan": cmd_plan,
    "login": cmd_login,
    "session": cmd_session,
    "status": cmd_status,
    "apply": cmd_apply,
    "demo": cmd_demo,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2), already printed
        return int(e.code or 0)
    from agent import log

    log.configure(verbose=args.verbose)
    try:
        if args.timeout <= 0:  # every command waits on pages with it
            raise BadInput(f"--timeout must be a positive number of seconds, not {args.timeout:g}.")
        return int(COMMANDS[args.command](args))
    except OptoutError as e:
        print(f"optout: {e.message}", file=sys.stderr)
        return int(e.exit_code)
    except KeyboardInterrupt:
        print("optout: interrupted; nothing was saved.", file=sys.stderr)
        return 130
    except Exception as e:
        from agent.files import home

        path = log.record_bug(e, home())
        if args.verbose:
            log.get().exception("internal error")
        print(f"optout: {log.bug_message(e, f'in `{args.command}`', path)}", file=sys.stderr)
        return int(ExitCode.INTERNAL)
