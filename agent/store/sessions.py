"""Storage states in and out: reading an import file, keeping only a platform's cookies, and
pointing a session at a local replay server (`--base-url`) and back."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from agent.errors import BadInput, login_command
from agent.models import Flow, StorageState

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


MAX_STATE_BYTES = 5 * 1024 * 1024  # a signed-in storage state is a few dozen kilobytes


def read_storage_state(path: Path) -> StorageState:
    """Parse a Playwright storage-state file, or the cookies a browser extension exports
    (a JSON array, as Cookie-Editor and EditThisCookie write), or say in one line why it is
    neither (naming a cookie that Chromium would refuse, never its value)."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_STATE_BYTES + 1)  # never more: /dev/zero has no end
    except OSError as e:
        raise BadInput(f"Cannot read {path}: {e.strerror or e}.") from None
    if len(raw) > MAX_STATE_BYTES:
        raise BadInput(
            f"{path} is larger than 5 MB: not a Playwright storage-state file (those are a few "
            "kilobytes). Is it the right file?"
        )
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        where = (
            f" (line {e.lineno}, column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        )
        raise BadInput(
            f"{path} is not JSON{where}. Expected a Playwright storage-state file "
            "(what context.storage_state(path=...) writes), or a browser extension's cookie "
            "export (Cookie-Editor, EditThisCookie)."
        ) from None
    exported = isinstance(data, list)
    if exported:
        data = {"cookies": [from_extension(cookie) for cookie in data]}
    try:
        return StorageState.model_validate(data)
    except ValidationError as e:
        first = e.errors(include_url=False, include_input=False)[0]
        refused = _refused(data, first)
        if refused:
            raise BadInput(f"{path}: {refused}.") from None
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        if exported:
            raise BadInput(
                f"{path} is not a cookie export as Cookie-Editor or EditThisCookie write it: "
                f"cookie {first['loc'][1] + 1}: {first['loc'][-1]}: {first['msg']}."
            ) from None
        raise BadInput(
            f"{path} is not a Playwright storage-state file: {where}: {first['msg']}."
        ) from None


# A cookie extension's sameSite (the browser's cookies API) as Playwright names it; Chromium
# treats a cookie that does not say as Lax.
_SAME_SITE = {"no_restriction": "None", "lax": "Lax", "strict": "Strict", "unspecified": "Lax"}


def from_extension(cookie: object) -> object:
    """One cookie of an extension's export (the browser's cookies API: `expirationDate`,
    `hostOnly`, `sameSite` "no_restriction") as a storage state holds it; anything that is not
    such a cookie is passed on as it is, for the model to say what is wrong with it."""
    if not isinstance(cookie, dict):
        return cookie
    converted = {k: cookie[k] for k in ("name", "value", "path", "httpOnly", "secure") if k in cookie}
    domain = cookie.get("domain")
    if isinstance(domain, str) and domain and not cookie.get("hostOnly", True):
        domain = "." + domain.removeprefix(".")  # valid on subdomains too, as the browser had it
    if domain is not None:
        converted["domain"] = domain
    expires = cookie.get("expirationDate")
    if expires is not None and not cookie.get("session", False):
        converted["expires"] = expires
    same_site = cookie.get("sameSite")
    converted["sameSite"] = _SAME_SITE.get(str(same_site).lower(), same_site) if same_site else "Lax"
    return converted


def _refused(data: dict[str, Any], error: ErrorDetails) -> str | None:
    """What a rule of the session models says of one cookie or origin, naming it (its name and
    domain, or its origin, shortened and escaped to one line); None for any other error."""
    loc = error["loc"]
    if len(loc) < 2 or loc[0] not in ("cookies", "origins"):
        return None
    if error["type"] == "value_error":  # the models' own rules
        reason = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    elif error["type"] == "string_unicode":  # pydantic's, before the rules: a lone surrogate
        reason = f"its {loc[-1]} is not valid text (it holds a lone surrogate)"
    else:
        return None
    item = data[loc[0]][loc[1]]
    if loc[0] == "origins":
        return f"the local storage of {_shown(item.get('origin'))} cannot be imported: {reason}"
    return (
        f"the cookie {_shown(item.get('name'))} on {_shown(item.get('domain'))} cannot be "
        f"imported: {reason}. Chromium would refuse it; save the storage state again"
    )


def _shown(text: object) -> str:
    shown = repr(text)  # escapes control characters and lone surrogates
    return shown if len(shown) <= 60 else shown[:57] + "..."


def platform_session(
    flow: Flow, state: StorageState, source: str, account: str = "default"
) -> StorageState:
    """Only the platform's own cookies and origins, checked to hold a live session cookie."""
    login = login_command(flow.id, account)
    cookies = [c for c in state.cookies if c.belongs_to(flow.cookie_domain)]
    wanted = " or ".join(flow.session_cookies)
    live = [c for c in cookies if c.name in flow.session_cookies and c.value]
    if not live:
        raise BadInput(
            f"{source} holds no {flow.name} session cookie ({wanted} on {flow.cookie_domain}). "
            f"Save the storage state while signed in to {flow.name}, or run: {login}"
        )
    now = time.time()
    if all(0 < c.expires < now for c in live):
        raise BadInput(
            f"The {flow.name} session in {source} has expired. Sign in again: {login}"
        )
    host = urlsplit(flow.origin).hostname or ""
    origins = [o for o in state.origins if (urlsplit(o.origin).hostname or "") == host]
    return StorageState(cookies=cookies, origins=origins)


def retarget(state: StorageState, from_domain: str, to_url: str) -> StorageState:
    """The same session with the platform's cookies moved to another origin's host (the
    replay server), so a local run sees the cookies the real site would. Secure cookies stay
    secure: Chromium sends them to http://127.0.0.1 and http://localhost too."""
    parts = urlsplit(to_url)
    cookies = [
        c.model_copy(update={"domain": parts.hostname or ""}) if c.belongs_to(from_domain) else c
        for c in state.cookies
    ]
    origins = [
        o.model_copy(update={"origin": f"{parts.scheme}://{parts.netloc}"}) for o in state.origins
    ]
    return StorageState(cookies=cookies, origins=origins)


@dataclass(frozen=True)
class BrowserSession:
    """A platform's live session, found in one profile of the person's browser."""

    flow: Flow
    source: str  # "chrome:Default"
    state: StorageState


def sessions_from_browser(spec: str, selected: list[Flow]) -> dict[str, list[BrowserSession]]:
    """For each selected platform, its live sessions in the browser `spec` (BROWSER[:PROFILE]):
    one per profile signed in to it (none when it is signed out everywhere). The browser's
    files are only read; its cookie values are never shown."""
    from agent import log
    from agent.store.browser_cookies import cookies_from_browser

    profiles = cookies_from_browser(spec, [flow.cookie_domain for flow in selected])
    log.redact_values([c.value for p in profiles for c in p.cookies])
    found: dict[str, list[BrowserSession]] = {flow.id: [] for flow in selected}
    for profile in profiles:
        for flow in selected:
            state = profile.storage_state()
            try:
                session = platform_session(flow, state, profile.source)
            except BadInput:  # no live session cookie of this platform in that profile
                continue
            found[flow.id].append(BrowserSession(flow, profile.source, session))
    return found
