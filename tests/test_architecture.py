"""Rules of the house: the engine knows no platform, no module imports another that imports it
back, and one target's error of any kind leaves every other target's result whole."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import flows
from agent.api import Selection, run
from agent.errors import ErrorKind, OptoutError
from agent.models import Options
from tests.conftest import Replay

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agent", "flows")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports(path: Path) -> set[str]:
    """The project modules `path` imports when it runs (at import time or lazily inside a
    function), leaving out imports made only for type checkers."""
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in PACKAGES}


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            graph[module_name(path)] = imports(path)
    modules = set(graph)
    graph = {m: {d for d in deps if d in modules and d != m} for m, deps in graph.items()}
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        for dep in graph[module]:
            if dep in trail:
                cycles.append([*trail[trail.index(dep) :], dep])
            elif dep not in done:
                visit(dep, [*trail, dep])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def platform_words() -> dict[str, str]:
    """What only a platform knows: its id, its session cookies and every UI label it declares
    (each flow keeps its labels in `LABELS`)."""
    words = {}
    for name in flows.names():
        module = importlib.import_module(f"flows.{name}")
        flow = flows.load(name)
        if len(name) > 1:  # a one-letter id ("x") cannot be told from a variable's name
            words[name] = "a platform id"
        words |= {cookie: f"{name}'s session cookie" for cookie in flow.session_cookies}
        words |= {
            label: f"{name}'s label" for labels in module.LABELS.values() for label in labels.values()
        }
    return words


@pytest.mark.parametrize("name", flows.names())
def test_every_flow_keeps_its_labels_in_one_place(name: str) -> None:
    labels = importlib.import_module(f"flows.{name}").LABELS
    assert labels and all("en" in per_language for per_language in labels.values())


def test_the_engine_knows_no_platform() -> None:
    """No platform id, cookie or label in the engine. A label of one word ("Save", "Private")
    is an ordinary word in prose ("Save a screenshot"): it counts only as a string of its own,
    as a label would be written in code."""
    words = platform_words()
    one_word = [word for word in words if " " not in word]
    pattern = re.compile(
        "|".join(
            [rf"(?<!\w){re.escape(word)}(?!\w)" for word in sorted(words.keys() - set(one_word), key=len)[::-1]]
            + [rf"(?<=[\"']){re.escape(word)}(?=[\"'])" for word in one_word]
        )
    )
    named = [name for name in flows.names() if len(name) > 1]
    ids = re.compile(r"\b(" + "|".join(named) + r")\b", re.I)  # LinkedIn too
    found = []
    for path in sorted((ROOT / "agent").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # A web address is where something lives (Apprise's wiki is on github.com), not
            # what the engine knows of a platform.
            line = re.sub(r"https?://\S+", "", line)
            found += [
                f"{path.relative_to(ROOT)}:{number}: {words[word]} {word!r}"
                for word in pattern.findall(line)
            ]
            if ids.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: a platform name")
    assert not found, "\n".join(sorted(set(found)))


def test_the_engine_keeps_no_list_of_labels() -> None:
    """The labels every flow shares (flows/_common.py) are language data too: none of them is
    a string in the engine (prose that mentions one, e.g. "OK" or "Close", is fine)."""
    from flows._common import ACKNOWLEDGE_LABELS, DISMISS_LABELS

    shared = {label for table in (DISMISS_LABELS, ACKNOWLEDGE_LABELS) for v in table.values()
              for label in v}  # fmt: skip
    quoted = re.compile("|".join(rf"([\"']){re.escape(label)}\1" for label in shared))
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in sorted((ROOT / "agent").rglob("*.py"))
        for match in quoted.finditer(path.read_text())
    ]
    assert not found, found


def test_an_error_of_any_kind_in_one_target_leaves_the_others_whole(
    replay: Replay, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight accounts on one platform in one run: seven fail inside their visit, each with an
    error of another kind, and the eighth still gets its whole result."""
    from agent.engine.visit import Visit

    kinds = {f"a{i}": kind for i, kind in enumerate(ErrorKind)}
    server = replay("linkedin", account="fine")
    for account in kinds:
        replay("linkedin", account=account)  # a second server: only its session is used
    original = Visit.read

    async def failing(self: Visit) -> str:
        kind = kinds.get(self.target.account)
        if kind is ErrorKind.INTERNAL:
            raise RuntimeError("a bug")
        if kind is not None:
            raise type("Failure", (OptoutError,), {"kind": kind})(f"failed: {kind.value}")
        return await original(self)

    monkeypatch.setattr(Visit, "read", failing)
    selection = Selection(every=True, origins={"linkedin": server.url})
    results = {r.account: r for r in run(selection, "status", Options(home=home))}
    assert set(results) == {"fine", *kinds}
    assert results["fine"].error is None and results["fine"].state == "on"
    assert results["fine"].evidence
    for account, kind in kinds.items():
        error = results[account].error
        assert error is not None and error.kind is kind, (account, error)
        assert error.step == 2 + len(flows.load("linkedin").click_path)  # the read step
