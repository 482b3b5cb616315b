"""The tool's own version, as installed: what `--version` prints and every history row keeps."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def tool_version() -> str:
    """optout's version from its installed metadata; "unknown" when run from a checkout that
    was never installed (a history row still says which runs it cannot date to a release)."""
    try:
        return version("optout")
    except PackageNotFoundError:
        return "unknown"
