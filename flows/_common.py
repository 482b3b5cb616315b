"""Language data every flow shares: what the engine may press to get an overlay out of the way
(a flow passes them as `dismiss`), and the words a name may add to a label to say its state
(flows build their name patterns with `label`, which allows them)."""

from collections.abc import Mapping
from typing import Literal

from agent.models import Marker, any_label, role

# Buttons that close an overlay without agreeing to anything (names, as regular expressions).
DISMISS_LABELS = {
    "en": ("Dismiss", "Close", "Not now", "No,? thanks", "Skip", "Maybe later", "Reject all", "Decline"),
    "de": ("Schließen", "Nicht jetzt", "Nein,? danke", "Überspringen", "Alle ablehnen", "Ablehnen"),
    "fr": ("Fermer", "Pas maintenant", "Non merci", "Ignorer", "Tout refuser", "Refuser"),
    "any": ("✕", "\u00d7"),  # a close glyph, and the multiplication sign used as one
}
DISMISS = tuple(name for names in DISMISS_LABELS.values() for name in names)
# Buttons that only acknowledge a notice shown after a change.
ACKNOWLEDGE_LABELS = {
    "en": ("Got it", "OK", "Okay", "Done", "Close"),
    "de": ("Verstanden", "OK", "Fertig", "Schließen"),
    "fr": ("Compris", "J'ai compris", "OK", "Terminé", "Fermer"),
}
ACKNOWLEDGE = tuple(dict.fromkeys(n for names in ACKNOWLEDGE_LABELS.values() for n in names))

# Words a control's accessible name may add to its label to say its state ("… On").
STATE_WORDS = {
    "en": ("On", "Off", "Enabled", "Disabled", "Yes", "No"),
    "de": ("An", "Aus", "Ein", "Aktiviert", "Deaktiviert", "Ja", "Nein"),
    "fr": ("Activé", "Activée", "Désactivé", "Désactivée", "Oui", "Non"),
}


# Badges a name may add to its label when a site points at something ("New", "3 new", "Beta").
BADGE_WORDS = {"en": ("New", "Beta"), "de": ("Neu",), "fr": ("Nouveau", "Nouveauté", "Bêta")}


def label(labels: Mapping[str, str], match: Literal["whole", "start", "word"] = "whole") -> str:
    """A name pattern for a label in every language given (see `any_label`), which may carry
    the state words and badges of every language the flows know."""
    words = (*STATE_WORDS.values(), *BADGE_WORDS.values())
    return any_label(labels, match, tuple(word for per_language in words for word in per_language))

# Buttons that confirm turning a setting off, when a page asks after the click ("Are you sure?").
CONFIRM_LABELS = {
    "en": ("Turn off", "Turn it off", "Yes, turn off", "Confirm", "Opt out", "Disable"),
    "de": ("Ausschalten", "Deaktivieren", "Ja, ausschalten", "Bestätigen"),
    "fr": ("Désactiver", "Oui, désactiver", "Confirmer"),
}
CONFIRM = tuple(dict.fromkeys(n for names in CONFIRM_LABELS.values() for n in names))

# Words in the name of a dialog that asks the person to accept new terms or policies: a wall.
TERMS_LABELS = {
    "en": "Terms",
    "en-2": "Privacy Policy",
    "de": "Nutzungsbedingungen",
    "de-2": "Datenschutzerklärung",
    "fr": "Conditions",
    "fr-2": "Politique de confidentialité",
}
TERMS_WALL = Marker(
    kind="challenge",
    shows=tuple(role(kind, any_label(TERMS_LABELS, "word")) for kind in ("dialog", "alertdialog")),
    says=(
        "{platform} first wants you to review new terms or policies, and optout never accepts "
        "terms for you: open the site, decide there yourself, then run this again."
    ),
)


def interface_patterns(labels: Mapping[str, Mapping[str, str]]) -> tuple[str, ...]:
    """Every text a flow knows as its platform's interface (its own `labels`, and the shared
    language data here), as patterns of the whole text: what `optout doctor` keeps of a page
    while it replaces everything else that is not an interface element's text."""
    names = "|".join((*DISMISS, *ACKNOWLEDGE, *CONFIRM))
    words = {f"{lang}-{i}": w for lang, ws in STATE_WORDS.items() for i, w in enumerate(ws)}
    return (
        *(label(per_language) for per_language in labels.values()),
        label(TERMS_LABELS),
        any_label(words),
        rf"^[\W\d_]*({names})[\W\d_]*$",
    )
