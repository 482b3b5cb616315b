"""`optout demo`: the whole opt-out against the bundled replay of each site, with a throwaway
session held by an in-memory keyring, so that it needs no account and touches nothing real.

What the demo shows (the plan, each stage's table, the commands to try next) is its payload, on
stdout, the same on every run: the README shows it as it is. Progress and where the evidence
went (a path of this machine) go to stderr."""

from __future__ import annotations

import shlex
import shutil
import sys
from contextlib import ExitStack
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from agent.api import Selection, run
from agent.cli.progress import Progress
from agent.cli.render import console, plan_lines, print_table, results_table, totals
from agent.models import exit_code

if TYPE_CHECKING:
    from agent.models import Action, Options

ACCOUNT = "demo"
STAGES: list[tuple[Action, str]] = [
    ("status", "optout status --all: read the switch, change nothing"),
    ("dry-run", "optout apply --all --dry-run: find the switch, click nothing"),
    ("apply", "optout apply --all: switch it off, reload, check that it stayed off"),
    ("status", "optout status --all: a fresh load shows what the site saved"),
]
# The commands a person runs next, on their own account, with what each does.
YOUR_TURN = [
    ("optout session import --all --from-browser firefox", "or chrome, edge, brave, safari..."),
    ("optout status --all", "reads every setting, changes nothing"),
    ("optout apply --all --dry-run", "finds each switch, clicks nothing"),
    ("optout apply --all", "switches them off, reloads, checks they stayed off"),
]


def demo(options: Options, *, quiet: bool = False) -> int:
    import keyring

    import flows
    from agent.engine.plan import plan
    from agent.replay import ReplayServer
    from agent.store.memory_keyring import MemoryKeyring
    from agent.store.vault import Vault

    keyring.set_keyring(MemoryKeyring())
    replayed = [n for n in flows.names() if files("fixtures").joinpath(n, "site.json").is_file()]
    # Every platform at once: each is a site of its own, so none sees a burst, and a stage
    # takes as long as its slowest platform (measured on 2 CPUs: 51 s four at a time, 40 s
    # with every platform at once).
    options = replace(options, home=options.home / "demo", jobs=len(replayed))
    vault = Vault(options.home)
    out, err = console(sys.stdout), console(sys.stderr)
    out.print(
        f"optout demo: the whole opt-out against a local replay of {', '.join(replayed)}\n"
        "(reconstructed pages, where a setting starts ON unless the account is not offered it "
        "or already has it off), with throwaway sessions: nothing real is touched.",
        soft_wrap=True,
    )
    out.print(f"\n== optout plan {flows.EXAMPLE}: what apply will do, without a browser")
    out.print(*plan_lines(plan(flows.load(flows.EXAMPLE))), sep="\n", soft_wrap=True, markup=False)
    worst = 0
    with ExitStack() as stack:
        origins = {}
        for name in replayed:
            flow = flows.load(name)
            server = stack.enter_context(ReplayServer(name))
            vault.save(name, ACCOUNT, server.make_session(flow.cookie_domain))
            stack.callback(vault.forget, name, ACCOUNT)
            origins[name] = server.url
        targets = Selection(platforms=tuple(replayed), account=ACCOUNT, origins=origins).targets(
            vault
        )
        for action, title in STAGES:
            out.print(f"\n== {title}", soft_wrap=True, markup=False)
            with Progress(err, targets, quiet=quiet) as progress:
                results = run(targets, action, replace(options, on_event=progress))
            print_table(out, results_table(results))
            out.print(totals(results))
            worst = max(worst, exit_code(results))
    out.print("\nNow try it on your own account, where you are signed in:")
    width = max(len(command) for command, _ in YOUR_TURN)
    for command, what in YOUR_TURN:
        out.print(f"  {command:<{width}}  # {what}", soft_wrap=True, markup=False)
    if not quiet:
        err.print(
            f"\nThe screenshots of each final state are in {options.home / 'evidence'}; "
            "the demo's sessions were throwaway and are gone.",
            soft_wrap=True,
            markup=False,
        )
        if shutil.which("optout") is None:
            err.print(
                f"optout is not on your PATH: run it as {how_to_run_me()}, or see scripts/setup.",
                soft_wrap=True,
                markup=False,
            )
    return worst


def how_to_run_me() -> str:
    """The command that runs this optout: its own script, else its Python with `-m agent`
    (under `python -c` or `-m`, argv[0] is no command a person can type)."""
    if Path(sys.argv[0]).name == "optout":
        return shlex.quote(sys.argv[0])
    return f"{shlex.quote(sys.executable)} -m agent"
