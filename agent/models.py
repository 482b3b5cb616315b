"""Data at the boundaries: flows (what a platform module declares), storage states (what a
session file holds) and results (what `--json` prints)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

State = Literal["on", "off", "unavailable", "unknown"]
Action = Literal["status", "apply", "dry-run"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- flows -------------------------------------------------------------------------------------


class Locate(_Frozen):
    """One way to find an element, in Playwright's order of preference: by ARIA role and
    accessible name, else by visible text, else by CSS (a last resort: it breaks on redesigns).
    `name` and `text` are regular expressions, matched case-insensitively."""

    role: str | None = None
    name: str | None = None
    text: str | None = None
    href: str | None = None  # a link, by the path it leads to: works in any UI language
    css: str | None = None
    within: Locate | None = None  # only inside this element (e.g. a dialog)

    @model_validator(mode="after")
    def _one_way(self) -> Locate:
        ways = [self.role, self.text, self.href, self.css]
        if sum(way is not None for way in ways) != 1:
            raise ValueError("give exactly one of role (with an optional name), text, href or css")
        if self.name is not None and self.role is None:
            raise ValueError("name goes with role")
        for pattern in (self.name, self.text):
            if pattern is not None:
                re.compile(pattern)
        return self

    def describe(self) -> str:
        if self.role:
            what = f'{self.role} "{self.name}"' if self.name else f"any {self.role}"
        elif self.text or self.href:
            what = f'text "{self.text}"' if self.text else f"a link to {self.href}"
        else:
            what = f"css {self.css}"
        return f"{what} in {self.within.describe()}" if self.within else what


def role(role_name: str, name: str | None = None, *, within: Locate | None = None) -> Locate:
    return Locate(role=role_name, name=name, within=within)


def text(pattern: str) -> Locate:
    return Locate(text=pattern)


def any_label(labels: Mapping[str, str], match: Literal["whole", "start", "word"] = "whole") -> str:
    """A name pattern for a label in any of the UI languages a flow knows ({"en": ..., "de":
    ...}), with either apostrophe and "&" also read as "and". `match`: the accessible name is
    the label ("whole"), begins with it ("start", e.g. a row that adds its state), or holds it
    as a word ("word", e.g. a button whose name adds an avatar's alt text)."""
    names = "|".join(
        re.escape(label).replace("'", "['\u2019]").replace(r"\&", "(&|and)")
        for label in labels.values()
    )
    return {"whole": rf"^({names})$", "start": rf"^({names})\b", "word": rf"\b({names})\b"}[match]


def link_to(href: str, *, within: Locate | None = None) -> Locate:
    return Locate(href=href, within=within)


def css(selector: str) -> Locate:
    return Locate(css=selector)


class Step(_Frozen):
    """One move a person makes on the way to the setting: open a page or click something, then
    see the page they expect (`ready`). `when_missing` says what it means when the click target is
    not there although the page is: the site changed, or the platform does not offer the setting
    to this account (then `ready` of the step before must prove the page is fully rendered)."""

    description: str
    goto: str | None = None
    click: tuple[Locate, ...] = ()
    ready: tuple[Locate, ...] = ()
    when_missing: Literal["site_changed", "unavailable"] = "site_changed"
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


class Marker(_Frozen):
    """Something on a page that means the person must act before anything else: a "Log in"
    button on a page that serves signed-out visitors too, a security check, new terms to accept.
    `says` tells the person what to do (it replaces the usual message when given)."""

    kind: Literal["sign_in", "challenge"]
    shows: tuple[Locate, ...] = Field(min_length=1)
    says: str | None = None


class Walls(_Frozen):
    """Where the platform sends a visitor it will not serve: sign-in pages and security checks,
    as regular expressions over the URL's path; and `markers`, what such a wall looks like
    when the address does not change."""

    sign_in: tuple[str, ...]
    challenge: tuple[str, ...]
    markers: tuple[Marker, ...] = ()

    @field_validator("sign_in", "challenge")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns


class Switch(_Frozen):
    """A switch or checkbox whose own checked state is the setting. It may sit behind a row that
    opens a small dialog (`reveal`), closed after the change with a button such as "Done"
    (`close`, never an accept)."""

    kind: Literal["switch"] = "switch"
    find: tuple[Locate, ...] = Field(min_length=1)
    reveal: tuple[Locate, ...] = ()
    close: tuple[Locate, ...] = ()

    @property
    def shows(self) -> tuple[Locate, ...]:
        """What shows that the control is on the page."""
        return self.find + self.reveal


class Buttons(_Frozen):
    """A setting without a switch: the button on offer tells the state ("Turn off" shows it is
    ON, "Turn on" that it is OFF), and turning it off takes a few clicks (a menu, a confirm)."""

    kind: Literal["buttons"] = "buttons"
    on_when: tuple[Locate, ...] = Field(min_length=1)
    off_when: tuple[Locate, ...] = Field(min_length=1)
    switch_off: tuple[Step, ...] = Field(min_length=1)

    @property
    def shows(self) -> tuple[Locate, ...]:
        """What shows that the control is on the page."""
        return self.on_when + self.off_when

    @field_validator("switch_off")
    @classmethod
    def _clicks(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        if any(step.goto for step in steps):
            raise ValueError("switching off happens on the setting's page: clicks only")
        return steps


class Choice(_Frozen):
    """An option the person can take on a platform (`--delete-activity`), off by default."""

    id: str = Field(pattern=r"^[a-z][a-z-]*$")
    description: str


class Setting(_Frozen):
    """What the setting is, for people: `platforms` and `plan` print this."""

    id: str
    name: str
    control_label: str
    regions: str
    covers: str
    does_not_cover: tuple[str, ...]
    help_url: str


class Flow(_Frozen):
    """Everything the runner needs to know about one platform's setting, as data."""

    id: str = Field(pattern=r"^[a-z][a-z0-9]*$")
    name: str
    origin: str = Field(pattern=r"^https://[^/]+$")
    cookie_domain: str
    session_cookies: tuple[str, ...] = Field(min_length=1)
    sign_in: str = Field(pattern=r"^(/|https://)")  # where `login` opens the browser
    walls: Walls
    setting: Setting
    direct: str = Field(pattern=r"^/")
    also_direct: tuple[str, ...] = ()  # other routes to the same page, tried in order
    click_path: tuple[Step, ...] = Field(min_length=1)
    control: Switch | Buttons = Field(discriminator="kind")
    # What a page shows instead of the control when the platform does not offer the setting
    # to this account (a region, a work account whose admin decides).
    not_offered: tuple[Locate, ...] = ()
    save_request: str | None = None
    dismiss: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    languages: tuple[str, ...] = ("en",)  # UI languages whose labels the flow knows

    @property
    def direct_url(self) -> str:
        return self.origin + self.direct

    def url(self, where: str, origin: str | None = None) -> str:
        """The address of a path on the platform, or of a URL on another of its hosts. With
        `origin` (`--base-url`) every host of the platform maps to that one origin."""
        if where.startswith("/"):
            return (origin or self.origin) + where
        if origin is None:
            return where
        parts = urlsplit(where)
        return origin + urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


# --- sessions ----------------------------------------------------------------------------------


class Cookie(BaseModel):
    """A cookie as Playwright's storage state writes it."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    value: str
    domain: str = Field(min_length=1)
    path: str = "/"
    expires: float = -1
    httpOnly: bool = False
    secure: bool = False
    sameSite: Literal["Strict", "Lax", "None"] = "Lax"

    def belongs_to(self, domain: str) -> bool:
        host = self.domain.lstrip(".").lower()
        return host == domain or host.endswith("." + domain)


class OriginStorage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    origin: str
    localStorage: list[dict[str, str]] = []


class StorageState(BaseModel):
    """Playwright's storage-state file: what a signed-in browser context holds."""

    model_config = ConfigDict(extra="ignore")

    cookies: list[Cookie]
    origins: list[OriginStorage] = []


# --- results -----------------------------------------------------------------------------------


class ErrorInfo(BaseModel):
    kind: Literal["auth_required", "challenge", "site_changed", "verify_failed", "internal"]
    message: str
    step: int | None = None


class Result(BaseModel):
    """One platform and account after one action: exactly what `--json` prints."""

    platform: str
    account: str
    setting: str
    action: Action
    state_before: State = "unknown"
    state: State = "unknown"
    changed: bool = False
    error: ErrorInfo | None = None
    evidence: list[str] = []
    checked_at: datetime
    language: str | None = None  # the page's UI language (<html lang>), when it said
    found_by: str | None = None  # how the control was found, e.g. "label" or "structure"
