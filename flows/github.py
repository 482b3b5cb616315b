"""GitHub Copilot: "Allow GitHub to use my data for AI model training".

Facts from docs/platforms.md, marked V (the vendor's own docs, github/docs), C (secondary
sources agree) or G (a guess). The vendor documents the label, that it is a dropdown to set to
"Disabled", and the first click; the page's markup was never captured, so the guesses are the
constants below, in one place for a recording from a real account to correct (and
`fixtures/github/` with them).
"""

from agent.engine.controls import Select
from agent.models import Flow, Marker, Setting, Step, Walls, any_label, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called. en only: github.com has no other UI language.
LABELS = {
    "setting": {"en": "Allow GitHub to use my data for AI model training"},  # V
    "enabled": {"en": "Enabled"},  # V: the option that lets GitHub use the data
    "disabled": {"en": "Disabled"},  # V: "Select the … dropdown menu and click Disabled"
    "user_menu": {"en": "Open user navigation menu"},  # V: the profile picture; its name C/G
    "your_copilot": {"en": "Your Copilot"},  # V
    # G: what the page says for a Copilot Business or Enterprise seat, which it does not
    # show the setting to (V: "the setting is not displayed for these plans").
    "managed": {"en": "Some settings are managed by your organization"},
    "sudo": {"en": "Confirm access"},  # G: GitHub's sudo mode, a password asked again in place
}
FEATURES_PATH = "/settings/copilot/features"  # C
# C: leads to the features page; "Your Copilot" links here (G). Not a direct route: the page
# does not stay at this address (it lands on the features page), and the engine opens a direct
# route only when it does; the click path's last step follows the link to it instead.
COPILOT_PATH = "/settings/copilot"
SETTING = label(LABELS["setting"])
USER_MENU = role("button", label(LABELS["user_menu"]))
# "word": the docs show a Copilot icon before the words, which may lend the link its name (G).
YOUR_COPILOT = role("link", label(LABELS["your_copilot"], "word"))
# G: GitHub's endpoint is not public; the page is expected to write under its own path, and the
# runner waits for that write (not for GitHub's other POSTs, e.g. its page statistics).
SAVE_REQUEST = r"/settings/copilot"

FLOW = Flow(
    id="github",
    name="GitHub",
    origin="https://github.com",
    cookie_domain="github.com",
    session_cookies=("user_session",),  # C (+ __Host-user_session_same_site, logged_in)
    sign_in="/login",
    walls=Walls(
        sign_in=(r"^/login", r"^/session$", r"^/signup"),  # C: /login?return_to=…; the rest G
        challenge=(r"^/sessions/verified-device", r"^/sessions/two-factor"),  # G
        markers=(
            Marker(kind="challenge", shows=(role("heading", label(LABELS["sudo"])),)),
            TERMS_WALL,
        ),
    ),
    setting=Setting(
        # The fixtures' (and the replay server's) name of the setting.
        id="ai_model_training",
        name="Allow GitHub to use my data for AI model training",
        control_label=LABELS["setting"]["en"],
        regions=(
            "Enabled by default since April 24, 2026 for Copilot Free, Pro, Pro+ and Max, "
            "everywhere. Not shown to Copilot Business or Enterprise seats, whose data GitHub "
            "does not use for training (optout reports it as not offered)."
        ),
        covers=(
            "Your interactions with GitHub's Copilot features (inputs, outputs, code snippets "
            "and their context), used by GitHub to train AI models."
        ),
        does_not_cover=(
            '"Allow GitHub to use my data for product improvements" on the same page: an older, '
            "separate option; optout leaves it as it is.",
            "Data that was already used for training before it was switched off.",
            "Copilot Business and Enterprise seats: their organization's agreement decides.",
        ),
        help_url="https://docs.github.com/en/copilot/how-tos/manage-your-account/manage-policies",
    ),
    direct=FEATURES_PATH,
    click_path=(
        Step(description="Open your GitHub dashboard", goto="/", ready=(USER_MENU,)),
        Step(
            description="Open the menu behind your profile picture",
            click=(USER_MENU,),
            ready=(YOUR_COPILOT, link_to(COPILOT_PATH)),
        ),
        Step(description='Choose "Your Copilot"', click=(YOUR_COPILOT, link_to(COPILOT_PATH))),
    ),
    not_offered=(text(label(LABELS["managed"], "word")),),
    # By label only: the page has other dropdowns with the same options ("product
    # improvements", "Copilot Chat in the IDE", V: "Copilot access to Bing"). A native select
    # or a dropdown named by the label is taken first; else the one dropdown in the row whose
    # title is the label (G: a Primer menu button named only by its current choice).
    control=Select(
        find=(role("combobox", SETTING), role("button", SETTING), role("listbox", SETTING)),
        row=(role("heading", SETTING), text(SETTING)),
        off=any_label(LABELS["disabled"]),
        on=any_label(LABELS["enabled"]),
    ),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en",),
)
