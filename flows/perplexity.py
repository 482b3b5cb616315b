"""Perplexity: "AI data retention" (formerly "AI Data Usage").

Facts from docs/platforms.md, marked V (seen in a primary source), C (secondary sources agree) or
G (a guess). No direct address is confirmed, so the flow expects to click its way there; the
guesses are the constants below, in one place for a recording from a real account to correct
(and `fixtures/perplexity/` with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, Marker, Setting, Step, Walls, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called. en only: the sources give no other language.
LABELS = {
    "switch": {
        "en": "AI data retention",  # C
        "en-old": "AI Data Usage",  # C: the older name (old FAQ)
    },
    "preferences": {"en": "Preferences"},  # C
    "log_in": {"en": "Log in", "en-2": "Sign Up"},  # G
}
PREFERENCES_PATH = "/settings/preferences"  # G: plausible, never confirmed
ACCOUNT_PATH = "/settings/account"  # G: one weak source
SWITCH = label(LABELS["switch"])
SAVE_REQUEST = r"/rest/"  # G: the exact endpoint is unknown

FLOW = Flow(
    id="perplexity",
    name="Perplexity",
    origin="https://www.perplexity.ai",
    cookie_domain="perplexity.ai",
    # C: NextAuth, sometimes split in two as .0 and .1; pplx_session beside it.
    session_cookies=(
        "__Secure-next-auth.session-token",
        "__Secure-next-auth.session-token.0",
    ),
    sign_in="/auth/signin",
    walls=Walls(
        sign_in=(r"^/auth/signin", r"^/auth/error"),  # G
        challenge=(r"^/cdn-cgi/challenge-platform",),  # G: Cloudflare
        markers=(
            # G: signed out, nothing redirects; the page offers to log in instead.
            Marker(
                kind="sign_in",
                shows=(
                    text(r"^Sign in to manage your settings"),
                    role("link", label(LABELS["log_in"])),
                    role("button", label(LABELS["log_in"])),
                ),
            ),
            Marker(kind="challenge", shows=(text(r"^Verify you are human"),)),  # G: Cloudflare
            TERMS_WALL,
        ),
    ),
    setting=Setting(
        id="ai-data-retention",
        name="AI data retention",
        control_label=LABELS["switch"]["en"],
        regions="On by default for Free, Pro and Max accounts. Enterprise accounts are excluded.",
        covers="Your searches, used by Perplexity to improve its AI models.",
        does_not_cover=(
            "Searches made while signed out are collected too, and have no opt-out.",
            "Enterprise accounts: the organization's data is not used for training anyway.",
        ),
        help_url="https://www.perplexity.ai/hub/faq/what-data-does-perplexity-collect-about-me",
    ),
    direct=PREFERENCES_PATH,
    click_path=(
        # C: profile name (bottom left) → "All settings", a link to the account tab: opened here
        # by its address, as the profile button is named after the account.
        Step(
            description='Open "All settings"',
            goto=ACCOUNT_PATH,
            ready=(role("link", label(LABELS["preferences"])), link_to(PREFERENCES_PATH)),
        ),
        Step(
            description='Open the "Preferences" tab',
            click=(role("link", label(LABELS["preferences"])), link_to(PREFERENCES_PATH)),
        ),
    ),
    # G: what Preferences says instead of the switch for an Enterprise account.
    not_offered=(text(r"managed by your Enterprise administrator"),),
    # By label only: Preferences has other switches ("Autosuggest", "Homepage widgets").
    control=Switch(find=tuple(role(r, SWITCH) for r in ("switch", "checkbox", "button"))),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en",),
)
