"""`optout demo`: the whole opt-out against the bundled replay of each site, with a throwaway
session held by an in-memory keyring, so that it needs no account and touches nothing real."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import replace
from importlib.resources import files
from typing import TYPE_CHECKING

from agent.api import Selection, run
from agent.cli.render import describe_all
from agent.models import exit_code

if TYPE_CHECKING:
    from agent.models import Action, Options

ACCOUNT = "demo"
STAGES: list[tuple[Action, str]] = [
    ("status", "status: read the switch, change nothing"),
    ("dry-run", "apply --dry-run: find the switch, click nothing"),
    ("apply", "apply: switch it off, reload, verify"),
    ("status", "status again: a fresh load shows what the site saved"),
]


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def demo(options: Options) -> int:
    import keyring

    import flows
    from agent.engine.plan import plan
    from agent.replay import ReplayServer
    from agent.store.memory_keyring import MemoryKeyring
    from agent.store.vault import Vault

    keyring.set_keyring(MemoryKeyring())
    options = replace(options, home=options.home / "demo")
    vault = Vault(options.home)
    replayed = [n for n in flows.names() if files("fixtures").joinpath(n, "site.json").is_file()]
    worst = 0
    with ExitStack() as stack:
        origins = {}
        for name in replayed:
            flow = flows.load(name)
            server = stack.enter_context(ReplayServer(name))
            say(
                f"Replaying {flow.name} at {server.url}: reconstructed pages, the setting starts ON."
            )
            vault.save(name, ACCOUNT, server.make_session(flow.cookie_domain))
            stack.callback(vault.forget, name, ACCOUNT)
            origins[name] = server.url
        for name in replayed:
            say(f"\n== plan {name}: what apply will do, without a browser")
            for step in plan(flows.load(name)).steps:
                say(
                    f"{step.number:>3}. {step.description}"
                    + (" (if needed)" if step.fallback else "")
                )
        selection = Selection(platforms=tuple(replayed), account=ACCOUNT, origins=origins)
        for action, title in STAGES:
            say(f"\n== {title}")
            results = run(selection, action, options)
            print(*describe_all(results), sep="\n")
            worst = max(worst, exit_code(results))
    say(f"\nEvidence (screenshots of each final state) is in {options.home / 'evidence'}")
    say("The demo session was throwaway and is gone; your real sessions were not touched.")
    return worst
