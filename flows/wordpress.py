"""WordPress.com: "Prevent third-party sharing for <site>", one checkbox per site, in a site's
Settings → General → Privacy.

Facts from docs/platforms.md, marked V (Automattic's open-source code and its tests), C
(secondary sources agree) or G (a guess). The setting is per site (V), so the person's sites are
listed first (at /sites, G) and each site is a target of its own. The checkbox is an opt-out
box: CHECKED means the site is protected, i.e. the setting is OFF (V); it is unchecked by
default (V). Nothing is saved until Save is pressed (V on the newer dashboard: "Save"; G on the
legacy page: "Save settings"). It is shown only while the site is Public (V): a Private or
Coming soon site is not offered it; while "Discourage search engines" is checked it shows
checked and disabled (V), which reads as OFF and is left alone. The guesses are the constants
below, in one place for a recording from a real account to correct (and `fixtures/wordpress/`
with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, PerObject, Setting, Step, Walls, css, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called. en only: the sources give only English strings.
LABELS = {
    # V: "Prevent third-party sharing for %s", %s the site's host.
    "prevent": {"en": "Prevent third-party sharing for"},
    "save": {"en": "Save"},  # V: the newer dashboard's button
    "save_settings": {"en": "Save settings"},  # G: the legacy page's button
    "privacy": {"en": "Privacy"},  # C: the legacy card
    "private": {"en": "Private"},  # V: a visibility that hides the checkbox
    "coming_soon": {"en": "Coming soon"},  # V: the other one
    "site_menu": {"en": "Site menu"},  # G: the sidebar
    "settings": {"en": "Settings"},  # C
    "general": {"en": "General"},  # C
    "no_sites": {"en": "You don't have any sites yet"},  # G: the empty list
}
SITES_PATH = "/sites"  # G: where the person's sites are listed
GENERAL_PATH = "/settings/general/{object}"  # C: the legacy route
HOME_PATH = "/home/{object}"  # G: a site's "My Home", its title's link in the list
# G: the real write is POST public-api.wordpress.com/rest/v1.4/sites/{id}/settings (V).
SAVE_REQUEST = r"/rest/v1\.\d+/"
SIDEBAR = role("navigation", label(LABELS["site_menu"]))
SETTINGS = role("button", label(LABELS["settings"]), within=SIDEBAR)
GENERAL = role("link", label(LABELS["general"]), within=SIDEBAR)
PRIVACY_CARD = role("region", label(LABELS["privacy"]))  # G: a <section> named by its heading
# The box's name ends with the site's host: this site's box, never another's.
PREVENT = role("checkbox", label({"en": f"{LABELS['prevent']['en']} {{object}}"}))

FLOW = Flow(
    id="wordpress",
    name="WordPress.com",
    origin="https://wordpress.com",
    cookie_domain="wordpress.com",
    session_cookies=("wordpress_logged_in",),  # G (self-hosted WordPress's name)
    sign_in="/log-in",  # G
    walls=Walls(
        sign_in=(r"^/log-in(?!/authenticator)", r"^/wp-login\.php"),  # G
        challenge=(r"^/log-in/authenticator",),  # G: the second factor
        markers=(TERMS_WALL,),
    ),
    setting=Setting(
        # The fixtures' (and the replay server's) name: the site's host, then the setting.
        id="{object}/prevent-third-party-sharing",
        name="Prevent third-party sharing",
        control_label=f"{LABELS['prevent']['en']} {{object}}",
        regions=(
            "Every site, unchecked (sharing allowed) by default; shown only while a site is "
            "Public (a Private or Coming soon site is not offered it)."
        ),
        covers=(
            "Sharing the site's content with WordPress.com's licensed network of content and "
            "research partners, including those that train AI models: each of your sites on "
            "its own."
        ),
        does_not_cover=(
            "Anyone, models included, can still read a public site.",
            '"Discourage search engines from indexing this site", beside it, is left as it is.',
            "Content that was already shared before it was checked.",
        ),
        help_url="https://wordpress.com/support/privacy-settings/make-your-website-public/",
    ),
    per_object=PerObject(
        noun="site",
        plural="sites",
        list_page=SITES_PATH,
        items=css("tr[data-host]"),  # G: one row per site
        key_attribute="data-host",
        key_pattern=r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+",  # a host
        empty=(text(label(LABELS["no_sites"], "start")),),
    ),
    direct=GENERAL_PATH,
    click_path=(
        Step(
            description="Open the list of your sites",
            goto=SITES_PATH,
            ready=(link_to(HOME_PATH),),
        ),
        Step(
            description="Open the site, by its title",
            click=(link_to(HOME_PATH),),
            ready=(SETTINGS,),
        ),
        Step(description='Open "Settings" in the site\'s menu', click=(SETTINGS,), ready=(GENERAL,)),
        Step(description='Choose "General"', click=(GENERAL,)),
    ),
    control=Switch(
        find=(PREVENT,),
        checked_means="off",  # V: checked = the site is protected
        # The legacy page has a "Save settings" in each card: the Privacy card's (G); the newer
        # dashboard has one "Save" (V).
        save=(
            role("button", label(LABELS["save_settings"]), within=PRIVACY_CARD),
            role("button", label(LABELS["save"])),
        ),
    ),
    # V: no checkbox while the site is Private or Coming soon: the chosen visibility says so.
    not_offered=(
        role("radio", label(LABELS["private"]), checked=True),
        role("radio", label(LABELS["coming_soon"]), checked=True),
    ),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en",),
)
