"""What a platform module declares: the setting, where it lives, the walls in front of it, and
its control. A flow is data; the engine (agent/engine/) walks it."""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from agent.models.locate import Frozen, Locate, Step


class Marker(Frozen):
    """Something on a page that means the person must act before anything else: a button to
    sign in on a page that serves signed-out visitors too, a security check, new terms to accept.
    `says` tells the person what to do (it replaces the usual message when given); "{login}" in
    it becomes the command that signs this account in again, "{platform}" the platform's name."""

    kind: Literal["sign_in", "challenge"]
    shows: tuple[Locate, ...] = Field(min_length=1)
    says: str | None = None


class Walls(Frozen):
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


class PlanItem(Frozen):
    """One numbered line of a plan that a control contributes, and the step it takes (None when
    the control's own driver does the work, e.g. flipping a switch)."""

    description: str
    step: Step | None = None


class Control(Frozen):
    """A kind of control that holds a setting: a switch, buttons that tell the state, a select,
    a checkbox with a Save button... Each kind is one class in agent/engine/controls/, holding
    the data a flow gives (how to find it) and the driver's behaviour (how to read it and switch
    it off). This base is the part that needs no browser: what shows it, and the plan."""

    kind: str

    @property
    @abstractmethod
    def shows(self) -> tuple[Locate, ...]:
        """What shows that the control is on the page."""

    @property
    def clicks(self) -> tuple[Locate, ...]:
        """What the control's own steps click: an overlay holding one of these is the way to
        the setting, never in the way of it."""
        return self.shows

    @abstractmethod
    def plan_read(self, label: str) -> str:
        """The plan's line for reading the state."""

    @abstractmethod
    def plan_switch_off(self, choices: frozenset[str]) -> tuple[PlanItem, ...]:
        """The plan's lines for switching it off, in order, given the person's choices."""


class Choice(Frozen):
    """An option the person can take on a platform (`--delete-activity`), off by default.
    `warning` marks one that destroys something (the person is asked first); `done` is what
    the result says once it was carried out."""

    id: str = Field(pattern=r"^[a-z][a-z-]*$")
    description: str
    warning: str | None = None
    done: str | None = None

    @property
    def flag(self) -> str:
        return f"--{self.id}"


class Setting(Frozen):
    """What the setting is, for people: `platforms` and `plan` print this."""

    id: str
    name: str
    control_label: str
    regions: str
    covers: str
    does_not_cover: tuple[str, ...]
    help_url: str


class MoreSetting(Frozen):
    """Another setting of the same platform, found on the flow's page by a control of its own.
    Each setting is read, switched off and proven on a fresh load on its own, one after the
    other (a page that saves all its settings at once would otherwise undo one with the other),
    and has a result of its own."""

    setting: Setting
    control: Control


# Where a per-object flow's data names the object (a site's host): in the setting's id, its
# routes, its steps' paths and its locators' names.
OBJECT = "{object}"


KEY = "{key}"  # where the key is in what a listed attribute holds (`PerObject.key_within`)


class PerObject(Frozen):
    """A setting that each of the person's objects (sites, blogs) has on its own: the objects
    are listed first, on `list_page`, one `items` element each, named by its `key_attribute`;
    then each object's setting is a target of its own, whose flow is this one with "{object}"
    replaced by the key everywhere (`Flow.for_object`). A key must fully match `key_pattern`
    (what a key looks like: a host, a blog's name); the attribute must fully match
    `key_within`, a regular expression with "{key}" where the key is, when it holds more than
    the key (a link's href: "/blog/{key}"). A key becomes part of paths and names, so one that
    holds any of `UNSAFE_IN_KEYS` is never used. More than `most` objects stop the run before
    any is changed. `empty` is what the list page shows when there are none: without it, a
    list page that shows no item is a changed site."""

    noun: str = Field(pattern=r"^[a-z][a-z ]*$")  # "site": what one object is called
    plural: str = Field(pattern=r"^[a-z][a-z ]*$")  # "sites"
    list_page: str = Field(pattern=r"^/")
    items: Locate
    key_attribute: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    key_pattern: str
    key_within: str = Field(default=KEY, pattern=r"\{key\}")
    empty: tuple[Locate, ...] = ()
    most: int = Field(default=50, ge=1)

    @model_validator(mode="after")
    def _compiles(self) -> PerObject:
        re.compile(self.key_pattern)
        re.compile(self._attribute)
        return self

    @property
    def _attribute(self) -> str:
        return self.key_within.replace(KEY, f"(?P<key>{self.key_pattern})")

    def key(self, raw: str | None) -> str | None:
        """The key that the listed attribute names, when it looks like one (else None: never
        used)."""
        found = re.fullmatch(self._attribute, raw or "")
        return self.is_key(found.group("key")) if found else None

    def is_key(self, key: str) -> str | None:
        """`key`, when it looks like one and is safe to use (else None)."""
        safe = key.strip(".") and not UNSAFE_IN_KEYS.intersection(key)  # ".." is no folder
        return key if safe and re.fullmatch(self.key_pattern, key) else None

# What a key may never hold: it becomes part of paths ("/", "?", "#", "%", "\\"), of CSS
# attribute values (quotes) and of the flow's data ("{").
UNSAFE_IN_KEYS = frozenset("/?#%\\\"'{} <>")


def _for_object(value: Any, key: str, pattern: bool = False) -> Any:
    """`value` (a flow's data) with "{object}" replaced by `key`, as a regular expression in
    locators' name and text patterns, as it is everywhere else."""
    if isinstance(value, str) and pattern:  # a label made a pattern has "{object}" escaped
        return value.replace(re.escape(OBJECT), re.escape(key)).replace(OBJECT, re.escape(key))
    if isinstance(value, str):
        return value.replace(OBJECT, key)
    if isinstance(value, tuple):
        return tuple(_for_object(item, key) for item in value)
    if isinstance(value, BaseModel):
        regex = isinstance(value, Locate)
        update = {
            name: _for_object(getattr(value, name), key, regex and name in ("name", "text"))
            for name in type(value).model_fields
        }
        return value.model_copy(update=update)
    return value


class Flow(Frozen):
    """Everything the engine needs to know about one platform's setting, as data."""

    id: str = Field(pattern=r"^[a-z][a-z0-9]*$")
    name: str
    origin: str = Field(pattern=r"^https://[^/]+$")
    cookie_domain: str
    session_cookies: tuple[str, ...] = Field(min_length=1)
    sign_in: str = Field(pattern=r"^(/|https://)")  # where `login` opens the browser
    # What its sign-in page shows when it refuses a browser driven by a program ("This
    # browser or app may not be secure"): `login` then suggests taking the everyday browser's
    # session instead of waiting.
    login_refused: tuple[Locate, ...] = ()
    walls: Walls
    setting: Setting
    direct: str = Field(pattern=r"^/")
    also_direct: tuple[str, ...] = ()  # other routes to the same page, tried in order
    click_path: tuple[Step, ...] = Field(min_length=1)
    control: Control
    # What a page shows instead of the control when the platform does not offer the setting
    # to this account (a region, a work account whose admin decides).
    not_offered: tuple[Locate, ...] = ()
    # What a page shows when it failed to load and asks to be reloaded ("Something went wrong.
    # Try reloading."): it is reloaded once; a second time, the walk stops.
    reload_when: tuple[Locate, ...] = ()
    save_request: str | None = None
    # Requests the page makes over POST (or another method that usually writes) only to read,
    # as regular expressions over the URL: let through in read-only runs, where every other
    # such request is blocked.
    reads: tuple[str, ...] = ()
    # What a read-only run need not load (images, fonts, media): less memory and traffic with
    # many accounts. A flow whose control is told by a picture sets this to ().
    skip_on_read: tuple[Literal["image", "font", "media"], ...] = ("image", "font", "media")
    # Names (regular expressions) of buttons that close an overlay without agreeing to
    # anything, in every language the flow knows.
    dismiss: tuple[str, ...] = ()
    # Names of buttons that only acknowledge a notice ("Got it"): closed after the change when
    # the dialog that holds one offers no other choice.
    acknowledge: tuple[str, ...] = ()
    # Names of buttons that confirm turning the setting off, when the page asks after the click.
    confirm: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    languages: tuple[str, ...] = ("en",)  # UI languages whose labels the flow knows
    more_settings: tuple[MoreSetting, ...] = ()
    # A setting each of the person's objects (sites) has: listed first, then one target each.
    per_object: PerObject | None = None
    # The object this flow is for (set by `for_object`); None: every object, to be listed.
    object: str | None = None

    @model_validator(mode="after")
    def _settings_told_apart(self) -> Flow:
        ids = [self.setting.id, *(more.setting.id for more in self.more_settings)]
        if len(set(ids)) != len(ids):
            raise ValueError(f"two settings of {self.id} have one id: {ids}")
        return self

    @model_validator(mode="after")
    def _objects_named(self) -> Flow:
        named = OBJECT in self.setting.id and OBJECT in self.direct
        if self.per_object is not None and self.object is None and not named:
            raise ValueError(f"a per-object setting names {OBJECT} in its id and direct route")
        return self

    @property
    def listing(self) -> bool:
        """Whether a run of this flow lists the objects first (one target each then)."""
        return self.per_object is not None and self.object is None

    def for_object(self, key: str) -> Flow:
        """This flow for one object: "{object}" replaced by its key everywhere."""
        filled: Flow = _for_object(self, key)
        return filled.model_copy(update={"object": key})

    @property
    def shown(self) -> str:
        """What a person sees this flow's target called: the platform, and the object
        ("PLATFORM/alice.example") or the setting when the platform has several
        ("PLATFORM/SETTING_ID")."""
        if self.object is not None:
            return f"{self.id}/{self.object}"
        if self.per_object is not None:
            return f"{self.id}/*"
        return f"{self.id}/{self.setting.id}" if self.more_settings else self.id

    def object_of(self, setting: str) -> str | None:
        """The object a setting id of this flow names ("alice.example/x" -> "alice.example"),
        for a per-object flow; None for any other id."""
        if self.per_object is None or self.object is not None:
            return None
        before, _, after = self.setting.id.partition(OBJECT)
        if not (setting.startswith(before) and setting.endswith(after)):
            return None
        return self.per_object.is_key(setting[len(before) : len(setting) - len(after)])

    @property
    def per_setting(self) -> tuple[Flow, ...]:
        """One flow for each of the platform's settings: this one, then one for each of its
        `more_settings`, which walks the same way to its own control."""
        others = (
            self.model_copy(update={"setting": more.setting, "control": more.control})
            for more in self.more_settings
        )
        return (self, *others)

    def of_setting(self, setting: str) -> Flow | None:
        """The flow of one of the platform's settings, by its id (of one object, for a setting
        each object has: "alice.example/sharing"); None for an id it does not have (one in an
        older history)."""
        for each in self.per_setting:
            if each.setting.id == setting:
                return each
            if (key := each.object_of(setting)) is not None:
                return each.for_object(key)
        return None

    @property
    def choice_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices)

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

    @property
    def routes(self) -> tuple[str, ...]:
        """The setting's own page, then the other routes to it, in the order they are tried."""
        return (self.direct, *self.also_direct)

    def walked(self, choices: frozenset[str] = frozenset()) -> tuple[Locate, ...]:
        """Everything the way to the setting clicks, and the control itself."""
        steps = self.click_path + tuple(
            item.step for item in self.control.plan_switch_off(choices) if item.step
        )
        return self.control.clicks + tuple(way for step in steps for way in step.click)
