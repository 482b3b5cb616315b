"""Claude (Anthropic): "Help improve Claude".

Facts from ../shared/reference/platforms.md, marked V (seen in a primary source), C (secondary
sources agree) or G (a guess); the guesses are the constants at the top, so that a recording
from a real account can correct them in one place (and `fixtures/claude/` with them).
"""

from agent.models import Flow, Marker, Setting, Step, Switch, Walls, role, text

# C since Aug 2025; one Oct 2026 report reads "Help improve our AI models". Either is the switch.
LABEL = r"^(Help improve Claude|Help improve our AI models)$"
USER_MENU = r"^Open user menu$"  # G: the account button's accessible name
TERMS = r"Updates to Consumer Terms"  # C: the pop-up's title
SAVE_REQUEST = r"/api/"  # G: claude.ai's own API; the exact endpoint is unknown

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
                shows=(role("dialog", TERMS),),
                says=(
                    "Claude first wants you to review 'Updates to Consumer Terms and Policies'. "
                    "optout never accepts terms for you: open claude.ai, switch 'Help improve "
                    "Claude' off in that pop-up yourself before you choose Accept (or choose Not "
                    "now), then run this again."
                ),
            ),
            Marker(kind="challenge", shows=(text(r"^Verify you are human"),)),  # G: Cloudflare
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
    direct="/settings/data-privacy-controls",  # V
    click_path=(
        Step(description="Open Claude", goto="/new", ready=(role("button", USER_MENU),)),
        Step(
            description="Open the user menu",
            click=(role("button", USER_MENU),),
            ready=(role("menuitem", r"^Settings$"),),
        ),
        Step(
            description='Choose "Settings"',
            click=(role("menuitem", r"^Settings$"),),
            ready=(role("link", r"^Privacy$"),),
        ),
        Step(description='Open "Privacy"', click=(role("link", r"^Privacy$"),)),
    ),
    control=Switch(find=(role("switch", LABEL), role("checkbox", LABEL))),
    save_request=SAVE_REQUEST,
)
