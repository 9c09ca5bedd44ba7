"""The rooms over a client's stored record: relational patterns, themes, dreams, progress and the case report.

Each reads stored records and results (``patterns`` and ``dreams`` run their analyser through the runner, with the
result cache); outputs a user names are written through ``reverie.outputs``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.outputs import check_target, write_output

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace


def patterns(ws: Workspace, client: str, names: dict[str, str] | None = None) -> dict[str, Any]:
    """Relationship episodes, the CCRT and replays for a client, through the runner (cached results reused).

    The acting therapist's own name ("ruth.adler" -> Ruth, Adler) marks the therapist among the names.
    """
    from reverie.analysis.relational_case import from_analysis
    analysis = ws.analyze(client=client, analyzers=["relational"])
    own = {p.capitalize(): "therapist" for p in ws.user.name.replace("_", ".").split(".") if len(p) > 2} \
        if ws.user.role == "therapist" else {}
    return from_analysis(analysis, {**own, **(names or {})})


def themes(ws: Workspace, client: str) -> dict[str, Any]:
    """Recurring themes across the client's sessions and the journal entries this user may read."""
    from reverie.analysis.themes import themes
    ws.require_consent(client, "analysis")
    return {"client": client, **themes(ws.store.client_sessions(client), ws.store.entries(client))}


def dreams(ws: Workspace, client: str) -> dict[str, Any]:
    """The client's dreams coded with HVdC, their indicators and h-profile against the norms for the client's sex.

    Goes through the runner with the workspace's result cache, so dreams already coded are read back
    from the stored annotations and only new or changed ones are coded (and stored).
    """
    from reverie.analysis.dreams import profile
    from reverie.analysis.results import analyse
    ws.require_consent(client, "analysis")
    dreams = [e for e in ws.store.entries(client) if e.kind == "dream"]
    chosen = ws.analyzers(["dreams"])
    out, result = analyse(chosen, [], dreams, cache=ws.store.result_cache(client))
    coded = [{"id": e["id"], "written_at": e["written_at"], "title": e["title"], "text": e["text"],
              "codes": e["annotations"].get("dreams", {})} for e in out["entries"]]
    _link_dreams(ws, client, coded)
    sex = ws.store.client(client).sex
    return {"client": client, "sex": sex, "coded": coded, "computed": result.computed, "reused": result.reused,
            **profile([d["codes"] for d in coded if d["codes"].get("characters") is not None], sex)}


def _link_dreams(ws: Workspace, client: str, coded: list[dict[str, Any]], days: int = 14) -> None:
    """Add ``links`` to each coded dream: what it shares with the client's turns and entries within ``days``."""
    from reverie.analysis.dream_links import links
    if not coded:
        return
    sessions = [s for s in ws.store.client_sessions(client) if s.date is not None]
    entries = ws.store.entries(client)
    for d in coded:
        when = datetime.fromisoformat(d["written_at"])
        near = (lambda t: abs(t - when) <= timedelta(days=days))
        others = [(f"s{s.id}:{u.index}", u.text) for s in sessions
                  if near(datetime.combine(s.date, datetime.min.time())) for u in s.utterances if u.role == "client"]
        others += [(f"e{e.id}", e.text) for e in entries if e.id != d["id"] and near(e.written_at)]
        d["links"] = links(d["codes"], others) if d["codes"].get("characters") is not None else []


def progress(ws: Workspace, client: str, markers: dict[int, dict[str, float]] | None = None) -> dict[str, Any]:
    """Feeling better vs getting better from the client's questionnaire responses (and process markers if given)."""
    from reverie.measures.progress import progress
    return progress(client, ws.store.responses(client), markers)


def case_progress(ws: Workspace, client: str, analysis: dict[str, Any] | None = None) -> dict[str, Any]:
    """The progress picture, with process markers from the stored results (a view: no analyser runs).

    ``process_markers`` says which sessions have markers and, where they are missing, why.
    """
    from reverie.analysis.markers import marker_status, markers_from_analysis
    analysis = analysis if analysis is not None else ws.stored_analysis(client)
    markers = markers_from_analysis(analysis)
    result = ws.progress(client, markers or None)
    result["process_markers"] = marker_status(analysis, markers, [s["number"] for s in result["sessions"]])
    return result


def report(ws: Workspace, client: str, out: str | Path, analysis: dict[str, Any] | None = None, force: bool = False,
           inside_workspace: bool = False) -> Path:
    """A self-contained HTML case report: progress, instruments, session markers, key moments, safety.

    ``analysis`` is a result of ``analyze(client=...)`` already in hand; without it the stored results are read.
    ``out`` is checked before any work; ``inside_workspace`` is for Reverie's own reports (the demo's).
    """
    guard = ws.protected(inside_workspace)
    out = check_target(out, force=force, protected=guard)
    return write_output(out, report_html(ws, client, analysis), force=force, protected=guard)


def report_html(ws: Workspace, client: str, analysis: dict[str, Any] | None = None) -> str:
    """The case report's HTML (what ``report`` writes, and the web app shows and prints to PDF); audited."""
    from reverie.reports.case_report import render_case_report
    from reverie.reports.context import build_context
    analysis = analysis or ws.stored_analysis(client)
    progress = ws.case_progress(client, analysis)
    context = build_context(client, progress, analysis, ws.safety_tasks(open_only=False))
    html = render_case_report(context)
    ws.store.audit_event("report", f"client:{client}", None, client)
    return html


def write_plot(ws: Workspace, progress: dict[str, Any], out: str | Path, force: bool = False) -> Path:
    """Write the progress plot (PNG or SVG by the suffix) where a user asked, checked like every output."""
    from reverie.reports.charts import chart_format, render_plot
    return write_output(out, render_plot(progress, chart_format(out)), force=force, protected=ws.protected())


def write_dream_chart(ws: Workspace, dreams: dict[str, Any], out: str | Path, force: bool = False) -> Path:
    """Write the dreams' h-profile chart (PNG or SVG by the suffix), checked like every output."""
    from reverie.reports.charts import chart_format, render_h_profile
    return write_output(out, render_h_profile(dreams, chart_format(out)), force=force, protected=ws.protected())
