"""Gather what the case report shows from the progress picture, the analysis and the safety tasks."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

NOTICE = ("Markers and hypotheses for a clinician to weigh, each with the words that produced it; "
          "never a diagnosis.")


def key_moments(analysis: dict[str, Any], limit_per_session: int = 2) -> list[dict[str, Any]]:
    """Connecting blocks (cycles) and therapist links (transference) worth re-reading, by session."""
    moments = []
    for s in analysis.get("sessions", []):
        cycles = s.get("summary", {}).get("cycles", {})
        for m in (cycles.get("key_moments") or [])[:limit_per_session]:
            moments.append({"session": s["number"], "kind": "connecting moment", "text": m.get("text", "")})
        for u in s.get("utterances", []):
            ref = u.get("annotations", {}).get("transference", {}).get("reference")
            if ref == "therapist_link":
                moments.append({"session": s["number"], "kind": "link between therapist and an earlier figure",
                                "text": u["text"]})
    return moments


def progress_svg(progress: dict[str, Any]) -> str:
    """The progress plot as SVG text, to embed in a self-contained page."""
    from reverie.measures.plot import plot_progress
    with tempfile.TemporaryDirectory() as tmp:
        return plot_progress(progress, Path(tmp) / "progress.svg").read_text(encoding="utf-8")


def build_context(client: str, progress: dict[str, Any], analysis: dict[str, Any],
                  safety: list[dict[str, Any]], notice: str | None = None) -> dict[str, Any]:
    return {
        "client": client,
        "generated_at": datetime.now().isoformat(timespec="minutes"),
        "progress": progress,
        "plot_svg": progress_svg(progress),
        "sessions": [{"number": s["number"], "date": s["date"], "summaries": s["summary"]}
                     for s in analysis.get("sessions", [])],
        "key_moments": key_moments(analysis),
        "safety": [t for t in safety if t["client"] == client],
        "notice": notice or NOTICE,
    }
