"""ChatGPT (OpenAI): "Improve the model for everyone".

Facts from docs/platforms.md, marked V (seen in a primary source), C (secondary
sources agree) or G (a guess); the guesses are the constants at the top, so that a recording
from a real account can correct them in one place (and `fixtures/chatgpt/` with them).
"""

from agent.engine.controls import Switch
from agent.models import (
    Flow,
    Marker,
    Setting,
    Step,
    Walls,
    role,
    text,
)
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called, per UI language: en C unless marked; de and fr from the sources
# in fixtures/chatgpt/README.md ("Language variants"), or reconstructions (G).
LABELS = {
    "switch": {
        "en": "Improve the model for everyone",
        "de": "Das Modell für alle verbessern",
        "fr": "Améliorer le modèle pour tous",
    },
    "profile_menu": {  # G: the avatar button's accessible name
        "en": "Open profile menu",
        "de": "Profilmenü öffnen",
        "fr": "Ouvrir le menu du profil",
    },
    "settings": {"en": "Settings", "de": "Einstellungen", "fr": "Paramètres"},
    "data_controls": {
        "en": "Data controls",
        "de": "Datenkontrollen",
        "fr": "Gestion des données",
        "fr-2": "Contrôles des données",
    },
    "done": {"en": "Done", "de": "Fertig", "fr": "Terminé"},  # G for de, fr
    "log_in": {"en": "Log in", "de": "Anmelden", "fr": "Se connecter"},  # G for de, fr
}
SWITCH = label(LABELS["switch"])
PROFILE_MENU = role("button", label(LABELS["profile_menu"]))
# C, both: newer route first, then the older hash route of the settings dialog.
DIRECT = "/settings/data-controls"
OLDER_ROUTE = "/#settings/DataControls"
SAVE_REQUEST = r"/backend-api/"  # G: ChatGPT's own API; the exact endpoint is unknown

FLOW = Flow(
    id="chatgpt",
    name="ChatGPT",
    origin="https://chatgpt.com",
    cookie_domain="chatgpt.com",
    # C: sometimes split in two as .0 and .1
    session_cookies=(
        "__Secure-next-auth.session-token",
        "__Secure-next-auth.session-token.0",
    ),
    sign_in="/auth/login",
    walls=Walls(
        sign_in=(r"^/auth/login", r"^/auth/error"),
        challenge=(r"^/cdn-cgi/challenge-platform",),
        markers=(
            # C: a signed-out page is not redirected; it offers "Log in", and the switch it
            # shows is this browser's copy of the setting, not the account's.
            Marker(
                kind="sign_in",
                shows=(
                    role("button", label(LABELS["log_in"])),
                    role("link", label(LABELS["log_in"])),
                ),
                says=(
                    "ChatGPT shows 'Log in': the saved session is signed out, and the switch a "
                    "signed-out page shows belongs to this browser, not to your account. "
                    "Sign in again: {login}"
                ),
            ),
            Marker(kind="challenge", shows=(text(r"^Verify you are human"),)),  # G: Cloudflare
            TERMS_WALL,
        ),
    ),
    setting=Setting(
        id="improve-model",
        name="Improve the model for everyone",
        control_label="Improve the model for everyone",
        regions=(
            "On by default for Free, Plus and Pro accounts everywhere. Business, Enterprise, Edu "
            "and API accounts are off by default."
        ),
        covers=(
            "Your conversations with ChatGPT, used by OpenAI to train its models "
            '("Allow your content to be used to train our models").'
        ),
        does_not_cover=(
            "A chat you rate with thumbs up or down can still be used for training after "
            "opting out.",
            '"Include your audio recordings" and "Include your video recordings" are separate '
            "switches in the same place.",
            "Opting out is forward-looking: conversations already used are not pulled back.",
            "Signed out, ChatGPT keeps a per-browser copy of this switch that is not your "
            "account's; optout only changes the account's.",
        ),
        help_url="https://help.openai.com/en/articles/7730893-data-controls-faq",
    ),
    direct=DIRECT,
    also_direct=(OLDER_ROUTE,),
    click_path=(
        Step(description="Open ChatGPT", goto="/", ready=(PROFILE_MENU,)),
        Step(
            description="Open the profile menu",
            click=(PROFILE_MENU,),
            ready=(role("menuitem", label(LABELS["settings"])),),
        ),
        Step(
            description='Choose "Settings"',
            click=(role("menuitem", label(LABELS["settings"])),),
            ready=(role("tab", label(LABELS["data_controls"])),),
        ),
        Step(
            description='Open the "Data controls" tab',
            click=(role("tab", label(LABELS["data_controls"])),),
        ),
    ),
    # C, both: the switch sits inline in the row, or behind it in a small dialog with "Done".
    control=Switch(
        find=(role("switch", SWITCH), role("checkbox", SWITCH), role("button", SWITCH)),
        reveal=(role("button", SWITCH),),
        close=(role("button", label(LABELS["done"])),),
    ),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en", "de", "fr"),
)
