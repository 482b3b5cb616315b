"""X: "Allow your public data as well as your interactions, inputs, and results with Grok and
xAI to be used for training and fine-tuning", in Settings and privacy → Privacy and safety →
Grok & Third-party Collaborators.

Facts from docs/platforms.md, marked V (seen in a real capture or shipped client code), C
(secondary sources agree) or G (a guess). A native checkbox named by the label around it (V).
Under-18 accounts see it disabled (V): not offered. The page sometimes fails to load and says to
reload (V): it is reloaded once. Two settings on that page are switched off, each on its own
with a result of its own: the training checkbox, and "Allow X to personalize your experience
with Grok" (a second pipe of X data to xAI, V). Grok's memory, also there, is not training.
The guesses are the constants below, in one place for a recording from a real account to
correct (and `fixtures/x/` with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, MoreSetting, Setting, Step, Walls, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called, in the languages the sources give (fr: G, from the fixtures'
# translation; X's own French strings were not captured).
LABELS = {
    "checkbox": {
        "en": (  # V
            "Allow your public data as well as your interactions, inputs, and results with "
            "Grok and xAI to be used for training and fine-tuning"
        ),
        "en-2024": (  # C: the 2024 wording
            "Allow your posts as well as your interactions, inputs, and results with Grok to "
            "be used for training and fine-tuning"
        ),
        "fr": (
            "Autoriser l\u2019utilisation de vos données publiques ainsi que de vos interactions, "
            "entrées et résultats avec Grok et xAI pour l\u2019entraînement et l\u2019ajustement"
        ),
    },
    "personalization": {  # V (en); fr: G
        "en": "Allow X to personalize your experience with Grok",
        "fr": "Autoriser X à personnaliser votre expérience avec Grok",
    },
    "more": {"en": "More menu items", "fr": "Plus d\u2019éléments de menu"},  # C / G
    "settings": {"en": "Settings and privacy", "fr": "Paramètres et confidentialité"},  # V / G
    "privacy": {"en": "Privacy and safety", "fr": "Confidentialité et sécurité"},  # V / G
    "grok": {"en": "Grok & Third-party Collaborators", "fr": "Grok et collaborateurs tiers"},
    "went_wrong": {  # V (en)
        "en": "Something went wrong. Try reloading.",
        "fr": "Un problème est survenu. Essayez de recharger la page.",
    },
}
GROK_PATH = "/settings/grok_settings"  # V
PRIVACY_PATH = "/settings/privacy_and_safety"  # V
SETTINGS_ITEM = role("menuitem", label(LABELS["settings"]))
PRIVACY_TAB = role("tab", label(LABELS["privacy"]))
# V: the row's name is its title and then its description (the training label).
GROK_ROW = role("link", label(LABELS["grok"], "start"))
# G: the real write is the XaiDataSharingSettingsMutation over GraphQL (V).
SAVE_REQUEST = r"/i/api/graphql/"

FLOW = Flow(
    id="x",
    name="X",
    origin="https://x.com",
    cookie_domain="x.com",
    session_cookies=("auth_token",),  # C (+ ct0, the CSRF value, and twid)
    sign_in="/i/flow/login",  # C
    walls=Walls(
        sign_in=(r"^/i/flow/login", r"^/login"),  # C
        challenge=(r"^/account/access",),  # C: a locked account, Arkose
        markers=(TERMS_WALL,),
    ),
    setting=Setting(
        id="allow_xai_data_sharing",  # V: X's own name of the preference
        name="Data Sharing",  # V: the sub-heading above the checkbox
        control_label=LABELS["checkbox"]["en"],
        regions=(
            "Checked (on) by default; accounts of people under 18 see it disabled (not offered)."
        ),
        covers=(
            "Your public X data and your interactions, inputs and results with Grok, shared "
            "with xAI to train and fine-tune Grok and other models."
        ),
        does_not_cover=(
            "Grok's memory, on the same page, is not training; optout leaves it alone.",
            "grok.com has a setting of its own (optout's grok platform).",
            "Public posts can still be read by anyone, models included.",
        ),
        help_url="https://help.x.com/en/using-x/about-grok",  # G
    ),
    more_settings=(
        MoreSetting(
            setting=Setting(
                id="allow_xai_personalization",  # V
                name="Grok Personalization",  # V: its sub-heading
                control_label=LABELS["personalization"]["en"],
                regions="Checked (on) by default (V); disabled for people under 18 (G).",
                covers=(
                    "Information about your X account (your posts, follows and engagement), used "
                    "by X to personalize Grok: a second way X data reaches xAI."
                ),
                does_not_cover=(
                    "What Grok was already personalized with is not pulled back.",
                ),
                help_url="https://help.x.com/en/using-x/about-grok",  # G
            ),
            control=Switch(
                find=(role("checkbox", label(LABELS["personalization"])),),
                disabled_means_not_offered=True,
            ),
        ),
    ),
    direct=GROK_PATH,
    click_path=(
        Step(
            description="Open the X home timeline",
            goto="/home",
            ready=(role("button", label(LABELS["more"])),),
        ),
        Step(
            description='Open the "More" menu',
            click=(role("button", label(LABELS["more"])),),
            ready=(SETTINGS_ITEM,),
        ),
        Step(
            description='Choose "Settings and privacy"',
            click=(SETTINGS_ITEM, link_to("/settings")),
            ready=(PRIVACY_TAB,),
        ),
        Step(
            description='Open "Privacy and safety"',
            click=(PRIVACY_TAB, link_to(PRIVACY_PATH)),
            ready=(GROK_ROW,),
        ),
        Step(description='Open "Grok & Third-party Collaborators"', click=(GROK_ROW,)),
    ),
    control=Switch(
        find=(role("checkbox", label(LABELS["checkbox"])),),
        disabled_means_not_offered=True,  # V: under 18, disabled with no explanation
    ),
    # G: what the page says when the account has none of these settings.
    not_offered=(text(r"^These settings aren['\u2019]t available for your account"),),
    reload_when=(text(label(LABELS["went_wrong"])),),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en", "fr"),
)
