"""Tumblr: "Prevent third-party sharing for <blog>", one toggle per blog, in a blog's settings
under Visibility.

Facts from docs/platforms.md, marked V (seen in a primary source), C (secondary sources agree)
or G (a guess). The setting is per blog (C), so the person's blogs are listed first (from the
settings sidebar, G) and each blog is a target of its own. The toggle is an opt-out: ON means
the blog is protected, i.e. the setting is OFF (C); it is off by default (C), and Tumblr
switched it on for blogs hidden from search ("discourage searching", C), where it shows on and
cannot be changed, which reads as OFF and is left alone. Flipping it saves at once (G: no Save
button is reported). Nothing about the markup was seen: the guesses are the constants below, in
one place for a recording from a real account to correct (and `fixtures/tumblr/` with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, Marker, PerObject, Setting, Step, Walls, css, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called. en only: the sources give only English strings.
LABELS = {
    "prevent": {"en": "Prevent third-party sharing for"},  # C: "... for [blog name]"
    "settings": {"en": "Settings"},  # G: the settings sidebar's name
    "challenge": {"en": "Just a second"},  # G
}
ACCOUNT_PATH = "/settings/account"  # G: the first settings page, whose sidebar lists the blogs
BLOG_PATH = "/settings/blog/{object}"  # C
SAVE_REQUEST = r"/api/v2/"  # G: the write the flip sends
SETTINGS_NAV = role("navigation", label(LABELS["settings"]))
# A blog's settings, from the sidebar: by where the link leads, else by the name it starts
# with (the blog's name, then its title; G), wherever its settings have moved.
BLOG_LINK = (
    link_to(BLOG_PATH, within=SETTINGS_NAV),
    role("link", r"^\s*{object}(\s|$)", within=SETTINGS_NAV),
)
# The toggle's name ends with the blog's name: this blog's toggle, never another's (the
# "Hide <blog> from search results" toggle beside it names the blog too).
PREVENT = label({"en": f"{LABELS['prevent']['en']} {{object}}"})
# A blog name: letters, digits and hyphens, 1 to 32 (G: Tumblr's rule for URLs).
BLOG_NAME = r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?"

FLOW = Flow(
    id="tumblr",
    name="Tumblr",
    origin="https://www.tumblr.com",
    cookie_domain="tumblr.com",
    session_cookies=("sid",),  # G: the reference found none
    sign_in="/login",  # G
    walls=Walls(
        sign_in=(r"^/login",),  # G
        challenge=(r"^/challenge",),  # G
        markers=(
            Marker(kind="challenge", shows=(text(label(LABELS["challenge"], "start")),)),  # G
            TERMS_WALL,
        ),
    ),
    setting=Setting(
        # The fixtures' (and the replay server's) name: the blog's name, then the setting.
        id="{object}/prevent-third-party-sharing",
        name="Prevent third-party sharing",
        control_label=f"{LABELS['prevent']['en']} {{object}}",
        regions=(
            "Every blog: the toggle is off by default (sharing allowed, the setting ON), and "
            "on for a blog hidden from search results."
        ),
        covers=(
            "Sharing the blog's content with Automattic's licensed network of content and "
            "research partners, including those involved in AI model training: each of your "
            "blogs on its own."
        ),
        does_not_cover=(
            "Anyone, models included, can still read a public blog.",
            '"Hide <blog> from search results", beside it, is left as it is.',
            "Content that was already shared before it was switched on.",
        ),
        help_url="https://help.tumblr.com/",  # G: no article on the toggle was found
    ),
    per_object=PerObject(
        noun="blog",
        plural="blogs",
        list_page=ACCOUNT_PATH,
        # G: the sidebar's links to a blog's settings; an account always has its main blog.
        items=css('nav[aria-label="Settings"] a[href*="/blog/"]'),
        key_attribute="href",
        key_pattern=BLOG_NAME,
        # Where a blog's settings are (C), or were moved to (G), maybe with the origin.
        key_within=r"(https://www\.tumblr\.com)?(/settings)?/blog/{key}(/settings)?/?",
    ),
    direct=BLOG_PATH,
    click_path=(
        Step(description="Open Settings", goto=ACCOUNT_PATH, ready=BLOG_LINK),
        Step(description="Open the blog's settings, in the settings menu", click=BLOG_LINK),
    ),
    # The flip saves at once (G): there is no Save button to press.
    # G: a switch; a checkbox or a toggle button is tried too.
    control=Switch(
        find=tuple(role(r, PREVENT) for r in ("switch", "checkbox", "button")),
        checked_means="off",
    ),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en",),
)
