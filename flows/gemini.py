"""Gemini (Google): "Keep Activity", formerly "Gemini Apps Activity".

Facts from docs/platforms.md, marked V (seen in a primary source), C (secondary
sources agree) or G (a guess); the guesses are the constants at the top, so that a recording
from a real account can correct them in one place (and `fixtures/gemini/` with them).

There is no switch: the page offers "Turn off" while the setting is on and "Turn on" while it
is off. "Turn off" asks "Turn off" or "Turn off and delete activity" (C), then a confirmation.
"""

from agent.engine.controls import Buttons
from agent.models import Choice, Flow, Setting, Step, Walls, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called, per UI language: en C unless marked; de and fr from the sources
# in fixtures/gemini/README.md ("Language variants"), or reconstructions (G). The German sources
# describe the mobile app's menu; "Deaktivieren" is kept as a second guess for the web page.
LABELS = {
    "settings_help": {
        "en": "Settings & help",
        "de": "Einstellungen & Hilfe",
        "fr": "Paramètres et aide",
    },
    "activity": {"en": "Activity", "de": "Aktivität", "fr": "Activité"},
    "turn_off": {"en": "Turn off", "de": "Ausschalten", "de-2": "Deaktivieren", "fr": "Désactiver"},
    "turn_off_delete": {
        "en": "Turn off and delete activity",
        "de": "Ausschalten und Aktivität löschen",
        "de-2": "Deaktivieren und Aktivitäten löschen",
        "fr": "Désactiver et supprimer l'activité",
    },
    "confirm_delete": {  # G: the confirmation's button
        "en": "Turn off and delete",
        "de": "Ausschalten und löschen",
        "fr": "Désactiver et supprimer",
    },
    "turn_on": {"en": "Turn on", "de": "Einschalten", "de-2": "Aktivieren", "fr": "Activer"},
    "refused": {  # en C (widely reported for automated browsers); de, fr G
        "en": "This browser or app may not be secure",
        "de": "Dieser Browser oder diese App ist möglicherweise nicht sicher",
        "fr": "Ce navigateur ou cette application ne sont peut-être pas sécurisés",
    },
    "admin": {  # G
        "en": "administrator manages this setting",
        "de": "von Ihrem Administrator verwaltet",
        "fr": "géré par votre administrateur",
    },
}
ACTIVITY_PAGE = "/product/gemini"  # V, on myactivity.google.com
GEMINI_APP = "https://gemini.google.com/app"  # V
DIALOG = role("dialog")
SETTINGS_HELP = role("button", label(LABELS["settings_help"]))
TURN_OFF = label(LABELS["turn_off"])
SAVE_REQUEST = r"/myactivity/api/"  # G: the exact endpoint is unknown
DELETE = "delete-activity"

FLOW = Flow(
    id="gemini",
    name="Gemini",
    origin="https://myactivity.google.com",
    cookie_domain="google.com",
    session_cookies=("__Secure-1PSID", "__Secure-3PSID", "SID"),  # C
    sign_in="https://accounts.google.com/ServiceLogin?continue=https://myactivity.google.com/product/gemini",
    login_refused=(text(label(LABELS["refused"], "start")),),
    walls=Walls(
        sign_in=(r"^/ServiceLogin", r"^/v3/signin/(?!challenge)", r"^/signin/(?!v2/challenge)"),
        challenge=(r"^/v3/signin/challenge", r"^/signin/v2/challenge"),  # C
        markers=(TERMS_WALL,),
    ),
    setting=Setting(
        id="keep-activity",
        name="Keep Activity (Gemini Apps Activity)",
        control_label="Keep Activity",
        regions=(
            "On by default for adults with a personal Google Account. For Workspace accounts "
            "the admin decides; optout then reports the setting as not offered."
        ),
        covers=(
            "Your Gemini chats saved to your Google Account and used to improve Google services, "
            "including its generative AI models."
        ),
        does_not_cover=(
            "Even with it off, chats are kept with your account for up to 72 hours.",
            "Chats already reviewed by people are kept for up to 3 years.",
            '"Improve Google services with your audio and Gemini Live recordings" is a '
            "separate setting (off by default).",
            "Opting out is forward-looking; your past activity stays unless you choose "
            "--delete-activity.",
        ),
        help_url="https://support.google.com/gemini/answer/13594961",
    ),
    direct=ACTIVITY_PAGE,
    click_path=(
        Step(
            description="Open the Gemini app",
            goto=GEMINI_APP,
            ready=(SETTINGS_HELP,),
        ),
        Step(
            description='Open "Settings & help"',
            click=(SETTINGS_HELP,),
            ready=(role("menuitem", label(LABELS["activity"])),),
        ),
        Step(
            description='Choose "Activity"',
            click=(role("menuitem", label(LABELS["activity"])),),
        ),
    ),
    control=Buttons(
        on_when=(role("button", TURN_OFF),),
        off_when=(role("button", label(LABELS["turn_on"])),),
        switch_off=(
            Step(
                description='Click "Turn off"',
                click=(role("button", TURN_OFF),),
                ready=(role("menuitem", TURN_OFF),),
            ),
            Step(
                description='Choose "Turn off" (your activity history is kept)',
                click=(role("menuitem", TURN_OFF),),
                ready=(DIALOG,),
                only_without=DELETE,
            ),
            Step(
                description='Choose "Turn off and delete activity" (--delete-activity)',
                click=(role("menuitem", label(LABELS["turn_off_delete"])),),
                ready=(DIALOG,),
                only_with=DELETE,
            ),
            Step(
                description='Confirm with "Turn off"',
                click=(role("button", TURN_OFF, within=DIALOG),),
                only_without=DELETE,
            ),
            Step(
                description='Confirm with "Turn off and delete"',
                click=(role("button", label(LABELS["confirm_delete"]), within=DIALOG),),
                only_with=DELETE,
            ),
        ),
    ),
    not_offered=(text(label(LABELS["admin"], "word")),),
    choices=(
        Choice(
            id=DELETE,
            description=(
                'Choose "Turn off and delete activity" instead of "Turn off": your Gemini '
                "activity history is deleted too (default: turn off and keep it)."
            ),
            warning="This deletes your Gemini activity history for good; it cannot be undone.",
            done="Your Gemini activity history was deleted too.",
        ),
    ),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en", "de", "fr"),
)
