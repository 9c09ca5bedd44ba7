"""Gather what the case report shows from the progress picture, the analysis and the safety tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reverie.analysis.base import REGISTRY
from reverie.analysis.results import with_journal

NOTICE = ("Markers and hypotheses for a clinician to weigh, each with the words that produced it; "
          "never a diagnosis.")


def declared_panels(sessions: list[dict[str, Any]], key: str = "summary") -> list[dict[str, Any]]:
    """The tables over sessions that analysers declare (``Display.panels``), with their words, for the case report
    and the web case overview alike: ``[{"analyser", "title", "headers", "rows": [{"session", "id", "cells"}],
    "explanation"}]``. ``key`` names where each session keeps its summaries."""
    out = []
    for name in REGISTRY.ordered(n for s in sessions for n in (s.get(key) or {})):
        shown = REGISTRY.display(name)
        for panel in shown.panels:
            rows = []
            for s in sessions:
                summary = (s.get(key) or {}).get(name)
                cells = panel.cells(summary) if isinstance(summary, dict) else None
                if cells is not None:
                    rows.append({"session": s.get("number"), "id": s.get("id"), "cells": list(cells)})
            if rows:
                out.append({"analyser": name, "title": panel.title, "headers": list(panel.headers), "rows": rows,
                            "explanation": shown.explanation})
    return out


def key_moments(analysis: dict[str, Any], limit_per_session: int | None = None) -> list[dict[str, Any]]:
    """Moments worth re-reading, by session, as each analyser's display declares them (connecting blocks,
    links between the therapist and an earlier figure, a journal analyser's entries...); at most ``limit_per_session`` of each analyser's."""
    moments = []
    for s in with_journal(analysis):
        for name, summary in s.get("summary", {}).items():
            annotated = [(u, u["annotations"][name]) for u in s.get("utterances", [])
                         if name in u.get("annotations", {})]
            found = REGISTRY.display(name).key_moments(summary or {}, annotated)[:limit_per_session]
            moments += [{"session": s["number"], "kind": m.get("kind", ""), "text": m.get("text", "")} for m in found]
    return moments


def progress_svg(progress: dict[str, Any]) -> str:
    """The progress plot as SVG text, to embed in a self-contained page."""
    from reverie.reports.charts import render_plot
    return render_plot(progress, "svg").decode("utf-8")


def safety_rows(tasks: list[dict[str, Any]], analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """Safety tasks in the clinician's terms: where (session and turn, journal date, questionnaire), the quoted words."""
    numbers = {str(s["id"]): s["number"] for s in analysis.get("sessions", [])}
    written = {str(e["id"]): e["written_at"][:10] for e in analysis.get("entries", [])}
    rows = []
    for t in tasks:
        ref = str(t.get("source_ref", ""))
        if t["source"] == "utterance" and ref.startswith("session:"):
            _, sid, index = ref.split(":")
            where = f"session {numbers.get(sid, '?')}, turn {index}"
        elif t["source"] == "entry":
            where = f"journal entry of {written[ref]}" if ref in written else "journal entry (not shared with you)"
        else:
            where = f"{ref.split(':')[0].upper()} at session {t['evidence'].get('session')}"
        quotes = t["evidence"].get("quotes") or []
        rows.append({"source": where, "date": t["created_at"][:10], "category": t["category"],
                     "severity": t["evidence"].get("severity_label") or t["severity"], "text": " … ".join(f"“{q}”" for q in quotes) or t["evidence"].get("reason"),
                     "acknowledged_by": t.get("acknowledged_by")})
    return rows


def build_context(client: str, progress: dict[str, Any], analysis: dict[str, Any],
                  safety: list[dict[str, Any]], notice: str | None = None) -> dict[str, Any]:
    return {
        "client": client,
        "generated_at": datetime.now().isoformat(timespec="minutes"),
        "progress": progress,
        "plot_svg": progress_svg(progress),
        "sessions": [{"number": s["number"], "date": s["date"], "summaries": s["summary"]}
                     for s in with_journal(analysis)],
        "key_moments": key_moments(analysis),
        "safety": safety_rows([t for t in safety if t["client"] == client], analysis),
        "notice": notice or NOTICE,
    }
