"""A small stateful replay server for the reconstructed pages in `fixtures/PLATFORM/`.

It serves a platform's pages at the platform's own paths, as described by the folder's
`site.json` (`site.py`); keeps each setting's value server-side, so that a reload shows what was
saved; requires the session cookie; checks the CSRF header on writes; records every write; and
can be told to misbehave, so that every error path of the tool can be tested:

    signed_out      every member page redirects to the sign-in wall, the API answers 401
    challenge       every member page redirects to a security check
    slow            every answer is delayed (`slow_ms`)
    save_fails      writes answer 500 and change nothing
    save_ignored    writes answer 200 but change nothing (the change does not hold)
    setting_absent  the setting is not offered: its page is not found, the API returns null
    eager_writes    every page tries to save on load and on every click (turning each setting
                    off, with the CSRF header when the site has one): a read-only run must
                    let none of these reach the server
    frozen          every page blocks its main thread for good once it has loaded
    ... plus the faults a site declares itself (`site.json`): pages moved to other paths
    (`moves`), files replaced by other files (`replace`), fragments injected (`inject`).

A `Mutation` (`site.py`) changes every page in the browser instead: a script injected at the top
of each page's <head>, with settings and faults of its own; mutation testing (`mutation/`) uses
it to change the rendered pages the way real sites change.

Tests and `optout demo` run it in a thread; `python -m agent.replay PLATFORM` runs it alone.
It is part of the installed package because `optout demo` needs it, but nothing else in optout
uses it.
"""

from agent.replay.server import ReplayServer, Write
from agent.replay.site import Mutation

__all__ = ["Mutation", "ReplayServer", "Write"]
