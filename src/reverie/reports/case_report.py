"""A self-contained HTML case report: the progress picture, questionnaires, flags and session summaries.

What analysers contribute (their panels, quiet notes, headings and explanations) comes from their display
declarations (``analysis/display.py``), so a plug-in analyser appears here without editing this module.

Self-contained means no external resources: CSS is inline and the plot is embedded (inline SVG or
a base64 PNG). Every piece of text is escaped, since it is clinical text that may hold anything.
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from html import escape
from importlib import resources
from string import Template
from typing import Any, Iterable, Mapping, Sequence

from reverie.analysis.base import REGISTRY
from reverie.reports.context import declared_panels

CLASS_LABELS = {
    "getting_better": "getting better",
    "relief_without_change": "relief without structural change (hypothesis)",
    "worse_before_better": "worse before better",
    "not_on_track": "not on track",
    "too_early": "too early to tell",
}
_UNSAFE_SVG = re.compile(r"<\s*(script|foreignObject|iframe|image|use[^>]*href\s*=\s*[\"']?\s*(https?:|//))"
                         r"|\son[a-z]+\s*=|(href|src)\s*=\s*[\"']?\s*(https?:|//|javascript:)", re.IGNORECASE)
_MAX_VALUE_CHARS = 300


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(resources.files("reverie.reports").joinpath("templates", "case_report.html").read_text("utf-8"))


def _num(value: Any, signed: bool = False) -> str:
    if value is None:
        return '<span class="muted">-</span>'
    if isinstance(value, (int, float)):
        return _e(f"{value:+.2f}" if signed else (f"{value:g}" if float(value).is_integer() else f"{value:.2f}"))
    return _e(value)


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{_e(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _plot(context: Mapping[str, Any]) -> str:
    svg = context.get("plot_svg")
    if svg:
        text = str(svg)
        start = text.find("<svg")
        text = re.sub(r"<metadata>.*?</metadata>", "", text[start:], flags=re.DOTALL) if start >= 0 else ""
        if not text or _UNSAFE_SVG.search(text):
            return '<p class="muted">The plot was left out: it was not a plain, self-contained SVG.</p>'
        return f'<figure aria-label="progress plot">{text}</figure>'
    png = context.get("plot_png")
    if png:
        data = png if isinstance(png, str) else base64.b64encode(bytes(png)).decode("ascii")
        if not re.fullmatch(r"[A-Za-z0-9+/=\s]+", data):
            return '<p class="muted">The plot was left out: not base64 PNG data.</p>'
        return f'<figure><img alt="progress plot" src="data:image/png;base64,{data.strip()}"></figure>'
    return '<p class="muted">No plot.</p>'


def _case(progress: Mapping[str, Any]) -> str:
    case = progress.get("case") or {}
    label = CLASS_LABELS.get(case.get("class"), case.get("class"))
    return (f'<div class="case"><p><span class="class">{_e(label)}</span></p>'
            f"<p>{_e(case.get('explanation'))}</p></div>")


def _sessions(progress: Mapping[str, Any]) -> str:
    rows = []
    for s in progress.get("sessions") or []:
        evidence = s.get("evidence") or {}
        items = "".join(f"<li>{_e(t)}</li>" for k in ("feeling_better", "getting_better") for t in evidence.get(k, []))
        detail = f"<details><summary>evidence</summary><ul>{items}</ul></details>" if items else ""
        flags = "".join(f' <span class="flag">{_e(f)}</span>' for f in s.get("flags") or [])
        rows.append([_e(s.get("number")), _e(s.get("date") or ""), _num(s.get("feeling_better"), True),
                     _num(s.get("getting_better"), True), _e(CLASS_LABELS.get(s.get("class"), s.get("class"))) + flags,
                     _e(s.get("explanation")) + detail])
    if not rows:
        return '<p class="muted">No sessions with questionnaires yet.</p>'
    return _table(["session", "date", "feeling better (SD)", "getting better (SD)", "class", "explanation"], rows)


def _events(events: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(f"session {_e(e.get('session'))} ({_num(e.get('magnitude'))} points)" for e in events) or "-"


def _instruments(progress: Mapping[str, Any]) -> str:
    rows = []
    for inst_id, s in (progress.get("instruments") or {}).items():
        series = s.get("series") or []
        band = series[-1].get("band") if series else None
        rci = (s.get("rci") or {}).get("rci")
        rows.append([_e(s.get("name") or inst_id), _num(s.get("baseline")), _num(s.get("latest")), _e(band or ""),
                     _e(s.get("reliable_change")), _e(s.get("clinical")), _num(rci, True),
                     _events(s.get("sudden_gains") or []), _events(s.get("sudden_losses") or []),
                     _e(s.get("note") or s.get("sudden_gain_note") or "")])
    if not rows:
        return '<p class="muted">No questionnaires recorded.</p>'
    return _table(["instrument", "baseline", "latest", "band", "reliable change", "clinical", "RCI",
                   "candidate sudden gains", "candidate sudden losses", "note"], rows)


def _flag_row(f: Mapping[str, Any]) -> list[str]:
    """One row for a questionnaire flag (session, code, text) or a stored safety task (source, category, evidence)."""
    where = f"session {f['session']}" if f.get("session") is not None else " ".join(
        str(f.get(k)) for k in ("source", "source_ref") if f.get(k))
    evidence = f.get("evidence")
    detail = f.get("text") or f.get("message")
    if detail is None and isinstance(evidence, Mapping):
        detail = evidence.get("text") or evidence.get("quote") or _compact(evidence)
    status = ("acknowledged by " + str(f["acknowledged_by"]) if f.get("acknowledged_by")
              else "open" if "acknowledged_by" in f else "")
    return [_e(where), _e(f.get("date") or f.get("created_at") or ""),
            f'<span class="flag">{_e(f.get("code") or f.get("category") or "flag")}</span>',
            _e(f.get("severity") or ""), _e(detail if detail is not None else _compact(dict(f))), _e(status)]


def _safety(context: Mapping[str, Any], progress: Mapping[str, Any]) -> str:
    # stored safety tasks, when given, already include the questionnaire flags (with their status)
    flags = list(context.get("safety") or []) or list(progress.get("flags") or [])
    if not flags:
        return '<p class="muted">No critical item was endorsed and no safety flag was raised.</p>'
    return _table(["where", "when", "flag", "severity", "what was answered or said", "status"],
                  [_flag_row(f) for f in flags])


def _key_moments(moments: Iterable[Mapping[str, Any]]) -> str:
    rows = [[_e(m.get("session")), _e(m.get("kind")), _e(m.get("text"))] for m in moments]
    return _table(["session", "kind", "moment"], rows) if rows else '<p class="muted">None recorded.</p>'


def _compact(value: Any) -> str:
    """A short plain-text rendering of a summary value (nested structures as compact JSON)."""
    if isinstance(value, float):
        text = f"{value:.3g}"
    elif isinstance(value, (list, tuple)) and all(not isinstance(v, (dict, list)) for v in value):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    else:
        text = str(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "\u2026"


def _markers_missing(progress: Mapping[str, Any]) -> str:
    pm = progress.get("process_markers") or {}
    if pm.get("status") not in ("missing", "partial"):
        return ""
    sessions = ", ".join(map(str, pm.get("missing_sessions") or [])) or "all"
    return f'<p class="muted">Process markers missing (sessions {_e(sessions)}): {_e(pm.get("reason"))}</p>'


def _analysers(sessions: Sequence[Mapping[str, Any]]) -> list[str]:
    """The analysers with summaries in these sessions, in the order their displays ask for."""
    return REGISTRY.ordered(n for s in sessions for n in (s.get("summaries") or {}))


def _cell(value: Any) -> str:
    return _num(value) if value is None or isinstance(value, (int, float)) else _e(value)


def _panels(sessions: Sequence[Mapping[str, Any]]) -> str:
    """The tables over sessions that analysers declare (e.g. interventions on the expressive-supportive continuum)."""
    return "".join(f"<h3>{_e(p['title'])}</h3>" + _table(["session", *p["headers"]],
                                                          [[_e(r["session"]), *map(_cell, r["cells"])] for r in p["rows"]])
                   for p in declared_panels(list(sessions), "summaries"))


def _explanations(sessions: Sequence[Mapping[str, Any]]) -> str:
    """What each analyser's markers are and what its evidence is, in its own declared words."""
    items = []
    for name in _analysers(sessions):
        display = REGISTRY.display(name)
        if display.explanation:
            evidence = f" Evidence: {display.evidence}." if display.evidence else ""
            items.append(f"<dt>{_e(display.title or name)}</dt><dd>{_e(display.explanation + evidence)}</dd>")
    if not items:
        return ""
    return f'<details class="explain"><summary>How to read these markers</summary><dl>{"".join(items)}</dl></details>'


def _summaries(sessions: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for s in sessions:
        blocks = []
        for analyser, summary in (s.get("summaries") or {}).items():
            display = REGISTRY.display(analyser)
            quiet = ""
            if isinstance(summary, Mapping):
                note = display.note_text(summary)  # e.g. markers for review: one quiet line, not raw data
                quiet = f'<p class="muted">{_e(note)}</p>' if note else ""
                rows = [[_e(k), _e(_compact(v))] for k, v in summary.items() if k not in display.hidden]
            else:
                rows = [["value", _e(_compact(summary))]]
            blocks.append(f"<h4>{_e(display.title or analyser)}</h4>" + _table(["marker", "value"], rows, "kv") + quiet)
        if blocks:
            date = f" ({_e(s.get('date'))})" if s.get("date") else ""
            parts.append(f"<details><summary>Session {_e(s.get('number'))}{date}</summary>{''.join(blocks)}</details>")
    return "".join(parts) or '<p class="muted">No analyser summaries yet.</p>'


def render_case_report(context: dict[str, Any]) -> str:
    """The report as one HTML string. Keys: client, generated_at, progress, plot_svg / plot_png,
    sessions, key_moments, safety, notice (all optional except client)."""
    progress = context.get("progress") or {}
    sessions = list(context.get("sessions") or [])
    notice = context.get("notice") or progress.get("notice")
    return _template().substitute(
        client=_e(context.get("client") or progress.get("client") or "unknown"),
        generated_at=_e(context.get("generated_at") or ""),
        notice=f'<p class="notice">{_e(notice)}</p>' if notice else "",
        case=_case(progress),
        plot=_plot(context),
        safety=_safety(context, progress),
        sessions_table=_sessions(progress),
        instruments=_instruments(progress),
        key_moments=_key_moments(context.get("key_moments") or []),
        summaries=(_markers_missing(progress) + _explanations(sessions) + _panels(sessions) + _summaries(sessions)),
    )
