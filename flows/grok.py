"""grok.com: "Improve the Model", in Settings → Data Controls.

Facts from docs/platforms.md, marked V (seen in shipped client code), C (secondary sources agree)
or G (a guess). Settings is a dialog over the chat page, addressed by a query string
(`/?_s=data`, V/C). The switch has no accessible name of its own (G: the row's title is a plain
element beside it), so it is found by the title beside it. The guesses are the constants below,
in one place for a recording from a real account to correct (and `fixtures/grok/` with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, Marker, Setting, Step, Walls, css, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called. en only: the sources give no other language.
LABELS = {
    "switch": {"en": "Improve the Model"},  # V (key settings-data.improve-model.title)
    "settings": {"en": "Settings"},  # C: the profile menu's item, and the dialog's name
    "data_controls": {"en": "Data Controls"},  # V/C
}
DATA_CONTROLS = "/?_s=data"  # V/C
# G: the profile picture's button is named by the picture's alt text; a button that opens a
# menu and holds a picture is the fallback.
PROFILE = (role("button", r"^pfp$"), css('button[aria-haspopup="menu"]:has(img)'))
SETTINGS_ITEM = role("menuitem", label(LABELS["settings"]))
DATA_TAB = role("tab", label(LABELS["data_controls"]))
TITLE = text(label(LABELS["switch"]))  # the row's title, beside the switch that has no name
# G: the real write is POST /rest/user-settings {"excludeFromTraining": true} (V); any write
# under /rest/user-settings counts.
SAVE_REQUEST = r"/rest/user-settings"

FLOW = Flow(
    id="grok",
    name="grok.com",
    origin="https://grok.com",
    cookie_domain="grok.com",
    session_cookies=("sso",),  # C (+ sso-rw, the same token)
    sign_in="https://accounts.x.ai/sign-in?redirect=grok-com",  # G
    walls=Walls(
        sign_in=(r"^/sign-in", r"^/sign-up"),  # G (accounts.x.ai)
        challenge=(r"^/cdn-cgi/challenge-platform",),  # G: Cloudflare
        markers=(
            Marker(
                kind="sign_in",
                # G: signed out, nothing redirects; the page offers to sign in instead.
                shows=tuple(role(kind, r"^\s*Sign (in|up)\s*$") for kind in ("link", "button")),
            ),
            Marker(kind="challenge", shows=(text(r"^Verify you are human"),)),  # G: Cloudflare
            TERMS_WALL,
        ),
    ),
    setting=Setting(
        id="improve-the-model",
        name="Improve the Model",
        control_label=LABELS["switch"]["en"],
        regions=(
            "On by default for consumer accounts outside the EU, Iceland, Liechtenstein, Norway "
            "and the UK; off by default (set once per browser) inside them. Hidden for "
            "enterprise and government accounts."
        ),
        covers="Your Grok conversations, used by xAI to train its models.",
        does_not_cover=(
            "Conversations already used for training are not pulled back.",
            '"Personalize Grok using X" and "Allow chat link sharing" on the same tab are not '
            "training; optout leaves them alone.",
            "Grok inside X has a setting of its own, on x.com.",
        ),
        help_url="https://x.ai/legal/faq",  # G
    ),
    direct=DATA_CONTROLS,
    click_path=(
        Step(description="Open grok.com", goto="/", ready=PROFILE),
        Step(
            description="Open the menu of your profile picture",
            click=PROFILE,
            ready=(SETTINGS_ITEM,),
        ),
        Step(description='Choose "Settings"', click=(SETTINGS_ITEM,), ready=(DATA_TAB,)),
        Step(description='Open the "Data Controls" tab', click=(DATA_TAB,)),
    ),
    # V: a switch (SettingsToggleRow); a checkbox or a toggle button is tried too.
    control=Switch(find=tuple(role(r, beside=TITLE) for r in ("switch", "checkbox", "button"))),
    # V: enterprise and government accounts see no "Improve the Model" row, and nothing in its
    # place (G): a hidden row cannot be told from a renamed one, so it ends as "site changed"
    # rather than as "not offered" (which a renamed row would then be taken for, while ON).
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en",),
)
