"""The command line: parse, call the engine, render, map errors to exit codes.

Payload (results, tables, JSON) goes to stdout; progress, hints and errors go to stderr. Imports
are lazy so that `optout --help` answers at once. The work itself is in `agent.api`, which
tests and other programs call directly.
"""

from __future__ import annotations

import math
import os
import sys

from agent.errors import BadInput, ExitCode, OptoutError

LOG_FORMAT = "OPTOUT_LOG"  # "json": log events as JSON lines on stderr, as --log-json does


def main(argv: list[str] | None = None) -> int:
    from agent.cli.parser import parse

    try:
        args = parse(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2), already printed
        return int(e.code or 0)
    from agent import log
    from agent.cli.commands import COMMANDS, Interrupted
    from agent.cli.watching import COMMANDS as WATCHING

    try:
        log.configure(verbose=args.verbose, as_json=args.log_json or _json_logs_asked())
        timeout = getattr(args, "timeout", None)
        if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
            raise BadInput(f"--timeout must be a positive number of seconds, not {timeout:g}.")
        return int({**COMMANDS, **WATCHING}[args.command](args))
    except OptoutError as e:
        print(f"optout: {e.message}", file=sys.stderr)
        return int(e.exit_code)
    except Interrupted as e:
        print(f"optout: {e.message}", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        print("optout: interrupted; nothing was saved.", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as e:
        from agent.store.files import home

        path = log.record_bug(e, home())
        if args.verbose:
            log.get().exception("internal error")
        print(f"optout: {log.bug_message(e, f'in `{args.command}`', path)}", file=sys.stderr)
        return int(ExitCode.INTERNAL)


def _json_logs_asked() -> bool:
    value = os.environ.get(LOG_FORMAT, "")
    if value not in ("", "json"):
        raise BadInput(f"{LOG_FORMAT} is {value!r}: set it to json (JSON log lines), or unset it.")
    return value == "json"
