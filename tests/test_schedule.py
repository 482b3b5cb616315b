"""Schedules and `watch`: install, show and remove against a temporary crontab and a temporary
systemd user folder (the commands are stand-ins: nothing of the machine's own is touched)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent.watch.schedule import MARK
from tests.processes import ctrl_c_works

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "0 1 * * * /usr/local/bin/backup  # the person's own line\n"


class Machine:
    """Stand-ins for `crontab` (a file) and `systemctl` (a log of its arguments)."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch, *, systemd: bool) -> None:
        self.crontab = tmp / "crontab.txt"
        self.calls = tmp / "systemctl.log"
        self.units = tmp / "systemd" / "user"
        cron = tmp / "crontab"
        cron.write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = "-l" ]; then cat {self.crontab} 2>/dev/null || '
            '{ echo "no crontab for you" >&2; exit 1; }; else cat > ' + f"{self.crontab}; fi\n"
        )
        systemctl = tmp / "systemctl"
        systemctl.write_text(
            f'#!/bin/sh\necho "$*" >> {self.calls}\n'
            'case "$2" in enable) exit ${FAIL_ENABLE:-0};; esac\n'
            f"exit {0 if systemd else 1}\n"
        )
        for script in (cron, systemctl):
            script.chmod(0o755)
        monkeypatch.setenv("OPTOUT_CRONTAB", str(cron))
        monkeypatch.setenv("OPTOUT_SYSTEMCTL", str(systemctl))
        monkeypatch.setenv("OPTOUT_SYSTEMD_USER_DIR", str(self.units))

    @property
    def systemctl_calls(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []


@pytest.fixture
def cron_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Machine:
    machine = Machine(tmp_path, monkeypatch, systemd=False)
    machine.crontab.write_text(BEFORE)
    return machine


@pytest.fixture
def with_systemd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Machine:
    return Machine(tmp_path, monkeypatch, systemd=True)


def test_a_crontab_line_where_there_is_no_systemd(optout, cron_only: Machine, home: Path) -> None:
    done = optout("schedule", "install", "--every", "12h", "--account", "work")
    assert done.code == 0, done.err
    text = cron_only.crontab.read_text()
    assert text.startswith(BEFORE)  # the person's own line is kept, first
    mark, line = text[len(BEFORE) :].splitlines()
    assert mark == MARK
    assert done.out.startswith(
        "Installed a crontab line: optout check runs every 12h, each time up to 1h later, at random."
    )
    assert f"Wrote your crontab (crontab -l shows it):\n{MARK}\n{line}\n" in done.out
    minute, hours, *_ = line.split()
    assert 0 <= int(minute) < 60 and re.fullmatch(r"(\d|1[01])-23/12", hours)
    assert f"OPTOUT_HOME={home}" in line
    assert f"{sys.executable} -m agent check --all --account work >>{home}/logs/schedule.log" in line

    shown = optout("schedule", "show")
    assert shown.code == 0 and shown.out == f"your crontab:\n{MARK}\n{line}\n\n"

    again = optout("schedule", "install", "--every", "1w", "--via", "cron")
    assert again.code == 0 and "Removed the schedule optout installed before" in again.out
    assert cron_only.crontab.read_text().count(MARK) == 1
    weekly = cron_only.crontab.read_text().splitlines()[-1]
    assert re.match(r"\d+ \d+ \* \* [0-6] sleep ", weekly)

    removed = optout("schedule", "remove")
    assert removed.code == 0 and removed.out.startswith("Removed:\n")
    assert cron_only.crontab.read_text() == BEFORE
    nothing = optout("schedule", "remove")
    assert nothing.code == 0 and "optout had installed no schedule" in nothing.err
    # systemd was only asked whether it runs: nothing was enabled or reloaded.
    assert set(cron_only.systemctl_calls) == {"--user show-environment"}


def test_the_crontab_line_runs_in_sh(optout, cron_only: Machine, home: Path) -> None:
    """What cron would run, as sh runs it: the random sleep, then optout (which, with no
    session saved, says so in the log)."""
    assert optout("schedule", "install", "--every", "1d").code == 0
    line = cron_only.crontab.read_text().splitlines()[-1]
    command = line.split(maxsplit=5)[5].replace("\\%", "%")  # cron turns \% into %
    sleep, run = command.split("; ", 1)
    seconds = subprocess.run(["sh", "-c", sleep.replace("sleep", "echo", 1)], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    assert 0 <= int(seconds) < 3600
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["sh", "-c", run], env=env, cwd="/", timeout=120)
    assert done.returncode == 4
    assert "No saved sessions" in (home / "logs" / "schedule.log").read_text()


def test_a_systemd_user_timer_where_systemd_runs(optout, with_systemd: Machine, home: Path) -> None:
    done = optout("schedule", "install", "--every", "1d", "--fix")
    assert done.code == 0, done.err
    service = (with_systemd.units / "optout-check.service").read_text()
    timer = (with_systemd.units / "optout-check.timer").read_text()
    assert done.out.startswith("Installed a systemd user timer")
    assert f"Wrote {with_systemd.units / 'optout-check.service'}:\n{service.rstrip()}" in done.out
    assert f"Wrote {with_systemd.units / 'optout-check.timer'}:\n{timer.rstrip()}" in done.out
    assert service.startswith(MARK) and timer.startswith(MARK)
    assert f'ExecStart="{sys.executable}" "-m" "agent" "check" "--all" "--fix"' in service
    assert f'Environment="OPTOUT_HOME={home}"' in service
    assert "OnCalendar=daily\nRandomizedDelaySec=3600\nPersistent=true" in timer
    assert with_systemd.systemctl_calls[-2:] == [
        "--user daemon-reload", "--user enable --now optout-check.timer"
    ]
    assert not with_systemd.crontab.exists()  # cron untouched

    assert optout("schedule", "show").out.count(MARK) == 2
    removed = optout("schedule", "remove")
    assert removed.code == 0
    assert "--user disable --now optout-check.timer" in with_systemd.systemctl_calls
    assert list(with_systemd.units.iterdir()) == []


def test_a_unit_optout_did_not_write_is_left_alone(optout, with_systemd: Machine) -> None:
    with_systemd.units.mkdir(parents=True)
    theirs = with_systemd.units / "optout-check.timer"
    theirs.write_text("[Timer]\nOnCalendar=hourly\n")
    done = optout("schedule", "install", "--every", "6h")
    assert done.code == 2 and f"{theirs} exists and optout did not write it" in done.err
    assert theirs.read_text() == "[Timer]\nOnCalendar=hourly\n"
    assert optout("schedule", "remove").code == 0 and theirs.exists()


def test_systemctl_failing_says_what_was_written(
    optout, with_systemd: Machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIL_ENABLE", "1")
    done = optout("schedule", "install", "--every", "1d")
    assert done.code == 4
    assert "but `systemctl --user enable --now optout-check.timer` failed" in done.err
    assert "optout schedule remove" in done.err


@pytest.mark.parametrize(
    ("every", "says"),
    [("5h", "--every 5h: a schedule runs every 1h, 2h"), ("30m", "--every 30m: a schedule"),
     ("often", "--every 'often': expected a number and a unit")],
)
def test_bad_periods_are_exit_2(optout, cron_only: Machine, every: str, says: str) -> None:
    done = optout("schedule", "install", "--every", every)
    assert done.code == 2 and says in done.err
    assert cron_only.crontab.read_text() == BEFORE


def test_show_with_nothing_installed(optout, cron_only: Machine) -> None:
    done = optout("schedule", "show")
    assert done.code == 0 and done.out == ""
    assert "No schedule installed. Install one: optout schedule install --every 1d" in done.err


@pytest.mark.alone
def test_watch_stops_cleanly_between_checks(home: Path) -> None:
    env = dict(os.environ, OPTOUT_HOME=str(home))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.interrupted", "watch", "linkedin", "--every", "1h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=ctrl_c_works,
    )  # fmt: skip
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "Ctrl-C stops" in line:
            os.killpg(process.pid, signal.SIGINT)
            break
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, "".join(seen) + err
    assert "Last check: exit 3. Next at " in "".join(seen)
    assert "stopped watching, between two checks: nothing was running." in err
    assert out.startswith("Check at ") and "linkedin  default  ON" in out
