"""Quora: "Allow large language models to be trained on your content", in Settings → Privacy.

Facts from docs/platforms.md, marked V (seen in a primary source), C (secondary sources agree) or
G (a guess). The page and the label are C; everything about the markup is G: the toggle is
thought to have no accessible name of its own, so it is found by the row's text beside it. The
guesses are the constants below, in one place for a recording from a real account to correct
(and `fixtures/quora/` with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, Marker, Setting, Step, Walls, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called, in the languages the sources give.
LABELS = {
    "switch": {
        "en": "Allow large language models to be trained on your content",  # C (WIRED)
        "hi": "आपके कंटेंट पर लार्ज लैंग्वेज मॉडल को तैयार करने की अनुमति दें",  # C (Quora's help)
    },
    "privacy": {"en": "Privacy", "hi": "प्राइवेसी"},  # en G (the page is C), hi G
}
PRIVACY_PATH = "/settings/privacy"  # C
SETTINGS_PATH = "/settings"  # C: Settings pages live under /settings/
SWITCH = label(LABELS["switch"])
PRIVACY_LINK = (role("link", label(LABELS["privacy"])), link_to(PRIVACY_PATH))

FLOW = Flow(
    id="quora",
    name="Quora",
    origin="https://www.quora.com",
    cookie_domain="quora.com",
    session_cookies=("m-b",),  # G: one source (m-lat also seen)
    sign_in="/",  # C: signed out, Quora's home page is its sign-in page
    walls=Walls(
        sign_in=(r"^/login",),  # G
        challenge=(r"^/cdn-cgi/challenge-platform",),  # G: Cloudflare
        markers=(Marker(kind="challenge", shows=(text(r"^Just a moment"),)), TERMS_WALL),  # G
    ),
    setting=Setting(
        id="allow-llm-training",
        name="Allow large language models to be trained on your content",
        control_label=LABELS["switch"]["en"],
        regions="Thought to be on by default (not documented).",
        covers=(
            "Your answers, posts and comments, for training large language models. Quora says it "
            "does not currently use them to train models that generate content on Quora: the "
            "setting holds for the future."
        ),
        does_not_cover=(
            '"Allow search engines to index your name" on the same page is not training; optout '
            "leaves it alone.",
            "Content already shared with others (quoted, copied, archived) is out of Quora's hands.",
        ),
        help_url="https://help.quora.com/hc/en-us/articles/15205064557844",  # C (hi article's id)
    ),
    direct=PRIVACY_PATH,
    click_path=(
        Step(description="Open Settings", goto=SETTINGS_PATH, ready=PRIVACY_LINK),
        Step(description='Open "Privacy" in the settings menu', click=PRIVACY_LINK),
    ),
    # By the row's text only: the page has another toggle of the same markup ("Allow search
    # engines to index your name"), so there is no "the one switch on the page" to fall back on.
    # G: a switch; a checkbox or a toggle button is tried too.
    control=Switch(
        find=tuple(role(r, beside=text(SWITCH)) for r in ("switch", "checkbox", "button"))
    ),
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en", "hi"),
)
