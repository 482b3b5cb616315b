"""`scripts/fixture-from-report FILE`: a fixture variant from an `optout doctor` report.

The report's sanitized pages become the variant's pages, each served at the path it was
recorded at (the last page recorded there: the one after the most steps, e.g. with its menu
open); a route the flow opened that the platform redirected is a redirect. The pages hold no
scripts, so the variant is a still picture of the real site: the flow's read runs against its
structure (labels, roles, states), which is what a report is for. Its README.md names the
report and its date. By default it goes to fixtures/PLATFORM/reports/NAME/, which
`python -m agent.replay PLATFORM/reports/NAME` serves.

Exit status: 0 when written, 2 for a file that is not a doctor report or a folder that
already exists.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from agent.doctor.report import REPORT_JSON, Report
from agent.errors import BadInput, ExitCode
from agent.replay.site import Page, SignIn, Site

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
NOT_FOUND = "<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>\n"


def read_report(path: Path) -> tuple[Report, dict[str, str]]:
    """The report in a doctor zip, and its pages by name; BadInput for anything else."""
    try:
        with zipfile.ZipFile(path) as archive:
            report = Report.model_validate_json(archive.read(REPORT_JSON))
            pages = {s.page: archive.read(s.page).decode() for s in report.steps if s.page}
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file.") from None
    except (zipfile.BadZipFile, IsADirectoryError):
        raise BadInput(f"{path} is not a zip file made by optout doctor.") from None
    except KeyError:
        raise BadInput(
            f"{path} is not a doctor report: it has no {REPORT_JSON}, or not every page it names."
        ) from None
    except (ValidationError, UnicodeDecodeError, ValueError):
        raise BadInput(f"{path} holds a report.json that optout doctor did not write.") from None
    return report, pages


def make_fixture(path: Path, into: Path | None = None) -> Path:
    """Write the variant; the folder it is in."""
    import flows
    from agent.store.files import write_atomic

    report, pages = read_report(path)
    if report.platform not in flows.names():
        raise BadInput(
            f"{path} is a report of {report.platform!r}, a platform optout does not know."
        )
    flow = flows.load(report.platform)
    name = f"report-{report.created_at:%Y%m%dT%H%M%SZ}"
    folder = into if into is not None else FIXTURES / flow.id / "reports" / name
    if folder.exists():
        raise BadInput(f"{folder} already exists: name another folder (--into).")
    served: dict[str, str] = {}  # path: file
    redirects: dict[str, str] = {}
    files: dict[str, str] = {}
    for step in report.steps:
        if step.page is None or step.url is None or step.outcome == "wall":
            continue
        at = urlsplit(step.url).path or "/"
        file = served.setdefault(at, f"page-{len(served) + 1}.html")
        files[file] = pages[step.page]  # the last page recorded at a path wins
        redirects.update((urlsplit(old).path, urlsplit(new).path) for old, new in step.redirects)
    site = Site(
        about=f"Made by scripts/fixture-from-report from {path.name}, an optout doctor report "
        f"of {report.created_at:%Y-%m-%d}: the real pages' structure, sanitized, without scripts.",
        session_cookie=flow.session_cookies[0],
        csrf=None,
        sign_in=SignIn(
            submit="/replay/sign-in",
            cookies={flow.session_cookies[0]: "replay-{token}"},
            then="/",
        ),
        signed_out_redirect=None,
        challenge_redirect="/replay/challenge",
        settings_api="/replay/settings",
        settings={flow.setting.id: report.state != "off"},
        pages={at: Page(file=file) for at, file in served.items()},
        public={},
        redirects={k: v for k, v in redirects.items() if k not in served},
        not_found="not-found.html",
    )
    folder.mkdir(parents=True)
    for file, html in {**files, "not-found.html": NOT_FOUND}.items():
        write_atomic(folder / file, html.encode())
    site_json = json.dumps(site.model_dump(mode="json", exclude_defaults=False), indent=2)
    write_atomic(folder / "site.json", (site_json + "\n").encode())
    write_atomic(folder / "README.md", _readme(path, report, served).encode())
    return folder


def _readme(path: Path, report: Report, served: dict[str, str]) -> str:
    v = report.versions
    rows = "\n".join(f"| `{file}` | `{at}` |" for at, file in served.items())
    return f"""# {report.name}: a fixture made from a doctor report

**Source:** `{path.name}`, made by `optout doctor {report.platform}` on
{report.created_at:%Y-%m-%d %H:%M} UTC (optout {v.optout}, {v.browser}, Playwright {v.playwright}).
Made into this fixture by `scripts/fixture-from-report`.

These are the real pages' structure, **sanitized** by doctor: every text that is not interface text
is x and 0 of the same shape, images are grey boxes, scripts are gone. So this is a still picture:
the setting reads as it was recorded ({report.state.upper()}), and nothing on it saves.

| File | Served at |
|---|---|
{rows}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/fixture-from-report",
        description="Turn an optout doctor report into a fixture variant of its platform.",
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="the report (a zip)")
    parser.add_argument(
        "--into", metavar="DIR", type=Path, help="where (default: fixtures/PLATFORM/reports/NAME)"
    )
    args = parser.parse_args(argv)
    try:
        folder = make_fixture(args.file, args.into)
    except BadInput as e:
        print(f"fixture-from-report: {e.message}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    print(f"Wrote {folder}")
    if folder.parent.parent.parent == FIXTURES:
        print(f"Serve it: python -m agent.replay {folder.parent.parent.name}/reports/{folder.name}")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
