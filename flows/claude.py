"""Claude (Anthropic): "Help improve Claude".

Facts from docs/platforms.md, marked V (seen in a primary source), C (secondary
sources agree) or G (a guess); the guesses are the constants at the top, so that a recording
from a real account can correct them in one place (and `fixtures/claude/` with them).
"""

from agent.engine.controls import Switch
from agent.models import (
    Flow,
    Marker,
    Setting,
    Step,
    Walls,
    link_to,
    role,
    text,
)
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called, per UI language: en C (press since Aug 2025) unless marked; de and
# fr from the sources in fixtures/claude/README.md ("Language variants"), or reconstructions.
LABELS = {
    # One Oct 2026 report reads "Help improve our AI models": either is the switch.
    "switch": {
        "en": "Help improve Claude",
        "en-2026": "Help improve our AI models",
        "de": "Hilf dabei, Claude zu verbessern",
        "fr": "Aider à améliorer Claude",
    },
    "user_menu": {  # G: the account button's accessible name
        "en": "Open user menu",
        "de": "Benutzermenü öffnen",
        "fr": "Ouvrir le menu utilisateur",
    },
    "settings": {"en": "Settings", "de": "Einstellungen", "fr": "Paramètres"},
    "privacy": {"en": "Privacy", "de": "Datenschutz", "fr": "Confidentialité"},
    "terms": {  # C: the pop-up's title; de is a reconstruction
        "en": "Updates to Consumer Terms",
        "de": "Aktualisierungen der Verbraucherbedingungen",
        "fr": "Mises à jour des conditions",
    },
}
PRIVACY_PATH = "/settings/data-privacy-controls"  # V
USER_MENU = role("button", label(LABELS["user_menu"]))
SWITCH = label(LABELS["switch"])
SAVE_REQUEST = r"/api/account"  # G: claude.ai's own API; the exact endpoint is unknown

FLOW = Flow(
    id="claude",
    name="Claude",
    origin="https://claude.ai",
    cookie_domain="claude.ai",
    session_cookies=("sessionKey",),  # C
    sign_in="/login",
    walls=Walls(
        sign_in=(r"^/login", r"^/logout"),
        challenge=(r"^/cdn-cgi/challenge-platform",),
        markers=(
            # C: new terms may come first, with a training toggle preset ON and a big Accept.
            # Accepting terms is the person's decision, never optout's.
            Marker(
                kind="challenge",
                shows=(role("dialog", label(LABELS["terms"], "start")),),
                says=(
                    "Claude first wants you to review 'Updates to Consumer Terms and Policies'. "
                    "optout never accepts terms for you: open claude.ai, switch 'Help improve "
                    "Claude' off in that pop-up yourself before you choose Accept (or choose Not "
                    "now), then run this again."
                ),
            ),
            Marker(kind="challenge", shows=(text(r"^Verify you are human"),)),  # G: Cloudflare
            TERMS_WALL,
        ),
    ),
    setting=Setting(
        id="help-improve-claude",
        name="Help improve Claude",
        control_label="Help improve Claude",
        regions="Free, Pro and Max accounts (Claude Code included), everywhere.",
        covers=(
            "Your chats and coding sessions, used by Anthropic to train and improve its models."
        ),
        does_not_cover=(
            "Retention: with the setting on, data is kept up to 5 years; with it off, 30 days.",
            "Work, government, education and API accounts are excluded from training anyway.",
            "Opting out is forward-looking: chats already used are not pulled back.",
        ),
        help_url="https://privacy.anthropic.com/",
    ),
    direct=PRIVACY_PATH,
    click_path=(
        Step(description="Open Claude", goto="/new", ready=(USER_MENU,)),
        Step(
            description="Open the user menu",
            click=(USER_MENU,),
            ready=(role("menuitem", label(LABELS["settings"])),),
        ),
        Step(
            description='Choose "Settings"',
            click=(role("menuitem", label(LABELS["settings"])),),
            ready=(role("link", label(LABELS["privacy"])), link_to(PRIVACY_PATH)),
        ),
        Step(
            description='Open "Privacy"',
            click=(role("link", label(LABELS["privacy"])), link_to(PRIVACY_PATH)),
        ),
    ),
    # By label only: the page has other switches ("Location metadata"), so there is no "one
    # switch where the setting sits" to fall back on.
    control=Switch(
        find=(role("switch", SWITCH), role("checkbox", SWITCH), role("button", SWITCH))
    ),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en", "de", "fr"),
)
