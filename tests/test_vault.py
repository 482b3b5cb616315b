"""Saved sessions: encrypted at rest with a key in the keyring, private files, atomic writes,
and a clear error (never a plaintext fallback) when no keyring is usable."""

from __future__ import annotations

import base64
import json
import math
import stat
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

import flows
from agent.api import Selection, load_session
from agent.errors import AuthRequired
from agent.models import Cookie, StorageState, Target
from agent.store.keys import KEYRING_SERVICE, KEYRING_USER
from agent.store.vault import Vault
from tests import processes
from tests.conftest import Chromium, Replay

LI_AT = "AQEDATESTSECRETli_at0123456789"


def state(value: str = LI_AT) -> StorageState:
    return StorageState(
        cookies=[
            Cookie(name="li_at", value=value, domain=".linkedin.com", httpOnly=True, secure=True),
            Cookie(name="JSESSIONID", value="ajax:5550123", domain=".www.linkedin.com"),
            Cookie(name="SID", value="google-secret", domain=".google.com"),
        ]
    )


def state_file(tmp_path: Path, value: str = LI_AT) -> Path:
    path = tmp_path / "state.json"
    path.write_text(state(value).model_dump_json())
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_round_trip_is_encrypted_and_private(vault: Vault, home: Path) -> None:
    path = vault.save("linkedin", "default", state())
    assert LI_AT.encode() not in path.read_bytes()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(home / "sessions") == 0o700
    loaded = vault.load("linkedin", "default")
    assert loaded is not None and loaded.cookies[0].value == LI_AT


def test_import_keeps_only_the_platforms_cookies(optout, vault: Vault, tmp_path: Path) -> None:
    run = optout("session", "import", "linkedin", str(state_file(tmp_path)))
    assert run.code == 0, run.err
    assert "Imported the LinkedIn session (default)" in run.out
    loaded = vault.load("linkedin", "default")
    assert loaded is not None
    assert sorted(c.name for c in loaded.cookies) == ["JSESSIONID", "li_at"]


def test_failed_import_keeps_the_previous_session(optout, vault: Vault, tmp_path: Path) -> None:
    assert optout("session", "import", "linkedin", str(state_file(tmp_path))).code == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"cookies": [')
    assert optout("session", "import", "linkedin", str(bad)).code == 2
    loaded = vault.load("linkedin", "default")
    assert loaded is not None and loaded.cookies[0].value == LI_AT
    assert [p.name for p in (vault.folder / "linkedin").iterdir()] == ["default.session"]


def test_no_usable_keyring_is_exit_4_and_writes_nothing(optout, home: Path, tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    run = optout("session", "import", "linkedin", str(state_file(tmp_path)))
    assert run.code == 4
    assert "No usable keyring" in run.err and "PYTHON_KEYRING_BACKEND" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not (home / "sessions").exists() or not any((home / "sessions").rglob("*.session"))


def test_no_usable_keyring_stops_status_too(optout, vault: Vault) -> None:
    vault.save("linkedin", "default", state())
    keyring.set_keyring(fail.Keyring())
    run = optout("status", "linkedin")
    assert run.code == 4 and "No usable keyring" in run.err


def test_a_lost_key_asks_to_sign_in_again(optout, vault: Vault) -> None:
    vault.save("linkedin", "default", state())
    keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    run = optout("status", "linkedin", "--json")
    assert run.code == 4
    assert "cannot be decrypted" in run.json[0]["error"]["message"]
    assert "optout login linkedin --account default" in run.json[0]["error"]["message"]


def test_a_session_file_moved_to_another_account_does_not_decrypt(vault: Vault) -> None:
    path = vault.save("linkedin", "alice", state())
    path.rename(path.with_name("bob.session"))
    with pytest.raises(AuthRequired):
        vault.load("linkedin", "bob")


def test_list_and_forget(optout, vault: Vault) -> None:
    vault.save("linkedin", "default", state())
    vault.save("linkedin", "work", state("AQEDAwork-secret-value"))
    listed = optout("session", "list", "--json")
    assert [(s["platform"], s["account"]) for s in listed.json] == [
        ("linkedin", "default"),
        ("linkedin", "work"),
    ]
    assert LI_AT not in listed.out and "li_at" in listed.out  # names, never values
    human = optout("session", "list")
    assert human.out.startswith("linkedin (default): saved ")
    assert (
        optout("session", "forget", "linkedin", "--account", "work").out
        == "Forgot the LinkedIn session (work).\n"
    )
    gone = optout("session", "forget", "linkedin", "--account", "work")
    assert gone.code == 0 and "nothing to forget" in gone.err
    assert [s.account for s in vault.sessions()] == ["default"]


def test_session_list_when_empty(optout) -> None:
    run = optout("session", "list")
    assert run.code == 0 and run.out == "" and "No saved sessions" in run.err
    assert optout("session", "list", "--json").json == []


def test_status_all_without_sessions_asks_to_sign_in(optout) -> None:
    run = optout("status", "--all")
    assert run.code == 4 and "No saved sessions. Sign in first" in run.err


def test_session_file_is_json_with_no_secret_metadata(vault: Vault) -> None:
    record = json.loads(vault.save("linkedin", "default", state()).read_text())
    assert set(record) == {"platform", "account", "saved_at", "cookies", "nonce", "ciphertext"}
    assert record["cookies"] == ["JSESSIONID", "SID", "li_at"]


# Damaged files and keys: that session's problem (exit 4, sign in again), never the run's -------


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _field(name: str, value: object) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        record = json.loads(path.read_text())
        record[name] = value
        path.write_text(json.dumps(record))

    return edit


def _without(name: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        record = json.loads(path.read_text())
        del record[name]
        path.write_text(json.dumps(record))

    return edit


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncated,
    "empty": lambda path: path.write_bytes(b""),
    "not JSON": lambda path: path.write_bytes(b"{not json"),
    "not UTF-8": lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe"),
    "a JSON list": lambda path: path.write_text("[]"),
    "no nonce": _without("nonce"),
    "bad base64": _field("ciphertext", "!!!not base64!!!"),
    "short nonce": _field("nonce", base64.b64encode(b"12345678").decode()),
    "saved_at not a date": _field("saved_at", "yesterday"),
    "ciphertext edited": _field("ciphertext", base64.b64encode(b"x" * 64).decode()),
}


def target(account: str = "default") -> Target:
    return Target(flow=flows.load("linkedin"), account=account)


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_session_asks_to_sign_in_again(vault: Vault, how: str) -> None:
    DAMAGE[how](vault.save("linkedin", "default", state()))
    result = load_session(vault, target())
    assert isinstance(result, AuthRequired), result
    assert "optout login linkedin --account default" in result.message
    assert len(result.message.splitlines()) == 1 and LI_AT not in result.message


@pytest.mark.parametrize(
    "stored", [base64.b64encode(b"k" * 10).decode(), "not base64 at all!", ""], ids=repr
)
def test_a_damaged_key_asks_to_sign_in_again_and_is_replaced(
    optout, vault: Vault, tmp_path: Path, stored: str
) -> None:
    vault.save("linkedin", "default", state())
    keyring.set_password(KEYRING_SERVICE, KEYRING_USER, stored)
    result = load_session(vault, target())
    assert isinstance(result, AuthRequired), result
    assert "key" in result.message and "optout login linkedin --account default" in result.message
    run = optout("session", "import", "linkedin", str(state_file(tmp_path)))  # signing in again
    assert run.code == 0, run.err
    loaded = vault.load("linkedin", "default")
    assert loaded is not None and loaded.cookies[0].value == LI_AT


def test_session_list_shows_a_damaged_session_and_the_others(optout, vault: Vault) -> None:
    vault.save("linkedin", "default", state())
    vault.save("linkedin", "work", state()).write_text("{not json")
    vault.save("chatgpt", "default", state())
    human = optout("session", "list")
    assert human.code == 4
    lines = human.out.splitlines()
    assert lines[0].startswith("chatgpt (default): saved ")
    assert lines[1].startswith("linkedin (default): saved ")
    assert lines[2].startswith("linkedin (work): damaged")
    assert "optout login linkedin --account work" in lines[2]
    listed = optout("session", "list", "--json")
    assert listed.code == 4
    assert [(s["platform"], s["account"], bool(s["damaged"])) for s in listed.json] == [
        ("chatgpt", "default", False),
        ("linkedin", "default", False),
        ("linkedin", "work", True),
    ]


def test_a_renamed_session_is_listed_and_run_under_the_name_of_its_place(
    optout, vault: Vault
) -> None:
    path = vault.save("linkedin", "alice", state())
    path.rename(path.with_name("bob.session"))
    listed = optout("session", "list")
    assert listed.out.startswith("linkedin (bob): damaged") and "alice" in listed.out
    assert [(t.flow.id, t.account) for t in Selection(every=True).targets(vault)] == [
        ("linkedin", "bob")
    ]
    result = load_session(vault, target("bob"))
    assert isinstance(result, AuthRequired)
    assert "optout login linkedin --account bob" in result.message


def test_files_that_are_no_session_of_a_known_platform_are_not_listed(vault: Vault) -> None:
    vault.save("linkedin", "default", state())
    (vault.folder / "myspace").mkdir()
    (vault.folder / "myspace" / "default.session").write_text("{}")
    (vault.folder / "linkedin" / "bad name.session").write_text("{}")
    assert [(s.platform, s.account) for s in vault.sessions()] == [("linkedin", "default")]


def test_status_all_runs_the_others_when_one_session_is_damaged(
    optout, replay: Replay, vault: Vault
) -> None:
    server = replay("linkedin")
    replay("linkedin", account="work")
    (vault.folder / "linkedin" / "work.session").write_bytes(b"\x00" * 10)
    run = optout("status", "--all", "--base-url", f"linkedin={server.url}", "--json")
    assert run.code == 4
    by_account = {r["account"]: r for r in run.json}
    assert by_account["default"]["state"] == "on" and by_account["default"]["error"] is None
    assert by_account["work"]["error"]["kind"] == "auth_required"
    assert "optout login linkedin --account work" in by_account["work"]["error"]["message"]


# What Chromium would refuse is refused at import: exit 2, naming the cookie, never its value ----

VALUE = "AQEDothercookievalue"


def with_cookie(tmp_path: Path, **changes: object) -> Path:
    """A storage state with a live li_at and a second LinkedIn cookie, `bcookie`, changed so."""
    second = {"name": "bcookie", "value": VALUE, "domain": ".linkedin.com", "path": "/"}
    data = {
        "cookies": [
            {"name": "li_at", "value": LI_AT, "domain": ".linkedin.com", "path": "/"},
            {**second, **changes},
        ]
    }
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data))  # lone surrogates as \ud800, infinity as Infinity
    return path


REFUSED: dict[str, dict[str, object]] = {
    "expiry -2": {"expires": -2},
    "expiry -0.5": {"expires": -0.5},
    "expiry infinite": {"expires": math.inf},
    "expiry NaN": {"expires": math.nan},
    "expiry after 9999": {"expires": 1e12},
    "lone surrogate in the name": {"name": "bcookie\ud800"},
    "lone surrogate in the value": {"value": VALUE + "\udc00"},
    "lone surrogate in the domain": {"domain": ".linked\ud800in.com"},
    "lone surrogate in the path": {"path": "/\ud800"},
    "empty label": {"domain": "linkedin..com"},
    "two leading dots": {"domain": "..linkedin.com"},
    "trailing dot": {"domain": "www.linkedin.com."},
    "only a dot": {"domain": "."},
    "space in the domain": {"domain": ".linked in.com"},
    "port in the domain": {"domain": "www.linkedin.com:443"},
    "NUL in the domain": {"domain": "www.linked\x00in.com"},
    "label of 64": {"domain": "a" * 64 + ".linkedin.com"},
    "';' in the name": {"name": "b;cookie"},
    "'=' in the name": {"name": "b=cookie"},
    "tab in the name": {"name": "b\tcookie"},
    "';' in the value": {"value": VALUE + ";x"},
    "newline in the value": {"value": VALUE + "\nx"},
    "DEL in the value": {"value": VALUE + "\x7f"},
    "value ending in a space": {"value": VALUE + " "},
    "name and value over 4096 bytes": {"value": VALUE + "é" * 2040},
    "path without '/'": {"path": "feed"},
    "';' in the path": {"path": "/a;b"},
    "path over 1024": {"path": "/" + "p" * 1024},
    "__Host- for a domain": {"name": "__Host-b", "secure": True},
    "__host- not secure": {"name": "__host-b", "domain": "www.linkedin.com"},
    "__Secure- not secure": {"name": "__Secure-b"},
}


@pytest.mark.parametrize("case", REFUSED)
def test_import_refuses_a_cookie_chromium_would(
    optout, vault: Vault, tmp_path: Path, case: str
) -> None:
    assert optout("session", "import", "linkedin", str(state_file(tmp_path))).code == 0
    source = with_cookie(tmp_path, **REFUSED[case])
    run = optout("session", "import", "linkedin", str(source))
    assert run.code == 2, run.err
    name = repr(REFUSED[case].get("name", "bcookie"))
    assert run.err.startswith(f"optout: {source}: the cookie {name} on ")
    assert "cannot be imported" in run.err and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert VALUE not in run.err and LI_AT not in run.err
    kept = vault.load("linkedin", "default")  # the session saved before is still there
    assert kept is not None and [c.value for c in kept.cookies] == [LI_AT, "ajax:5550123"]


ACCEPTED: dict[str, dict[str, object]] = {
    "session cookie": {"expires": -1},
    "expiry 0": {"expires": 0},
    "expiry in 9999": {"expires": 253402300799},
    "host-only": {"domain": "www.linkedin.com"},
    "capitals": {"domain": ".LinkedIn.com"},
    "space inside the name": {"name": "b cookie"},
    "quotes and a colon": {"value": '"ajax:1234567"'},
    "empty value": {"value": ""},
    "unicode value": {"value": "é ü"},
    "__Host-": {"name": "__Host-b", "domain": "www.linkedin.com", "secure": True},
    "a deeper path": {"path": "/feed/"},
    "IPv4": {"domain": "127.0.0.1"},
    "IPv6": {"domain": "[::1]"},
    "international": {"domain": ".bücher.de"},
    "underscore": {"domain": "my_host.linkedin.com"},
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_import_takes_every_cookie_chromium_takes(
    optout, tmp_path: Path, chromium: Chromium, case: str
) -> None:
    source = with_cookie(tmp_path, **ACCEPTED[case])
    run = optout("session", "import", "linkedin", str(source))
    assert run.code == 0, run.err
    state = json.loads(source.read_text())

    async def open_context() -> None:
        await (await chromium.browser.new_context(storage_state=state)).close()

    chromium.run(open_context())


def test_import_refuses_local_storage_that_is_not_text(optout, tmp_path: Path) -> None:
    source = state_file(tmp_path)
    data = json.loads(source.read_text())
    data["origins"] = [
        {"origin": "https://www.linkedin.com", "localStorage": [{"name": "k", "value": "\ud800"}]}
    ]
    source.write_text(json.dumps(data))
    run = optout("session", "import", "linkedin", str(source))
    assert run.code == 2 and "https://www.linkedin.com" in run.err and "lone surrogate" in run.err


# An import file is read up to a limit: a storage state is small ---------------------------------


def test_import_of_a_huge_file_is_bad_input(optout, tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: 64 MB that take no room
    run = optout("session", "import", "linkedin", str(huge))
    assert run.code == 2 and "larger than 5 MB" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_import_of_an_endless_file_stops_at_the_limit(tmp_path: Path) -> None:
    """/dev/zero never ends: reading it whole would take every byte of memory. The process is
    held to 1 GB so that, if the limit were gone, it would fail instead of the machine."""
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
    done = processes.python(
        limit + "import sys; from agent.cli import main; sys.exit(main(sys.argv[1:]))",
        *("session", "import", "linkedin", "/dev/zero"),
        env=processes.environment(tmp_path),
    )
    assert done.returncode == 2, done.stderr
    assert "/dev/zero is larger than 5 MB" in done.stderr and "Traceback" not in done.stderr
