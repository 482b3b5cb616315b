"""Live progress on stderr: one line per platform and account, driven by the engine's events.

On a terminal (not TERM=dumb) the lines are redrawn in place, each with a spinner, its step
and the time so far, and cleared when the run ends (the result table says the rest); anywhere
else each event is one plain line, so that a log file or CI reads it in order. `--quiet`
shows nothing."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from types import TracebackType

    from agent.models import Event, Target

REFRESHES_PER_SECOND = 8


def who(platform: str, setting: str, account: str) -> str:
    """A target as a person sees it named: the platform (and the setting, when it has several)
    and the account."""
    import flows

    return f"{flows.shown(platform, setting)} ({account})"


class Line:
    """Where one target is: its step (of how many) and since when it runs."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.started = time.monotonic()
        self.ended: float | None = None
        self.doing = "starting"
        self.spinner = Spinner("dots", style="cyan")
        self.mark = ""

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def update(self, event: Event) -> None:
        if event.kind == "done" and event.result is None:  # objects listed: each has a line
            self.ended = time.monotonic()
            self.mark = "[green]✓[/]"
            self.doing = f"done: {event.description}"
        elif event.kind == "done" and event.result is not None:
            self.ended = time.monotonic()
            from agent.cli.render import state_of

            failed = event.result.error is not None
            self.mark = "[red]✗[/]" if failed else "[green]✓[/]"
            self.doing = f"{'stopped' if failed else 'done'}: {state_of(event.result)}"
        elif event.kind == "changing":
            self.doing = f"step {event.step}/{self.steps}: switching it off"
        else:
            self.doing = f"step {event.step}/{self.steps}: {event.description}"


class Progress:
    """The `on_event` of a run of `targets`, as a context manager around the run: it draws on
    a terminal, prints plain lines elsewhere, and nothing when `quiet`. `changing` names the
    targets that began to send a change (what Ctrl-C must tell)."""

    def __init__(
        self,
        console: Console,
        targets: list[Target],
        choices: frozenset[str] = frozenset(),
        *,
        quiet: bool = False,
    ) -> None:
        from agent.engine.plan import plan

        self.console = console
        self.lines = {
            who(t.flow.id, t.flow.setting.id, t.account): Line(len(plan(t.flow, choices).steps))
            for t in targets
        }
        # The objects of a per-object setting are known once listed: a line each then, with
        # as many steps as the listing's plan.
        self.steps = {t.flow.id: len(plan(t.flow, choices).steps) for t in targets}
        self.quiet = quiet
        self.changing: list[str] = []
        self.live: Live | None = None
        if not quiet and console.is_terminal and not console.is_dumb_terminal:
            # Logs written meanwhile (warnings, --verbose) are printed above the live lines.
            self.live = Live(
                self,
                console=console,
                transient=True,
                refresh_per_second=REFRESHES_PER_SECOND,
                redirect_stdout=False,
            )

    def __enter__(self) -> Progress:
        if self.live:
            self.live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.live:
            self.live.stop()

    def __call__(self, event: Event) -> None:
        named = who(event.platform, event.setting, event.account)
        if event.kind == "changing":
            self.changing.append(named)
        line = self.lines.setdefault(named, Line(self.steps[event.platform]))
        line.update(event)
        if self.quiet or self.live:
            return
        self.console.print(
            f"{named}: {line.doing}"
            + (f" ({line.elapsed:.1f}s)" if event.kind == "done" else ""),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    def __rich__(self) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1)
        grid.add_column(no_wrap=True, min_width=max(map(len, self.lines)))
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        grid.add_column(justify="right", no_wrap=True, min_width=4)
        for named, line in self.lines.items():
            mark = Text.from_markup(line.mark) if line.mark else line.spinner
            grid.add_row(mark, Text(named, style="bold"), line.doing, f"{line.elapsed:.0f}s")
        return grid
