"""`optout demo`: the whole opt-out against the bundled replay of each site, with a throwaway
session held by an in-memory keyring, so that it needs no account and touches nothing real."""

from __future__ import annotations

import asyncio
import sys
from contextlib import ExitStack
from importlib.resources import files

from agent.models import Action
from agent.runner import Options, Runner, Target


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def demo(options: Options) -> int:
    import keyring

    import flows
    from agent.cli import describe_all, exit_code
    from agent.memory_keyring import MemoryKeyring
    from agent.plan import plan
    from agent.replay import ReplayServer
    from agent.vault import Vault

    keyring.set_keyring(MemoryKeyring())
    home = options.home / "demo"
    options = Options(headed=options.headed, timeout=options.timeout, home=home)
    vault = Vault(home)
    replayed = [n for n in flows.names() if files("fixtures").joinpath(n, "site.json").is_file()]
    worst = 0
    with ExitStack() as stack:
        targets = []
        for name in replayed:
            flow = flows.load(name)
            server = stack.enter_context(ReplayServer(name))
            say(
                f"Replaying {flow.name} at {server.url}: reconstructed pages, the setting starts ON."
            )
            vault.save(name, "demo", server.make_session(flow.cookie_domain))
            stack.callback(vault.forget, name, "demo")
            targets.append(Target(flow=flow, account="demo", origin=server.url))
        runner = Runner(vault, options)
        for target in targets:
            say(f"\n== plan {target.flow.id}: what apply will do, without a browser")
            for step in plan(target.flow):
                say(
                    f"{step.number:>3}. {step.description}"
                    + (" (if needed)" if step.fallback else "")
                )
        stages: list[tuple[Action, str]] = [
            ("status", "status: read the switch, change nothing"),
            ("dry-run", "apply --dry-run: find the switch, click nothing"),
            ("apply", "apply: switch it off, reload, verify"),
            ("status", "status again: a fresh load shows what the site saved"),
        ]
        for action, title in stages:
            say(f"\n== {title}")
            results = asyncio.run(runner.run(targets, action))
            print(*describe_all(results, [t.flow for t in targets]), sep="\n")
            worst = max(worst, exit_code(results))
    say(f"\nEvidence (screenshots of each final state) is in {home / 'evidence'}")
    say("The demo session was throwaway and is gone; your real sessions were not touched.")
    return worst
