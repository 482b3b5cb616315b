"""Pages that differ from our fixtures (issue 9): names that carry more than the label,
sequences that vary, and failing fast on a page that has settled without the control."""

from __future__ import annotations

import re
import time

import pytest

from agent.models import any_label
from flows._common import label
from tests.conftest import Replay

LABEL = {"en": "Improve the model for everyone", "fr": "Améliorer le modèle pour tous"}


@pytest.mark.parametrize(
    "name",
    [
        "Improve the model for everyone",
        "Improve the model for everyone On",
        "Improve the model for everyone On \u203a",
        "  improve the  model for everyone  ",
        "Improve the model for everyone (3)",
        "Improve the model for everyone: Enabled",
        "Améliorer le modèle pour tous Activé →",
        "\u203a Improve the model for everyone",
    ],
)
def test_a_name_that_carries_more_than_the_label_is_the_label(name: str) -> None:
    assert re.search(label(LABEL), name, re.I)


@pytest.mark.parametrize(
    "name",
    [
        "Improve the model for everyone's ads",
        "Improve the model",
        "Do not improve the model for everyone",
        "Improve the model for everyone Offline",
        "Improve the model for everyone and share it",
    ],
)
def test_never_looser_than_that(name: str) -> None:
    assert not re.search(label(LABEL), name, re.I)


@pytest.mark.parametrize(
    ("name", "is_the_label"),
    [
        ("Improve the model for everyone Activé", True),
        ("Activée Améliorer le modèle pour tous", True),
        ("Améliorer le modèle pour tous Désactivé \u203a", True),
        ("Improve the model for everyone Activéx", False),
        ("Améliorer le modèle pour tousé", False),
    ],
)
def test_the_browser_reads_names_as_python_does(on_page, name: str, is_the_label: bool) -> None:
    """Playwright runs the name patterns in the browser, whose \\b and \\w know only ASCII:
    a state word that ends in an accented letter ("Activé") must match there too."""
    pattern = re.compile(label(LABEL), re.I)
    assert bool(pattern.search(name)) is is_the_label

    async def check(page) -> int:
        return await page.get_by_role("button", name=pattern).count()

    assert on_page(f"<button>{name}</button>", check) == int(is_the_label)


def test_state_words_come_from_the_flows_not_the_engine() -> None:
    assert not re.search(any_label(LABEL), "Improve the model for everyone On", re.I)


# A long --timeout in these tests: only judging a settled page, never waiting out the timeout,
# can make them end in less than half of it (scripts/bench.py measures how fast they are).
LONG = 60


def test_a_settled_page_without_the_control_fails_fast(optout, replay: Replay) -> None:
    """A page that has finished loading without the setting's control is judged once it has
    settled, at every step of the way there, not after the timeout: exit 5 with evidence."""
    server = replay("linkedin", "control_missing")
    start = time.monotonic()
    run = optout("status", "linkedin", "--base-url", server.url, "--json", "--timeout", f"{LONG}")
    elapsed = time.monotonic() - start
    assert run.code == 5, run.json
    assert [p.rsplit(".", 1)[1] for p in run.json[0]["evidence"]] == ["png", "html"]
    assert elapsed < LONG / 2, elapsed


# The five pages written apart from the flows that once broke them ------------------------------


def test_a_checkbox_inside_its_label_with_another_switch_on_the_page(
    optout, replay: Replay
) -> None:
    server = replay("linkedin", "checkbox_in_label")
    run = optout("apply", "linkedin", "--base-url", server.url, "--json")
    assert run.code == 0, run.json
    assert (run.json[0]["state_before"], run.json[0]["state"]) == ("on", "off")
    assert [w.path for w in server.writes] == [
        "/voyager/api/mypreferences/settings/data-for-ai-improvement"
    ]


def test_a_row_named_with_its_state_opens_the_switch(optout, replay: Replay) -> None:
    server = replay("chatgpt", "state_row")
    run = optout("apply", "chatgpt", "--base-url", server.url, "--json", "--verbose")
    assert run.code == 0, run.json
    assert run.json[0]["changed"] is True and server.settings["improve-model"] is False
    assert [w.body for w in server.writes] == [{"value": False}]
    assert run.logged("opening the row that holds the switch")


def test_a_turn_off_that_saves_at_once_and_shows_a_notice(optout, replay: Replay) -> None:
    server = replay("gemini", "one_step_off")
    start = time.monotonic()
    run = optout("apply", "gemini", "--base-url", server.url, "--json", "--timeout", f"{LONG}")
    assert run.code == 0, run.json
    assert run.json[0]["changed"] is True and server.settings["keep-activity"] is False
    assert [w.body for w in server.writes] == [{"value": False}]
    assert run.logged("closed a notice")
    assert time.monotonic() - start < LONG / 2  # no wait for a confirmation that never comes


def test_terms_that_show_after_the_page_stop_the_run_at_once(optout, replay: Replay) -> None:
    """Before it changes anything, optout lets the page settle: terms that come with the
    page's last scripts stop the run before the switch is touched."""
    server = replay("claude", "terms_after_load")
    start = time.monotonic()
    run = optout("apply", "claude", "--base-url", server.url, "--json", "--timeout", f"{LONG}")
    assert run.code == 4, run.json
    assert run.json[0]["error"]["kind"] == "challenge"
    assert "never accepts terms" in run.json[0]["error"]["message"]
    assert server.writes == [] and server.settings["help-improve-claude"] is True
    assert time.monotonic() - start < LONG / 2


def test_an_error_page_instead_of_the_switch_is_exit_5_fast(optout, replay: Replay) -> None:
    server = replay("linkedin", "setting_error")
    start = time.monotonic()
    run = optout("apply", "linkedin", "--base-url", server.url, "--json", "--timeout", f"{LONG}")
    assert run.code == 5, run.json
    assert run.json[0]["evidence"] and server.writes == []
    assert time.monotonic() - start < LONG / 2
