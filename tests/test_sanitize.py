"""The rule of what a shareable report keeps (agent/store/sanitize.py, docs/doctor.md): known
labels anywhere, interface elements' text that may identify no one; everything else becomes a
placeholder of its shape."""

from __future__ import annotations

import pytest

import flows
from agent.models import Target
from agent.store.sanitize import Interface, sanitize_aria, sanitize_shared, shape


@pytest.fixture
def interface() -> Interface:
    from agent.doctor import interface_of

    return interface_of(Target(flows.load("linkedin")))


def test_shape_keeps_length_spaces_and_punctuation() -> None:
    assert shape("Janet Q. Example, +49 (30) 1234") == "xxxxx x. xxxxxxx, +00 (00) 0000"


@pytest.mark.parametrize(
    "html",
    [
        # K1: a known label, anywhere, with a state word and a chevron
        "<p>Data for Generative AI Improvement <span>On</span> →</p>",
        # K2: the text of a button or a heading that may identify no one
        "<button>Start a post</button>",
        "<h2>Account preferences</h2>",
        # K2: a link into the folder of a path the flow knows (its settings pages)
        '<a href="/mypreferences/d/settings/new-thing">A renamed row</a>',
    ],
)
def test_interface_text_is_kept(interface: Interface, html: str) -> None:
    text = html.split(">", 1)[1].split("<", 1)[0]
    assert text in sanitize_shared(html, interface)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Senior Widget Analyst at Frobnicate</p>",  # not an interface element
        '<a href="/in/someone/">Ana Lyst</a>',  # a link that leads elsewhere
        "<button>Call +49 30 1234 5678</button>",  # digits
        "<h3>write to ana@example.org</h3>",  # an e-mail address
        '<img alt="Ana Lyst"><h3>Ana Lyst</h3>',  # a name an image gives
        '<button><img alt="">Ana Lyst</button>',  # beside an avatar
        "<div>OK 1234567</div>",  # a label with a long number is not a label
    ],
)
def test_what_may_identify_is_replaced_by_its_shape(interface: Interface, html: str) -> None:
    out = sanitize_shared(html, interface)
    for word in ("Widget", "Lyst", "1234", "example.org", "someone", "OK 1234567"):
        assert word not in out


def test_attributes(interface: Interface) -> None:
    html = (
        '<div id="ember57" class="card t-16" data-urn="urn:li:member:99" aria-label="Ana Lyst" '
        'style="background:url(https://cdn.example.net/a.png)" onclick="x()"></div>'
        '<label for="ember57">Data privacy</label>'
        '<input type="checkbox" role="switch" aria-checked="true" value="private text">'
        '<a href="https://elsewhere.example.com/u/123?token=abc#frag=1">x</a>'
        '<a href="/mypreferences/d/categories/privacy?trk=nav">y</a>'
        '<img src="data:image/png;base64,AAAA" data-optout-box="72x72" alt="">'
        '<iframe src="/x"></iframe><script>secret()</script><link rel="stylesheet" href="/a.css">'
    )
    out = sanitize_shared(html, interface)
    assert 'id="ember00"' in out and 'for="ember00"' in out  # references still hold
    assert "t-00" in out and "99" not in out and "Ana" not in out and "onclick" not in out
    assert "cdn.example.net" not in out and "background:none" in out
    assert 'aria-checked="true"' in out and 'role="switch"' in out and "private" not in out
    assert "elsewhere" not in out and "123" not in out and "abc" not in out
    assert 'href="/mypreferences/d/categories/privacy?trk=xxx"' in out
    assert "base64" not in out and "width:72px;height:72px" in out
    assert "<iframe" not in out and "secret" not in out and "a.css" not in out


def test_the_aria_snapshot_follows_the_same_rule(interface: Interface) -> None:
    snapshot = "\n".join(
        [
            "- banner:",
            '  - button "Ana Lyst Me" [expanded]:',
            '    - img "Ana Lyst"',
            "- main:",
            '  - heading "Data privacy" [level=1]',
            '  - link "A renamed row On":',
            "    - /url: /mypreferences/d/settings/new-thing",
            '  - link "Ana Lyst":',
            "    - /url: /in/ana-lyst-42/",
            "  - paragraph: Thrilled to announce my new role",
            '  - switch "Use my data for training content creation AI models" [checked]',
        ]
    )
    out = sanitize_aria(snapshot, interface)
    assert "Ana" not in out and "Lyst" not in out and "42" not in out and "Thrilled" not in out
    assert 'heading "Data privacy" [level=1]' in out and "[expanded]" in out
    assert 'link "A renamed row On"' in out and "/url: /mypreferences/d/settings/" in out
    assert 'switch "Use my data for training content creation AI models" [checked]' in out
