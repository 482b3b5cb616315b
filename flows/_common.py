"""Language data every flow shares: what the engine may press to get an overlay out of the way.
Like the flows' own labels, these are per UI language; a flow passes them as `dismiss`."""

# Buttons that close an overlay without agreeing to anything (names, as regular expressions).
DISMISS_LABELS = {
    "en": ("Dismiss", "Close", "Not now", "No,? thanks", "Skip", "Maybe later", "Reject all", "Decline"),
    "de": ("Schließen", "Nicht jetzt", "Nein,? danke", "Überspringen", "Alle ablehnen", "Ablehnen"),
    "fr": ("Fermer", "Pas maintenant", "Non merci", "Ignorer", "Tout refuser", "Refuser"),
    "any": ("✕", "\u00d7"),  # a close glyph, and the multiplication sign used as one
}
DISMISS = tuple(name for names in DISMISS_LABELS.values() for name in names)
