"""Pages a person can share: what `optout doctor` keeps of a page, and what it replaces.

The evidence sanitizer (evidence.py) removes what is secret (scripts, tokens, cookie values);
this one also replaces what may say who the person is, so that the report can be handed to
someone else. The rule (docs/doctor.md says it for people):

Kept as it is, "interface text":
  K1. a label the flow or the shared language data knows (flows/*.py LABELS, flows/_common.py),
      anywhere on the page, matched as flows match names: the whole text, give or take what is
      not a word and a word that says the state;
  K2. the text and name of an interface element: a button, a heading, a <label> or <legend>, an
      <option>, a <summary>, a table header, the <title>, a dialog, an element whose role is one
      of these or a switch, checkbox, radio, tab or menu item, and a link that leads to a path
      the flow knows or into the folder of one (its settings pages; never the site's root) -
      unless it may identify someone: it holds a digit, "@", "://" or "www.", or a word of a
      name the page gives an image (avatars carry the person's name as their alt text), or the
      element holds an <img> (an avatar beside a name: only K1 text is kept there).

Everything else is replaced by a placeholder of the same shape (letters become x, digits 0;
length, spaces and punctuation stay): other text nodes, alt texts, aria-labels and titles
outside interface elements, form values. Identifiers (id, class, for, name, data-*, aria
references) keep their letters and lose their digits, consistently across the report, so
that references between elements still hold; one that holds a name word becomes a placeholder.
URLs keep their scheme, the platform's hosts and the path segments the flow knows; every other
host and segment, and every query or fragment value, becomes a placeholder. Scripts, <link>s,
<meta>s (but the charset), <base>, inline data and every image, video, canvas, SVG and frame
are removed; images, videos, canvases, SVGs and frames leave a grey box of the size they had.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

from agent.log import scrub
from agent.store.evidence import Sanitizer, is_script_url, run_sanitizer

# Interface elements (K2), by tag and by role.
INTERFACE_TAGS = frozenset(
    {"button", "h1", "h2", "h3", "h4", "h5", "h6", "label", "legend", "option", "optgroup",
     "summary", "th", "title", "dialog", "caption"}
)  # fmt: skip
INTERFACE_ROLES = frozenset(
    {"button", "heading", "switch", "checkbox", "radio", "tab", "menuitem",
     "menuitemcheckbox", "menuitemradio", "option", "dialog", "alertdialog", "columnheader",
     "rowheader", "treeitem"}
)  # fmt: skip
# Replaced by a grey box of their size, with all they hold.
BOXED = frozenset(
    {"img", "svg", "video", "canvas", "picture", "iframe", "object", "embed", "audio"}
)
VOID = frozenset({"img", "embed", "input", "br", "hr", "meta", "link", "base", "source", "track",
                  "wbr", "area", "col", "param"})  # fmt: skip
# Elements left out without a trace: what loads from elsewhere, or says how.
OMITTED = frozenset({"link", "base", "source", "track"})
# Attributes whose value is a state or a kind, kept when it is a short word.
STATE_ATTRIBUTES = frozenset(
    {"role", "type", "hidden", "disabled", "checked", "selected", "tabindex", "dir", "lang",
     "method", "colspan", "rowspan", "width", "height", "maxlength", "autocomplete",
     "spellcheck", "draggable", "contenteditable", "charset", "rel", "target", "open",
     "readonly", "required", "multiple", "scope", "inert"}
)  # fmt: skip
STATE_ARIA = re.compile(
    r"aria-(checked|pressed|expanded|hidden|selected|disabled|level|modal|live|current|"
    r"haspopup|orientation|busy|required|invalid|atomic|relevant|multiselectable|readonly|"
    r"posinset|setsize|sort|autocomplete)$"
)
# Attributes that people read: replaced unless they are interface text.
TEXT_ATTRIBUTES = frozenset(
    {"aria-label", "aria-description", "aria-roledescription", "aria-valuetext",
     "aria-placeholder", "title", "alt", "placeholder", "label", "summary", "value", "content",
     "aria-valuenow", "aria-valuemin", "aria-valuemax", "datetime"}
)  # fmt: skip
URL_ATTRIBUTES = frozenset({"href", "action", "formaction", "cite", "xlink:href"})
# Attributes that load something, or hold data inline: removed.
LOADING_ATTRIBUTES = frozenset(
    {"src", "srcset", "poster", "background", "ping", "data", "srcdoc", "imagesrcset", "sizes",
     "integrity", "nonce"}
)  # fmt: skip
# Input types whose value is what a button says (K2); any other input's value is the person's.
BUTTON_INPUTS = frozenset({"button", "submit", "reset"})
# The annotation the page's serialization (agent/doctor/walk.py) adds: an element's size.
BOX_ATTRIBUTE = "data-optout-box"
STATE_VALUE = re.compile(r"[\w\-. ]{0,40}")
# A label may carry a count ("(3)"), never a number that could be a phone number or an id.
LONG_NUMBER = re.compile(r"\d{3,}|@")
MAY_IDENTIFY = re.compile(r"\d|@|://|www\.", re.I)
NAME_WORD = re.compile(r"\w{2,}")
CSS_URL = re.compile(r"url\([^)]*\)|@import[^;]*;?", re.I)


def shape(text: str) -> str:
    """A neutral placeholder of the same shape: letters become x, digits 0, the rest stays."""
    return "".join("x" if c.isalpha() else "0" if c.isdigit() else c for c in text)


@dataclass
class Interface:
    """What counts as interface text and as a known address on one platform's pages; and, as
    pages are read, the name words learned from images (shared by every page of a report)."""

    labels: re.Pattern[str]
    segments: frozenset[str]  # path (and fragment) segments of the paths the flow knows
    paths: frozenset[str]  # those paths, and the folders they sit in (never "/")
    hosts: frozenset[str]  # the platform's hosts (and their subdomains)
    names: set[str] = field(default_factory=set)  # words of names given to images, casefolded
    _placeholders: dict[str, str] = field(default_factory=dict)
    _taken: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, patterns: Iterable[str], paths: Iterable[str], hosts: Iterable[str]) -> Interface:
        """From the name patterns of the labels (whole-text regular expressions), the paths
        (or URLs) the flow knows, and the platform's hosts."""
        segments: set[str] = set()
        known: set[str] = set()
        for where in paths:
            parts = urlsplit(where)
            for route in (parts.path, parts.fragment):
                pieces = [p for p in route.split("/") if p]
                segments.update(pieces)
                for depth in range(1, len(pieces) + 1):
                    known.add("/" + "/".join(pieces[:depth]))
        combined = "|".join(f"(?:{p})" for p in patterns) or r"(?!)"
        return cls(
            labels=re.compile(combined, re.I),
            segments=frozenset(segments),
            paths=frozenset(known),
            hosts=frozenset(h.lower().lstrip(".") for h in hosts),
        )

    # Text ---------------------------------------------------------------------------------------

    def is_label(self, text: str) -> bool:
        return bool(self.labels.search(" ".join(text.split())))

    def may_identify(self, text: str) -> bool:
        if MAY_IDENTIFY.search(text):
            return True
        return any(word.casefold() in self.names for word in NAME_WORD.findall(text))

    def text(self, text: str, *, interface: bool) -> str:
        """`text` as it may be shared: kept when it is a known label (K1), or the text of an
        interface element that may identify no one (K2); else its shape."""
        if not text.strip() or (self.is_label(text) and not LONG_NUMBER.search(text)):
            return text
        if interface and not self.may_identify(text):
            return text
        return shape(text)

    def learn_name(self, name: str) -> None:
        """A name the page gives an image: its capitalized words are a person's name, maybe."""
        if self.is_label(name):
            return
        self.names.update(word.casefold() for word in NAME_WORD.findall(name) if word[0].isupper())

    # Identifiers and addresses -----------------------------------------------------------------

    def placeholder(self, original: str, made: str) -> str:
        """`made` for `original`, the same each time and never the same for two originals, so
        that references (an id and the label that points at it, a link and its page) hold."""
        if original in self._placeholders:
            return self._placeholders[original]
        candidate, n = made, 0
        while candidate in self._taken:
            n += 1
            candidate = f"{made}{n}"
        self._placeholders[original] = candidate
        self._taken.add(candidate)
        return candidate

    def identifier(self, value: str) -> str:
        """Space-separated tokens (ids, classes): letters kept, digits lost; a token holding a
        name word becomes a placeholder."""
        tokens = []
        for token in value.split():
            if self.may_identify(re.sub(r"\d", " ", token)) or "@" in token:
                tokens.append(self.placeholder(token, shape(token)))
            elif re.search(r"\d", token):
                tokens.append(self.placeholder(token, re.sub(r"\d", "0", token)))
            else:
                tokens.append(token)
        return " ".join(tokens)

    def known_host(self, host: str | None) -> bool:
        host = (host or "").lower()
        return host in ("", "localhost", "127.0.0.1", "[::1]", "::1") or any(
            host == known or host.endswith("." + known) for known in self.hosts
        )

    def segment(self, segment: str) -> str:
        if not segment or segment in self.segments:
            return segment
        return self.placeholder("/" + segment, shape(segment))

    def route(self, route: str) -> str:
        return "/".join(self.segment(s) for s in route.split("/"))

    def url(self, value: str) -> str:
        """An address as it may be shared: scheme, the platform's hosts and the path segments
        the flow knows; every other host and segment, and every query or fragment value,
        replaced."""
        value = value.strip()
        try:
            parts = urlsplit(value)
        except ValueError:
            return shape(value)
        if parts.scheme and parts.scheme.lower() not in ("http", "https"):
            return f"{parts.scheme}:{shape(value[len(parts.scheme) + 1 :])}"
        netloc = parts.netloc
        if netloc and not self.known_host(parts.hostname):
            netloc = self.placeholder("//" + netloc, shape(netloc))
        out = f"{parts.scheme}:" if parts.scheme else ""
        out += f"//{netloc}" if netloc else ""
        out += self.route(parts.path)
        if parts.query:
            out += "?" + self.query(parts.query)
        if parts.fragment:
            fragment = parts.fragment
            out += "#" + (self.query(fragment) if "=" in fragment else self.route(fragment))
        return out

    def query(self, query: str) -> str:
        pairs = parse_qsl(query, keep_blank_values=True)
        return "&".join(
            f"{quote(key if re.fullmatch(r'[A-Za-z_-]+', key) else shape(key))}={quote(shape(v))}"
            for key, v in pairs
        )

    def leads_inside(self, href: str) -> bool:
        """A link to a path the flow knows, or into the folder of one (never the root)."""
        try:
            parts = urlsplit(href)
        except ValueError:
            return False
        if parts.netloc and not self.known_host(parts.hostname):
            return False
        for route in (parts.path, parts.fragment):
            pieces = [p for p in route.split("/") if p]
            if pieces and (
                "/" + "/".join(pieces) in self.paths or "/" + "/".join(pieces[:-1]) in self.paths
            ):
                return True
        return False


def _attr(attrs: list[tuple[str, str | None]], name: str) -> str:
    return next((v or "" for n, v in attrs if n == name), "")


def _is_interface(tag: str, attrs: list[tuple[str, str | None]], interface: Interface) -> bool:
    role = _attr(attrs, "role").strip().lower()
    if tag in INTERFACE_TAGS or role in INTERFACE_ROLES:
        return True
    return (tag == "a" or role == "link") and interface.leads_inside(_attr(attrs, "href"))


class _Survey(HTMLParser):
    """The first reading of a page: the names it gives images, and which interface elements
    hold an <img> (by the order of their start tags), before anything is written."""

    def __init__(self, interface: Interface) -> None:
        super().__init__(convert_charrefs=True)
        self.interface = interface
        self.index = 0
        self.open: list[tuple[str, int, bool]] = []  # tag, index, is an interface element
        self.with_image: set[int] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.index += 1
        if tag == "img" or _attr(attrs, "role") == "img":
            for name in ("alt", "aria-label", "title"):
                if value := _attr(attrs, name):
                    self.interface.learn_name(value)
        if tag == "img":
            self.with_image.update(i for _, i, ui in self.open if ui)
        if tag not in VOID:
            self.open.append((tag, self.index, _is_interface(tag, attrs, self.interface)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        _close(self.open, tag)


def _close(stack: list, tag: str) -> None:
    """End the innermost open element of that name, and whatever was left open inside it."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == tag:
            del stack[i:]
            return


class ShareSanitizer(Sanitizer):
    """Writes a page out as it may be shared (the module's rule)."""

    dropped = Sanitizer.dropped | {"iframe", "frame", "frameset", "object"}

    def __init__(self, interface: Interface, with_image: set[int]) -> None:
        super().__init__()
        self.interface = interface
        self.with_image = with_image
        self.index = 0
        # Open elements: tag, whether their text is interface text (K2 holds), and whether
        # only labels are kept in them (an interface element that holds an image).
        self.open: list[tuple[str, bool]] = []

    @property
    def in_interface(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.index += 1
        if tag in ("iframe", "frame", "object") and not self._dropping:
            self.out.append(self._box(attrs))
        super().handle_starttag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.index += 1
        super().handle_startendtag(tag, attrs)

    def start(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        if tag in OMITTED or (tag == "meta" and not _attr(attrs, "charset")):
            return
        if tag in BOXED:
            self.out.append(self._box(attrs))
            if tag not in VOID and not close:
                self.drop(tag)
            return
        if tag not in VOID and not close:
            parent = self.in_interface
            own = _is_interface(tag, attrs, self.interface) and self.index not in self.with_image
            avatar = self.index in self.with_image
            self.open.append((tag, (parent or own) and not avatar))
        super().start(tag, attrs, close)

    def end(self, tag: str) -> None:
        _close(self.open, tag)
        super().end(tag)

    def _box(self, attrs: list[tuple[str, str | None]]) -> str:
        """A grey box of the size the image (or video, frame...) had, named as it was when
        that name is interface text."""
        width, _, height = _attr(attrs, BOX_ATTRIBUTE).partition("x")
        size = (
            f"width:{int(width)}px;height:{int(height)}px;"
            if width.isdigit() and height.isdigit()
            else ""
        )
        name = _attr(attrs, "alt") or _attr(attrs, "aria-label") or _attr(attrs, "title")
        role = f' role="img" aria-label="{escape(self.interface.text(name, interface=False))}"'
        return (
            f'<span data-placeholder="image"{role if name.strip() else ""} '
            f'style="display:inline-block;{size}background:#ccc"></span>'
        )

    def attribute(
        self, tag: str, name: str, value: str, attrs: list[tuple[str, str | None]]
    ) -> str | None:
        name = name.lower()
        if name == BOX_ATTRIBUTE or name in LOADING_ATTRIBUTES:
            return None
        if name == "style":
            return CSS_URL.sub("none", value) if "data:" not in value else None
        if name in URL_ATTRIBUTES:
            return self.interface.url(value)
        if name in STATE_ATTRIBUTES or STATE_ARIA.match(name):
            keep = STATE_VALUE.fullmatch(value) and not self.interface.may_identify(
                re.sub(r"\d", "", value)
            )
            return value if keep else shape(value)
        if name in TEXT_ATTRIBUTES:
            hidden = super().attribute(tag, name, value, attrs)
            if hidden != value:
                return hidden
            interface = self._interface_attribute(tag, name, attrs)
            return self.interface.text(value, interface=interface)
        return self.interface.identifier(value)

    def _interface_attribute(
        self, tag: str, name: str, attrs: list[tuple[str, str | None]]
    ) -> bool:
        if name == "alt":
            return False
        if name == "value":
            return tag == "button" or _attr(attrs, "type").lower() in BUTTON_INPUTS
        if name in ("aria-label", "title", "aria-description"):
            return _is_interface(tag, attrs, self.interface) or self.in_interface
        return name in ("placeholder", "label", "aria-placeholder", "aria-roledescription")

    def text(self, data: str) -> str:
        return self.interface.text(data, interface=self.in_interface)

    def css(self, data: str) -> str:
        return CSS_URL.sub("none", data)


def sanitize_shared(html: str, interface: Interface) -> str:
    """A page (Chromium's serialization of it) as it may be shared: the module's rule."""
    survey = _Survey(interface)
    survey.feed(html)
    survey.close()
    return run_sanitizer(ShareSanitizer(interface, survey.with_image), html)


def sanitize_attributes(
    tag: str, attrs: list[tuple[str, str | None]], interface: Interface
) -> dict[str, str]:
    """One element's attributes as they may be shared, by the same rule as a page's."""
    sanitizer = ShareSanitizer(interface, set())
    shown = {}
    for name, value in attrs:
        if name.startswith("on") or is_script_url(value):
            continue
        kept = sanitizer.attribute(tag, name, value or "", attrs)
        if kept is not None:
            shown[name] = scrub(kept)
    return shown


# The ARIA snapshot (Playwright's YAML): `- role "name" [attributes]: text`, children indented.
ARIA_LINE = re.compile(
    r'^(?P<lead>\s*- )(?P<role>[\w-]+)(?P<name> "(?:[^"\\]|\\.)*")?(?P<attrs>(?: \[[^\]]*\])*)'
    r"(?P<rest>:.*)?$"
)
ARIA_PROPERTY = re.compile(r"^(?P<lead>\s*- )/(?P<key>[\w-]+):(?P<value>.*)$")


def sanitize_aria(snapshot: str, interface: Interface) -> str:
    """An ARIA snapshot as it may be shared, by the same rule: a name or text is kept when it
    is a known label, or it belongs to an interface role (a link only when it leads inside the
    flow's paths, as its /url says) and may identify no one. Lines it cannot read are
    replaced by their shape, but for the role."""
    lines = snapshot.splitlines()
    for line in lines:  # first the names of images, as for a page
        match = ARIA_LINE.match(line)
        if match and match["role"] == "img" and match["name"]:
            interface.learn_name(_unquote(match["name"]))
    out: list[str] = []
    open_: list[tuple[int, bool]] = []  # indent, interface
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        while open_ and open_[-1][0] >= indent:
            open_.pop()
        inherited = bool(open_) and open_[-1][1]
        prop = ARIA_PROPERTY.match(line)
        match = ARIA_LINE.match(line)
        if prop:
            value = prop["value"].strip()
            shown = interface.url(value) if prop["key"] == "url" else shape(value)
            out.append(f"{prop['lead']}/{prop['key']}: {shown}")
        elif match:
            role = match["role"]
            own = role in INTERFACE_ROLES or (
                role == "link" and _leads_inside(lines, number, interface)
            )
            ui = (inherited or own) and role != "img"
            name = match["name"]
            if name:
                name = " " + _requote(interface.text(_unquote(name), interface=ui))
            rest = match["rest"] or ""
            if rest.strip(": "):
                rest = ": " + interface.text(rest[1:].strip(), interface=ui)
            out.append(f"{match['lead']}{role}{name or ''}{match['attrs']}{rest}")
            open_.append((indent, ui))
        else:
            head, _, body = line.partition("- ")
            out.append(f"{head}- {shape(body)}" if body else shape(line))
    return "\n".join(out)


def _leads_inside(lines: list[str], number: int, interface: Interface) -> bool:
    """Whether the link on line `number` has a /url child leading inside the flow's paths."""
    indent = len(lines[number]) - len(lines[number].lstrip())
    for line in lines[number + 1 :]:
        if len(line) - len(line.lstrip()) <= indent:
            return False
        prop = ARIA_PROPERTY.match(line)
        if prop and prop["key"] == "url":
            return interface.leads_inside(prop["value"].strip())
    return False


def _unquote(quoted: str) -> str:
    import json

    try:
        text: str = json.loads(quoted.strip())
    except ValueError:
        return quoted.strip().strip('"')
    return text


def _requote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
