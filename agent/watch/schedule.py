"""Scheduled checks: a systemd user timer where systemd runs for the user, else a line in the
user's crontab. Either runs `optout check --all` (with `--account`, `--fix` when asked), with a
random delay so that a site does not see a run at the same minute every day.

Only what optout wrote is ever removed: its two unit files (each begins with `MARK`), and in
the crontab the line after a `MARK` comment. The commands and folder are overridable
(OPTOUT_SYSTEMCTL, OPTOUT_CRONTAB, OPTOUT_SYSTEMD_USER_DIR) so that tests, and a person who
wants to look first, touch nothing of the machine's own.
"""

from __future__ import annotations

import contextlib
import os
import random
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from agent.errors import BadInput, PersonMustAct
from agent.store.files import private_dir
from agent.watch.timing import spoken

MARK = "# optout schedule: written by `optout schedule install`; `optout schedule remove` removes it"
UNIT = "optout-check"
MAX_DELAY = timedelta(hours=1)
# What a scheduled run needs from the environment it was installed from.
CARRIED = ("OPTOUT_BROWSER", "OPTOUT_CONFIG", "PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")
Via = Literal["systemd", "cron"]


@dataclass(frozen=True)
class Written:
    """One thing a schedule consists of: a file, or the crontab, and the text optout put there."""

    where: str
    text: str


def delay(every: timedelta) -> timedelta:
    """The random delay before each run: up to half the period, at most an hour."""
    return min(every / 2, MAX_DELAY)


def check_every(every: timedelta) -> None:
    """A period both systemd and cron can keep: whole hours that divide a day, whole days, or
    weeks (as days)."""
    hours = every / timedelta(hours=1)
    if every < timedelta(hours=1) or hours != int(hours) or (hours < 24 and 24 % hours):
        raise BadInput(
            f"--every {spoken(every)}: a schedule runs every 1h, 2h, 3h, 4h, 6h, 8h or 12h, or "
            "every few days (1d, 2d, 1w). For anything else, use optout watch --every."
        )


def command(*, account: str | None, fix: bool) -> list[str]:
    """What a scheduled run executes: this very Python and optout, whatever PATH will be."""
    argv = [sys.executable, "-m", "agent", "check", "--all"]
    if account is not None:
        argv += ["--account", account]
    if fix:
        argv.append("--fix")
    return argv


def environment(home: Path) -> dict[str, str]:
    env = {"OPTOUT_HOME": str(home)}
    env |= {name: os.environ[name] for name in CARRIED if os.environ.get(name)}
    return env


# systemd ---------------------------------------------------------------------------------------


def systemd_dir() -> Path:
    configured = os.environ.get("OPTOUT_SYSTEMD_USER_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def _systemctl(*args: str) -> subprocess.CompletedProcess[str]:
    argv = [*shlex.split(os.environ.get("OPTOUT_SYSTEMCTL", "systemctl")), "--user", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


def systemd_available() -> bool:
    """Whether a systemd user manager runs for this user (it answers on its bus)."""
    try:
        return _systemctl("show-environment").returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _quoted(arg: str) -> str:
    # systemd's own quoting; "%" starts a specifier, so it is doubled.
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{escaped}"'


def on_calendar(every: timedelta) -> str:
    days, hours = divmod(int(every / timedelta(hours=1)), 24)
    if days == 0:
        return f"*-*-* 00/{hours}:00:00"
    return "daily" if days == 1 else "weekly" if days == 7 else f"*-*-01/{days} 00:00:00"


def systemd_units(every: timedelta, argv: list[str], env: dict[str, str]) -> dict[str, str]:
    environment_lines = "".join(f"Environment={_quoted(f'{k}={v}')}\n" for k, v in env.items())
    service = (
        f"{MARK}\n[Unit]\nDescription=optout: check that AI-training settings are still off\n\n"
        f"[Service]\nType=oneshot\n{environment_lines}"
        f"ExecStart={' '.join(map(_quoted, argv))}\n"
    )
    timer = (
        f"{MARK}\n[Unit]\nDescription=optout: run {UNIT}.service every {spoken(every)}\n\n"
        f"[Timer]\nOnCalendar={on_calendar(every)}\n"
        f"RandomizedDelaySec={int(delay(every).total_seconds())}\n"
        # A run missed while the computer was off or asleep is made up for at the next start.
        "Persistent=true\n\n[Install]\nWantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def _ours(path: Path) -> bool:
    try:
        return path.read_text().startswith(MARK)
    except (OSError, UnicodeDecodeError):
        return False


def _write_unit(path: Path, text: str) -> None:
    """Atomically: systemd never reads half a unit. 0644, as unit files are (no secret)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install_systemd(every: timedelta, argv: list[str], env: dict[str, str]) -> list[Written]:
    folder = systemd_dir()
    written = []
    for name, text in systemd_units(every, argv, env).items():
        path = folder / name
        if path.exists() and not _ours(path):
            raise BadInput(f"{path} exists and optout did not write it: it was left as it is.")
        _write_unit(path, text)
        written.append(Written(str(path), text))
    for args in (("daemon-reload",), ("enable", "--now", f"{UNIT}.timer")):
        done = _systemctl(*args)
        if done.returncode != 0:
            raise PersonMustAct(
                f"Wrote {', '.join(w.where for w in written)}, but `systemctl --user "
                f"{' '.join(args)}` failed: {done.stderr.strip()[:300]}. Remove them with: "
                "optout schedule remove"
            )
    return written


def remove_systemd() -> list[str]:
    folder = systemd_dir()
    ours = [folder / f"{UNIT}.{kind}" for kind in ("timer", "service")]
    ours = [path for path in ours if _ours(path)]
    if not ours:
        return []
    if systemd_available():
        _systemctl("disable", "--now", f"{UNIT}.timer")
    for path in ours:
        path.unlink()
    if systemd_available():
        _systemctl("daemon-reload")
    return [str(path) for path in ours]


def shown_systemd() -> list[Written]:
    folder = systemd_dir()
    paths = [folder / f"{UNIT}.{kind}" for kind in ("timer", "service")]
    return [Written(str(p), p.read_text()) for p in paths if _ours(p)]


# cron ------------------------------------------------------------------------------------------


def _crontab(*args: str, text: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = [*shlex.split(os.environ.get("OPTOUT_CRONTAB", "crontab")), *args]
    try:
        return subprocess.run(argv, input=text, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        raise PersonMustAct(
            f"Neither a systemd user session nor crontab can be used here ({argv[0]}: {e}). "
            "Run optout watch --every 1d in a terminal that stays open instead."
        ) from None


def read_crontab() -> list[str]:
    done = _crontab("-l")
    if done.returncode != 0:
        if "no crontab" in done.stderr.lower():
            return []
        raise PersonMustAct(f"crontab -l failed: {done.stderr.strip()[:300]}")
    return done.stdout.splitlines()


def _write_crontab(lines: list[str]) -> None:
    done = _crontab("-", text="".join(f"{line}\n" for line in lines))
    if done.returncode != 0:
        raise PersonMustAct(f"crontab could not be written: {done.stderr.strip()[:300]}")


def _without_ours(lines: list[str]) -> tuple[list[str], list[str]]:
    """The crontab without optout's lines (a MARK comment and the line after it); and those."""
    kept, ours = [], []
    skip = False
    for line in lines:
        if line == MARK:
            ours.append(line)
            skip = True
        elif skip:
            ours.append(line)
            skip = False
        else:
            kept.append(line)
    return kept, ours


def cron_line(every: timedelta, argv: list[str], env: dict[str, str], log: Path) -> str:
    """A crontab line at a random minute (and hour), that first sleeps a random while."""
    hours = int(every / timedelta(hours=1))
    minute, hour = random.randrange(60), random.randrange(min(hours, 24))
    days = hours // 24
    if days == 0:
        when = f"{minute} {hour}-23/{hours} * * *"
    elif days == 7:
        when = f"{minute} {hour} * * {random.randrange(7)}"
    else:
        when = f"{minute} {hour} {'*' if days == 1 else f'*/{days}'} * *"
    seconds = int(delay(every).total_seconds())
    # POSIX sh has no $RANDOM; "%" must be escaped in a crontab line.
    sleep = f"sleep $(( $(od -An -N2 -tu2 /dev/urandom) \\% {seconds} ))"
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    run = " ".join(shlex.quote(arg) for arg in argv).replace("%", "\\%")
    return f"{when} {sleep}; {assignments} {run} >>{shlex.quote(str(log))} 2>&1"


def install_cron(every: timedelta, argv: list[str], env: dict[str, str], log: Path) -> list[Written]:
    kept, _ = _without_ours(read_crontab())
    line = cron_line(every, argv, env, log)
    _write_crontab([*kept, MARK, line])
    return [Written("your crontab (crontab -l shows it)", f"{MARK}\n{line}\n")]


def remove_cron() -> list[str]:
    lines = read_crontab()
    kept, ours = _without_ours(lines)
    if ours:
        _write_crontab(kept)
    return ours


def shown_cron() -> list[Written]:
    _, ours = _without_ours(read_crontab())
    return [Written("your crontab", "\n".join(ours) + "\n")] if ours else []


# the whole -------------------------------------------------------------------------------------


def install(
    every: timedelta, *, via: Via | None, account: str | None, fix: bool, home: Path
) -> tuple[Via, list[Written], list[str]]:
    """Install the schedule (replacing one optout installed before, wherever it was): how, what
    was written where, and what was removed first."""
    check_every(every)
    chosen: Via = via or ("systemd" if systemd_available() else "cron")
    argv, env = command(account=account, fix=fix), environment(home)
    removed = remove()
    if chosen == "systemd":
        return chosen, install_systemd(every, argv, env), removed
    log = private_dir(home / "logs", home) / "schedule.log"  # the line appends to it
    return chosen, install_cron(every, argv, env, log), removed


def remove() -> list[str]:
    """Remove whatever optout installed; what was removed (paths, crontab lines)."""
    removed = remove_systemd()
    with contextlib.suppress(PersonMustAct):  # no crontab here: nothing of optout's there either
        removed += remove_cron()
    return removed


def shown() -> list[Written]:
    found = shown_systemd()
    with contextlib.suppress(PersonMustAct):
        found += shown_cron()
    return found
