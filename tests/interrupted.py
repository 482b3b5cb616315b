"""`python -m tests.interrupted COMMAND PLATFORM [--fault F ...] [OPTIONS]`: optout against a
replay of PLATFORM (with a throwaway session in an in-memory keyring), in a process of its own,
for the tests that press Ctrl-C (`tests/test_safety.py`)."""

from __future__ import annotations

import sys

import keyring

import flows
from agent.cli import main
from agent.replay import ReplayServer
from agent.store.files import home
from agent.store.memory_keyring import MemoryKeyring
from agent.store.vault import Vault


def run(argv: list[str]) -> int:
    faults = {argv[i + 1] for i, arg in enumerate(argv) if arg == "--fault"}
    rest = [arg for i, arg in enumerate(argv) if arg != "--fault" and argv[i - 1] != "--fault"]
    platform = rest[1]
    keyring.set_keyring(MemoryKeyring())
    with ReplayServer(platform, faults=faults) as server:
        session = server.make_session(flows.load(platform).cookie_domain)
        Vault(home()).save(platform, "default", session)
        return main([*rest, "--base-url", server.url])


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
