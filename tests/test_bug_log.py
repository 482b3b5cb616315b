"""The bug log (OPTOUT_HOME/logs/optout.log): every entry kept whole however many processes and
threads fail at once, private, scrubbed, and never growing without limit."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from agent import log
from tests import processes

ENTRY = re.compile(r"^RuntimeError: (marker-\S+)$", re.M)


def logged(home: Path) -> list[str]:
    """The markers of every entry in the log and its rotated files, oldest first."""
    paths = [home / "logs" / name for name in ("optout.log.2", "optout.log.1", "optout.log")]
    return [m for path in paths if path.exists() for m in ENTRY.findall(path.read_text())]


def fail(home: Path, marker: str) -> None:
    try:
        raise RuntimeError(marker)
    except RuntimeError as e:
        log.record_bug(e, home)


def test_concurrent_threads_lose_no_entry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    threads = [
        threading.Thread(target=lambda n=n: [fail(home, f"marker-t{n}-{i}") for i in range(5)])
        for n in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(logged(home)) == sorted(f"marker-t{n}-{i}" for n in range(10) for i in range(5))
    path = home / "logs" / "optout.log"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


WRITER = """
import sys
from pathlib import Path
from agent import log
log.BUG_LOG_MAX_BYTES = int(sys.argv[3])
for i in range(int(sys.argv[2])):
    try:
        raise RuntimeError(f"marker-p{sys.argv[4]}-{i}")
    except RuntimeError as e:
        log.record_bug(e, Path(sys.argv[1]))
"""


@pytest.mark.parametrize("limit", [10_000_000, 6_000], ids=["one-file", "rotating"])
def test_concurrent_processes_lose_no_entry(tmp_path: Path, limit: int) -> None:
    home = tmp_path / "home"
    env = processes.environment(tmp_path)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), "15", str(limit), str(n)],
            cwd=processes.ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    # 90 entries of about 140 bytes: with the small limit they rotate, and all still fit in
    # the log and the two files kept beside it.
    assert sorted(logged(home)) == sorted(f"marker-p{n}-{i}" for n in range(6) for i in range(15))
    rotated = (home / "logs" / "optout.log.1").exists()
    assert rotated == (limit < 1_000_000)


def test_the_log_rotates_and_keeps_two_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setattr(log, "BUG_LOG_MAX_BYTES", 3000)
    for i in range(60):
        fail(home, f"marker-r{i}")
    folder = home / "logs"
    assert sorted(p.name for p in folder.glob("optout.log*")) == [
        "optout.log",
        "optout.log.1",
        "optout.log.2",
    ]
    for path in folder.glob("optout.log*"):
        assert path.stat().st_size <= 3000, path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = logged(home)
    assert kept == [f"marker-r{i}" for i in range(60 - len(kept), 60)]  # the newest, in order
    assert log.record_bug(RuntimeError("x"), home) == folder / "optout.log"


def test_the_log_is_scrubbed(tmp_path: Path) -> None:
    log.redact_values(["AQEDbuglogsecretvalue"])
    fail(tmp_path, "marker-AQEDbuglogsecretvalue")
    text = (tmp_path / "logs" / "optout.log").read_text()
    assert "AQEDbuglogsecretvalue" not in text and "marker-[redacted]" in text
