"""The site model: a platform's `fixtures/PLATFORM/site.json`, what the replay server serves."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

BUILTIN_FAULTS = frozenset(
    {
        "signed_out",
        "challenge",
        "slow",
        "save_fails",
        "save_ignored",
        "setting_absent",
        "eager_writes",
        "frozen",
    }
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
    """A way the site can differ, declared by the site: pages moved to other paths (`moves`),
    files replaced by other files (`replace`), a fragment injected before </body> (`inject`)."""

    moves: dict[str, str] = {}
    replace: dict[str, str] = {}
    inject: str | None = None


class Mutation(_Site):
    """A change the browser makes to every HTML page the server serves: `script` is injected
    as the first thing in <head>, so it runs before the page's own scripts (it may wrap `fetch`
    or watch the DOM the page renders). `settings` are more settings the server keeps and
    accepts writes to (e.g. one the script's own controls write to), `faults` more faults,
    `api_delay_ms` how long the server sits on every read of the settings (a slow backend: the
    page shows its control late, while its request is visibly open).
    Used by mutation testing (mutation/); the server knows nothing of what the script does."""

    script: str
    settings: dict[str, bool] = {}
    faults: frozenset[str] = frozenset()
    api_delay_ms: int = 0


class Site(_Site):
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

    def public_file(self, path: str) -> str | None:
        for key, file in self.public.items():
            if path == key or (key.endswith("*") and path.startswith(key[:-1])):
                return file
        return None
