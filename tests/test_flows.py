"""Rules every flow must keep (as gallery-dl tests every extractor at once)."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from urllib.parse import urlsplit

import pytest

import flows
from agent.engine.plan import plan
from agent.models import Flow

ALL = flows.names()


def test_registry_lists_without_importing() -> None:
    assert "linkedin" in ALL
    with pytest.raises(KeyError):
        flows.load("nope")


@pytest.mark.parametrize("name", ALL)
def test_flow_is_named_after_its_module_and_documented(name: str) -> None:
    flow = flows.load(name)
    assert isinstance(flow, Flow)
    assert flow.id == name
    assert flows.__dict__[name].__doc__, (
        "a flow module says what it is and where its facts come from"
    )
    assert flow.setting.does_not_cover, "say what opting out does not cover"
    assert flow.walls.sign_in and flow.walls.challenge, (
        "sign-in and challenge detection are declared"
    )


@pytest.mark.parametrize("name", ALL)
def test_every_step_is_described_and_planned(name: str) -> None:
    flow = flows.load(name)
    steps = plan(flow)
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))
    described = [s.description for s in steps]
    for step in flow.click_path:
        assert step.description.strip() and step.description in described


def for_each_object(flow: Flow, site: dict) -> list[Flow]:
    """The flow for each object its replay keeps a setting of (a per-object flow), or itself."""
    keys = [key for setting in site["settings"] if (key := flow.object_of(setting))]
    return [flow.for_object(key) for key in keys] if flow.per_object else [flow]


@pytest.mark.parametrize("name", ALL)
def test_every_page_a_flow_visits_has_a_fixture(name: str) -> None:
    folder = files("fixtures") / name
    site = json.loads(folder.joinpath("site.json").read_text())
    template = flows.load(name)
    each = for_each_object(template, site)
    assert each, f"the replay of {name} keeps the setting of no object"
    visited = [template.per_object.list_page] if template.per_object else []
    for flow in each:
        visited += [urlsplit(route).path for route in (flow.direct, *flow.also_direct)]
        visited += [urlsplit(s.goto).path for s in flow.click_path if s.goto]
    flow = template
    for path in visited:
        assert path in site["pages"] or path in site.get("redirects", {}), (
            f"{path} has no page in fixtures/{name}/site.json"
        )
    for page in site["pages"].values():
        assert folder.joinpath(page["file"]).is_file()
    assert site["session_cookie"] in flow.session_cookies
    for wall in filter(None, (site["signed_out_redirect"], site["challenge_redirect"])):
        path = wall.split("?")[0]
        assert any(re.search(p, path) for p in flow.walls.sign_in + flow.walls.challenge)


@pytest.mark.parametrize("name", ALL)
def test_every_setting_is_kept_by_the_replay_and_documented(name: str) -> None:
    """Each of a platform's settings is one its replay server keeps (so that the contract tests
    check the server's record of it), and says what it does not cover."""
    site = json.loads((files("fixtures") / name).joinpath("site.json").read_text())
    for template in flows.settings(name):
        for each in for_each_object(template, site):
            assert each.setting.id in site["settings"], f"{each.setting.id} is not a replay setting"
        assert template.setting.does_not_cover and template.setting.help_url.startswith("https://")


def test_two_settings_of_a_platform_are_never_one() -> None:
    from pydantic import ValidationError

    from agent.models import MoreSetting

    flow = flows.load("linkedin")
    twin = MoreSetting(setting=flow.setting, control=flow.control)
    with pytest.raises(ValidationError, match="two settings of linkedin have one id"):
        type(flow)(**(dict(flow) | {"more_settings": (twin,)}))


@pytest.mark.parametrize("name", ALL)
def test_fixtures_say_they_are_reconstructions(name: str) -> None:
    folder = files("fixtures") / name
    for page in folder.iterdir():
        if page.name.endswith(".html"):
            assert "Reconstruction, not a recording" in page.read_text(), page.name


def test_any_label_matches_every_language_and_either_apostrophe() -> None:
    from agent.models import any_label

    labels = {"en": "Settings & Privacy", "fr": "Données pour l'amélioration"}
    whole = re.compile(any_label(labels), re.I)
    assert whole.search("Settings and Privacy") and whole.search("Données pour l\u2019amélioration")
    assert not whole.search("Settings & Privacy Center")
    assert re.search(any_label(labels, "start"), "Settings & Privacy On")
    assert re.search(any_label({"en": "Me"}, "word"), "Test Member Me")
    assert not re.search(any_label({"en": "Me"}, "word"), "Media")


def test_a_label_may_carry_a_state_or_a_badge_never_another_word() -> None:
    from flows._common import label

    whole = re.compile(label({"en": "Improve the Model", "de": "Modell verbessern"}), re.I)
    for name in ("Improve the Model On", "New Improve the Model", "Improve the Model 3 new",
                 "Modell verbessern Neu", "Improve the Model (2) \u203a"):  # fmt: skip
        assert whole.search(name), name
    for name in ("Improve the Model Newer", "Improve the Model for ads", "Do not Improve the Model"):
        assert not whole.search(name), name


@pytest.mark.parametrize("match", ["whole", "start", "word"])
def test_a_name_pattern_reads_as_its_label_in_messages(match: str) -> None:
    """Messages name what was not found by its label, never by the pattern's syntax."""
    from agent.models import role
    from flows._common import label

    found = role("button", label({"en": "Settings & Privacy", "de": "Einstellungen"}, match))
    assert found.describe() == 'button "Settings & Privacy"'


@pytest.mark.parametrize("name", ALL)
def test_known_languages_are_declared(name: str) -> None:
    flow = flows.load(name)
    assert flow.languages and flow.languages[0] == "en"
    assert all(re.fullmatch(r"[a-z]{2}", lang) for lang in flow.languages)
