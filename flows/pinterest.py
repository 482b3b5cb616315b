"""Pinterest: "Use your data to train Pinterest Canvas".

Facts from docs/platforms.md, marked V (seen in a real capture), C (secondary sources agree) or
G (a guess). The label is V only from the Android app; the web page's markup was never captured,
so the guesses are the constants below, in one place for a recording from a real account to
correct (and `fixtures/pinterest/` with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, Marker, Setting, Step, Walls, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called. en only: the sources give no other language (PINAUD, V for the
# label on Android; C for the web; every web-only name is G).
LABELS = {
    "switch": {"en": "Use your data to train Pinterest Canvas"},  # V (Android) / C (web)
    "more": {"en": "Accounts and more options"},  # G: the ▾ button beside the avatar
    "settings": {"en": "Settings"},  # C: Profile → Settings
    "privacy": {"en": "Privacy and data"},  # C
    "save": {"en": "Save"},  # G: the Reset / Save bar of Pinterest's other settings pages
}
PRIVACY_PATH = "/settings/privacy"  # C
ALIAS_PATH = "/settings/privacy-and-data"  # C: also referenced
SETTINGS_PATH = "/settings/"  # G
MORE = role("button", label(LABELS["more"]))
SWITCH = label(LABELS["switch"])
# G: Pinterest's web API is widely described as /resource/<Name>Resource/...; the exact write
# is unknown, so the runner waits for any write to a resource after the click.
SAVE_REQUEST = r"/resource/"
# What a security check looks like when the address does not say it (G).
VERIFY = text(r"^Let['\u2019]s make sure it['\u2019]s you")

FLOW = Flow(
    id="pinterest",
    name="Pinterest",
    origin="https://www.pinterest.com",
    cookie_domain="pinterest.com",
    session_cookies=("_pinterest_sess",),  # C (+ _auth=1, csrftoken)
    sign_in="/login/",
    walls=Walls(
        sign_in=(r"^/login", r"^/signup"),  # G
        challenge=(r"^/verify", r"^/cdn-cgi/challenge-platform"),  # G
        markers=(Marker(kind="challenge", shows=(VERIFY,)), TERMS_WALL),
    ),
    setting=Setting(
        id="train-pinterest-canvas",
        name="Use your data to train Pinterest Canvas",
        control_label=LABELS["switch"]["en"],
        regions=(
            "On by default; accounts of people under 18 are opted out automatically. Regional "
            "differences are not documented."
        ),
        covers="Your Pinterest data, used to help train Pinterest Canvas, Pinterest's generative AI.",
        does_not_cover=(
            '"Show AI content" on the same page is a feed filter (whether you see AI Pins), not '
            "training; optout leaves it alone.",
        ),
        help_url="https://help.pinterest.com/en/article/your-privacy-and-data-settings",
    ),
    direct=PRIVACY_PATH,
    also_direct=(ALIAS_PATH,),
    click_path=(
        Step(description="Open the Pinterest home feed", goto="/", ready=(MORE,)),
        Step(
            description='Open the menu "Accounts and more options"',
            click=(MORE,),
            ready=(role("menuitem", label(LABELS["settings"])),),
        ),
        Step(
            description='Choose "Settings"',
            click=(role("menuitem", label(LABELS["settings"])), link_to(SETTINGS_PATH)),
            ready=(role("link", label(LABELS["privacy"])),),
        ),
        Step(
            description='Open "Privacy and data" in the settings menu',
            click=(role("link", label(LABELS["privacy"])), link_to(PRIVACY_PATH)),
        ),
    ),
    # By label only: the page has other switches, among them "Show AI content" in the same
    # GenAI section, so there is no "one switch where the setting sits" to fall back on. G: a
    # Gestalt Switch is a plain checkbox; a switch or a toggle button is tried too.
    # G: whether the page saves on change or waits for the Save of a Reset / Save bar, as
    # Pinterest's other settings pages do: Save is pressed when the page shows it.
    control=Switch(
        find=tuple(role(r, SWITCH) for r in ("checkbox", "switch", "button")),
        save=(role("button", label(LABELS["save"])),),
        save_if_shown=True,
    ),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en",),
)
