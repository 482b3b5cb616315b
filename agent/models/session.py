"""What a saved session holds: a Playwright storage state (cookies and local storage).

A cookie that Chromium refuses makes the whole browser context fail to open, so the rules it
applies are checked here, where every session is built (an import, a sign-in, a saved file),
not when a run is already under way. Each is what Chromium did with such a cookie in a storage
state, plus the domains that cannot be a host at all (an empty label, a space), which Chromium
takes but no site could ever set. Error messages never quote a cookie's value.
"""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Playwright's and Chromium's latest expiry: 9999-12-31T23:59:59Z, in seconds.
MAX_EXPIRES = 253402300799
MAX_NAME_AND_VALUE = 4096  # bytes of UTF-8, the name and value together
MAX_ATTRIBUTE = 1024  # bytes, of the path as Chromium escapes it
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LABEL = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
# What Chromium escapes in a cookie's path (and so what makes it longer): the rest of printable
# ASCII stays as it is.
_PATH_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"<>`{}')


def _is_text(value: str) -> bool:
    """No lone surrogate (what JSON's \\ud800 makes): such a string is not Unicode text, and
    can be neither sent to Chromium nor saved."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_host(domain: str) -> bool:
    """A host name (labels of letters, digits, '-' or '_', or international ones), an IPv4
    address or a bracketed IPv6 one, with at most one leading dot (any subdomain)."""
    host = domain.removeprefix(".")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    if len(host) > 253:
        return False
    for label in host.split("."):
        if not label.isascii():
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                return False
        if not _LABEL.match(label):
            return False
    return True


class Cookie(BaseModel):
    """A cookie as Playwright's storage state writes it."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    name: str = Field(min_length=1)
    value: str
    domain: str = Field(min_length=1)
    path: str = "/"
    expires: float = -1
    httpOnly: bool = False
    secure: bool = False
    sameSite: Literal["Strict", "Lax", "None"] = "Lax"

    @model_validator(mode="after")
    def _chromium_takes_it(self) -> Cookie:
        for field in ("name", "value", "domain", "path"):
            if not _is_text(getattr(self, field)):
                raise ValueError(f"its {field} is not valid text (it holds a lone surrogate)")
        if self.expires != -1 and not (
            math.isfinite(self.expires) and 0 <= self.expires <= MAX_EXPIRES
        ):
            raise ValueError(
                "its expiry must be -1 (a session cookie) or a time between 1970 and 9999, "
                "in seconds"
            )
        if not _is_host(self.domain):
            raise ValueError("its domain is not a host name")
        if _CONTROL.search(self.name) or ";" in self.name or "=" in self.name:
            raise ValueError("its name holds ';', '=' or a control character")
        if _CONTROL.search(self.value) or ";" in self.value:
            raise ValueError("its value holds ';' or a control character")
        if self.name != self.name.strip(" ") or self.value != self.value.strip(" "):
            raise ValueError("its name or value starts or ends with a space")
        if len(self.name.encode()) + len(self.value.encode()) > MAX_NAME_AND_VALUE:
            raise ValueError(f"its name and value are longer than {MAX_NAME_AND_VALUE} bytes")
        if not self.path.startswith("/") or ";" in self.path:
            raise ValueError("its path must start with '/' and hold no ';'")
        if len(quote(self.path, safe=_PATH_SAFE)) > MAX_ATTRIBUTE:
            raise ValueError(f"its path is longer than {MAX_ATTRIBUTE} bytes")
        lowered = self.name.lower()  # Chromium reads the prefixes in any case
        if lowered.startswith("__secure-") and not self.secure:
            raise ValueError("a __Secure- cookie must be secure")
        if lowered.startswith("__host-") and (
            not self.secure or self.domain.startswith(".") or self.path != "/"
        ):
            raise ValueError("a __Host- cookie must be secure, for one host, on path '/'")
        return self

    def belongs_to(self, domain: str) -> bool:
        host = self.domain.lstrip(".").lower()
        return host == domain or host.endswith("." + domain)


class OriginStorage(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    origin: str
    localStorage: list[dict[str, str]] = []

    @model_validator(mode="after")
    def _is_all_text(self) -> OriginStorage:
        # Chromium takes these, but a session that holds them could not be saved.
        texts = [
            self.origin,
            *(s for item in self.localStorage for pair in item.items() for s in pair),
        ]
        if not all(map(_is_text, texts)):
            raise ValueError("its local storage is not valid text (it holds a lone surrogate)")
        return self


class StorageState(BaseModel):
    """Playwright's storage-state file: what a signed-in browser context holds."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    cookies: list[Cookie]
    origins: list[OriginStorage] = []
