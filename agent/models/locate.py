"""How a flow points at things on a page: `Locate` (one way to find an element, by role and
accessible name first) and `Step` (one move a person makes: open a page or click something)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

# The ARIA roles Playwright finds elements by: a flow's role is checked when it loads.
AriaRole = Literal[
    "alert", "alertdialog", "application", "article", "banner", "blockquote", "button",
    "caption", "cell", "checkbox", "code", "columnheader", "combobox", "complementary",
    "contentinfo", "definition", "deletion", "dialog", "directory", "document", "emphasis",
    "feed", "figure", "form", "generic", "grid", "gridcell", "group", "heading", "img",
    "insertion", "link", "list", "listbox", "listitem", "log", "main", "marquee", "math",
    "menu", "menubar", "menuitem", "menuitemcheckbox", "menuitemradio", "meter", "navigation",
    "none", "note", "option", "paragraph", "presentation", "progressbar", "radio", "radiogroup",
    "region", "row", "rowgroup", "rowheader", "scrollbar", "search", "searchbox", "separator",
    "slider", "spinbutton", "status", "strong", "subscript", "superscript", "switch", "tab",
    "table", "tablist", "tabpanel", "term", "textbox", "time", "timer", "toolbar", "tooltip",
    "tree", "treegrid", "treeitem",
]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Locate(Frozen):
    """One way to find an element, in Playwright's order of preference: by ARIA role and
    accessible name, else by visible text, else by CSS (a last resort: it breaks on redesigns).
    `name` and `text` are regular expressions, matched case-insensitively."""

    role: AriaRole | None = None
    name: str | None = None
    text: str | None = None
    href: str | None = None  # a link, by the path it leads to: works in any UI language
    css: str | None = None
    within: Locate | None = None  # only inside this element (e.g. a dialog)
    # Only in the smallest part of the page that holds both this and the element (a settings
    # row): for a control with no accessible name of its own, found by the title beside it.
    beside: Locate | None = None
    # Only elements that have a state of their own (checked, pressed: True), or that have none
    # (False): a control is told from a row that only opens it by that.
    stateful: bool | None = None
    # Only a control in this state (a radio or checkbox that is checked: True), by its role: a
    # page may tell something by which option is chosen (a site that is not public).
    checked: bool | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Locate:
        ways = [self.role, self.text, self.href, self.css]
        if sum(way is not None for way in ways) != 1:
            raise ValueError("give exactly one of role (with an optional name), text, href or css")
        if (self.name is not None or self.checked is not None) and self.role is None:
            raise ValueError("name and checked go with role")
        for source in (self.name, self.text):
            if source is not None:
                pattern(source)
        return self

    def describe(self) -> str:
        if self.role:
            what = f'{self.role} "{readable(self.name)}"' if self.name else f"any {self.role}"
        elif self.text or self.href:
            what = f'text "{readable(self.text)}"' if self.text else f"a link to {self.href}"
        else:
            what = f"css {self.css}"
        if self.stateful is not None:
            what += " with a state" if self.stateful else " without a state"
        if self.checked is not None:
            what += " (checked)" if self.checked else " (not checked)"
        if self.beside:
            what += f" beside {self.beside.describe()}"
        return f"{what} in {self.within.describe()}" if self.within else what


@functools.cache
def pattern(source: str) -> re.Pattern[str]:
    """A name or text pattern, compiled once per process: compiling one of the flows' patterns
    (every language's label, the state words, the letters of every Latin script, in any case)
    takes milliseconds, and a run looks for the same ones again and again."""
    return re.compile(source, re.I)


def readable(pattern: str | None) -> str:
    """A name pattern as a person reads it: its first label (any_label's first language)."""
    if pattern is None:
        return ""
    pattern = pattern.replace("(&|and)", "&")
    # The first alternative of the first group of labels: not a lookaround "(?", nor the group
    # of what may surround a label, which begins with a character class "([".
    first = re.search(r"\((?![?\[])([^()|]*)", pattern)
    text = first.group(1) if first else pattern.strip("^$")
    text = text.replace(r"\s+", " ").replace("['\u2019]", "'")
    return re.sub(r"\\(.)", r"\1", text)


def role(
    role_name: AriaRole,
    name: str | None = None,
    *,
    within: Locate | None = None,
    beside: Locate | None = None,
    checked: bool | None = None,
) -> Locate:
    return Locate(role=role_name, name=name, within=within, beside=beside, checked=checked)


def text(pattern: str) -> Locate:
    return Locate(text=pattern)


def link_to(href: str, *, within: Locate | None = None) -> Locate:
    return Locate(href=href, within=within)


def css(selector: str) -> Locate:
    return Locate(css=selector)


# Letters, spelled out: the patterns run in the browser, where \w and \b know only ASCII (an
# "é" would end a word in the middle of "Activé"), and in Python, where they know all of Unicode.
LETTER = r"A-Za-z\u00C0-\u024F"
WORD_STARTS = rf"(?<![{LETTER}])"
WORD_ENDS = rf"(?![{LETTER}])"
# Around a label, a name may carry what is not a word: whitespace, punctuation, a chevron or an
# arrow, a count ("Label (3)", "Label On >" with the state words a flow knows).
NOT_A_WORD = rf"[^{LETTER}]"


def any_label(
    labels: Mapping[str, str],
    match: Literal["whole", "start", "word"] = "whole",
    states: Sequence[str] = (),
) -> str:
    """A name pattern for a label in any of the UI languages a flow knows ({"en": ..., "de":
    ...}), in any case and spacing, with either apostrophe and "&" also read as "and".

    `match`: the accessible name is the label ("whole": give or take what is not a word around
    it, and any of the `states`, e.g. "On" or "Off", before or after it; never another word), begins with
    it ("start", e.g. a row that adds more), or holds it as a word ("word", e.g. a button whose
    name adds an avatar's alt text)."""
    names = "|".join(
        re.escape(label.strip())
        .replace(r"\ ", r"\s+")
        .replace("'", "['\u2019]")
        .replace(r"\&", "(&|and)")
        for label in labels.values()
    )
    if match == "start":
        return rf"^\s*({names}){WORD_ENDS}"
    if match == "word":
        return rf"{WORD_STARTS}({names}){WORD_ENDS}"
    words = (rf"{WORD_STARTS}{re.escape(state)}{WORD_ENDS}" for state in states)
    tail = "|".join([NOT_A_WORD, *words])
    return rf"^({tail})*({names})({tail})*$"


def describe_ways(ways: tuple[Locate, ...]) -> str:
    return " or ".join(way.describe() for way in ways)


class Step(Frozen):
    """One move a person makes on the way to the setting: open a page or click something, then
    see the page they expect (`ready`). `when_missing` says what it means when the click target is
    not there although the page is: the site changed, or the platform does not offer the setting
    to this account (then `ready` of the step before must prove the page is fully rendered)."""

    description: str
    goto: str | None = None
    click: tuple[Locate, ...] = ()
    ready: tuple[Locate, ...] = ()
    when_missing: Literal["site_changed", "unavailable"] = "site_changed"
    # A step some pages do not ask for (a confirmation): skipped when its target is not there
    # once the page has settled.
    optional: bool = False
    # Taken only when the person made (or did not make) this choice, e.g. "delete-activity".
    only_with: str | None = None
    only_without: str | None = None

    def taken(self, choices: frozenset[str]) -> bool:
        return (self.only_with is None or self.only_with in choices) and (
            self.only_without is None or self.only_without not in choices
        )

    @model_validator(mode="after")
    def _one_move(self) -> Step:
        if (self.goto is None) == (not self.click):
            raise ValueError("a step either opens a page (goto) or clicks something (click)")
        if self.goto is not None and not self.goto.startswith(("/", "https://")):
            raise ValueError("goto is a path on the platform's origin, or an https:// URL")
        return self
