"""`python -m agent.replay PLATFORM [--fault F ...]`: serve one platform's reconstructed pages
on a local port, to look at them in a browser."""

from __future__ import annotations

import argparse
import contextlib

from agent.replay.server import ReplayServer
from agent.replay.site import BUILTIN_FAULTS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m agent.replay",
        description="Serve a platform's reconstructed pages (fixtures/PLATFORM/) locally, "
        "statefully: a reload shows what was saved.",
        epilog="Built-in faults: " + ", ".join(sorted(BUILTIN_FAULTS)) + "; each site declares "
        "more in its site.json (see fixtures/PLATFORM/README.md).",
    )
    parser.add_argument("platform")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fault", action="append", default=[], help="misbehave (repeatable)")
    args = parser.parse_args(argv)
    try:
        server = ReplayServer(args.platform, faults=set(args.fault), port=args.port)
    except (ValueError, FileNotFoundError) as e:
        parser.error(str(e))
    print(f"Serving fixtures/{args.platform} at {server.url} (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
