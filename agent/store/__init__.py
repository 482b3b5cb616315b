"""Where optout keeps what it has seen, for the watching half: the run history."""
