"""Data at the boundaries: flows (what a platform module declares), storage states (what a
session file holds) and results (what `--json` prints)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

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
    css: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Locate:
        ways = [self.role is not None, self.text is not None, self.css is not None]
        if sum(ways) != 1:
            raise ValueError("give exactly one of role (with an optional name), text or css")
        if self.name is not None and self.role is None:
            raise ValueError("name goes with role")
        for pattern in (self.name, self.text):
            if pattern is not None:
                re.compile(pattern)
        return self

    def describe(self) -> str:
        if self.role:
            return f'{self.role} "{self.name}"' if self.name else f"any {self.role}"
        return f'text "{self.text}"' if self.text else f"css {self.css}"


def role(role_name: str, name: str | None = None) -> Locate:
    return Locate(role=role_name, name=name)


def text(pattern: str) -> Locate:
    return Locate(text=pattern)


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

    @model_validator(mode="after")
    def _one_move(self) -> Step:
        if (self.goto is None) == (not self.click):
            raise ValueError("a step either opens a page (goto) or clicks something (click)")
        if self.goto is not None and not self.goto.startswith("/"):
            raise ValueError("goto is a path on the platform's origin, starting with /")
        return self


class Walls(_Frozen):
    """Where the platform sends a visitor it will not serve: sign-in pages and security checks,
    as regular expressions over the URL's path."""

    sign_in: tuple[str, ...]
    challenge: tuple[str, ...]

    @field_validator("sign_in", "challenge")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns


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
    sign_in_path: str
    walls: Walls
    setting: Setting
    direct: str
    click_path: tuple[Step, ...] = Field(min_length=1)
    control: tuple[Locate, ...] = Field(min_length=1)
    save_request: str | None = None
    dismiss: tuple[str, ...] = ()

    @property
    def direct_url(self) -> str:
        return self.origin + self.direct


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
