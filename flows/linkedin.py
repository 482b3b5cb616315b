"""LinkedIn: "Data for Generative AI Improvement".

Facts from docs/platforms.md, marked V (seen in a real capture), C (secondary
sources agree) or G (a guess). The guesses are the constants below, so that a recording from a
real account can correct them in one place (and `fixtures/linkedin/` with them).
"""

from agent.engine.controls import Switch
from agent.models import (
    Flow,
    Locate,
    Setting,
    Step,
    Walls,
    css,
    link_to,
    role,
)
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

SETTING_PATH = "/mypreferences/d/settings/data-for-ai-improvement"  # V
SETTINGS_PATH = "/mypreferences/d/"  # V: redirects to categories/account
PRIVACY_PATH = "/mypreferences/d/categories/privacy"  # V
FIRST_ROW_PATH = "/mypreferences/d/settings/manage-data-and-activity"  # G

# What each element is called, per UI language. en: V (screenshots in docs/reference/linkedin/);
# de and fr: see fixtures/linkedin/README.md for the public source of each, or "reconstruction".
# Labels are tried first; links are also found by where they lead and the switch by where it
# sits, so an unknown language still gets there (but never by guessing between two switches).
LABELS = {
    "me": {"en": "Me", "de": "Sie", "fr": "Vous"},
    "settings": {
        "en": "Settings & Privacy",
        "de": "Einstellungen & Datenschutz",
        "fr": "Préférences et confidentialité",
    },
    "data_privacy": {
        "en": "Data privacy",
        "de": "Datenschutz",
        "fr": "Confidentialité des données",
    },
    "first_row": {
        "en": "Manage your data and activity",
        "de": "Ihre Daten und Aktivitäten verwalten",
        "fr": "Gérer vos données et votre activité",
    },
    "row": {
        "en": "Data for Generative AI Improvement",
        "de": "Daten zur Verbesserung generativer KI",
        "fr": "Données pour l'amélioration de l'IA générative",
    },
    "control": {
        "en": "Use my data for training content creation AI models",
        "de": "Ihre Daten zum Schulen von KI-Modellen verwenden, um Inhalte zu erstellen",
        "fr": "Utiliser mes données pour entraîner les modèles d'IA de création de contenu",
    },
}
LANGUAGES = tuple(LABELS["control"])


ME = (
    role("button", label(LABELS["me"], "word")),
    css("button.global-nav__primary-link-me-menu-trigger"),  # C: historic class, any language
)
MAIN = role("main")
# G: the switch's markup is not public. Older LinkedIn switches are
# <input type="checkbox" role="switch" aria-checked> labelled from elsewhere; newer pages may use
# a button. By label first; else the one switch (or checkbox) in the page's main region.
CONTROL: tuple[Locate, ...] = (
    *(role(r, label(LABELS["control"])) for r in ("switch", "checkbox", "button")),
    role("switch", within=MAIN),
    role("checkbox", within=MAIN),
)
# G: writes go to LinkedIn's internal "voyager" API (C); the exact path is unknown, so the runner
# waits for any write to it after the click.
SAVE_REQUEST = r"/voyager/api/"

FLOW = Flow(
    id="linkedin",
    name="LinkedIn",
    origin="https://www.linkedin.com",
    cookie_domain="linkedin.com",
    session_cookies=("li_at",),  # C: li_at is the login; JSESSIONID carries the CSRF value
    sign_in="/login",
    walls=Walls(
        sign_in=(r"^/login", r"^/uas/login", r"^/authwall", r"^/signup"),  # C
        challenge=(r"^/checkpoint/",),  # C: /checkpoint/challenge/..., "quick security check"
        markers=(TERMS_WALL,),
    ),
    setting=Setting(
        id="data-for-ai-improvement",
        name="Data for Generative AI Improvement",
        control_label=LABELS["control"]["en"],
        regions=(
            "On by default. Offered outside the EU/EEA/UK/Switzerland since September 2024; "
            "training extended to the EU, EEA, UK, Switzerland, Canada and Hong Kong from "
            "November 3, 2025. Where it is not offered the setting is reported as unavailable."
        ),
        covers=(
            "Your profile details and the content you create on LinkedIn, used by LinkedIn and "
            "its affiliates to train content-generating AI models."
        ),
        does_not_cover=(
            "Opting out is forward-looking: data already used for training is not pulled back.",
            "Private messages were never used for this, so there is nothing to opt out of there.",
            "AI models that do not generate content need LinkedIn's separate objection form "
            "(https://www.linkedin.com/help/linkedin/ask/TS-DPRO).",
        ),
        help_url="https://www.linkedin.com/help/linkedin/answer/a6278444",
    ),
    direct=SETTING_PATH,
    # The way a person clicks there (V, screenshots in docs/reference/linkedin/).
    click_path=(
        Step(description="Open the LinkedIn feed", goto="/feed/", ready=ME),
        Step(
            description='Open the "Me" menu',
            click=ME,
            ready=(role("link", label(LABELS["settings"])), link_to(SETTINGS_PATH)),
        ),
        Step(
            description='Choose "Settings & Privacy"',
            click=(role("link", label(LABELS["settings"])), link_to(SETTINGS_PATH)),
            ready=(role("link", label(LABELS["data_privacy"])), link_to(PRIVACY_PATH)),
        ),
        Step(
            description='Open "Data privacy" in the settings menu',
            click=(role("link", label(LABELS["data_privacy"])), link_to(PRIVACY_PATH)),
            # The first card renders in one piece: once this row shows, the AI row is either
            # there or not offered to this member.
            ready=(role("link", label(LABELS["first_row"], "start")), link_to(FIRST_ROW_PATH)),
        ),
        Step(
            description='Open the row "Data for Generative AI Improvement"',
            click=(role("link", label(LABELS["row"], "start")), link_to(SETTING_PATH)),
            when_missing="unavailable",
        ),
    ),
    control=Switch(find=CONTROL),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=LANGUAGES,
)
