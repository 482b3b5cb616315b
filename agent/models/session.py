"""What a saved session holds: a Playwright storage state (cookies and local storage)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
