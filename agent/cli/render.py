"""What a person reads: result lines, plans and platform descriptions. The CLI and the demo
both print through here; nothing here decides anything."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.engine.plan import Plan
    from agent.models import Flow, Result


def print_json(data: Any) -> None:
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
        said += "".join(
            f" {choice.done}" for choice in flow.choices if choice.id in result.choices and choice.done
        )
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


def describe_all(results: list[Result]) -> list[str]:
    import flows

    width = max(len(f"{r.platform} ({r.account}):") for r in results) if results else 0
    return [describe(r, flows.load(r.platform), width) for r in results]


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
    lines = [
        f'{flow.id}: {flow.name}, "{flow.setting.name}"',
        f"  regions: {flow.setting.regions}",
        f"  covers: {flow.setting.covers}",
    ]
    lines += [f"  does not cover: {line}" for line in flow.setting.does_not_cover]
    lines += [f"  labels known in: {', '.join(flow.languages)}", f"  help: {flow.setting.help_url}"]
    lines += [f"  option {choice.flag}: {choice.description}" for choice in flow.choices]
    return lines


def platform_json(flow: Flow) -> dict[str, Any]:
    return {
        "platform": flow.id,
        "name": flow.name,
        **flow.setting.model_dump(),
        "options": {choice.flag: choice.description for choice in flow.choices},
        "languages": list(flow.languages),
    }
