"""A platform's session cookies from the person's everyday browser, like yt-dlp's
`--cookies-from-browser`: find the browser's profiles, copy a profile's cookie database to a
private folder, let rookie-cookies decrypt the copy, and keep the platform's cookies in the
shape Playwright's storage state gives them.

The browser's own files are only ever read. Its database, with the SQLite write-ahead log and
rollback journal beside it, is copied first, so this works while the browser is open and never
disturbs it; the copy is deleted afterwards. Cookie values never reach a message: the
library's errors are put in our own words, without their text.

Where the profiles live is worked out from the home folder (and, as the OS sets them,
XDG_CONFIG_HOME, LOCALAPPDATA and APPDATA); pass `home=` to look in another one instead.
"""

from __future__ import annotations

import configparser
import json
import logging
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from agent.errors import BadInput, PersonMustAct
from agent.models import Cookie, StorageState

# rookie-cookies logs through `logging`. With no handler anywhere, Python would print its
# warnings to stderr around our own message (logging.lastResort); this keeps them out unless
# the application configures logging itself.
logging.getLogger("rookie_cookies").addHandler(logging.NullHandler())

Engine = Literal["chromium", "firefox", "safari"]
System = Literal["linux", "darwin", "win32"]

LOGIN_HINT = "or sign in with `optout login`"


@dataclass(frozen=True)
class _Browser:
    title: str
    engine: Engine
    # Where the browser keeps its profiles on each OS, newest layout first. "{config}" is
    # XDG_CONFIG_HOME, "{support}" ~/Library/Application Support, "{local}" and "{roaming}"
    # LOCALAPPDATA and APPDATA.
    roots: dict[System, tuple[str, ...]]


_BROWSERS: dict[str, _Browser] = {
    "chrome": _Browser(
        "Chrome",
        "chromium",
        {
            "linux": (
                "{config}/google-chrome",
                "{home}/.var/app/com.google.Chrome/config/google-chrome",
            ),
            "darwin": ("{support}/Google/Chrome",),
            "win32": ("{local}/Google/Chrome/User Data",),
        },
    ),
    "chromium": _Browser(
        "Chromium",
        "chromium",
        {
            "linux": (
                "{config}/chromium",
                "{home}/snap/chromium/common/chromium",
                "{home}/.var/app/org.chromium.Chromium/config/chromium",
            ),
            "darwin": ("{support}/Chromium",),
            "win32": ("{local}/Chromium/User Data",),
        },
    ),
    "edge": _Browser(
        "Microsoft Edge",
        "chromium",
        {
            "linux": ("{config}/microsoft-edge",),
            "darwin": ("{support}/Microsoft Edge",),
            "win32": ("{local}/Microsoft/Edge/User Data",),
        },
    ),
    "brave": _Browser(
        "Brave",
        "chromium",
        {
            "linux": (
                "{config}/BraveSoftware/Brave-Browser",
                "{home}/.var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser",
            ),
            "darwin": ("{support}/BraveSoftware/Brave-Browser",),
            "win32": ("{local}/BraveSoftware/Brave-Browser/User Data",),
        },
    ),
    "opera": _Browser(
        "Opera",
        "chromium",
        {
            "linux": ("{config}/opera",),
            "darwin": ("{support}/com.operasoftware.Opera",),
            "win32": ("{roaming}/Opera Software/Opera Stable",),
        },
    ),
    "vivaldi": _Browser(
        "Vivaldi",
        "chromium",
        {
            "linux": ("{config}/vivaldi",),
            "darwin": ("{support}/Vivaldi",),
            "win32": ("{local}/Vivaldi/User Data",),
        },
    ),
    "firefox": _Browser(
        "Firefox",
        "firefox",
        {
            "linux": (
                "{config}/mozilla/firefox",  # Firefox 147 and later, on new installs
                "{home}/.mozilla/firefox",
                "{home}/snap/firefox/common/.mozilla/firefox",
                "{home}/.var/app/org.mozilla.firefox/config/mozilla/firefox",
                "{home}/.var/app/org.mozilla.firefox/.mozilla/firefox",
            ),
            "darwin": ("{support}/Firefox",),
            "win32": (
                "{roaming}/Mozilla/Firefox",
                "{local}/Packages/Mozilla.Firefox_n80bbvh6b1yt2/LocalCache/Roaming/Mozilla/Firefox",
            ),
        },
    ),
    "safari": _Browser(
        "Safari",
        "safari",
        {
            "darwin": (
                "{home}/Library/Containers/com.apple.Safari/Data/Library/Cookies",
                "{home}/Library/Cookies",
            ),
        },
    ),
}

KNOWN_BROWSERS: tuple[str, ...] = tuple(_BROWSERS)


@dataclass(frozen=True)
class BrowserSpec:
    """What `--from-browser BROWSER[:PROFILE]` names; no profile means every profile."""

    browser: str
    profile: str | None = None

    def __str__(self) -> str:
        return f"{self.browser}:{self.profile}" if self.profile else self.browser


@dataclass(frozen=True)
class Profile:
    """One browser profile that keeps cookies. `name` is what goes after the colon in
    BROWSER:PROFILE; the display name (Chromium's "Work") and folder name select it too."""

    browser: str
    name: str
    folder: Path
    cookie_file: Path
    display_name: str | None = None
    key_file: Path | None = None  # Chromium's Local State: holds the cookie key on Windows

    def __str__(self) -> str:
        shown = self.display_name and self.display_name != self.name
        return f"{self.name} ({self.display_name})" if shown else self.name

    def answers_to(self, wanted: str) -> bool:
        names = (self.name, self.display_name, self.folder.name)
        return any(name is not None and name.casefold() == wanted.casefold() for name in names)


@dataclass(frozen=True)
class ProfileCookies:
    """A platform's cookies as one browser profile holds them."""

    browser: str
    profile: str
    cookies: tuple[Cookie, ...]

    @property
    def source(self) -> str:
        """How messages name where the cookies came from, e.g. "chrome:Profile 1"."""
        return f"{self.browser}:{self.profile}"

    def storage_state(self) -> StorageState:
        return StorageState(cookies=list(self.cookies))


def parse_browser_spec(spec: str) -> BrowserSpec:
    """`BROWSER[:PROFILE]`, e.g. `firefox`, `chrome:Profile 1`; browser names in any case."""
    name, colon, profile = spec.partition(":")
    browser = name.strip().lower()
    if browser not in _BROWSERS:
        raise BadInput(
            f"Unknown browser {name.strip()!r}. Use one of {', '.join(KNOWN_BROWSERS)}, "
            "optionally with :PROFILE (e.g. chrome:Default)."
        )
    profile = profile.strip()
    if colon and not profile:
        raise BadInput(
            f"No profile after the colon in {spec!r}. Name one (e.g. {browser}:Default), "
            "or leave out the colon to look in every profile."
        )
    return BrowserSpec(browser, profile or None)


def list_profiles(
    browser: str, *, home: Path | None = None, system: str | None = None
) -> list[Profile]:
    """The browser's profiles that have a cookie database, the one it uses by default first;
    none when it is not installed. `system` (as sys.platform says it) is for looking at
    another OS's layout."""
    entry = _browser(browser)
    browser = browser.lower()
    profiles: list[Profile] = []
    for root in _roots(entry, _system(system), home):
        if not root.is_dir():
            continue
        found = {
            "chromium": _chromium_profiles,
            "firefox": _firefox_profiles,
            "safari": _safari_profiles,
        }[entry.engine](browser, root)
        # A profile name found in an earlier (newer) layout wins over the same name in an
        # older one, so that every name selects exactly one profile.
        taken = {profile.name for profile in profiles}
        profiles += [profile for profile in found if profile.name not in taken]
    return profiles


def cookies_from_browser(
    spec: BrowserSpec | str, domains: Sequence[str], *, home: Path | None = None
) -> list[ProfileCookies]:
    """The cookies of `domains` (each with its subdomains) in the named profile, or in every
    profile that has some when none is named (then an empty list if none has)."""
    if isinstance(spec, str):
        spec = parse_browser_spec(spec)
    wanted = tuple(domain.strip().lstrip(".").lower() for domain in domains)
    profiles = list_profiles(spec.browser, home=home)
    if not profiles:
        raise _not_installed(spec.browser, home)
    if spec.profile is not None:
        return [_read_profile(_pick(profiles, spec.browser, spec.profile), wanted)]
    found: list[ProfileCookies] = []
    failures: list[PersonMustAct] = []
    for profile in profiles:
        try:
            read = _read_profile(profile, wanted)
        except PersonMustAct as failure:
            # One unreadable profile should not hide another that holds the session.
            failures.append(failure)
            continue
        if read.cookies:
            found.append(read)
    if not found and failures:
        raise failures[0]
    return found


# --- where profiles are ------------------------------------------------------------------------


def _browser(browser: str) -> _Browser:
    try:
        return _BROWSERS[browser.lower()]
    except KeyError:
        raise BadInput(
            f"Unknown browser {browser!r}. Use one of {', '.join(KNOWN_BROWSERS)}."
        ) from None


def _system(system: str | None) -> System:
    platform = system or sys.platform
    if platform in ("win32", "cygwin"):
        return "win32"
    return "darwin" if platform == "darwin" else "linux"  # the BSDs keep to XDG as Linux does


def _roots(entry: _Browser, system: System, home: Path | None) -> list[Path]:
    base = home or Path.home()

    def from_env(variable: str, fallback: Path) -> Path:
        # An explicit `home` stands for a whole user: the OS's variables belong to the real one.
        value = os.environ.get(variable) if home is None else None
        return Path(value) if value else fallback

    places = {
        "home": base,
        "config": from_env("XDG_CONFIG_HOME", base / ".config"),
        "support": base / "Library" / "Application Support",
        "local": from_env("LOCALAPPDATA", base / "AppData" / "Local"),
        "roaming": from_env("APPDATA", base / "AppData" / "Roaming"),
    }
    return [Path(root.format(**places)) for root in entry.roots.get(system, ())]


def _chromium_profiles(browser: str, root: Path) -> list[Profile]:
    local_state = root / "Local State"
    names, last_used = _chromium_local_state(local_state)
    key_file = local_state if local_state.is_file() else None
    profiles: list[Profile] = []
    claimed: set[Path] = set()  # folders of cookie files found already, e.g. Opera's Network
    # Opera keeps its one profile in the root itself; the others keep one folder each.
    for folder in (root, *sorted(path for path in root.iterdir() if path.is_dir())):
        candidates = (folder / "Network" / "Cookies", folder / "Cookies")
        cookie_file = next((f for f in candidates if f.is_file()), None)
        if cookie_file is None or folder in claimed:
            continue
        claimed.add(cookie_file.parent)
        name = "Default" if folder == root else folder.name
        profiles.append(
            Profile(browser, name, folder, cookie_file, names.get(folder.name), key_file)
        )
    first = last_used or "Default"
    return sorted(profiles, key=lambda p: (p.name != first, _natural(p.name)))


def _chromium_local_state(path: Path) -> tuple[dict[str, str], str | None]:
    """Display names by profile folder, and the profile last used, from `Local State`; none
    when the file is missing or unreadable, as profiles are found by their folders anyway."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        info = state["profile"]
        names = {folder: entry["name"] for folder, entry in info.get("info_cache", {}).items()}
        last_used = info.get("last_used")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, None
    return names, last_used if isinstance(last_used, str) else None


def _firefox_profiles(browser: str, root: Path) -> list[Profile]:
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        ini.read(root / "profiles.ini", encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        ini = configparser.ConfigParser()
    sections = [ini[name] for name in ini.sections()]
    # An [Install...] section names the profile that installation opens; before Firefox 67,
    # Default=1 marked it. Those come first.
    installs = {s.get("default") for s in sections if s.name.startswith("Install")}
    profiles: list[Profile] = []
    rank: dict[str, int] = {}
    for section in (s for s in sections if s.name.startswith("Profile") and s.get("path")):
        path = section["path"]
        folder = root / path if section.get("isrelative", "1") == "1" else Path(path)
        if (folder / "cookies.sqlite").is_file():
            name = section.get("name") or folder.name
            profiles.append(Profile(browser, name, folder, folder / "cookies.sqlite"))
            rank[name] = 0 if path in installs else 1 if section.get("default") == "1" else 2
    if not sections:  # no profiles.ini: every folder with a cookie database is a profile
        found = sorted({*root.glob("*/cookies.sqlite"), *root.glob("Profiles/*/cookies.sqlite")})
        profiles = [Profile(browser, f.parent.name, f.parent, f) for f in found]
    return sorted(profiles, key=lambda p: (rank.get(p.name, 2), _natural(p.name)))


def _safari_profiles(browser: str, root: Path) -> list[Profile]:
    cookie_file = root / "Cookies.binarycookies"
    return [Profile(browser, "Default", root, cookie_file)] if cookie_file.is_file() else []


def _natural(name: str) -> list[str | int]:
    """Sort "Profile 2" before "Profile 10"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _pick(profiles: list[Profile], browser: str, wanted: str) -> Profile:
    exact = [p for p in profiles if p.name == wanted]
    matches = exact or [p for p in profiles if p.answers_to(wanted)]
    if len(matches) == 1:
        return matches[0]
    title = _BROWSERS[browser].title
    listing = ", ".join(str(p) for p in profiles)
    what = "Several profiles are called" if matches else "There is no profile"
    raise BadInput(
        f"{what} {wanted!r} in {title}. Its profiles: {listing}. "
        f"Name one, e.g. {browser}:{profiles[0].name}."
    )


def _not_installed(browser: str, home: Path | None) -> BadInput:
    entry = _BROWSERS[browser]
    roots = _roots(entry, _system(None), home)
    if not roots:
        return BadInput(
            f"optout can read {entry.title}'s cookies only on macOS. "
            f"Name another browser, {LOGIN_HINT}."
        )
    more = f" and {len(roots) - 1} other places" if len(roots) > 1 else ""
    return BadInput(
        f"Found no {entry.title} profile with cookies (looked in {roots[0]}{more}). "
        f"Is {entry.title} installed for this user? Name another browser, {LOGIN_HINT}."
    )


# --- reading a profile -------------------------------------------------------------------------

_COPY_ATTEMPTS = 3
# Written beside a SQLite database while the browser has it open: the newest cookies may be in
# the write-ahead log still, and a rollback journal undoes a half-done write. The WAL's shared-
# memory index (-shm) is left behind on purpose: a live one may not match the log as copied,
# and without it SQLite rebuilds the index from the log itself.
_COMPANIONS = ("-wal", "-journal")
_SAME_SITE: dict[int, Literal["Strict", "Lax", "None"]] = {2: "Strict", 1: "Lax", 0: "None"}


def _read_profile(profile: Profile, domains: tuple[str, ...]) -> ProfileCookies:
    entry = _BROWSERS[profile.browser]
    with tempfile.TemporaryDirectory(prefix="optout-cookies-") as private:
        folder = Path(private)
        copy = _private_copy(profile, folder)
        encrypted = _encrypted_rows(profile, copy, domains) if entry.engine == "chromium" else {}
        key_copy = None
        if entry.engine == "chromium" and profile.key_file is not None:
            key_copy = _copy_file(profile, profile.key_file, folder / "Local State")
        rows = _extract(profile, copy, key_copy, domains, encrypted)
    cookies = tuple(_cookie(row) for row in rows if row["name"] and row["domain"])
    cookies = tuple(c for c in cookies if any(c.belongs_to(d) for d in domains))
    got = {(c.domain, c.name, c.path) for c in cookies}
    unread = {prefix for key, prefix in encrypted.items() if key not in got}
    if unread:
        raise _undecryptable(entry, unread)
    return ProfileCookies(profile.browser, profile.name, cookies)


def _private_copy(profile: Profile, folder: Path) -> Path:
    """The profile's cookie database copied into `folder` as one consistent file."""
    source = profile.cookie_file
    copy = folder / source.name
    if _BROWSERS[profile.browser].engine == "safari":  # one file, not SQLite
        return _copy_file(profile, source, copy)
    for _ in range(_COPY_ATTEMPTS):
        for suffix in (*_COMPANIONS, "-shm"):  # what an earlier attempt left
            (folder / (source.name + suffix)).unlink(missing_ok=True)
        _copy_file(profile, source, copy)
        for suffix in _COMPANIONS:
            companion = source.with_name(source.name + suffix)
            try:
                shutil.copyfile(companion, folder / companion.name)
            except FileNotFoundError:
                continue
            except OSError:
                raise _locked(profile) from None
        if _settled(copy):
            return copy
        # The browser wrote between copying the database and its log: copy both again.
    title = _BROWSERS[profile.browser].title
    raise PersonMustAct(
        f"Could not get a readable copy of the cookies in {_named(profile)}: the database is "
        f"damaged or {title} keeps writing it. Close {title} and try again, {LOGIN_HINT}."
    )


def _copy_file(profile: Profile, source: Path, target: Path) -> Path:
    try:
        shutil.copyfile(source, target)
    except OSError:
        raise _locked(profile) from None
    return target


def _settled(copy: Path) -> bool:
    """Fold the copied log or journal into the copy, and check the result is whole. Only the
    private copy is opened: SQLite may write there, never beside the browser's database."""
    try:
        with closing(sqlite3.connect(copy)) as db:
            db.execute("PRAGMA journal_mode=DELETE")
            return db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False


def _encrypted_rows(
    profile: Profile, copy: Path, domains: tuple[str, ...]
) -> dict[tuple[str, str, str], bytes]:
    """The platform's encrypted cookies in a Chromium database, each with the first bytes of
    its ciphertext, which say how it was encrypted ("v10", "v11", "v20"). Nothing is
    decrypted here: this tells which cookies the library should return, and why it did not."""
    query = (
        "SELECT host_key, name, path, substr(encrypted_value, 1, 3) FROM cookies"
        " WHERE length(encrypted_value) > 0"
    )
    try:
        with closing(sqlite3.connect(copy)) as db:
            rows = db.execute(query).fetchall()
    except sqlite3.DatabaseError:
        raise _unreadable(profile, "not a Chromium cookie database") from None
    return {
        (host, name, path): bytes(prefix)
        for host, name, path, prefix in rows
        if name and any(_belongs(host, domain) for domain in domains)
    }


def _extract(
    profile: Profile,
    copy: Path,
    key_copy: Path | None,
    domains: tuple[str, ...],
    encrypted: dict[tuple[str, str, str], bytes],
) -> list[dict[str, Any]]:
    import rookie_cookies

    options: dict[str, str] = {}
    if _BROWSERS[profile.browser].engine == "chromium":
        # Where the key is: the browser's entry in the OS keyring (Linux, macOS), or the key
        # file sealed with the Windows login (DPAPI).
        if _system(None) != "win32":
            options["browser_id"] = profile.browser
        elif key_copy is not None:
            options["local_state_path"] = str(key_copy)
    try:
        # extract_from_path, not from_path: the latter drops values that are not strict
        # RFC 6265 octets, such as a value in double quotes. `app_bound="disabled"`: never
        # inject into a browser process to unwrap Chrome's app-bound key on Windows.
        return rookie_cookies.extract_from_path(
            str(copy), domains=list(domains), app_bound="disabled", **options
        )
    except rookie_cookies.RookieError as error:
        # The library's text is left out: it is diagnostic, and not ours to vouch for.
        if encrypted:
            raise _undecryptable(_BROWSERS[profile.browser], set(encrypted.values())) from None
        raise _unreadable(profile, error.code or error.kind) from None


def _belongs(host: str, domain: str) -> bool:
    host = host.lstrip(".").lower()
    return host == domain or host.endswith("." + domain)


def _cookie(row: dict[str, Any]) -> Cookie:
    same_site = _SAME_SITE.get(row["same_site"], "Lax")  # unset: Chromium treats it as Lax
    if same_site == "None" and not row["secure"]:
        # Browsers refuse SameSite=None without Secure; older Firefox also stored "unset" as 0.
        same_site = "Lax"
    return Cookie(
        name=row["name"],
        value=row["value"],
        domain=row["domain"],
        path=row["path"] or "/",
        expires=float(row["expires"]) if row["expires"] else -1,
        httpOnly=bool(row["http_only"]),
        secure=bool(row["secure"]),
        sameSite=same_site,
    )


# --- what went wrong ---------------------------------------------------------------------------


def _named(profile: Profile) -> str:
    return f"{profile.browser}:{profile.name}"


def _locked(profile: Profile) -> PersonMustAct:
    title = _BROWSERS[profile.browser].title
    if profile.browser == "safari":
        return PersonMustAct(
            "macOS would not let optout read Safari's cookies. Give your terminal Full Disk "
            f"Access (in the system settings of macOS, under privacy and security) and try again, "
            f"{LOGIN_HINT}."
        )
    return PersonMustAct(
        f"Cannot read the cookies in {_named(profile)}: the file is locked or not readable. "
        f"Close {title} (all its windows) and try again, {LOGIN_HINT}."
    )


def _unreadable(profile: Profile, why: str) -> PersonMustAct:
    title = _BROWSERS[profile.browser].title
    return PersonMustAct(
        f"Cannot read the cookies in {_named(profile)}: {why}. "
        f"Update optout or {title} and try again, {LOGIN_HINT}."
    )


def _undecryptable(entry: _Browser, prefixes: Iterable[bytes]) -> PersonMustAct:
    if b"v20" in set(prefixes):
        return PersonMustAct(
            f"{entry.title} seals these cookies with app-bound encryption, which optout cannot "
            f"open. Read them from Firefox instead, {LOGIN_HINT}, or export them with a "
            "cookie-export browser extension and import that file."
        )
    system = _system(None)
    if system == "linux":
        return PersonMustAct(
            f"{entry.title}'s cookie key is in the desktop keyring, which is locked or not "
            "running. Open your desktop session (or unlock GNOME Keyring or KWallet) and "
            f"try again, {LOGIN_HINT}."
        )
    if system == "darwin":
        return PersonMustAct(
            f"macOS did not give optout the key to {entry.title}'s cookies (\"{entry.title} "
            f'Safe Storage" in your keychain). Try again and choose Allow, {LOGIN_HINT}.'
        )
    return PersonMustAct(
        f"Windows would not unlock {entry.title}'s cookie key. Run optout as the Windows user "
        f"who uses {entry.title}, {LOGIN_HINT}."
    )
