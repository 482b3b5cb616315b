"""Benchmark: `optout status linkedin` against a bare Playwright script doing the same read on
the replay server, and `optout --help`. Both run as fresh processes, as a person would run them.

    .venv/bin/python scripts/bench.py [--runs N]

Targets (issue 2): status within 1.3x of the bare script; --help under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = """
import sys
from playwright.sync_api import sync_playwright
from agent.engine.browser import QUIET_FLAGS, find_browser
url, li_at, jsessionid = sys.argv[1:4]
host = url.split("//")[1].split(":")[0]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=find_browser(p.chromium.executable_path),
                                args=QUIET_FLAGS + ["--no-sandbox"])
    context = browser.new_context()
    context.add_cookies([{"name": "li_at", "value": li_at, "domain": host, "path": "/"},
                         {"name": "JSESSIONID", "value": jsessionid, "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto(url + "/mypreferences/d/settings/data-for-ai-improvement")
    switch = page.get_by_role("switch", name="Use my data for training content creation AI models")
    print(switch.get_attribute("aria-checked"))
    browser.close()
"""


def timed(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{argv} failed ({done.returncode}): {done.stderr[-500:]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    tmp = Path(tempfile.mkdtemp(prefix="optout-bench-"))
    # A keyring that persists across processes: scripts/file_keyring.py, a plain file in a
    # throwaway folder, for this benchmark's made-up session only (optout warns once, on the
    # stderr it does not show, that it is not an OS keyring).
    env = dict(
        os.environ,
        OPTOUT_HOME=str(tmp / "home"),
        PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
        OPTOUT_FILE_KEYRING=str(tmp / "keyring.json"),
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(ROOT / "scripts"), os.environ.get("PYTHONPATH")])
        ),
    )
    os.environ.update(env)
    from agent import log
    from agent.replay import ReplayServer
    from agent.store.vault import Vault

    log.configure(verbose=False)  # this process's own warning goes to stderr, as optout's does
    optout = str(ROOT / ".venv" / "bin" / "optout")
    with ReplayServer("linkedin") as server:
        session = server.make_session("linkedin.com")
        Vault(tmp / "home").save("linkedin", "default", session)
        cookies = {c.name: c.value for c in session.cookies}
        rows = {
            "bare Playwright read": timed(
                [sys.executable, "-c", BARE, server.url, cookies["li_at"], cookies["JSESSIONID"]],
                env,
                runs,
            ),
            "optout status linkedin": timed(
                [optout, "status", "linkedin", "--base-url", server.url], env, runs
            ),
            "optout --help": timed([optout, "--help"], env, runs),
        }
    print(f"{'command':<26}{'median s':>10}{'min s':>8}{'max s':>8}   ({runs} runs each)")
    for name, times in rows.items():
        print(f"{name:<26}{statistics.median(times):>10.3f}{min(times):>8.3f}{max(times):>8.3f}")
    ratio = statistics.median(rows["optout status linkedin"]) / statistics.median(
        rows["bare Playwright read"]
    )
    print(
        f"status / bare = {ratio:.2f}x (target <= 1.3x); "
        f"--help median {statistics.median(rows['optout --help']):.3f} s (target < 0.3 s)"
    )


if __name__ == "__main__":
    main()
