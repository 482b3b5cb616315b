"""One function per command: parse what is left of the arguments, call the engine, render.
Each returns an exit status; errors are raised as `OptoutError` and mapped by `main`."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from agent.errors import BadInput, ExitCode, login_command

if TYPE_CHECKING:
    from collections.abc import Callable

    from agent.api import Selection
    from agent.models import Action, Flow, Options, Target
    from agent.store.vault import Vault


KEEP_EVIDENCE = "OPTOUT_KEEP_EVIDENCE"  # how many runs' evidence to keep (per platform, account)


# From arguments to the engine's terms ------------------------------------------------------------


def flow_of(name: str, *, shown: bool = False) -> Flow:
    import flows
    from agent.api import known_platform

    platform, _, which = name.partition("/") if shown else (name, "", "")
    try:
        return flows.by_shown(f"{known_platform(platform)}/{which}".rstrip("/"))
    except LookupError as e:
        raise BadInput(str(e)) from None


def base_urls(args: argparse.Namespace, platforms: list[str] | None) -> dict[str, str]:
    """--base-url URL (with exactly one named platform) or --base-url PLATFORM=URL, repeatable.
    `platforms` is None for --all: which platforms will run is not known yet."""
    from agent.api import known_platform
    from agent.models import local_origin

    origins: dict[str, str] = {}
    for raw in getattr(args, "base_url", []):
        name, sep, url = raw.partition("=")
        if not sep or "://" in name:
            if platforms is None or len(set(platforms)) != 1:
                raise BadInput(
                    f"--base-url {raw!r} names no platform, so it needs exactly one; "
                    "use --base-url PLATFORM=URL."
                )
            name, url = platforms[0], raw
        origins[known_platform(name)] = local_origin(url)
    return origins


def selection(args: argparse.Namespace) -> Selection:
    """Which platforms, accounts and origins: checked before any browser starts."""
    import flows
    from agent.api import Selection

    if not args.all and not args.platforms:
        raise BadInput(f"Name a platform (e.g. optout {args.command} {flows.EXAMPLE}) or use --all.")
    from agent.api import known_platform

    platforms = [known_platform(name) for name in args.platforms]
    chosen = Selection(
        platforms=tuple(platforms),
        every=args.all,
        account=args.account,
        origins=base_urls(args, None if args.all else platforms),
    )
    chosen.check()
    return chosen


def one_target(args: argparse.Namespace, *, shown: bool = False) -> Target:
    """The one target a command names. `shown`: also one of a platform's settings or objects,
    as tables name them ("PLATFORM/SITE")."""
    from agent.models import Target
    from agent.store.accounts import check_account

    flow = flow_of(args.platform, shown=shown)
    origin = base_urls(args, [flow.id]).get(flow.id)
    account = "default" if args.account is None else args.account
    return Target(flow=flow, account=check_account(account), origin=origin)


def options(args: argparse.Namespace) -> Options:
    from agent.models import Options
    from agent.store.files import EVIDENCE_KEPT, home

    kept = os.environ.get(KEEP_EVIDENCE, str(EVIDENCE_KEPT))
    if not kept.isdigit():
        raise BadInput(
            f"{KEEP_EVIDENCE} is {kept!r}: set it to how many runs' evidence to keep per "
            "platform and account (0 keeps all)."
        )
    return Options(
        headed=getattr(args, "headed", False),
        timeout=getattr(args, "timeout", 20.0),
        home=home(),
        choices=args.choices,
        keep_evidence=int(kept),
        jobs=getattr(args, "jobs", None),  # commands that run many targets take --jobs
    )


def vault() -> Vault:
    from agent.store.files import home
    from agent.store.vault import Vault

    return Vault(home())


# Commands ---------------------------------------------------------------------------------------


def cmd_platforms(args: argparse.Namespace) -> int:
    import flows
    from agent.cli.render import platform_json, platform_lines, print_json

    loaded = [flows.load(name) for name in flows.names()]
    if args.json:
        print_json([platform_json(f) for f in loaded])
    else:
        print(*(line for f in loaded for line in platform_lines(f)), sep="\n")
    return ExitCode.OK


def cmd_plan(args: argparse.Namespace) -> int:
    from agent.api import check_choices
    from agent.cli.render import plan_lines
    from agent.engine.plan import plan

    flow = flow_of(args.platform)
    check_choices(args.choices, [flow])
    settings = flow.per_setting
    for number, each in enumerate(settings, 1):
        of = f" (setting {number} of {len(settings)}, on its own)" if len(settings) > 1 else ""
        if every := each.per_object:  # shown for one object, named as a person reads it
            of += f", for each of your {every.plural} (one result per {every.noun})"
            each = each.for_object(f"<{every.noun}>")
        print(f'optout apply {flow.id}: switch off "{each.setting.name}" on {flow.name}{of}')
        print(*plan_lines(plan(each, args.choices)), sep="\n")
    print(f"Labels known in: {', '.join(flow.languages)}")
    for choice in flow.choices:
        taken = "chosen" if choice.id in args.choices else "not chosen"
        print(f"Option {choice.flag} ({taken}): {choice.description}")
    print("What this does not cover:")
    for line in dict.fromkeys(line for each in settings for line in each.setting.does_not_cover):
        print(f"   - {line}")
    return ExitCode.OK


class Interrupted(Exception):
    """Ctrl-C during a run; `changing` names the targets that may have sent a change."""

    def __init__(self, changing: list[str]) -> None:
        super().__init__(changing)
        self.changing = changing

    @property
    def message(self) -> str:
        if not self.changing:
            return "interrupted; stopped before anything was clicked."
        return (
            f"interrupted after it began to switch off {', '.join(self.changing)}: it may have "
            "changed. See where it stands: optout status --all"
        )


def _confirm(args: argparse.Namespace, chosen: Selection, opts: Options) -> list[Target]:
    """The targets, once the person has said yes to an option that deletes something (asked
    on a terminal; else --yes is needed)."""
    from agent.store.vault import Vault

    targets = chosen.targets(Vault(opts.home))
    if args.yes or not opts.choices:
        return targets
    warnings = {
        c.flag: c.warning
        for t in targets
        for c in t.flow.choices
        if c.id in opts.choices and c.warning
    }
    if not warnings:
        return targets
    flags = " ".join(warnings)
    if not sys.stdin.isatty():
        raise BadInput(
            f"{flags}: {' '.join(warnings.values())} Add --yes to go ahead (there is no terminal "
            "to ask)."
        )
    answer = input(f"{' '.join(warnings.values())} Go on? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise BadInput(f"Not confirmed: nothing was done. Leave out {flags} to keep it.")
    return targets


def _run(args: argparse.Namespace, action: Action) -> int:
    from agent.api import run
    from agent.cli.progress import Progress
    from agent.cli.render import console, print_json, show_results
    from agent.models import exit_code
    from agent.store.vault import Vault

    opts = options(args)
    chosen = selection(args)
    targets = _confirm(args, chosen, opts) if action == "apply" else chosen.targets(Vault(opts.home))
    progress = Progress(console(sys.stderr), targets, opts.choices, quiet=args.quiet)
    try:
        with progress:
            results = run(targets, action, replace(opts, on_event=progress))
    except KeyboardInterrupt:
        raise Interrupted(progress.changing) from None
    if args.json:
        print_json([r.model_dump(mode="json") for r in results])
    else:
        show_results(
            results,
            console(sys.stdout),
            console(sys.stderr),
            account=args.account,
            evidence=args.evidence,
            quiet=args.quiet,
        )
    return exit_code(results)


def cmd_status(args: argparse.Namespace) -> int:
    return _run(args, "status")


def cmd_apply(args: argparse.Namespace) -> int:
    return _run(args, "dry-run" if args.dry_run else "apply")


def cmd_login(args: argparse.Namespace) -> int:
    import asyncio

    from agent.engine.login import login

    target = one_target(args)
    if not args.quiet:
        print(
            f"A browser window opens on {target.flow.name}'s sign-in page: sign in there (any "
            "security check is yours to answer); optout waits, and saves the session.",
            file=sys.stderr,
        )
    path = asyncio.run(login(target, vault(), timeout=args.timeout))
    print(
        f"Signed in to {target.flow.name} ({target.account}); the session is saved, encrypted, in {path}"
    )
    return ExitCode.OK


def cmd_session(args: argparse.Namespace) -> int:
    from agent.cli.render import print_json
    from agent.store.sessions import platform_session, read_storage_state

    saved = vault()
    if args.session_command == "list":
        sessions = saved.sessions()
        if args.json:
            print_json([s.model_dump(mode="json") for s in sessions])
        for s in [] if args.json else sessions:
            if s.damaged:
                print(
                    f"{s.platform} ({s.account}): damaged ({s.damaged}); "
                    f"sign in again: {login_command(s.platform, s.account)}"
                )
            else:
                print(f"{s.platform} ({s.account}): saved {s.saved_at:%Y-%m-%d %H:%M} UTC")
        if not sessions and not args.json:
            print("No saved sessions. Sign in: optout login PLATFORM", file=sys.stderr)
        # A damaged session is one the person must sign in to again: the list still shows all.
        return ExitCode.PERSON_MUST_ACT if any(s.damaged for s in sessions) else ExitCode.OK
    if args.session_command == "import" and (args.from_browser or args.all):
        return _import_from_browser(args, saved)
    if args.session_command == "import":
        _check_file_import(args)
    target = one_target(args)
    flow, account = target.flow, target.account
    if args.session_command == "import":
        state = platform_session(flow, read_storage_state(args.file), str(args.file), account)
        path = saved.save(flow.id, account, state)
        print(f"Imported the {flow.name} session ({account}); saved, encrypted, in {path}")
        print(
            f"The file {args.file} holds your session in plain text: delete it now.",
            file=sys.stderr,
        )
    elif saved.forget(flow.id, account):
        print(f"Forgot the {flow.name} session ({account}).")
    else:
        print(f"No saved {flow.name} session ({account}); nothing to forget.", file=sys.stderr)
    return ExitCode.OK


def _check_file_import(args: argparse.Namespace) -> None:
    if args.platform is None:
        raise BadInput(
            "Say what to import: optout session import --all --from-browser firefox (or "
            "chrome, edge, ...), or optout session import PLATFORM FILE."
        )
    if args.file is None:
        import flows

        if args.platform.lower() not in flows.names() and _a_path(args.platform):
            raise BadInput(
                f"The platform is missing: optout session import PLATFORM {args.platform} "
                f"(platforms: {', '.join(flows.names())})."
            )
        flow_of(args.platform)  # an unknown platform says so first
        raise BadInput(
            f"Give the file to import (optout session import {args.platform} FILE), or take "
            f"the session from your browser: --from-browser firefox (or chrome, edge, ...)."
        )


def _a_path(text: str) -> bool:
    """Whether what was typed as a platform reads as a file: one that exists, a name with a
    folder or an extension in it."""
    return Path(text).exists() or "/" in text or "\\" in text or Path(text).suffix != ""


def _import_from_browser(args: argparse.Namespace, saved: Vault) -> int:
    """`session import PLATFORM|--all --from-browser BROWSER[:PROFILE]`."""
    import flows
    from agent.store.accounts import check_account
    from agent.store.browser_cookies import parse_browser_spec
    from agent.store.sessions import sessions_from_browser

    if args.from_browser is None:
        raise BadInput(
            "--all goes with --from-browser: optout session import --all --from-browser firefox"
        )
    parse_browser_spec(args.from_browser)
    if args.file is not None:
        raise BadInput(f"Give a file or --from-browser, not both ({args.file}).")
    if args.all == (args.platform is not None):
        raise BadInput(
            "Name one platform or use --all: optout session import --all --from-browser "
            f"{args.from_browser}"
        )
    selected = [flows.load(n) for n in flows.names()] if args.all else [flow_of(args.platform)]
    account = check_account("default" if args.account is None else args.account)
    found = sessions_from_browser(args.from_browser, selected)
    imported, skipped = 0, []
    for flow in selected:
        sessions = found[flow.id]
        if len(sessions) > 1:
            sources = ", ".join(s.source for s in sessions)
            skipped.append(
                f"{flow.name} is signed in in {len(sessions)} profiles ({sources}): import "
                f"them one at a time, each to its own account, e.g. optout session import "
                f"{flow.id} --from-browser {sessions[0].source} --account NAME"
            )
        elif sessions:
            path = saved.save(flow.id, account, sessions[0].state)
            imported += 1
            print(
                f"{flow.id} ({account}): imported from {sessions[0].source}; saved, "
                f"encrypted, in {path}"
            )
        elif not args.all:
            raise BadInput(
                f"{args.from_browser} holds no signed-in {flow.name} session "
                f"({' or '.join(flow.session_cookies)} on {flow.cookie_domain}). Sign in to "
                f"{flow.name} there first, or run: {login_command(flow.id, account)}"
            )
    if skipped and not args.all:
        raise BadInput(skipped[0])
    for line in skipped:
        print(line, file=sys.stderr)
    if not imported:
        raise BadInput(
            f"{args.from_browser} is signed in to none of the platforms optout knows "
            f"({', '.join(flows.names())}). Sign in to them there first, or use optout login."
        )
    print(f"Next: optout status --all{'' if account == 'default' else ' --account ' + account}")
    return ExitCode.OK


def cmd_demo(args: argparse.Namespace) -> int:
    from agent.cli.demo import demo

    return demo(replace(options(args), choices=frozenset()), quiet=args.quiet)


def cmd_evidence(args: argparse.Namespace) -> int:
    """`evidence [PLATFORM] [--account A] [--open]`: the saved screenshots (and pages), by
    platform and account, oldest first; --open shows the latest one."""
    import webbrowser

    from agent.store.evidence import runs
    from agent.store.files import home

    folder = home() / "evidence"
    if args.platform:
        folder /= flow_of(args.platform).id
    found = sorted(p for p in folder.glob("*/" if args.platform else "*/*/") if p.is_dir())
    if args.account is not None:
        found = [p for p in found if p.name == args.account]
    # A per-object setting keeps each object's evidence in a folder of its own (a site's).
    files = [
        (f"{p.parent.name}{'/' + q.name if q != p else ''} ({p.name})", run)
        for p in found
        for q in (p, *sorted(d for d in p.iterdir() if d.is_dir()))
        for run in runs(q)
    ]
    if not files:
        of = f" of {args.platform}" if args.platform else ""
        of += f" for account '{args.account}'" if args.account is not None else ""
        print(f"No evidence saved yet{of}: each status and apply saves some.", file=sys.stderr)
        return ExitCode.OK
    for named, saved in files:
        print(f"{named}: {'  '.join(map(str, saved))}")
    if args.open:
        latest = max((run[0] for _, run in files), key=lambda p: p.name)
        webbrowser.open(latest.as_uri())
    return ExitCode.OK


def cmd_forget(args: argparse.Namespace) -> int:
    """`forget --all`: everything optout keeps in OPTOUT_HOME, and the key in the keyring."""
    import shutil

    from agent.store.files import home
    from agent.store.keys import forget_key

    where = home()
    kept = [where / name for name in KEPT if (where / name).exists()]
    kept += sorted(where.glob("history.sqlite3*"))
    if not args.yes:
        if not sys.stdin.isatty():
            raise BadInput("forget --all deletes everything optout keeps: add --yes (there is "
                           "no terminal to ask).")  # fmt: skip
        answer = input(
            f"Delete every saved session, all evidence, the history and logs in {where}, and the "
            "key in your keyring? [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            raise BadInput("Not confirmed: nothing was deleted.")
    for path in kept:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    key = forget_key()
    if not kept and not key:
        print(f"optout keeps nothing here ({where}) and no key: nothing to delete.")
        return ExitCode.OK
    print(f"Deleted {', '.join(p.name for p in kept) or 'no files'} in {where}" + (
        ", and the key in your keyring." if key else "."
    ))
    print("To remove optout itself: pipx uninstall optout (or delete its folder).")
    return ExitCode.OK


# What optout makes in OPTOUT_HOME: all of it goes with `forget --all`, nothing else there does.
KEPT = ("sessions", "evidence", "logs", "locks", "demo")


def cmd_completion(args: argparse.Namespace) -> int:
    import argcomplete

    print(argcomplete.shellcode(["optout"], shell=args.shell))
    return ExitCode.OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from agent.cli.doctor import doctor

    return doctor(args, one_target(args, shown=True), options(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "platforms": cmd_platforms,
    "plan": cmd_plan,
    "login": cmd_login,
    "session": cmd_session,
    "status": cmd_status,
    "apply": cmd_apply,
    "demo": cmd_demo,
    "evidence": cmd_evidence,
    "forget": cmd_forget,
    "completion": cmd_completion,
    "doctor": cmd_doctor,
}
