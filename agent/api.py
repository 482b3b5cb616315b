"""The library entry point: one call runs an action on a selection of platforms and accounts.

The CLI, the demo and the tests call it, and so can any program (a job queue worker, a
scheduler): it never prints and never exits. What stops a whole run before any target starts
(bad input, no browser, no saved session under `--all`) is raised as an `OptoutError`, whose
`exit_code` says what it means; everything that happens to one target is in that target's
`Result`, and one target's failure never touches another's.

    from agent.api import Selection, run
    from agent.models import Options

    results = run(Selection(platforms=(name,)), "status", Options(home=path))
    worst = max(r.exit_code for r in results)
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agent.errors import AuthRequired, BadInput, OptoutError, PersonMustAct, login_command

if TYPE_CHECKING:
    from agent.models import Action, Flow, Options, Result, StorageState, Target
    from agent.store.vault import Vault


@dataclass(frozen=True)
class Selection:
    """Which platforms and accounts: named platforms, or `every` saved session (`--all`).
    `account` picks one account (default "default"; with `every`, only that account's
    sessions); `origins` maps a platform to a local server that replaces its real origin."""

    platforms: tuple[str, ...] = ()
    every: bool = False
    account: str | None = None
    origins: Mapping[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Raise BadInput for a selection that names nothing, or something unknown."""
        from agent.store.accounts import check_account

        if self.every and self.platforms:
            raise BadInput("Name platforms or use --all, not both.")
        if not self.every and not self.platforms:
            raise BadInput("Name a platform or use --all.")
        from agent.models import local_origin

        for name in (*self.platforms, *self.origins):
            known_platform(name)
        for origin in self.origins.values():
            local_origin(origin)
        if self.account is not None:
            check_account(self.account)

    def targets(self, vault: Vault) -> list[Target]:
        import flows
        from agent.models import Target

        self.check()
        if self.every:
            pairs = [(s.platform, s.account) for s in vault.sessions()]
            if self.account is not None:
                pairs = [(p, a) for p, a in pairs if a == self.account]
            if not pairs:
                whose = f" for account '{self.account}'" if self.account else ""
                raise PersonMustAct(
                    f"No saved sessions{whose}. Sign in first: optout login PLATFORM"
                )
        else:
            account = "default" if self.account is None else self.account
            pairs = [(known_platform(p), account) for p in self.platforms]
        pairs = list(dict.fromkeys(pairs))  # the same account twice would be switched twice
        return [
            Target(flow=flow, account=a, origin=self.origins.get(p))
            for p, a in pairs
            for flow in flows.settings(p)
        ]


def known_platform(name: str) -> str:
    """A platform id, in any case (a capital letter is a typo, not another platform), checked
    without importing any flow; an unknown one is BadInput that names the closest known id."""
    import difflib

    import flows

    known = flows.names()
    if name.lower() in known:
        return name.lower()
    close = difflib.get_close_matches(name.lower(), known, n=1)
    hint = f"Did you mean {close[0]}? " if close else ""
    raise BadInput(
        f"Unknown platform {name!r}. {hint}Known: {', '.join(known)} (see: optout platforms)."
    )


def check_choices(choices: frozenset[str], selected: list[Flow]) -> None:
    """Each choice (`--delete-activity`) must be one that a selected platform offers."""
    for choice in sorted(choices):
        if not any(choice in flow.choice_ids for flow in selected):
            import flows

            offered = [f.name for f in map(flows.load, flows.names()) if choice in f.choice_ids]
            names = ", ".join(sorted({f.name for f in selected}))
            raise BadInput(
                f"--{choice} is not an option of {names}"
                + (f"; only {', '.join(offered)} offers it." if offered else ".")
            )


def load_session(vault: Vault, target: Target) -> StorageState | OptoutError:
    """A target's saved session, pointed at its origin; or why it has none. A keyring that
    cannot be used is not one target's problem: it stops the run."""
    from agent import log
    from agent.store.sessions import retarget

    try:
        state = vault.load(target.flow.id, target.account)
    except AuthRequired as e:
        return e
    if state is None:
        return AuthRequired(
            f"No saved {target.flow.name} session for account '{target.account}'. "
            f"Sign in first: {login_command(target.flow.id, target.account)}"
        )
    log.redact_values([c.value for c in state.cookies])
    if target.origin:
        state = retarget(state, target.flow.cookie_domain, target.origin)
    return state


async def run_async(
    selection: Selection | Sequence[Target], action: Action, options: Options
) -> list[Result]:
    """`run`, for callers that already have an event loop."""
    from agent.engine.browser import browser_beside
    from agent.engine.runner import run_targets

    if isinstance(selection, Selection):
        selection.check()

    def prepare() -> tuple[list[Target], list[StorageState | OptoutError]]:
        # Runs while the browser starts: the engine's imports and decrypting the sessions.
        from agent.store.vault import Vault

        vault = Vault(options.home)
        targets = (
            selection.targets(vault) if isinstance(selection, Selection) else list(selection)
        )
        check_choices(options.choices, [t.flow for t in targets])
        return targets, [load_session(vault, t) for t in targets]

    async with browser_beside(prepare, headed=options.headed) as (browser, (targets, sessions)):
        results = await run_targets(browser, targets, sessions, action, options)
    # A writer may wait its turn behind another optout run: not on a caller's event loop.
    await asyncio.to_thread(keep, results, options)
    return results


def keep(results: Sequence[Result], options: Options) -> None:
    """Add one run's results to the history. The results are what the caller asked for: a
    history that cannot be written (a full disk, a file from a newer optout) is a warning in the
    log, never an error of the run."""
    from agent import log
    from agent.store.history import SQLiteHistory, history_path, new_run_id
    from agent.version import tool_version

    if not options.keep_history or not results:
        return
    try:
        store = options.history or SQLiteHistory(history_path(options.home))
        try:
            store.record(results, run_id=new_run_id(), version=tool_version())
        finally:
            if options.history is None:
                store.close()
    except Exception as e:
        reason = e.message if isinstance(e, OptoutError) else f"{type(e).__name__}: {e}"
        log.get().warning(f"this run was not added to the history: {reason}")


def run(
    selection: Selection | Sequence[Target], action: Action, options: Options
) -> list[Result]:
    """Run `action` ("status", "dry-run" or "apply") on every selected target, concurrently
    in one browser; one result per platform and account, in the selection's order. A program
    that builds its own targets (a flow under test) passes them instead of a `Selection`."""
    return asyncio.run(run_async(selection, action, options))
