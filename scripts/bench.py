"""Benchmark: `optout status linkedin` against a bare Playwright script doing the same read on
the replay server, and `optout --help`. Both run as fresh processes, as a person would run them.

    .venv/bin/python scripts/bench.py [--runs N]
    .venv/bin/python scripts/bench.py --accounts 100 [--jobs N]

Targets (issue 2): status within 1.3x of the bare script; --help under 0.3 s.

`--accounts N` times `optout status --all` over N LinkedIn accounts on one replay server (in a
process of its own), and samples the memory of the browser's processes (Playwright's driver and
every Chromium process) every quarter second: PSS, each shared page counted once across them
(Linux; RSS elsewhere), and for comparison RSS, which counts Chromium's shared libraries once
per process. Targets (issue 12): 100 accounts in under 40 s with the browser's peak under 1 GiB
(PSS); the memory bound is asserted (exit 1 when it is not met), the time only reported, as it
depends on the machine.
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
    browser = p.chromium.launch(executable_path=find_browser(p.chromium.executable_path, headless=True),
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


MEMORY_BOUND = 1024**3  # bytes: the browser's processes together, at their peak


def kind_of(process) -> str:
    """optout, Playwright's driver, or Chromium's process type (renderer, gpu-process, ...)."""
    cmdline = process.cmdline()
    types = [arg.split("=", 1)[1] for arg in cmdline if arg.startswith("--type=")]
    if types:
        return types[0]
    return "browser" if "chrom" in process.name() else process.name()


def crowd(
    argv: list[str], env: dict[str, str]
) -> tuple[float, list[dict], int, int, int, dict[str, float]]:
    """Run `argv` (with --json) to its end, sampling the memory of the browser's processes (all
    of optout's child processes): seconds, the results, the peak PSS and RSS sums, in bytes, the
    most browser processes at once, and the CPU seconds each kind of process used (as last
    sampled: a process's last quarter second is missed)."""
    import json

    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    top = psutil.Process(process.pid)
    peak_pss = peak_rss = most = 0
    cpu: dict[int, tuple[str, float]] = {}
    while process.poll() is None:
        pss = rss = 0
        try:
            children = top.children(recursive=True)
            times = top.cpu_times()
        except psutil.NoSuchProcess:
            break
        cpu[top.pid] = ("optout", times.user + times.system)
        for child in children:
            try:
                memory = child.memory_full_info()
                times = child.cpu_times()
                cpu[child.pid] = (cpu.get(child.pid) or (kind_of(child), 0.0))[0], times.user + times.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue  # ended between the listing and the reading
            pss += getattr(memory, "pss", memory.rss)
            rss += memory.rss
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        most = max(most, len(children))
        time.sleep(0.25)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    try:
        results = json.loads(stdout)
    except json.JSONDecodeError:
        sys.exit(f"{argv} failed ({process.returncode}): {stderr[-500:]}")
    by_kind: dict[str, float] = {}
    for kind, seconds_used in cpu.values():
        by_kind[kind] = by_kind.get(kind, 0.0) + seconds_used
    return seconds, results, peak_pss, peak_rss, most, by_kind


def many_accounts(accounts: int, jobs: int | None, env: dict[str, str], tmp: Path) -> None:
    import socket

    from agent.replay import ReplayServer
    from agent.store.vault import Vault

    optout = str(ROOT / ".venv" / "bin" / "optout")
    vault = Vault(tmp / "home")
    with ReplayServer("linkedin") as made_up:  # any made-up session is signed in on a replay
        for n in range(accounts):
            vault.save("linkedin", f"a{n:03}", made_up.make_session("linkedin.com"))
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    # The server in a process of its own: this one's sampling must not slow its answers.
    server = subprocess.Popen(
        [sys.executable, "-m", "agent.replay", "linkedin", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "Serving ...": it is listening
        argv = [optout, "status", "--all", "--json", "--base-url", f"linkedin=http://127.0.0.1:{port}"]
        argv += ["--jobs", str(jobs)] if jobs else []
        load = os.getloadavg()[0]
        seconds, results, pss, rss, most, cpu = crowd(argv, env)
    finally:
        server.terminate()
        server.wait()
    gib = 1024**3
    read = sum(r["state"] == "on" and r["error"] is None for r in results)
    print(
        f"optout status --all, {accounts} accounts{f', --jobs {jobs}' if jobs else ''}: "
        f"{seconds:.1f} s, {read} of {len(results)} read; the browser's peak memory "
        f"{pss / gib:.2f} GiB (PSS; summed RSS {rss / gib:.2f} GiB) in at most {most} "
        f"processes; {os.cpu_count()} CPUs, load average {load:.1f} at the start"
    )
    kinds = sorted(cpu.items(), key=lambda kind: -kind[1])
    print("  CPU seconds: " + ", ".join(f"{kind} {used:.1f}" for kind, used in kinds))
    for r in results:
        if r["error"]:
            print(f"  {r['account']}: {r['error']['kind']}: {r['error']['message'][:160]}")
    if pss >= MEMORY_BOUND:
        sys.exit(f"the browser's peak memory {pss / gib:.2f} GiB is over the 1 GiB bound")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--accounts", type=int, help="time `status --all` over this many")
    parser.add_argument("--jobs", type=int, help="with --accounts: optout's --jobs")
    given = parser.parse_args()
    runs = given.runs
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
    if given.accounts:
        many_accounts(given.accounts, given.jobs, env, tmp)
        return
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
