"""A small stateful replay server for the reconstructed pages in `fixtures/PLATFORM/`.

It serves a platform's pages at the platform's own paths, as described by the folder's
`site.json`; keeps each setting's value server-side, so that a reload shows what was saved;
requires the session cookie; checks the CSRF header on writes; records every write; and can be
told to misbehave, so that every error path of the tool can be tested:

    signed_out      every member page redirects to the sign-in wall, the API answers 401
    challenge       every member page redirects to a security check
    slow            every answer is delayed (`slow_ms`)
    save_fails      writes answer 500 and change nothing
    save_ignored    writes answer 200 but change nothing (the change does not hold)
    setting_absent  the setting is not offered: its page is not found, the API returns null
    ... plus the faults a site declares itself (`site.json`): pages moved to other paths
    (`moves`), files replaced by other files (`replace`), fragments injected (`inject`).

Tests and `optout demo` run it in a thread; `python -m agent.replay PLATFORM` runs it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import secrets
import sys
import threading
import time
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict

from agent.models import Cookie, StorageState

BUILTIN_FAULTS = frozenset(
    {"signed_out", "challenge", "slow", "save_fails", "save_ignored", "setting_absent"}
)


class _Site(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Csrf(_Site):
    header: str
    cookie: str


class SignIn(_Site):
    """The sign-in form's target: sets these cookies (values are made up) and redirects."""

    submit: str
    cookies: dict[str, str]
    http_only: tuple[str, ...] = ()
    then: str


class Page(_Site):
    file: str
    setting: str | None = None  # a setting's own page: not found when it is not offered


class Fault(_Site):
    moves: dict[str, str] = {}
    replace: dict[str, str] = {}
    inject: str | None = None


class Site(_Site):
    """A platform's `fixtures/PLATFORM/site.json`."""

    about: str
    session_cookie: str
    csrf: Csrf | None  # None: the site checks no CSRF header
    sign_in: SignIn
    # {url}: the page asked for, quoted. None: signed-out visitors get the page anyway (its
    # script shows them the signed-out look when the API answers 401).
    signed_out_redirect: str | None
    challenge_redirect: str
    settings_api: str  # GET: every setting; POST {settings_api}/{id} {"value": bool}: one
    settings: dict[str, bool]
    pages: dict[str, Page]  # member pages: need the session cookie
    public: dict[str, str]  # sign-in, walls; a key ending in * matches by prefix
    redirects: dict[str, str] = {}
    not_found: str
    faults: dict[str, Fault] = {}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser dropping a keep-alive connection as it closes is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Write(BaseModel):
    method: str
    path: str
    status: int
    body: Any = None


class ReplayServer:
    """Serve `fixtures/PLATFORM/` at http://127.0.0.1:PORT, as the platform would."""

    def __init__(
        self,
        platform: str,
        *,
        faults: set[str] | None = None,
        port: int = 0,
        slow_ms: int = 700,
        autologin: bool = False,
    ) -> None:
        self.folder = files("fixtures") / platform
        self.site = Site.model_validate_json(self.folder.joinpath("site.json").read_text())
        self.faults: set[str] = set()
        for fault in faults or ():
            self.add_fault(fault)
        self.settings: dict[str, bool] = dict(self.site.settings)
        self.writes: list[Write] = []
        self.slow_ms = slow_ms
        self.autologin = autologin
        self._lock = threading.Lock()
        self._httpd = _HTTPServer(("127.0.0.1", port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def known_faults(self) -> frozenset[str]:
        return BUILTIN_FAULTS | self.site.faults.keys()

    def add_fault(self, fault: str) -> None:
        if fault not in self.known_faults:
            raise ValueError(
                f"unknown fault {fault!r}; known: {', '.join(sorted(self.known_faults))}"
            )
        self.faults.add(fault)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def make_session(self, cookie_domain: str) -> StorageState:
        """A made-up signed-in storage state for the real platform's domain, as a person's
        browser would hold it after signing in (the runner points it at this server)."""
        token = secrets.token_hex(8)
        return StorageState(
            cookies=[
                Cookie(
                    name=name,
                    value=value.format(token=token),
                    domain="." + cookie_domain,
                    httpOnly=name in self.site.sign_in.http_only,
                    secure=True,
                )
                for name, value in self.site.sign_in.cookies.items()
            ]
        )

    # What the faults change --------------------------------------------------------------------

    def _declared(self) -> list[Fault]:
        return [self.site.faults[f] for f in sorted(self.faults) if f in self.site.faults]

    def _moves(self) -> dict[str, str]:
        return {old: new for fault in self._declared() for old, new in fault.moves.items()}

    def _page_at(self, path: str) -> Page | None:
        moves = self._moves()
        if path in moves:
            return None
        original = {new: old for old, new in moves.items()}.get(path, path)
        page = self.site.pages.get(original)
        if page and page.setting and "setting_absent" in self.faults:
            return None
        return page

    def _render(self, file: str) -> bytes:
        for fault in self._declared():
            file = fault.replace.get(file, file)
        html = self.folder.joinpath(file).read_text()
        for old, new in self._moves().items():
            html = re.sub(re.escape(old) + r"(?=[\"'])", new, html)
        for fault in self._declared():
            if fault.inject:
                html = html.replace(
                    "</body>", self.folder.joinpath(fault.inject).read_text() + "</body>"
                )
        if self.autologin:
            html = html.replace("<html", "<html data-replay-autologin", 1)
        return html.encode()

    def _public(self, path: str) -> str | None:
        for key, file in self.site.public.items():
            if path == key or (key.endswith("*") and path.startswith(key[:-1])):
                return file
        return None

    def _setting_values(self) -> dict[str, bool | None]:
        if "setting_absent" in self.faults:
            return dict.fromkeys(self.settings)
        return dict(self.settings)

    # HTTP --------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # quiet: tests read `writes` instead
                pass

            def _cookies(self) -> dict[str, str]:
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(self.headers.get("Cookie", ""))
                except CookieError:
                    return {}
                return {k: v.value for k, v in jar.items()}

            def _signed_in(self) -> bool:
                return bool(self._cookies().get(server.site.session_cookie)) and (
                    "signed_out" not in server.faults
                )

            def _send(
                self,
                status: int,
                body: bytes = b"",
                ctype: str = "text/html; charset=utf-8",
                headers: dict[str, str] | None = None,
            ) -> None:
                if "slow" in server.faults:
                    time.sleep(server.slow_ms / 1000)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _json(self, status: int, data: Any) -> None:
                self._send(status, json.dumps(data).encode(), "application/json")

            def _redirect(self, location: str, extra: dict[str, str] | None = None) -> None:
                self._send(HTTPStatus.FOUND, headers={"Location": location, **(extra or {})})

            def _wall(self) -> None:
                if "challenge" in server.faults:
                    self._redirect(server.site.challenge_redirect)
                else:
                    self._redirect(
                        server.site.signed_out_redirect.format(url=quote(self.path, safe=""))
                    )

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site = server.site
                if path.startswith("/_static/"):
                    name = path.removeprefix("/_static/")
                    if (
                        re.fullmatch(r"[\w.-]+\.css", name)
                        and server.folder.joinpath(name).is_file()
                    ):
                        self._send(200, server.folder.joinpath(name).read_bytes(), "text/css")
                    else:
                        self._send(404)
                    return
                public = server._public(path)
                if public:
                    self._send(200, server._render(public))
                    return
                if path in site.redirects:
                    self._redirect(site.redirects[path])
                    return
                page = server._page_at(path)
                is_api = path == site.settings_api
                if page is None and not is_api:
                    self._send(404, server._render(site.not_found))
                    return
                walled = "challenge" in server.faults or (
                    not self._signed_in() and site.signed_out_redirect is not None
                )
                if (is_api and not self._signed_in()) or walled:
                    if is_api:
                        self._json(401, {"status": 401})
                    else:
                        self._wall()
                    return
                if is_api:
                    with server._lock:
                        self._json(200, server._setting_values())
                else:
                    assert page is not None
                    self._send(200, server._render(page.file))

            do_HEAD = do_GET

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status = self._write(path, raw)
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = "<form data>"  # the sign-in form: never keep what was typed
                server.writes.append(Write(method="POST", path=path, status=status, body=body))

            def _write(self, path: str, raw: bytes) -> int:
                site = server.site
                if path == site.sign_in.submit:
                    token = secrets.token_hex(8)
                    set_cookies = [
                        f"{name}={value.format(token=token)}; Path=/; SameSite=Lax"
                        + ("; HttpOnly" if name in site.sign_in.http_only else "")
                        + ("; Secure" if name.startswith("__Secure-") else "")
                        for name, value in site.sign_in.cookies.items()
                    ]
                    self.send_response(HTTPStatus.FOUND)
                    for cookie in set_cookies:
                        self.send_header("Set-Cookie", cookie)
                    self.send_header("Location", site.sign_in.then)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return HTTPStatus.FOUND
                setting = path.removeprefix(site.settings_api + "/")
                if not path.startswith(site.settings_api + "/") or setting not in server.settings:
                    self._json(404, {"status": 404})
                    return 404
                if not self._signed_in() or "challenge" in server.faults:
                    self._json(401, {"status": 401})
                    return 401
                if site.csrf:
                    csrf = self.headers.get(site.csrf.header, "")
                    if not csrf or csrf != self._cookies().get(site.csrf.cookie, "").strip('"'):
                        self._json(403, {"status": 403, "message": "CSRF check failed"})
                        return 403
                try:
                    value = json.loads(raw)["value"]
                    assert isinstance(value, bool)
                except (ValueError, KeyError, TypeError, AssertionError):
                    self._json(400, {"status": 400})
                    return 400
                if "save_fails" in server.faults or "setting_absent" in server.faults:
                    self._json(500, {"status": 500})
                    return 500
                if "save_ignored" not in server.faults:
                    with server._lock:
                        server.settings[setting] = value
                self._json(200, {"value": value})
                return 200

        return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m agent.replay", description="Serve a platform's recorded pages locally."
    )
    parser.add_argument("platform")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fault", action="append", default=[], help="misbehave (repeatable)")
    args = parser.parse_args(argv)
    server = ReplayServer(args.platform, faults=set(args.fault), port=args.port, autologin=False)
    print(f"Serving fixtures/{args.platform} at {server.url} (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
