"""optout's engine: platform-agnostic. Platforms live in `flows/`, one module each."""
