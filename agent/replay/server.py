"""The replay server: the site's state (settings, faults, writes) and its HTTP handler."""

from __future__ import annotations

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
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import BaseModel

from agent.models import Cookie, StorageState
from agent.replay.site import BUILTIN_FAULTS, Fault, Mutation, Page, Site

# Once loaded, the page's script never yields again: nothing on it answers any more.
FREEZE = "<script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 0));</script>"


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
        mutation: Mutation | None = None,
        folder: Traversable | None = None,
    ) -> None:
        # `folder`: another folder of pages and site.json, e.g. a fixture made from a report
        # (`scripts/fixture-from-report`) before it is moved into fixtures/.
        self.folder = folder if folder is not None else files("fixtures") / platform
        self.site = Site.model_validate_json(self.folder.joinpath("site.json").read_text())
        self.mutation = mutation
        self.faults: set[str] = set()
        for fault in {*(faults or ()), *(mutation.faults if mutation else ())}:
            self.add_fault(fault)
        self.settings: dict[str, bool] = {
            **(mutation.settings if mutation else {}),
            **self.site.settings,
        }
        self.writes: list[Write] = []
        self.slow_ms = slow_ms
        self.autologin = autologin
        self.lock = threading.Lock()
        self._httpd = _HTTPServer(("127.0.0.1", port), ReplayHandler, self)
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
                    # A __Host- cookie is the host's own (no Domain attribute): no leading dot.
                    domain=("" if name.lower().startswith("__host-") else ".") + cookie_domain,
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

    def page_at(self, path: str) -> Page | None:
        moves = self._moves()
        if path in moves:
            return None
        original = {new: old for old, new in moves.items()}.get(path, path)
        page = self.site.pages.get(original)
        if page and page.setting and "setting_absent" in self.faults:
            return None
        return page

    def render(self, file: str) -> bytes:
        for fault in self._declared():
            file = fault.replace.get(file, file)
        html = self.folder.joinpath(file).read_text()
        for old, new in self._moves().items():
            html = re.sub(re.escape(old) + r"(?=[\"'])", new, html)
        fragments = [
            self.folder.joinpath(fault.inject).read_text()
            for fault in self._declared()
            if fault.inject
        ]
        if "eager_writes" in self.faults:
            fragments.append(self._eager_writes())
        if "frozen" in self.faults:
            fragments.append(FREEZE)
        if fragments:  # before the page's own </body>, the last one (a comment may name it)
            head, end, tail = html.rpartition("</body>")
            html = head + "".join(fragments) + end + tail
        if self.autologin:
            html = html.replace("<html", "<html data-replay-autologin", 1)
        if self.mutation:
            script = f"<script>{self.mutation.script}</script>"
            html = re.sub(r"<head\b[^>]*>", lambda head: head[0] + script, html, count=1)
        return html.encode()

    def _eager_writes(self) -> str:
        """A script that saves on load and on every click, as a careless or hostile page might."""
        csrf = self.site.csrf
        config = {
            "api": self.site.settings_api,
            "settings": sorted(self.site.settings),
            "header": csrf.header if csrf else None,
            "cookie": csrf.cookie if csrf else None,
        }
        return (
            "<script>(function (c) {"
            "function token() { var m = c.cookie && document.cookie.match("
            "new RegExp('(?:^|; )' + c.cookie + '=\"?([^;\"]*)')); return m ? m[1] : ''; }"
            "function save() { c.settings.forEach(function (id) {"
            "var h = {'content-type': 'application/json'}; if (c.header) { h[c.header] = token(); }"
            "fetch(c.api + '/' + id, {method: 'POST', credentials: 'include', headers: h,"
            "body: JSON.stringify({value: false})}).catch(function () {}); });"
            "fetch('/replay/eager-write', {method: 'PUT', credentials: 'include'})"
            ".catch(function () {}); navigator.sendBeacon('/replay/eager-beacon', 'x'); }"
            "save(); document.addEventListener('click', save, true);"
            f"}})({json.dumps(config)});</script>"
        )

    def setting_values(self) -> dict[str, bool | None]:
        with self.lock:
            if "setting_absent" in self.faults:
                return dict.fromkeys(self.settings)
            return dict(self.settings)

    def save(self, setting: str, value: bool) -> None:
        if "save_ignored" not in self.faults:
            with self.lock:
                self.settings[setting] = value

    def static(self, name: str) -> bytes | None:
        """A stylesheet of the folder, served at /_static/NAME.css."""
        if re.fullmatch(r"[\w.-]+\.css", name) and self.folder.joinpath(name).is_file():
            return self.folder.joinpath(name).read_bytes()
        return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: type[ReplayHandler], replay: ReplayServer
    ) -> None:
        super().__init__(address, handler)
        self.replay = replay

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser dropping a keep-alive connection as it closes is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReplayHandler(BaseHTTPRequestHandler):
    """One request to the replayed site, answered as the platform would."""

    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    @property
    def replay(self) -> ReplayServer:
        return self.server.replay

    @property
    def site(self) -> Site:
        return self.server.replay.site

    def log_message(self, *_: Any) -> None:  # quiet: tests read `writes` instead
        pass

    # Who is asking -----------------------------------------------------------------------------

    def _cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except CookieError:
            return {}
        return {k: v.value for k, v in jar.items()}

    def _signed_in(self) -> bool:
        return bool(self._cookies().get(self.site.session_cookie)) and (
            "signed_out" not in self.replay.faults
        )

    def _csrf_ok(self) -> bool:
        csrf = self.site.csrf
        if csrf is None:
            return True
        sent = self.headers.get(csrf.header, "")
        return bool(sent) and sent == self._cookies().get(csrf.cookie, "").strip('"')

    # Answers -----------------------------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        if "slow" in self.replay.faults:
            time.sleep(self.replay.slow_ms / 1000)
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

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.FOUND, headers={"Location": location})

    def _wall(self) -> None:
        if "challenge" in self.replay.faults:
            self._redirect(self.site.challenge_redirect)
        else:
            assert self.site.signed_out_redirect is not None
            self._redirect(self.site.signed_out_redirect.format(url=quote(self.path, safe="")))

    # Reads -------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/_static/"):
            css = self.replay.static(path.removeprefix("/_static/"))
            self._send(200, css, "text/css") if css is not None else self._send(404)
            return
        public = self.site.public_file(path)
        if public:
            self._send(200, self.replay.render(public))
        elif path in self.site.redirects:
            self._redirect(self.site.redirects[path])
        elif path == self.site.settings_api:
            if self.replay.mutation and self.replay.mutation.api_delay_ms:
                time.sleep(self.replay.mutation.api_delay_ms / 1000)  # a thread per request
            self._get_settings()
        else:
            self._get_page(path)

    do_HEAD = do_GET

    def _get_settings(self) -> None:
        if not self._signed_in() or "challenge" in self.replay.faults:
            self._json(401, {"status": 401})
        else:
            self._json(200, self.replay.setting_values())

    def _get_page(self, path: str) -> None:
        page = self.replay.page_at(path)
        if page is None:
            self._send(404, self.replay.render(self.site.not_found))
        elif "challenge" in self.replay.faults or (
            not self._signed_in() and self.site.signed_out_redirect is not None
        ):
            self._wall()
        else:
            self._send(200, self.replay.render(page.file))

    # Writes ------------------------------------------------------------------------------------

    def do_POST(self) -> None:
        """Every write is recorded, whatever its path or method: the tests' record of what the
        tool let a page send."""
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.command == "POST" and path == self.site.sign_in.submit:
            status = self._sign_in()
        else:
            status = self._save(path, raw)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = "<form data>"  # the sign-in form: never keep what was typed
        self.replay.writes.append(Write(method=self.command, path=path, status=status, body=body))

    do_PUT = do_PATCH = do_DELETE = do_POST

    def _sign_in(self) -> int:
        sign_in = self.site.sign_in
        token = secrets.token_hex(8)
        self.send_response(HTTPStatus.FOUND)
        for name, value in sign_in.cookies.items():
            self.send_header(
                "Set-Cookie",
                f"{name}={value.format(token=token)}; Path=/; SameSite=Lax"
                + ("; HttpOnly" if name in sign_in.http_only else "")
                + ("; Secure" if name.startswith("__Secure-") else ""),
            )
        self.send_header("Location", sign_in.then)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return HTTPStatus.FOUND

    def _save(self, path: str, raw: bytes) -> int:
        """`POST {settings_api}/{id}` with `{"value": bool}`: save one setting."""
        setting = path.removeprefix(self.site.settings_api + "/")
        if (
            self.command != "POST"
            or not path.startswith(self.site.settings_api + "/")
            or setting not in self.replay.settings
        ):
            return self._answer(404)
        if not self._signed_in() or "challenge" in self.replay.faults:
            return self._answer(401)
        if not self._csrf_ok():
            return self._answer(403, message="CSRF check failed")
        try:
            value = json.loads(raw)["value"]
        except (ValueError, KeyError, TypeError):
            value = None
        if not isinstance(value, bool):
            return self._answer(400)
        if self.replay.faults & {"save_fails", "setting_absent"}:
            return self._answer(500)
        self.replay.save(setting, value)
        self._json(200, {"value": value})
        return 200

    def _answer(self, status: int, **extra: str) -> int:
        self._json(status, {"status": status, **extra})
        return status
