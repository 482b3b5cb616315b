"""Grammarly: "Product Improvement and Training".

Facts from docs/platforms.md, marked V (the vendor's own docs of the exact control), C
(secondary sources agree) or G (a guess). The vendor documents the address and the toggle's name;
its markup was never captured, so the guesses are the constants below, in one place for a
recording from a real account to correct (and `fixtures/grammarly/` with them).
"""

from agent.engine.controls import Switch
from agent.models import Flow, Marker, Setting, Step, Walls, link_to, role, text
from flows._common import ACKNOWLEDGE, CONFIRM, DISMISS, TERMS_WALL, label

# What each element is called. en only: the sources give no other language.
LABELS = {
    "switch": {
        "en": "Product Improvement and Training",  # V: account.grammarly.com/security/privacy
        "en-admin": "Product Improvement & Training",  # V/C: /admin/data_settings (single-user Pro)
    },
    "privacy": {"en": "Privacy"},  # G: the account navigation's item
}
PRIVACY_PATH = "/security/privacy"  # V: Free and Premium
ADMIN_PATH = "/admin/data_settings"  # V: single-user Pro (and admins)
APP = "https://app.grammarly.com/"  # the documents page, where a person starts (G)
ACCOUNT_PATH = "/profile"  # G
SWITCH = label(LABELS["switch"])
# G: Grammarly's endpoints are not public; the runner waits for any write under /api/.
SAVE_REQUEST = r"/api/"

FLOW = Flow(
    id="grammarly",
    name="Grammarly",
    origin="https://account.grammarly.com",
    cookie_domain="grammarly.com",
    session_cookies=("grauth",),  # C- (+ csrf-token)
    sign_in="https://www.grammarly.com/signin",
    walls=Walls(
        sign_in=(r"^/signin", r"^/signup"),  # G
        challenge=(r"^/challenge", r"^/cdn-cgi/challenge-platform"),  # G
        markers=(Marker(kind="challenge", shows=(text(r"^Verify your identity"),)), TERMS_WALL),
    ),
    setting=Setting(
        id="product-improvement-and-training",
        name="Product Improvement and Training",
        control_label=LABELS["switch"]["en"],
        regions=(
            "On by default for Free, Premium and single-user Pro accounts, everywhere. In "
            "multi-user Pro and Business accounts only an admin can change it."
        ),
        covers="Your use of Grammarly, for improving Grammarly's products and training its models.",
        does_not_cover=(
            "Members of multi-user Pro and Business accounts: their admin decides, under "
            "Data settings; optout cannot change it for them.",
        ),
        help_url=(
            "https://support.grammarly.com/hc/en-us/articles/"
            "25555503115277-Product-Improvement-and-Training-Control"
        ),
    ),
    direct=PRIVACY_PATH,
    # A single-user Pro account owner finds it on Data settings instead (V).
    also_direct=(ADMIN_PATH,),
    click_path=(
        Step(
            description="Open your Grammarly documents",
            goto=APP,
            # By where it leads: its name, "Account", is a word the engine uses too (G).
            ready=(link_to(ACCOUNT_PATH),),
        ),
        Step(
            description='Open "Account"',
            click=(link_to(ACCOUNT_PATH),),
            ready=(role("link", label(LABELS["privacy"])), link_to(PRIVACY_PATH)),
        ),
        Step(
            description='Open "Privacy" in the account menu',
            click=(role("link", label(LABELS["privacy"])), link_to(PRIVACY_PATH)),
        ),
    ),
    # By label only: "Personalized advertising" is a toggle of the same markup on the same page.
    control=Switch(find=tuple(role(r, SWITCH) for r in ("switch", "checkbox", "button"))),
    save_request=SAVE_REQUEST,
    dismiss=DISMISS,
    acknowledge=ACKNOWLEDGE,
    confirm=CONFIRM,
    languages=("en",),
)
