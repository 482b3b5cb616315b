"""Notifications, through Apprise (e-mail, ntfy, Gotify, Slack, Matrix, webhooks, ... and the
desktop where one is available), when a check finds a setting ON, switched back on, or a
platform that needs the person.

A message says what changed and the command to run, and nothing else: never an error's own
text (it can quote a page), a cookie, a token or an evidence file. A notification that fails is
a warning in the log that names only the service's scheme and host (the rest of an Apprise URL
is often a token); it never changes the check's result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent import log
from agent.errors import BadInput, ErrorKind

if TYPE_CHECKING:
    from apprise import Apprise

    from agent.watch.check import Checked

DESKTOP = "desktop"
# Apprise's desktop services, tried in order: the first this machine can use is the desktop.
DESKTOP_SCHEMES = ("dbus://", "gnome://", "kde://", "macosx://", "windows://")


def check_url(url: str, where: str) -> None:
    """BadInput when Apprise does not know the URL (`where` says which option or line)."""
    import apprise

    if url != DESKTOP and not apprise.Apprise().add(url):
        raise BadInput(
            f"{where} {shown(url)} is not a notification URL Apprise knows "
            "(see https://github.com/caronc/apprise/wiki), nor 'desktop'."
        )


def shown(url: str) -> str:
    """What of a URL may be shown: its scheme and host (the rest may be a token)."""
    if url == DESKTOP:
        return url
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def message(checked: Sequence[Checked]) -> tuple[str, str] | None:
    """The title and body of the notification for a check; None when nothing needs anyone."""
    import flows

    lines = []
    for c in checked:
        if not c.needs_attention:
            continue
        r = c.result
        who = f"{flows.named(r.platform, r.setting)} ({r.account})"
        account = "" if r.account == "default" else f" --account {r.account}"
        since = (
            f"switched back on since {c.back_on_since.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            if c.back_on_since
            else "ON"
        )
        if c.fixed:
            lines.append(f"{who}: {since}; optout switched it off again (a fresh load shows it off).")
        elif r.error is None:
            lines.append(f"{who}: {since}. Switch it off: optout check {r.platform}{account} --fix")
        else:
            lines.append(f"{who}: {_trouble(r.error.kind)}{r.platform}{account}")
    if not lines:
        return None
    title = "optout: a setting needs you" if len(lines) == 1 else f"optout: {len(lines)} settings need you"
    return title, "\n".join(lines)


def _trouble(kind: ErrorKind) -> str:
    """What stopped the check, and the start of the command that helps."""
    return {
        ErrorKind.AUTH_REQUIRED: "signed out. Sign in again: optout login ",
        ErrorKind.SITE_CHANGED: "the page did not look as optout expected; nothing was changed. "
        "See: optout status ",
        ErrorKind.VERIFY_FAILED: "switching it off did not hold. Try again: optout apply ",
        ErrorKind.INTERNAL: "optout failed there (a bug). See: optout status --verbose ",
    }.get(kind, "it needs you (a security check, the network, a keyring). See: optout status ")


def send(urls: Sequence[str], title: str, body: str) -> list[str]:
    """Send to each URL on its own (one failing never stops the others); the URLs that failed,
    as `shown` shows them."""
    import apprise

    # Apprise logs its failures with the URL in them; optout says what failed, without it.
    logging.getLogger("apprise").disabled = True
    failed = []
    for url in dict.fromkeys(urls):
        target = apprise.Apprise()
        added = _add_desktop(target) if url == DESKTOP else target.add(url)
        if url == DESKTOP and not added:
            log.get().info("no desktop notification: none is available here")
            continue
        try:
            ok = bool(added) and target.notify(title=title, body=body)
        except Exception as e:  # a service plugin's own bug must not fail the check
            log.get().debug("notification raised", error=type(e).__name__)
            ok = False
        if not ok:
            failed.append(shown(url))
            log.get().warning(f"could not notify {shown(url)}; the check's result stands")
    return failed


def _add_desktop(target: Apprise) -> bool:
    return any(target.add(scheme) for scheme in DESKTOP_SCHEMES)
