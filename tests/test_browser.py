"""Finding a browser, and what happens when there is none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.engine import browser
from agent.errors import BadInput, PersonMustAct


def test_optout_browser_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("OPTOUT_BROWSER", str(fake))
    assert browser.find_browser("/also/there") == str(fake)


def test_optout_browser_must_be_executable(
    optout, signed_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPTOUT_BROWSER", "/nonexistent/chrome")
    with pytest.raises(BadInput, match="not an executable file"):
        browser.find_browser(None)
    run = optout("status", "linkedin", "--base-url", signed_in.url)
    assert run.code == 2 and "OPTOUT_BROWSER is '/nonexistent/chrome'" in run.err


def test_playwright_chromium_before_installed_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("OPTOUT_BROWSER", raising=False)
    bundled = tmp_path / "chrome"
    bundled.write_text("")
    bundled.chmod(0o755)
    assert browser.find_browser(str(bundled)) == str(bundled)


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_a_run_without_a_window_takes_playwrights_headless_shell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("OPTOUT_BROWSER", raising=False)
    chromium = executable(tmp_path / "chromium-1255" / "chrome-linux64" / "chrome")
    shell = tmp_path / "chromium_headless_shell-1255" / "chrome-headless-shell-linux64"
    shell = executable(shell / "chrome-headless-shell")
    executable(tmp_path / "chromium_headless_shell-1200" / "chrome-linux" / "headless_shell")
    assert browser.find_browser(str(chromium), headless=True) == str(shell)
    assert browser.find_browser(str(chromium)) == str(chromium)  # a window needs the full one


def test_a_run_without_a_window_takes_an_installed_headless_shell_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("OPTOUT_BROWSER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(browser.INSTALLED, "linux", ["chromium"])
    executable(tmp_path / "chromium")
    shell = executable(tmp_path / "chromium-headless-shell")
    # Playwright's Chromium, not installed, and no shell beside it.
    bundled = str(tmp_path / "ms-playwright" / "chromium-1255" / "chrome-linux64" / "chrome")
    assert browser.find_browser(bundled, headless=True) == str(shell)
    assert browser.find_browser(bundled) == str(tmp_path / "chromium")
    assert browser.find_browser(str(executable(Path(bundled))), headless=True) == bundled


@pytest.mark.own_browser
def test_no_browser_says_how_to_get_one(
    optout, signed_in, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("OPTOUT_BROWSER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(browser.INSTALLED, "linux", ["chromium"])
    monkeypatch.setattr(browser, "_executable", lambda path: Path(path).parent == tmp_path)
    with pytest.raises(PersonMustAct):
        browser.find_browser("/not/installed/chrome")
    run = optout("status", "linkedin", "--base-url", signed_in.url)
    assert run.code == 4
    assert "No Chromium-family browser found" in run.err and "OPTOUT_BROWSER" in run.err


def test_a_visible_browser_needs_a_screen(
    optout, signed_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if not browser._needs_screen():
        pytest.skip("only Linux needs a DISPLAY")
    for argv in (["login", "linkedin"], ["status", "linkedin", "--headed"]):
        run = optout(*argv, "--base-url", signed_in.url)
        assert run.code == 4 and "needs a screen" in run.err and "session import" in run.err
    assert os.environ.get("DISPLAY") is None
