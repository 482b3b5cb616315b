"""`optout doctor`: a report a person can share (nothing of theirs in it, the interface text
the flow needs kept), recorded read-only at every step it reaches; a fixture made from it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import flows
from agent.api import run
from agent.doctor.fixture import main as fixture_main
from agent.models import Options, Target
from agent.replay import ReplayServer
from tests.conftest import Replay

# Every detail of the fake member on the `personal` pages (fixtures/linkedin/personal-details.html).
PERSONAL = (
    "Janet", "Quirke", "Senior Widget Analyst", "Frobnicate", "janet.quirke@example.org",
    "example.org", "+49 30 1234 5678", "1234", "493012345678", "7a3b9c21", "media-cdn",
    "otter sanctuary", "Wuppertal", "Test Member", "7251234567890123456", "4,210",
)  # fmt: skip
LABELS = (
    "Data for Generative AI Improvement",
    "Use my data for training content creation AI models",
    "Settings & Privacy",
    "Data privacy",
)


def unzip(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def doctor(optout, server: ReplayServer, out: Path, *more: str):
    return optout(
        "doctor", "linkedin", "--base-url", server.url, "--out", str(out), "--timeout", "5", *more
    )


def test_nothing_of_the_person_is_in_the_report_and_the_labels_are(
    optout, replay: Replay, tmp_path: Path
) -> None:
    server = replay("linkedin", "personal")
    out = tmp_path / "report.zip"
    run_ = doctor(optout, server, out)
    assert run_.code == 0, run_.out + run_.err
    assert f"Report: {out}" in run_.out and "7 found what the flow looks for, 0 did not" in run_.out
    files = unzip(out)
    assert {"README.txt", "report.json"} <= set(files)
    assert any(n.startswith("pages/") for n in files) and any(n.startswith("aria/") for n in files)
    everything = "\n".join(files.values())
    leaked = [detail for detail in PERSONAL if detail.lower() in everything.lower()]
    assert not leaked, leaked
    missing = [label for label in LABELS if label not in everything]
    assert not missing, missing
    assert "Settings &amp; Privacy" in files["pages/03-step3.html"]
    assert "<script" not in everything and "li_at" not in everything
    report = json.loads(files["report.json"])
    assert report["state"] == "on" and report["versions"]["playwright"]
    [switch] = report["steps"][-1]["candidates"]
    assert switch["attributes"]["aria-checked"] == "true"
    assert "Use my data for training content creation AI models" in switch["aria"]
    assert server.writes == []


def test_a_fixture_made_from_a_report_runs_the_flow_to_the_same_result(
    optout, replay: Replay, tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = replay("linkedin", "personal")
    out = tmp_path / "report.zip"
    assert doctor(optout, server, out).code == 0
    folder = tmp_path / "variant"
    assert fixture_main([str(out), "--into", str(folder)]) == 0
    readme = (folder / "README.md").read_text()
    assert "report.zip" in readme and "optout doctor linkedin" in readme
    flow = flows.load("linkedin")
    with ReplayServer("linkedin", folder=folder) as variant:
        from agent.store.vault import Vault

        Vault(home).save("linkedin", "variant", variant.make_session(flow.cookie_domain))
        [result] = run(
            [Target(flow, "variant", variant.url)], "status", Options(home=home, timeout=5)
        )
    assert result.error is None and result.state == "on", result


def test_a_broken_page_is_recorded_at_every_step_it_reached(
    optout, replay: Replay, tmp_path: Path
) -> None:
    server = replay("linkedin", "control_missing")
    out = tmp_path / "report.zip"
    run_ = doctor(optout, server, out)
    assert run_.code == 5, run_.out + run_.err
    report = json.loads(unzip(out)["report.json"])
    steps = report["steps"]
    assert [s["number"] for s in steps] == [1, 2, 3, 4, 5, 6, 7]  # the click path too
    assert all(s["page"] and s["aria"] and s["url"] for s in steps)
    assert steps[0]["outcome"] == "not_found" and steps[-1]["outcome"] == "error"
    assert "no switch" in steps[-1]["message"]
    assert all(m["count"] == 0 for m in steps[-1]["matches"] if m["looks_for"] == "control")
    assert "2 did not" in run_.out and "NOT FOUND" in run_.out


def test_doctor_sends_no_write_from_a_page_that_tries_to_save(
    optout, replay: Replay, tmp_path: Path
) -> None:
    server = replay("linkedin", "eager_writes")
    out = tmp_path / "report.zip"
    assert doctor(optout, server, out).code == 0
    assert server.writes == []
    assert json.loads(unzip(out)["report.json"])["blocked_writes"] > 0


def test_no_session_is_exit_4_saying_how_to_sign_in(optout, replay: Replay, tmp_path: Path) -> None:
    server = replay("linkedin", signed_in=False)
    run_ = doctor(optout, server, tmp_path / "r.zip", "--account", "work")
    assert run_.code == 4
    assert "optout login linkedin --account work" in run_.err and "Traceback" not in run_.err
    assert not (tmp_path / "r.zip").exists()


def test_a_folder_that_does_not_exist_is_exit_2(optout, tmp_path: Path) -> None:
    run_ = optout("doctor", "linkedin", "--out", str(tmp_path / "missing" / "r.zip"))
    assert run_.code == 2
    assert f"the folder {tmp_path / 'missing'} does not exist" in run_.err


def test_an_unknown_platform_is_exit_2(optout) -> None:
    run_ = optout("doctor", "myspace")
    assert run_.code == 2 and "Unknown platform 'myspace'" in run_.err


def test_fixture_from_report_refuses_what_is_not_a_report(tmp_path: Path, capsys) -> None:
    assert fixture_main([str(tmp_path / "none.zip")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "a.zip").write_text("not a zip")
    assert fixture_main([str(tmp_path / "a.zip")]) == 2
    assert "is not a zip file made by optout doctor" in capsys.readouterr().err
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        archive.writestr("other.txt", "x")
    assert fixture_main([str(tmp_path / "b.zip")]) == 2
    assert "it has no report.json" in capsys.readouterr().err
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as archive:
        archive.writestr("report.json", "{}")
    assert fixture_main([str(tmp_path / "c.zip")]) == 2
    assert "report.json that optout doctor did not write" in capsys.readouterr().err


def test_open_without_a_file_manager_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    from agent.cli.doctor import _open_folder

    def missing(*_: object, **__: object) -> None:
        raise FileNotFoundError("xdg-open")

    monkeypatch.setattr(subprocess, "run", missing)
    _open_folder(tmp_path)
    assert f"could not open {tmp_path}; open it yourself" in capsys.readouterr().err


def test_doctor_of_a_setting_each_site_has_walks_to_the_first_sites(
    optout, replay: Replay, tmp_path: Path
) -> None:
    """WordPress.com's sites are listed first (read-only), then the way to the first site's
    setting is recorded, as `status` would walk it."""
    server = replay("wordpress", "control_missing")
    out = tmp_path / "report.zip"
    run_ = optout("doctor", "wordpress", "--base-url", server.url, "--out", str(out), "--timeout", "3")
    assert run_.code == 5, run_.out + run_.err
    files = unzip(out)
    steps = json.loads(files["report.json"])["steps"]
    # The site's host is the person's: the report has its shape, never its name.
    assert steps[0]["number"] == 2 and "/settings/general/xxxxxxxxxxx." in steps[0]["url"]
    assert "no checkbox" in steps[-1]["message"]
    assert not [name for name, text in files.items() if "alicewrites" in text or "alicebakes" in text]
    assert server.writes == []


def test_doctor_of_a_named_site_walks_to_that_one(optout, replay: Replay, tmp_path: Path) -> None:
    """The site whose run stopped is the one its hint names, as tables name it; doctor walks
    the way to it, not to the first site, and keeps its host out of the report too."""
    server = replay("wordpress", "control_missing")
    run_ = optout("apply", "wordpress", "--base-url", server.url, "--timeout", "2", "--json")
    hint = run_.json[1]["error"]["message"].splitlines()[-1]
    assert hint.startswith("To help fix this: optout doctor wordpress/alicebakes.com makes a report")
    out = tmp_path / "report.zip"
    run_ = optout("doctor", "wordpress/alicebakes.com", "--base-url", server.url, "--out", str(out),
                  "--timeout", "2")  # fmt: skip
    assert run_.code == 5, run_.out + run_.err
    files = unzip(out)
    steps = json.loads(files["report.json"])["steps"]
    assert steps[0]["url"].endswith("/settings/general/xxxxxxxxxx.xxx")  # alicebakes.com, masked
    assert "no checkbox" in steps[-1]["message"]
    assert not [name for name, text in files.items() if "alicebakes" in text]
    assert server.writes == []


@pytest.mark.parametrize(
    ("named", "says"),
    [
        ("x/allow_bogus", "X has no 'allow_bogus': name one of x/allow_xai_data_sharing, "
                          "x/allow_xai_personalization."),
        ("tumblr/Not A Blog", "Tumblr has no 'Not A Blog': name one of tumblr/<blog>."),
        ("linkedin/anything", "LinkedIn has no 'anything': name one of linkedin."),
    ],
)  # fmt: skip
def test_doctor_of_a_setting_or_site_a_platform_has_not_is_exit_2(
    optout, named: str, says: str
) -> None:
    run_ = optout("doctor", named)
    assert run_.code == 2 and run_.err.strip() == f"optout: {says}"


def test_doctor_of_a_named_setting_records_the_way_to_that_one(
    optout, replay: Replay, tmp_path: Path
) -> None:
    server = replay("x")
    out = tmp_path / "report.zip"
    run_ = optout("doctor", "x/allow_xai_personalization", "--base-url", server.url, "--out", str(out))
    assert run_.code == 0, run_.out + run_.err
    report = json.loads(unzip(out)["report.json"])
    assert report["setting"] == flows.of_setting("x", "allow_xai_personalization").setting.name
    assert report["setting"] != flows.load("x").setting.name
    assert server.writes == []
