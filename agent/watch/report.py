"""The report: one self-contained HTML file, made from the run history, that a person can keep
as proof or attach to a complaint to a data protection authority.

Self-contained means it works offline, forever, and tells nobody it was opened: styles are
inline, screenshots are `data:` URIs, there are no scripts, and a Content-Security-Policy
forbids every fetch, so that a string that slipped past escaping still could not load anything.
Every string from the history is escaped: error messages can quote web pages.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from itertools import groupby
from pathlib import Path
from typing import Literal

from agent.models import Flow, State
from agent.store.history import HistoryRow, HistoryStore

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_BADGES: dict[str, tuple[str, str]] = {
    "on": ("on", "ON"),
    "off": ("off", "OFF"),
    "unavailable": ("na", "NOT OFFERED"),
    "unknown": ("unknown", "NOT READ YET"),
}
_ERRORS = {
    "auth_required": "Signed out: the platform wanted the person to sign in again",
    "challenge": "The platform asked for a security check",
    "site_changed": "The page did not look as optout expected (the site changed)",
    "verify_failed": "The change did not hold on a fresh load of the page",
    "internal": "optout itself failed",
}

EventKind = Literal["first", "same", "changed", "back_on", "switched_off", "error"]


@dataclass
class Event:
    """One entry of a timeline: a reading (repeats of the same state fold into it), a change,
    or an error."""

    kind: EventKind
    row: HistoryRow
    state: State  # what the page showed (for an error: whatever was read before it)
    since: datetime | None = None  # back_on: when it was last seen OFF
    confirmed: list[datetime] = field(default_factory=list)  # later readings of the same state


@dataclass
class Target:
    """One platform, account and setting, with what its history shows."""

    platform: str
    account: str
    setting: str
    rows: list[HistoryRow]
    events: list[Event]

    @property
    def latest_reading(self) -> HistoryRow | None:
        return next((r for r in reversed(self.rows) if r.is_reading), None)

    @property
    def back_on_since(self) -> datetime | None:
        """When it was last seen OFF, if the newest reading shows it ON again."""
        latest = self.latest_reading
        if latest is None or latest.state != "on":
            return None
        return next(
            (r.checked_at for r in reversed(self.rows) if r.state == "off"),
            None,
        )


def timeline(rows: Sequence[HistoryRow]) -> list[Event]:
    """The changes in one target's rows (oldest first): readings, with repeats of the same
    state folded into the reading before, optout's switching off, "switched back on" (a reading
    of ON after one of OFF), and errors."""
    events: list[Event] = []
    previous: State | None = None  # the state the last reading showed
    last_off: datetime | None = None

    def observe(state: State, row: HistoryRow) -> None:
        nonlocal previous, last_off
        last = events[-1] if events else None
        if last is not None and last.kind != "error" and last.state == state:
            last.confirmed.append(row.checked_at)
        elif previous == "off" and state == "on":
            events.append(Event("back_on", row, state, since=last_off))
        elif previous is None:
            events.append(Event("first", row, state))
        else:
            events.append(Event("same" if previous == state else "changed", row, state))
        previous = state
        if state == "off":
            last_off = row.checked_at

    for row in rows:
        if row.changed:
            if previous == "off":
                events.append(Event("back_on", row, "on", since=last_off))
            events.append(Event("switched_off", row, row.state))
            previous, last_off = row.state, row.checked_at
        elif row.is_reading:
            observe(row.state, row)
        if row.error_kind:
            events.append(Event("error", row, row.state))
    return events


def targets(rows: Iterable[HistoryRow]) -> list[Target]:
    """The rows grouped by platform, account and setting, in that order."""

    def key(row: HistoryRow) -> tuple[str, str, str]:
        return (row.platform, row.account, row.setting)

    found = []
    # sorted() is stable: each group keeps the history's oldest-first order.
    for (platform, account, setting), group in groupby(sorted(rows, key=key), key=key):
        ordered = list(group)
        found.append(Target(platform, account, setting, ordered, timeline(ordered)))
    return found


def render_report(
    history: HistoryStore,
    flows_by_id: Mapping[str, Flow],
    *,
    generated_at: datetime,
    evidence_root: Path | None = None,
    account: str | None = None,
) -> str:
    """The whole history (or one `account`'s) as one HTML page. Screenshots are inlined from
    the paths the history recorded; with `evidence_root`, relative paths are read from there
    and files outside it are left out."""
    rows = history.rows(account=account)
    found = targets(rows)
    sections = [_section(t, _flow_of(flows_by_id, t), evidence_root) for t in found]
    span = (
        f"{len(rows)} results from {_when(rows[0].checked_at)} to {_when(rows[-1].checked_at)}"
        if rows
        else "no results yet: run <code>optout status</code> first"
    )
    body = "\n".join(
        [
            "<header>",
            "<p class='kicker'>optout report</p>",
            "<h1>Where platforms may train AI on your data</h1>",
            f"<p class='made'>Made {_when(generated_at)} from the run history on this computer "
            f"({span}).</p>",
            _NOTE,
            "</header>",
            _summary(found, flows_by_id) if found else "",
            *sections,
            "<footer><p>Made by optout from its local history. This file contains no "
            "passwords, cookies or session tokens. All times are UTC.</p></footer>",
        ]
    )
    title = f"optout report, {generated_at.astimezone(UTC):%Y-%m-%d}"
    return _PAGE.format(title=escape(title), css=_CSS, body=body)


# --- parts of the page -------------------------------------------------------------------------

_NOTE = """<section class="note" aria-label="What this report shows">
<h2>What this report shows, and what it does not</h2>
<ul>
<li>Each state is what a fresh load of the setting's page showed in the person's own signed-in
browser, at the time given. optout reads the switch itself, not the text beside it.</li>
<li><strong>Switched back on</strong> means a reading showed the setting ON after an earlier
reading had shown it OFF. Between two readings it may have changed without anyone seeing it.</li>
<li>Switching a setting off is forward-looking: it asks the platform to stop using your data
from then on. Data already used to train models is not pulled back.</li>
<li>The report shows what the platform's own page said. It cannot show what the platform does
with the data behind that page.</li>
</ul>
</section>"""


def _summary(found: Sequence[Target], flows_by_id: Mapping[str, Flow]) -> str:
    lines = []
    for t in found:
        latest = t.latest_reading
        flow = _flow_of(flows_by_id, t)
        lines.append(
            "<tr>"
            f"<td><a href='#{_anchor(t)}'>{escape(flow.name if flow else t.platform)}</a></td>"
            f"<td>{escape(t.account)}</td>"
            f"<td>{escape(_setting_name(t, flow))}</td>"
            f"<td>{_badge(latest.state if latest else 'unknown', back_on=bool(t.back_on_since))}"
            "</td>"
            f"<td>{_when(latest.checked_at) if latest else 'never'}</td>"
            "</tr>"
        )
    return (
        "<section class='summary' aria-label='Summary'><table>"
        "<thead><tr><th>Platform</th><th>Account</th><th>Setting</th><th>State now</th>"
        "<th>Last verified</th></tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table></section>"
    )


def _section(target: Target, flow: Flow | None, evidence_root: Path | None) -> str:
    latest = target.latest_reading
    back_on = target.back_on_since
    name = flow.name if flow else target.platform
    parts = [
        f"<article class='target' id='{_anchor(target)}'>",
        "<div class='head'>",
        f"<h2>{escape(name)} <span class='account'>account {escape(target.account)}</span></h2>",
        _badge(latest.state if latest else "unknown", back_on=bool(back_on)),
        "</div>",
        f"<p class='setting'>{escape(_setting_name(target, flow))}</p>",
        f"<p class='now'>{_now_sentence(latest, back_on)}</p>",
    ]
    newest = target.rows[-1]
    if newest.error_kind:
        parts.append(
            f"<p class='warn'>The latest run, {_when(newest.checked_at)}, did not finish: "
            f"{escape(_ERRORS.get(newest.error_kind, newest.error_kind))}.</p>"
        )
    parts += [
        "<h3>Timeline</h3>",
        "<ol class='timeline'>",
        *(_event(e) for e in target.events),
        "</ol>",
        _evidence(target.rows, evidence_root),
        _coverage(target, flow),
        "</article>",
    ]
    return "\n".join(parts)


def _now_sentence(latest: HistoryRow | None, back_on: datetime | None) -> str:
    if latest is None:
        return "The setting's state has not been read yet: every run so far stopped before it."
    said = f"Last verified {_when(latest.checked_at)}: {_showed(latest.state)}."
    if back_on:
        said += f" It had been seen OFF on {_when(back_on)}: <strong>switched back on</strong>."
    return said


def _event(event: Event) -> str:
    row = event.row
    if event.kind == "error":
        kind = row.error_kind or "internal"
        title = escape(_ERRORS.get(kind, kind))
        detail = f"<blockquote>{escape(row.error_message or '')}</blockquote>"
        badge = "<span class='badge error'>ERROR</span>"
    else:
        title, detail = _reading(event)
        badge = _badge(event.state, back_on=event.kind == "back_on")
    if event.confirmed:
        times = "once more" if len(event.confirmed) == 1 else f"{len(event.confirmed)} more times"
        detail += f"<p>Seen the same {times}, last {_when(event.confirmed[-1])}.</p>"
    return (
        f"<li class='event {event.kind}'>"
        f"<div class='when'>{_when(row.checked_at)}</div>"
        f"<div class='what'>{badge} <strong>{title}</strong>{detail}"
        f"<p class='meta'>{_meta(row, error=event.kind == 'error')}</p></div></li>"
    )


def _reading(event: Event) -> tuple[str, str]:
    """The title and the explanation of a reading or a change."""
    state = _badge_text(event.state)
    if event.kind == "switched_off":
        return (
            "Switched off by optout",
            "<p>The page showed ON; optout switched it off, and a fresh load showed OFF.</p>",
        )
    if event.kind == "back_on":
        since = f" on {_when(event.since)}" if event.since else ""
        return ("Switched back on", f"<p>Found ON again. It had been seen OFF{since}.</p>")
    title = {"first": "First reading", "same": "Still", "changed": "Changed"}[event.kind]
    showed = _showed(event.state)
    unlike = ", unlike the reading before" if event.kind == "changed" else ""
    return (f"{title}: {state}", f"<p>{showed[0].upper()}{showed[1:]}{unlike}.</p>")


def _showed(state: str) -> str:
    if state == "unavailable":
        return "the platform did not offer this setting to this account"
    return f"the page showed the setting <strong>{_badge_text(state)}</strong>"


def _meta(row: HistoryRow, *, error: bool) -> str:
    bits = [escape(row.action), f"optout {escape(row.version)}"]
    if error:
        step = f" at step {row.error_step}" if row.error_step else ""
        bits.append(f"error {escape(row.error_kind or '')}{step}")
    if row.language:
        bits.append(f"page in {escape(row.language)}")
    if row.found_by:
        bits.append(f"switch found by {escape(row.found_by)}")
    return " · ".join(bits)


def _evidence(rows: Sequence[HistoryRow], evidence_root: Path | None) -> str:
    """The newest screenshot still on disk, inlined: one of a run that read the state if there
    is one (it is the proof), else one of a run that stopped (it shows why). A note instead if
    the history names screenshots but none is left."""
    named = False
    newest_first = [*reversed(rows)]
    for row in sorted(newest_first, key=lambda r: not r.is_reading):  # stable: newest first
        for name in row.evidence:
            if not name.endswith(".png"):
                continue
            named = True
            png = _read_png(name, evidence_root)
            if png is None:
                continue
            data = base64.b64encode(png).decode("ascii")
            showed = (
                _showed(row.state)
                if row.is_reading
                else f"the run stopped: {escape(_ERRORS.get(row.error_kind or '', 'unknown'))}"
            )
            return (
                "<figure class='evidence'>"
                f"<img src='data:image/png;base64,{data}' alt='Screenshot of the setting page, "
                f"{escape(row.checked_at.strftime('%Y-%m-%d %H:%M'))} UTC'>"
                f"<figcaption>Screenshot optout took {_when(row.checked_at)} "
                f"({escape(row.action)}; {showed}). File: "
                f"<code>{escape(Path(name).name)}</code></figcaption></figure>"
            )
    if named:
        return "<p class='muted'>The screenshots this history names are no longer on this computer.</p>"
    return ""


def _read_png(name: str, evidence_root: Path | None) -> bytes | None:
    path = Path(name)
    if evidence_root is not None:
        path = evidence_root / path  # an absolute `name` stays as it is
        if not path.resolve().is_relative_to(evidence_root.resolve()):
            return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    # Only a real PNG: a history that names any other file never pulls it into the report.
    return data if data.startswith(_PNG_SIGNATURE) else None


def _flow_of(flows_by_id: Mapping[str, Flow], target: Target) -> Flow | None:
    """The flow of the target's setting; None for a platform or setting optout no longer has."""
    flow = flows_by_id.get(target.platform)
    return flow.of_setting(target.setting) if flow else None


def _coverage(target: Target, flow: Flow | None) -> str:
    if flow is None:
        return "<p class='muted'>This version of optout no longer describes this setting.</p>"
    setting = flow.setting
    link = (
        f"<p>The platform's own help: <a href='{escape(setting.help_url)}'>"
        f"{escape(setting.help_url)}</a></p>"
        if setting.help_url.startswith("https://")
        else ""
    )
    return (
        "<div class='coverage'>"
        "<div><h3>What the setting covers</h3>"
        f"<p>{escape(setting.covers)}</p>"
        f"<p class='muted'>{escape(setting.regions)}</p></div>"
        "<div><h3>What it does not cover</h3><ul>"
        + "".join(f"<li>{escape(item)}</li>" for item in setting.does_not_cover)
        + f"</ul>{link}</div></div>"
    )


def _setting_name(target: Target, flow: Flow | None) -> str:
    return flow.setting.name if flow else target.setting


def _badge(state: str, *, back_on: bool = False) -> str:
    css, text = _BADGES.get(state, ("unknown", state.upper()))
    if back_on and state == "on":
        text = "ON — SWITCHED BACK ON"
    return f"<span class='badge {css}'>{escape(text)}</span>"


def _badge_text(state: str) -> str:
    return escape(_BADGES.get(state, ("", state.upper()))[1])


def _when(moment: datetime) -> str:
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return (
        f"<time datetime='{utc.strftime('%Y-%m-%dT%H:%M:%SZ')}'>"
        f"{utc.strftime('%Y-%m-%d %H:%M')}&nbsp;UTC</time>"
    )


def _anchor(target: Target) -> str:
    # Ids only need to be unique and safe in an attribute; escape() makes them safe.
    return escape(f"{target.platform}-{target.account}-{target.setting}", quote=True)


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="optout">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
</body>
</html>
"""

_CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --line: #dde1e8; --paper: #ffffff;
  --on: #b42318; --on-bg: #fef3f2; --off: #067647; --off-bg: #ecfdf3;
  --na: #475467; --na-bg: #f2f4f7; --warn: #93370d; --warn-bg: #fffaeb; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 54rem; padding: 2.5rem 1.5rem 4rem; color: var(--ink);
  background: var(--paper); font: 16px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: .2rem 0 .6rem; letter-spacing: -.01em; }
h2 { font-size: 1.3rem; margin: 0; }
h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 1.6rem 0 .6rem; }
p { margin: .35rem 0; }
a { color: #1f4fbf; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.kicker { text-transform: uppercase; letter-spacing: .1em; font-size: .75rem; color: var(--muted);
  margin: 0; }
.made, .muted, .meta, .account { color: var(--muted); }
.account { font-weight: normal; font-size: .95rem; margin-left: .4rem; }
.note { margin: 1.5rem 0 2rem; padding: 1rem 1.25rem; border: 1px solid var(--line);
  border-left: 4px solid #1f4fbf; border-radius: 6px; background: #f8fafc; }
.note h2 { font-size: 1rem; margin-bottom: .4rem; }
.note ul { margin: 0; padding-left: 1.2rem; }
.note li { margin: .25rem 0; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; padding: .55rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
td time { white-space: nowrap; }
th { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.target { margin: 2.5rem 0; padding-top: 1.5rem; border-top: 2px solid var(--ink); }
.head { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center;
  justify-content: space-between; }
.setting { font-size: 1.05rem; margin-top: .3rem; }
.now { font-size: 1.05rem; }
.warn { padding: .5rem .75rem; border-radius: 6px; color: var(--warn);
  background: var(--warn-bg); border: 1px solid #fedf89; }
.badge { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .75rem;
  font-weight: 700; letter-spacing: .05em; white-space: nowrap; border: 1.5px solid;
  vertical-align: .1em; }
.badge.on { color: var(--on); background: var(--on-bg); }
.badge.off { color: var(--off); background: var(--off-bg); }
.badge.na, .badge.unknown { color: var(--na); background: var(--na-bg); }
.badge.error { color: var(--warn); background: var(--warn-bg); }
.timeline { list-style: none; margin: 0; padding: 0; border-left: 2px solid var(--line); }
.event { display: grid; grid-template-columns: 10.5rem 1fr; gap: 1rem; padding: .5rem 0 .8rem 1rem;
  position: relative; break-inside: avoid; }
.event::before { content: ""; position: absolute; left: -7px; top: .9rem; width: 12px;
  height: 12px; border-radius: 50%; background: var(--paper); border: 2px solid var(--na); }
.event.back_on::before { border-color: var(--on); background: var(--on); }
.event.switched_off::before { border-color: var(--off); background: var(--off); }
.event.error::before { border-color: var(--warn); }
.when { color: var(--muted); font-size: .9rem; padding-top: .1rem; font-variant-numeric: tabular-nums; }
.what p { margin: .2rem 0; }
.meta { font-size: .8rem; }
blockquote { margin: .4rem 0; padding: .4rem .75rem; border-left: 3px solid #fedf89;
  background: var(--warn-bg); overflow-wrap: anywhere; white-space: pre-wrap; font-size: .9rem; }
.evidence { margin: 1.5rem 0 0; }
.evidence img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line);
  border-radius: 6px; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .4rem; }
.coverage { display: grid; grid-template-columns: 1fr 1fr; gap: 0 2rem; }
.coverage ul { padding-left: 1.2rem; margin: .35rem 0; }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line);
  color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  .event, .coverage { grid-template-columns: 1fr; gap: .2rem; }
}
@media print {
  @page { margin: 16mm 14mm; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .target { break-before: page; border-top-width: 1px; }
  .note, .evidence, tr, .coverage > div { break-inside: avoid; }
  a { color: inherit; }
  a[href^="https://"]::after { content: " (" attr(href) ")"; font-size: .85em; overflow-wrap: anywhere; }
}
"""
