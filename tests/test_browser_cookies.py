"""Reading a platform's cookies from the person's browser, against cookie stores built here in
a fake home: a Firefox profile (profiles.ini, cookies.sqlite) and Chrome profiles (Local State,
Network/Cookies) encrypted as Chromium does on Linux when there is no keyring."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from agent.errors import BadInput, OptoutError, PersonMustAct
from agent.store.browser_cookies import (
    KNOWN_BROWSERS,
    BrowserSpec,
    cookies_from_browser,
    list_profiles,
    parse_browser_spec,
)

LI_AT = "AQEDARsecret-li-at-value"
JSESSIONID = '"ajax:4711secret"'  # LinkedIn quotes it; the quotes are part of the value
SECRETS = (LI_AT, JSESSIONID, "secret-elsewhere", "secret-lookalike")
IN_A_MONTH = int(time.time()) + 30 * 86400

# host, name, value, secure, httpOnly, sameSite as the browser stores it
LINKEDIN_ROWS = [
    (".linkedin.com", "li_at", LI_AT, True, True, 0),
    (".www.linkedin.com", "JSESSIONID", JSESSIONID, True, False, 2),
    ("www.linkedin.com", "lang", "v=2&lang=en-us", False, False, -1),
]
OTHER_ROWS = [
    (".example.com", "sid", "secret-elsewhere", True, True, 1),
    (".notlinkedin.com", "li_at", "secret-lookalike", True, True, 0),
]

# The fake home is laid out as on Linux, and only there does Chromium encrypt with the fixed
# "peanuts" key. (The macOS and Windows layouts are checked by name, at the end.)
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux layout")


# --- building cookie stores --------------------------------------------------------------------

# Chromium on Linux without a keyring: "v10", AES-128-CBC, IV of 16 spaces, key from
# PBKDF2-HMAC-SHA1("peanuts", "saltysalt", 1 iteration).
PEANUTS = PBKDF2HMAC(algorithm=hashes.SHA1(), length=16, salt=b"saltysalt", iterations=1).derive(
    b"peanuts"
)
CHROMIUM_SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE cookies(creation_utc INTEGER NOT NULL, host_key TEXT NOT NULL,
  top_frame_site_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  encrypted_value BLOB NOT NULL, path TEXT NOT NULL, expires_utc INTEGER NOT NULL,
  is_secure INTEGER NOT NULL, is_httponly INTEGER NOT NULL, last_access_utc INTEGER NOT NULL,
  has_expires INTEGER NOT NULL, is_persistent INTEGER NOT NULL, priority INTEGER NOT NULL,
  samesite INTEGER NOT NULL, source_scheme INTEGER NOT NULL, source_port INTEGER NOT NULL,
  last_update_utc INTEGER NOT NULL, source_type INTEGER NOT NULL,
  has_cross_site_ancestor INTEGER NOT NULL);
CREATE UNIQUE INDEX cookies_unique_index ON cookies(host_key, top_frame_site_key,
  has_cross_site_ancestor, name, path, source_scheme, source_port);
"""
WINDOWS_EPOCH = 11644473600  # seconds from 1601-01-01 (Chromium's epoch) to 1970-01-01


def chromium_encrypt(host: str, value: str, version: int, key: bytes = PEANUTS) -> bytes:
    plain = value.encode()
    if version >= 24:  # since version 24 the plaintext starts with SHA-256 of the host
        plain = hashlib.sha256(host.encode()).digest() + plain
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(b" " * 16)).encryptor()
    return (
        b"v10" + encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    )


def chromium_db(path: Path, rows: list[tuple], version: int = 24) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    now = (int(time.time()) + WINDOWS_EPOCH) * 1_000_000
    expires = (IN_A_MONTH + WINDOWS_EPOCH) * 1_000_000
    with sqlite3.connect(path) as db:
        db.executescript(CHROMIUM_SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("mmap_status", "-1"), ("version", str(version)), ("last_compatible_version", "24")],
        )
        for host, name, value, secure, http_only, same_site in rows:
            db.execute(
                "INSERT INTO cookies VALUES (?, ?, '', ?, '', ?, '/', ?, ?, ?, ?, 1, 1, 1, ?,"
                " 2, 443, ?, 0, 0)",
                (now, host, name, chromium_encrypt(host, value, version), expires, secure,
                 http_only, now, same_site, now),
            )  # fmt: skip
    db.close()


def chrome_home(home: Path, version: int = 24) -> Path:
    """Chrome with a Default profile holding LinkedIn, a "Work" profile without, and a
    profile folder that has no cookie database yet."""
    root = home / ".config" / "google-chrome"
    chromium_db(root / "Default" / "Network" / "Cookies", LINKEDIN_ROWS + OTHER_ROWS, version)
    chromium_db(root / "Profile 1" / "Network" / "Cookies", OTHER_ROWS, version)
    (root / "Profile 2").mkdir()
    info = {"Default": {"name": "Person 1"}, "Profile 1": {"name": "Work"}}
    state = {"profile": {"info_cache": info, "last_used": "Default"}}
    (root / "Local State").write_text(json.dumps(state))
    return root


def set_ciphertext(db_path: Path, name: str, ciphertext: bytes) -> None:
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE cookies SET encrypted_value = ? WHERE name = ?", (ciphertext, name))
    db.close()


FIREFOX_SCHEMA = """
CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '',
  name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER,
  creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0,
  sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0,
  isPartitionedAttributeSet INTEGER DEFAULT 0,
  CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))
"""
PROFILES_INI = """[Profile1]
Name=default
IsRelative=1
Path=Profiles/k3m1xx9f.default
Default=1

[Profile0]
Name=default-release
IsRelative=1
Path=Profiles/u7q2zz4d.default-release

[General]
StartWithLastProfile=1
Version=2

[Install4F96D1932A9F858E]
Default=Profiles/u7q2zz4d.default-release
Locked=1
"""
FIREFOX_UNSET_SAME_SITE = 256


def firefox_db(path: Path, rows: list[tuple], schema_version: int = 16) -> sqlite3.Connection:
    """A cookies.sqlite as a running Firefox has it: in WAL mode, the cookies still in the
    log (nothing checkpointed), and the connection left open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute(FIREFOX_SCHEMA)
    db.execute(f"PRAGMA user_version={schema_version}")
    expiry = IN_A_MONTH * 1000 if schema_version >= 16 else IN_A_MONTH  # ms since Firefox 142
    now_us = int(time.time() * 1_000_000)
    for host, name, value, secure, http_only, same_site in rows:
        stored = FIREFOX_UNSET_SAME_SITE if same_site == -1 else same_site
        db.execute(
            "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, creationTime,"
            " isSecure, isHttpOnly, sameSite, rawSameSite, schemeMap)"
            " VALUES (?, ?, ?, '/', ?, ?, ?, ?, ?, ?, ?, 2)",
            (name, value, host, expiry, now_us, now_us, secure, http_only, stored, stored),
        )
    return db


def snapshot(home: Path) -> dict[str, str]:
    """Every file under the fake home, by path, with a hash of its bytes."""
    return {
        str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(home.rglob("*"))
        if path.is_file()
    }


def assert_tells_no_secret(error: OptoutError, *more_output: str) -> None:
    for text in (str(error), error.message, *more_output):
        for secret in SECRETS:
            assert secret not in text
    assert error.__cause__ is None  # no library exception (or its text) chained on
    assert len(error.message.splitlines()) <= 2


def assert_no_secret_logged(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_desktop_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Secret Service or KWallet for the library to reach: Chromium's "v10" cookies are
    then read with the fixed "peanuts" key, as on a Linux desktop without a keyring."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-session-bus")


@pytest.fixture
def fake_home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def firefox(fake_home: Path) -> Iterator[Path]:
    """Firefox, open, with LinkedIn in its default-release profile and only other sites in
    the older "default" profile."""
    root = fake_home / ".mozilla" / "firefox"
    root.mkdir(parents=True)
    (root / "profiles.ini").write_text(PROFILES_INI)
    release = firefox_db(
        root / "Profiles" / "u7q2zz4d.default-release" / "cookies.sqlite",
        LINKEDIN_ROWS + OTHER_ROWS,
    )
    old = firefox_db(root / "Profiles" / "k3m1xx9f.default" / "cookies.sqlite", OTHER_ROWS, 15)
    yield root
    release.close()
    old.close()


# --- naming a browser --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "browser", "profile"),
    [
        ("firefox", "firefox", None),
        ("chrome:Profile 1", "chrome", "Profile 1"),
        ("Brave:Default", "brave", "Default"),
        ("EDGE", "edge", None),
        ("firefox:default-release", "firefox", "default-release"),
    ],
)
def test_a_browser_is_named_with_an_optional_profile(
    spec: str, browser: str, profile: str | None
) -> None:
    assert parse_browser_spec(spec) == BrowserSpec(browser, profile)


def test_an_unknown_browser_is_bad_input_that_lists_the_known_ones() -> None:
    with pytest.raises(BadInput) as caught:
        parse_browser_spec("netscape:Default")
    assert "'netscape'" in caught.value.message
    for known in KNOWN_BROWSERS:
        assert known in caught.value.message
    with pytest.raises(BadInput):
        list_profiles("netscape")


def test_a_colon_needs_a_profile_after_it() -> None:
    with pytest.raises(BadInput, match="No profile after the colon"):
        parse_browser_spec("chrome:")


# --- Firefox -----------------------------------------------------------------------------------


def test_firefox_profiles_come_from_profiles_ini_the_default_first(
    firefox: Path, fake_home: Path
) -> None:
    profiles = list_profiles("firefox", home=fake_home)
    assert [p.name for p in profiles] == ["default-release", "default"]
    assert profiles[0].cookie_file == (
        firefox / "Profiles" / "u7q2zz4d.default-release" / "cookies.sqlite"
    )


@pytest.mark.parametrize(
    "spec", ["firefox", "firefox:default-release", "Firefox:u7q2zz4d.default-release"]
)
def test_firefox_gives_the_platforms_cookies_and_no_others(
    spec: str, firefox: Path, fake_home: Path
) -> None:
    before = snapshot(fake_home)

    [found] = cookies_from_browser(spec, ["linkedin.com"], home=fake_home)

    assert (found.browser, found.profile, found.source) == (
        "firefox",
        "default-release",
        "firefox:default-release",
    )
    by_name = {c.name: c for c in found.cookies}
    assert sorted(by_name) == ["JSESSIONID", "lang", "li_at"]
    li_at, jsessionid, lang = by_name["li_at"], by_name["JSESSIONID"], by_name["lang"]
    assert (li_at.value, li_at.domain, li_at.path) == (LI_AT, ".linkedin.com", "/")
    assert (li_at.secure, li_at.httpOnly, li_at.sameSite) == (True, True, "None")
    assert li_at.expires == pytest.approx(IN_A_MONTH, abs=1)  # stored in milliseconds
    assert (jsessionid.value, jsessionid.sameSite) == (JSESSIONID, "Strict")
    assert (lang.domain, lang.sameSite, lang.secure) == ("www.linkedin.com", "Lax", False)
    assert found.storage_state().cookies == list(found.cookies)
    # Read while "Firefox" has the database open, its cookies still in the WAL; and the
    # browser's files are as they were, with nothing new beside them.
    assert snapshot(fake_home) == before


def test_an_older_firefox_schema_keeps_expiry_in_seconds(fake_home: Path) -> None:
    root = fake_home / ".mozilla" / "firefox"
    db = firefox_db(root / "abc.default" / "cookies.sqlite", LINKEDIN_ROWS, schema_version=15)
    try:
        [found] = cookies_from_browser("firefox", ["linkedin.com"], home=fake_home)
    finally:
        db.close()
    assert found.profile == "abc.default"  # no profiles.ini: the folder names the profile
    assert [c.expires for c in found.cookies] == [pytest.approx(IN_A_MONTH, abs=1)] * 3


def test_a_named_profile_without_the_platform_gives_no_cookies(
    firefox: Path, fake_home: Path
) -> None:
    [found] = cookies_from_browser("firefox:default", ["linkedin.com"], home=fake_home)
    assert (found.profile, found.cookies) == ("default", ())


# --- Chrome ------------------------------------------------------------------------------------


def test_chrome_profiles_come_from_their_folders_named_as_in_local_state(
    fake_home: Path,
) -> None:
    chrome_home(fake_home)
    profiles = list_profiles("Chrome", home=fake_home)
    assert [str(p) for p in profiles] == ["Default (Person 1)", "Profile 1 (Work)"]
    assert {p.browser for p in profiles} == {"chrome"}
    assert all(p.key_file and p.key_file.name == "Local State" for p in profiles)


@pytest.mark.parametrize("version", [23, 24])
def test_chrome_gives_the_platforms_cookies_decrypted_and_no_others(
    version: int, fake_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    root = chrome_home(fake_home, version)
    before = snapshot(fake_home)

    found = cookies_from_browser("chrome", ["linkedin.com"], home=fake_home)

    assert [(f.browser, f.profile) for f in found] == [("chrome", "Default")]  # not "Work"
    by_name = {c.name: c for c in found[0].cookies}
    assert sorted(by_name) == ["JSESSIONID", "lang", "li_at"]
    assert by_name["li_at"].value == LI_AT
    assert by_name["JSESSIONID"].value == JSESSIONID
    assert (by_name["li_at"].httpOnly, by_name["li_at"].sameSite) == (True, "None")
    assert by_name["JSESSIONID"].sameSite == "Strict"
    assert by_name["lang"].sameSite == "Lax"  # unspecified: Chromium's default
    assert by_name["li_at"].expires == pytest.approx(IN_A_MONTH, abs=1)
    assert snapshot(fake_home) == before
    assert not list((root / "Default" / "Network").glob("Cookies-*"))
    assert_no_secret_logged(caplog.text)


def test_a_chrome_profile_is_found_by_its_display_name(fake_home: Path) -> None:
    chrome_home(fake_home)
    [found] = cookies_from_browser("chrome:work", ["example.com"], home=fake_home)
    assert found.profile == "Profile 1"
    assert [(c.domain, c.value) for c in found.cookies] == [(".example.com", "secret-elsewhere")]


def test_an_unreadable_profile_does_not_hide_another(fake_home: Path) -> None:
    root = chrome_home(fake_home)
    (root / "Profile 1" / "Network" / "Cookies").write_bytes(b"not a database" * 100)
    found = cookies_from_browser("chrome", ["linkedin.com"], home=fake_home)
    assert [f.profile for f in found] == ["Default"]


def test_a_copy_torn_by_the_browser_writing_is_taken_again(
    firefox: Path, fake_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    torn: list[str] = []
    copyfile = shutil.copyfile

    def copy_while_writing(source: Path, target: Path) -> None:
        copyfile(source, target)
        if Path(source).name == "cookies.sqlite" and not torn:
            torn.append(str(source))
            Path(target).write_bytes(b"half-written page" * 256)

    monkeypatch.setattr("agent.store.browser_cookies.shutil.copyfile", copy_while_writing)
    [found] = cookies_from_browser("firefox:default-release", ["linkedin.com"], home=fake_home)
    assert len(torn) == 1
    assert {c.name for c in found.cookies} == {"li_at", "JSESSIONID", "lang"}


# --- what goes wrong ---------------------------------------------------------------------------


def test_a_missing_profile_is_bad_input_listing_those_there_are(fake_home: Path) -> None:
    chrome_home(fake_home)
    with pytest.raises(BadInput) as caught:
        cookies_from_browser("chrome:Profile 7", ["linkedin.com"], home=fake_home)
    message = caught.value.message
    assert "'Profile 7'" in message
    assert "Default (Person 1), Profile 1 (Work)" in message
    assert "Profile 2" not in message  # a folder without cookies is no profile to read
    assert_tells_no_secret(caught.value)


@pytest.mark.parametrize(
    ("browser", "says"),
    [("vivaldi", "Found no Vivaldi profile with cookies"), ("safari", "only on macOS")],
)
def test_a_browser_that_is_not_there_is_bad_input(browser: str, says: str, fake_home: Path) -> None:
    with pytest.raises(BadInput) as caught:
        cookies_from_browser(browser, ["linkedin.com"], home=fake_home)
    assert says in caught.value.message


def test_cookies_locked_in_an_unreachable_keyring_need_the_person(
    fake_home: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    root = chrome_home(fake_home)
    cookies = root / "Default" / "Network" / "Cookies"
    # "v11": encrypted with the key kept in the desktop keyring, which is not reachable here.
    set_ciphertext(cookies, "li_at", b"v11" + chromium_encrypt(".linkedin.com", LI_AT, 24)[3:])
    with pytest.raises(PersonMustAct) as caught:
        cookies_from_browser("chrome:Default", ["linkedin.com"], home=fake_home)
    assert "keyring" in caught.value.message
    output = capsys.readouterr()
    assert_tells_no_secret(caught.value, output.out, output.err, caplog.text)


def test_app_bound_cookies_need_the_person_to_choose_another_way(
    fake_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = chrome_home(fake_home)
    cookies = root / "Default" / "Network" / "Cookies"
    for name in ("li_at", "JSESSIONID", "lang"):
        set_ciphertext(cookies, name, b"v20" + b"\x00" * 60)  # Chrome 127+ on Windows
    with pytest.raises(PersonMustAct) as caught:
        cookies_from_browser("chrome:Default", ["linkedin.com"], home=fake_home)
    message = caught.value.message
    assert "app-bound" in message
    assert "Firefox" in message
    assert "optout login" in message
    assert "extension" in message
    output = capsys.readouterr()
    assert_tells_no_secret(caught.value, output.out, output.err)


def test_a_damaged_database_needs_the_person(fake_home: Path) -> None:
    root = chrome_home(fake_home)
    (root / "Default" / "Network" / "Cookies").write_bytes(b"not a database" * 100)
    with pytest.raises(PersonMustAct) as caught:
        cookies_from_browser("chrome:Default", ["linkedin.com"], home=fake_home)
    assert "Close Chrome" in caught.value.message
    assert_tells_no_secret(caught.value)


def test_a_database_the_browser_locks_needs_the_person(
    firefox: Path, fake_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(source: Path, target: Path) -> None:
        # What Windows says when the browser holds the file without sharing it.
        raise PermissionError(13, "The process cannot access the file", str(source))

    monkeypatch.setattr("agent.store.browser_cookies.shutil.copyfile", locked)
    with pytest.raises(PersonMustAct) as caught:
        cookies_from_browser("firefox", ["linkedin.com"], home=fake_home)
    assert "Close Firefox" in caught.value.message
    assert_tells_no_secret(caught.value)


# --- other systems' layouts (found, not decrypted: that takes the real OS) -----------------------


def test_profiles_are_found_where_macos_keeps_them(fake_home: Path) -> None:
    support = fake_home / "Library" / "Application Support"
    chromium_db(support / "BraveSoftware" / "Brave-Browser" / "Default" / "Cookies", OTHER_ROWS)
    (support / "Firefox").mkdir(parents=True)
    (support / "Firefox" / "profiles.ini").write_text(PROFILES_INI)
    firefox_db(
        support / "Firefox" / "Profiles" / "u7q2zz4d.default-release" / "cookies.sqlite",
        OTHER_ROWS,
    ).close()
    safari = fake_home / "Library" / "Containers" / "com.apple.Safari" / "Data" / "Library"
    (safari / "Cookies").mkdir(parents=True)
    (safari / "Cookies" / "Cookies.binarycookies").write_bytes(b"cook")

    assert [p.name for p in list_profiles("brave", home=fake_home, system="darwin")] == ["Default"]
    firefox = list_profiles("firefox", home=fake_home, system="darwin")
    assert [p.name for p in firefox] == ["default-release"]
    assert [p.name for p in list_profiles("safari", home=fake_home, system="darwin")] == ["Default"]
    assert list_profiles("safari", home=fake_home, system="linux") == []


def test_profiles_are_found_where_windows_keeps_them(fake_home: Path) -> None:
    local = fake_home / "AppData" / "Local"
    edge = local / "Microsoft" / "Edge" / "User Data"
    chromium_db(edge / "Profile 3" / "Network" / "Cookies", OTHER_ROWS)
    chromium_db(edge / "Default" / "Network" / "Cookies", OTHER_ROWS)
    opera = fake_home / "AppData" / "Roaming" / "Opera Software" / "Opera Stable"
    chromium_db(opera / "Network" / "Cookies", OTHER_ROWS)

    edge_profiles = list_profiles("edge", home=fake_home, system="win32")
    assert [p.name for p in edge_profiles] == ["Default", "Profile 3"]
    assert edge_profiles[0].key_file is None  # no Local State here
    assert [p.name for p in list_profiles("opera", home=fake_home, system="win32")] == ["Default"]
