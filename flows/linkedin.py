"""LinkedIn: "Data for Generative AI Improvement".

Facts from ../shared/reference/platforms.md, marked V (seen in a real capture), C (secondary
sources agree) or G (a guess). The guesses are gathered in GUESSES below, so that a recording from
a real account can correct them in one place (and `fixtures/linkedin/` with them).
"""

from agent.models import Flow, Setting, Step, Switch, Walls, role

SETTING_PATH = "/mypreferences/d/settings/data-for-ai-improvement"  # V
CONTROL_LABEL = "Use my data for training content creation AI models"  # V (screenshot)

# G: the switch's markup is not public. Older LinkedIn switches are
# <input type="checkbox" role="switch" aria-checked> labelled from elsewhere; newer pages may use
# a button. Any of these, named by the row's label, is the control.
CONTROL_ROLES = ("switch", "checkbox", "button")
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
    ),
    setting=Setting(
        id="data-for-ai-improvement",
        name="Data for Generative AI Improvement",
        control_label=CONTROL_LABEL,
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
    # The way a person clicks there (V, screenshots in shared/reference/linkedin/).
    click_path=(
        Step(
            description="Open the LinkedIn feed",
            goto="/feed/",
            ready=(role("button", r"\bMe\b"),),
        ),
        Step(
            description='Open the "Me" menu',
            click=(role("button", r"\bMe\b"),),
            ready=(role("link", r"^Settings (&|and) Privacy$"),),
        ),
        Step(
            description='Choose "Settings & Privacy"',
            click=(role("link", r"^Settings (&|and) Privacy$"),),
            ready=(role("link", r"^Data privacy$"),),
        ),
        Step(
            description='Open "Data privacy" in the settings menu',
            click=(role("link", r"^Data privacy$"),),
            # The first card renders in one piece: once this row shows, the AI row is either
            # there or not offered to this member.
            ready=(role("link", r"^Manage your data and activity"),),
        ),
        Step(
            description='Open the row "Data for Generative AI Improvement"',
            click=(role("link", r"^Data for Generative AI Improvement\b"),),
            when_missing="unavailable",
        ),
    ),
    control=Switch(find=tuple(role(r, rf"^{CONTROL_LABEL}$") for r in CONTROL_ROLES)),
    save_request=SAVE_REQUEST,
)
