"""Evidence a person can keep: a screenshot of the final state of the page and, when the site
did not look as expected, the page's HTML with scripts, cookies and tokens stripped."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from agent.log import REDACTED, scrub
from agent.store.files import write_private

if TYPE_CHECKING:
    from playwright.async_api import Page

_STRIP = [
    # Scripts and embedded data blobs (some sites ship page data in hidden <code> elements).
    re.compile(r"<script\b.*?</script\s*>", re.I | re.S),
    re.compile(r"<code\b.*?</code\s*>", re.I | re.S),
    re.compile(r"<template\b.*?</template\s*>", re.I | re.S),
    re.compile(r"<noscript\b.*?</noscript\s*>", re.I | re.S),
]
_INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*("[^"]*"|'[^']*')""", re.I)
_TOKEN_META = re.compile(r"""<meta\b[^>]*(csrf|token|session)[^>]*>""", re.I)
_HIDDEN_VALUE = re.compile(
    r"""(<input\b[^>]*type\s*=\s*["']?hidden["']?[^>]*?\svalue\s*=\s*)("[^"]*"|'[^']*')""", re.I
)


def sanitize_html(html: str) -> str:
    for pattern in _STRIP:
        html = pattern.sub("", html)
    html = _INLINE_HANDLER.sub("", html)
    html = _TOKEN_META.sub("", html)
    html = _HIDDEN_VALUE.sub(rf'\1"{REDACTED}"', html)
    return scrub(html)


class Evidence:
    """Where one run's evidence goes: OPTOUT_HOME/evidence/PLATFORM/ACCOUNT/."""

    def __init__(self, home: Path, platform: str, account: str, action: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        self.home = home
        self.folder = home / "evidence" / platform / account
        self.name = f"{stamp}-{action}"

    async def capture(self, page: Page, *, with_html: bool) -> list[str]:
        paths = [
            write_private(self.folder / f"{self.name}.png", await page.screenshot(), root=self.home)
        ]
        if with_html:
            html = sanitize_html(await page.content())
            paths.append(
                write_private(self.folder / f"{self.name}.html", html.encode(), root=self.home)
            )
        return [str(p) for p in paths]
