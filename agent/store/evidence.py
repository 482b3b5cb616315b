"""Evidence a person can keep: a screenshot of the final state of the page and, when the site
did not look as expected, the page's HTML with scripts, cookies and tokens stripped.

The HTML is cleaned token by token, with the standard library's HTML tokenizer (html.parser),
not with patterns over the text: the tokenizer reads attributes in any order, quoted, unquoted
or entity-encoded (`ajax&#58;1` is `ajax:1`) just as the browser did, and every token is written
out again by this module, escaped, so nothing reaches the file without being looked at. It needs
no dependency, and what it reads is Chromium's own serialization of the page (`page.content()`),
which is well-formed: a tokenizer is enough, no tree is needed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from agent.log import REDACTED, scrub
from agent.store.files import write_private

# Dropped with all they hold: scripts, and the places sites keep page data and state in
# (some ship it in hidden <code> elements).
_DROPPED = frozenset({"script", "code", "template", "noscript"})
# A <meta> naming any of these in any attribute carries a token: dropped.
_TOKEN_META = re.compile(r"csrf|token|session|cookie", re.I)
# An <input> of these types holds what the page does not show: its value is redacted.
_HIDDEN_INPUTS = frozenset({"hidden", "password"})


class Sanitizer(HTMLParser):
    """Writes the page out again token by token, leaving out what must never be kept. A
    subclass decides more through `start`, `attribute` and `text` (the shareable report of
    `optout doctor`, agent/store/sanitize.py, also replaces what may identify the person)."""

    # Dropped with all they hold.
    dropped = _DROPPED

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # text and attributes arrive decoded
        self.out: list[str] = []
        self._dropping: list[str] = []  # the dropped elements we are inside, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "/")

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        if tag in self.dropped and not close:
            self._dropping.append(tag)
        if self._dropping or tag in self.dropped:
            return
        if tag == "meta" and any(_TOKEN_META.search(f"{n}={v or ''}") for n, v in attrs):
            return
        self.start(tag, attrs, close)

    def drop(self, tag: str) -> None:
        """Leave out this element (just opened) and all it holds."""
        self._dropping.append(tag)

    def start(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        """Write a start tag, with the attributes that may be kept."""
        kept = []
        for name, value in attrs:
            if name.startswith("on") or is_script_url(value):  # scripts, by other names
                continue
            if value is None:
                kept.append(f" {scrub(name)}")
                continue
            shown = self.attribute(tag, name, value, attrs)
            if shown is not None:
                kept.append(f' {scrub(name)}="{escape(scrub(shown), quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}{close}>")

    def attribute(
        self, tag: str, name: str, value: str, attrs: list[tuple[str, str | None]]
    ) -> str | None:
        """What an attribute's value becomes (None: left out)."""
        hidden = tag == "input" and any(
            n == "type" and (v or "").strip().lower() in _HIDDEN_INPUTS for n, v in attrs
        )
        return REDACTED if hidden and name == "value" else value

    def text(self, data: str) -> str:
        """What a text node (not inside <style>) becomes."""
        return data

    def handle_endtag(self, tag: str) -> None:
        if tag in self._dropping:
            # End the innermost element of that name, and whatever was left open inside it.
            del self._dropping[len(self._dropping) - 1 - self._dropping[::-1].index(tag) :]
        elif not self._dropping and tag not in self.dropped:
            self.end(tag)

    def end(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._dropping:
            return
        # Inside <style> the text is CSS, not HTML: escaping it would change it. (Any other
        # text is escaped, even where the tokenizer read it raw: what it decoded stays text.)
        if self.cdata_elem == "style":
            self.out.append(scrub(self.css(data)))
        else:
            self.out.append(escape(scrub(self.text(data)), quote=False))

    def css(self, data: str) -> str:
        """What the text of a <style> becomes."""
        return data

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{scrub(decl)}>")

    # Comments, processing instructions and CDATA sections are dropped: they show nothing and
    # may hold anything.
    def handle_comment(self, data: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass


def is_script_url(value: str | None) -> bool:
    # Browsers ignore whitespace and control characters inside the scheme: "java\tscript:".
    return "".join(c for c in (value or "") if c > " ").lower().startswith("javascript:")


def sanitize_html(html: str) -> str:
    """The page without scripts, comments, token-bearing metas and hidden inputs' values, and
    with every shape of every registered secret redacted in every text node and attribute."""
    return run_sanitizer(Sanitizer(), html)


def run_sanitizer(sanitizer: Sanitizer, html: str) -> str:
    """`html` through `sanitizer`, then every registered secret redacted once more."""
    sanitizer.feed(html)
    sanitizer.close()
    # Once more over the whole: a secret that only the writing-out put back together.
    return scrub("".join(sanitizer.out))


class Evidence:
    """Where one run's evidence goes: OPTOUT_HOME/evidence/PLATFORM/ACCOUNT/, and a folder of
    its own for each object of a per-object setting (a site): the latest `keep` runs are kept
    of each, and a run of many sites never prunes its own first sites' evidence."""

    def __init__(
        self,
        home: Path,
        platform: str,
        account: str,
        action: str,
        *,
        keep: int = 0,
        of: str | None = None,
    ) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        self.home = home
        self.folder = home / "evidence" / platform / account
        if of is not None:
            self.folder /= of
        self.name = f"{stamp}-{action}"
        self.keep = keep

    def save(self, png: bytes, html: str | None = None) -> list[str]:
        """Write the screenshot, and the page's HTML (sanitized) when given; their paths."""
        paths = [write_private(self.folder / f"{self.name}.png", png, root=self.home)]
        if html is not None:
            paths.append(
                write_private(
                    self.folder / f"{self.name}.html", sanitize_html(html).encode(), root=self.home
                )
            )
        if self.keep:
            prune(self.folder, self.keep)
        return [str(p) for p in paths]


def runs(folder: Path) -> list[list[Path]]:
    """The evidence of each run in `folder` (a screenshot, and the HTML when saved), oldest
    first: the names begin with the time, so they sort by it."""
    by_run: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*.png")) + sorted(folder.glob("*.html")):
        by_run.setdefault(path.stem, []).append(path)
    return [by_run[stem] for stem in sorted(by_run)]


def prune(folder: Path, keep: int) -> None:
    """Delete the evidence of all but the latest `keep` runs in `folder`."""
    for old in runs(folder)[:-keep]:
        for path in old:
            path.unlink(missing_ok=True)
