"""What `optout doctor` records (pydantic models: `report.json` in the zip, read back by
`scripts/fixture-from-report`), and the zip itself with the README.txt that says what is in it."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from agent.models import State

Outcome = Literal["found", "not_found", "not_offered", "skipped", "error", "wall"]
# The outcomes that mean the flow found its way at that step.
FOUND: frozenset[Outcome] = frozenset({"found", "not_offered", "skipped"})
REPORT_JSON = "report.json"
README = "README.txt"


class LocatorMatch(BaseModel):
    """One of the flow's ways of finding something, and how many visible elements it matched
    on the page after the step."""

    looks_for: Literal["click", "ready", "control", "not_offered", "wall"]
    way: str
    count: int


class Candidate(BaseModel):
    """A visible element with a state of its own (a switch, a checkbox, a toggle button): one
    that could be the setting's control. Sanitized like the page."""

    tag: str
    attributes: dict[str, str]
    aria: str


class StepRecord(BaseModel):
    index: int  # in the report (a planned step may be recorded twice: two direct routes)
    number: int  # the step's number in `optout plan`
    part: str
    description: str
    asked: str | None = None  # the path the step opened, as the flow gives it
    url: str | None = None  # where the page was after the step, sanitized
    outcome: Outcome = "error"
    message: str | None = None
    seconds: float = 0.0
    matches: list[LocatorMatch] = []
    candidates: list[Candidate] = []
    redirects: list[tuple[str, str]] = []  # pages the site sent elsewhere during the step
    page: str | None = None  # the zip member holding the page's HTML
    aria: str | None = None  # the zip member holding its ARIA snapshot
    language: str | None = None

    @property
    def found(self) -> bool:
        return self.outcome in FOUND


class Versions(BaseModel):
    optout: str
    playwright: str
    browser: str
    python: str
    system: str


class Report(BaseModel):
    platform: str
    name: str  # the platform's name
    setting: str
    created_at: datetime
    versions: Versions
    state: State = "unknown"  # what the read step found, when it got there
    blocked_writes: int = 0
    stopped: str | None = None  # why the walk ended early, when it did
    steps: list[StepRecord] = []

    @property
    def found(self) -> list[StepRecord]:
        return [s for s in self.steps if s.found]

    @property
    def not_found(self) -> list[StepRecord]:
        return [s for s in self.steps if not s.found]


def step_line(step: StepRecord) -> str:
    said = {
        "found": "found what the flow looks for",
        "not_found": "NOT FOUND",
        "not_offered": "the page says the setting is not offered",
        "skipped": "not asked for here (an optional step)",
        "error": "ERROR",
        "wall": "STOPPED at a wall",
    }[step.outcome]
    where = f" at {step.url}" if step.url else ""
    why = f": {step.message}" if step.message and not step.found else ""
    return f"{step.index:>2}. (step {step.number}) {step.description}: {said}{where}{why}"


def readme(report: Report) -> str:
    v = report.versions
    lines = [
        f'optout doctor report: {report.name}, "{report.setting}"',
        f"Made {report.created_at:%Y-%m-%d %H:%M} UTC by optout {v.optout}, {v.browser}, "
        f"Playwright {v.playwright}, Python {v.python}, {v.system}.",
        "",
        "What this is",
        "  optout walked the way to the setting in your own session, read-only, and recorded",
        "  every step: the setting's own page first, then the way a person clicks there, then",
        "  reading the setting. Nothing with a state was clicked, and every request that could",
        f"  change something was blocked ({report.blocked_writes} were). It went on after a step",
        "  failed, as far as it could get. Nothing was sent anywhere: you decide whom to give",
        "  this file (the maintainers of optout's flow for this platform, to fix it).",
        "",
        "What is inside",
        f"  {README:<22} this file",
        f"  {REPORT_JSON:<22} every step: what it did, the address (path only, ids replaced),",
        "                         which of the flow's locators matched and how many times, the",
        "                         attributes of each element that could be the setting's",
        "                         control, the outcome and how long it took; the versions above",
        "  pages/NN-stepM.html    the page after each step, sanitized (below)",
        "  aria/NN-stepM.yaml     its accessibility tree (Playwright's ARIA snapshot), sanitized",
        "",
        "What was removed or replaced before anything was written",
        "  Kept: the platform's interface text, that is the labels optout knows and the text of",
        "  buttons, headings, form labels, menu items, switches and links to the settings pages,",
        "  unless it holds a digit, an @, an address, or a word of a name the page gives a picture.",
        "  Replaced by x and 0 of the same shape: every other text (names, headlines, posts,",
        "  messages, e-mail addresses, phone numbers), alt texts, labels outside the interface,",
        "  form values, digits in ids, and every part of an address the flow does not know.",
        "  Removed: scripts, stylesheets' addresses, frames, inline data, pictures and videos",
        "  (grey boxes of the same size instead). Never read: cookies, local storage, passwords.",
        "  No screenshot is included: a picture of the page cannot be cleaned this way.",
        "",
        "Look before you share: open the pages in a browser. If you still see something of",
        "yours, do not share the file, and tell the maintainers what kind of text it was.",
        "",
        f"Steps ({len(report.found)} found what the flow looks for, {len(report.not_found)} did not)",
        *(f"  {step_line(s)}" for s in report.steps),
    ]
    if report.stopped:
        lines += ["", f"The walk stopped early: {report.stopped}"]
    return "\n".join(lines) + "\n"


def zip_bytes(report: Report, files: dict[str, str]) -> bytes:
    """The whole report as one zip: README.txt, report.json and the `files` (name: text)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README, readme(report))
        archive.writestr(REPORT_JSON, report.model_dump_json(indent=2))
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
