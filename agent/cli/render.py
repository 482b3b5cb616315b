"""What a person reads: result lines, plans and platform descriptions. The CLI and the demo
both print through here; nothing here decides anything."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agent.errors import ErrorKind, ExitCode, login_command

if TYPE_CHECKING:
    from collections.abc import Callable

    from agent.engine.plan import Plan
    from agent.models import Flow, Result


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


# The languages a page may be in, by their code (<html lang>'s first part), as a result names
# them; a code not here is shown as it is.
LANGUAGES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "nb": "Norwegian", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "th": "Thai",
    "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
# The state column for a result that stopped, by its error's kind: what a person must know
# first. Other errors show the state the page was left in.
STOPPED_STATES = {
    ErrorKind.AUTH_REQUIRED: "no session",
    ErrorKind.CHALLENGE: "check needed",
    ErrorKind.UNREACHABLE: "unreachable",
    ErrorKind.PERSON_MUST_ACT: "you must act",
}
STYLES = {"ON": "bold yellow", "OFF": "green", "not offered": "dim"}
HEADERS = ("PLATFORM", "ACCOUNT", "STATE", "WHAT HAPPENED")


def language_name(code: str) -> str:
    return LANGUAGES.get(code.split("-")[0].lower(), code)


def state_of(result: Result) -> str:
    """The STATE column: ON, OFF, not offered, or why it could not be read (no session...)."""
    if result.error and result.error.kind in STOPPED_STATES:
        return STOPPED_STATES[result.error.kind]
    return {"on": "ON", "off": "OFF", "unavailable": "not offered"}.get(result.state, "unknown")


def happened(result: Result, flow: Flow) -> str:
    """The WHAT HAPPENED column: what was done, or why it stopped, in a sentence or two."""
    if result.error:  # its first line: the rest (how to report it) is the Next: line's
        said = result.error.message.splitlines()[0]
    elif result.state == "unavailable" and flow.per_object and flow.object is None:
        said = f"{flow.name} lists no {flow.per_object.plural} for this account; nothing to do."
    elif result.state == "unavailable" and flow.object is not None:
        said = f"{flow.name} does not offer this setting for {flow.object}; nothing to do."
    elif result.state == "unavailable":
        said = f"{flow.name} does not offer this setting to this account; nothing to do."
    elif result.changed:
        said = "Switched off just now; a fresh load of the page shows it off."
        said += "".join(
            f" {choice.done}"
            for choice in flow.choices
            if choice.id in result.choices and choice.done
        )
    elif result.state == "off":
        said = "Already off; nothing was changed."
    elif result.action == "dry-run":
        said = "Dry run: would have switched it off; nothing was clicked."
    else:
        said = f"{flow.name} may use your data to train AI."
    if result.language and language_name(result.language) != "English":
        said += f" (The page was in {language_name(result.language)}.)"
    return said


def results_table(
    results: list[Result], say: Callable[[Result, Flow], str] = happened
) -> Table:
    """PLATFORM, ACCOUNT, STATE, WHAT HAPPENED (`say`: what a command says in that column)."""
    import flows

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for header in HEADERS:
        table.add_column(header, no_wrap=header != HEADERS[-1])
    for r in results:
        state = state_of(r)
        style = "bold red" if r.error else STYLES.get(state, "")
        flow = flows.of_setting(r.platform, r.setting) or flows.load(r.platform)
        shown = flows.shown(r.platform, r.setting)
        table.add_row(shown, r.account, Text(state, style=style), say(r, flow))
    return table


def totals(results: list[Result]) -> str:
    """How many ended in each state, for a run of several targets: "In all: 2 OFF, 1 ON"."""
    counts = Counter(state_of(r) for r in results)
    return "In all: " + ", ".join(f"{n} {state}" for state, n in counts.items())


def evidence_lines(results: list[Result], *, every: bool) -> list[str]:
    """Where the screenshots are: of every result (`--evidence`), or of those that stopped,
    which a person may want to look at or send along with a report."""
    import flows

    return [
        f"Evidence of {flows.shown(r.platform, r.setting)} ({r.account}): {path}"
        for r in results
        if every or r.error
        for path in r.evidence
    ]


def next_step(results: list[Result], account: str | None) -> str:
    """The one thing to do now, for the worst of the results."""
    by_code: dict[ExitCode, list[Result]] = {}
    for r in results:
        by_code.setdefault(r.exit_code, []).append(r)
    worst = max(by_code, default=ExitCode.OK)
    names = " ".join(dict.fromkeys(r.platform for r in by_code.get(worst, [])))
    also = "" if account in (None, "default") else f" --account {account}"
    if worst == ExitCode.INTERNAL:
        return "Next: this is a bug in optout; please report it with the log named above."
    if worst == ExitCode.SITE_CHANGED:
        first = names.split()[0]
        return (
            f"Next: optout doctor {first}{also} makes a report of the page without your personal "
            f"details, to share so that the flow can be fixed; or run optout status {names}{also} "
            "again later."
        )
    if worst == ExitCode.DID_NOT_HOLD:
        return (
            f"Next: run optout apply {names}{also} again later; if it turns back on again, "
            "report it with the evidence above."
        )
    if worst == ExitCode.PERSON_MUST_ACT:
        stopped = by_code[worst]
        if all(r.error and r.error.kind == ErrorKind.AUTH_REQUIRED for r in stopped):
            if len(stopped) == 1:
                r = stopped[0]
                return (
                    f"Next: sign in: {login_command(r.platform, r.account)}, or take the session "
                    f"from your browser: optout session import {r.platform} --from-browser firefox"
                )
            return (
                "Next: sign in: optout session import --all --from-browser firefox (or chrome, "
                "edge, ...), or optout login PLATFORM for each."
            )
        return f"Next: do what the message above says, then run it again for {names}."
    on = " ".join(dict.fromkeys(r.platform for r in results if r.state == "on"))
    if on and all(r.action == "dry-run" for r in results):
        return f"Next: do it for real: optout apply {on}{also}"
    if on:
        return f"Next: switch it off: optout apply {on}{also}"
    return "Next: nothing to do. Check again now and then: optout status --all"


def console(file: TextIO) -> Console:
    """A console on `file`: colour and width on a terminal (rich leaves colour out when
    NO_COLOR is set or TERM=dumb); plain text elsewhere."""
    return Console(file=file, highlight=False)


def show_results(
    results: list[Result],
    out: Console,
    err: Console,
    *,
    account: str | None,
    evidence: bool = False,
    quiet: bool = False,
    say: Callable[[Result, Flow], str] = happened,
    next_line: str | None = None,
) -> None:
    """The result as a person reads it: the table (and totals, evidence) on `out`; the one
    next step on `err` (`next_line`, else the one for the worst result), unless `quiet`."""
    print_table(out, results_table(results, say))
    if len(results) > 1:
        out.print(totals(results), soft_wrap=True)
    for line in evidence_lines(results, every=evidence):
        out.print(line, soft_wrap=True, markup=False)
    if not quiet:
        err.print(next_line or next_step(results, account), soft_wrap=True, markup=False)


def print_table(out: Console, table: Table) -> None:
    """On a terminal, the table fits its width (the last column wraps); elsewhere each row is
    one line, however long, with no padding after it, for grep and for a log."""
    if out.is_terminal:
        out.print(table)
        return
    wide = Console(file=io.StringIO(), width=10_000, color_system=None, highlight=False)
    wide.print(table)
    for line in wide.file.getvalue().splitlines():  # type: ignore[attr-defined]
        out.print(line.rstrip(), soft_wrap=True, markup=False, highlight=False)


def plan_lines(plan: Plan) -> list[str]:
    """The numbered steps; the way a person clicks is introduced as what happens when the
    setting's own page does not show it."""
    from agent.engine.plan import Part

    lines = []
    for step in plan.steps:
        if step.fallback and plan.steps[step.number - 2].part is Part.DIRECT:
            lines.append("   If that page does not show the setting, go the way a person clicks:")
        lines.append(f"{step.number:>3}. {step.description}")
    return lines


def platform_lines(flow: Flow) -> list[str]:
    """The platform and what each of its settings is (its name leads its lines when there are
    several)."""
    settings = [each.setting for each in flow.per_setting]
    lines = [f"{flow.id}: {flow.name}, " + ", ".join(f'"{s.name}"' for s in settings)]
    if every := flow.per_object:
        lines.append(f"  per {every.noun}: each of your {every.plural} on its own, a result each")
    for setting in settings:
        of = f"{setting.name}: " if len(settings) > 1 else ""
        lines += [f"  {of}regions: {setting.regions}", f"  {of}covers: {setting.covers}"]
        lines += [f"  {of}does not cover: {line}" for line in setting.does_not_cover]
    lines += [f"  labels known in: {', '.join(flow.languages)}", f"  help: {flow.setting.help_url}"]
    lines += [f"  option {choice.flag}: {choice.description}" for choice in flow.choices]
    return lines


def platform_json(flow: Flow) -> dict[str, Any]:
    return {
        "platform": flow.id,
        "name": flow.name,
        **flow.setting.model_dump(),
        "more_settings": [more.setting.model_dump() for more in flow.more_settings],
        "per_object": flow.per_object.plural if flow.per_object else None,
        "options": {choice.flag: choice.description for choice in flow.choices},
        "languages": list(flow.languages),
    }
