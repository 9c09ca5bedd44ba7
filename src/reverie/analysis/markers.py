"""Process markers per session, taken from analyser summaries, for the *getting better* index.

Which summaries feed the index is each analyser's display declaration (``progress``); only
markers with a stated clinical direction are declared (see ``measures/progress.py`` for their
weights): overall defensive functioning (higher = more adaptive), the share of *connecting*
blocks in the therapeutic cycles, and the mean referential activity of the client's speech.
"""

from __future__ import annotations

from typing import Any

from reverie.analysis.base import REGISTRY


def markers_from_analysis(analysis: dict[str, Any]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for session in analysis.get("sessions", []):
        number = session.get("number")
        if number is None:
            continue
        found: dict[str, float] = {}
        for name, summary in (session.get("summary") or {}).items():
            for marker in REGISTRY.display(name).progress:
                value = marker.value(summary or {})
                if value is not None:
                    found[marker.name] = value
        if found:
            out[int(number)] = found
    return out


def _feeding() -> str:
    """The analysers whose summaries feed the progress index, for the message that says markers are missing."""
    return ", ".join(n for n in REGISTRY.names() if REGISTRY.display(n).progress)


def marker_status(analysis: dict[str, Any], markers: dict[int, dict[str, float]],
                  sessions: list[int]) -> dict[str, Any]:
    """Which of the progress picture's sessions have process markers, and why the others show none.

    ``status``: ``shown`` (every session), ``partial`` or ``missing``; ``reason`` is the analysis's own
    reason (no consent, no right to read results, not analysed) or that no run produced these markers.
    """
    absent = [n for n in sessions if n not in markers]
    reason = analysis.get("missing")
    if reason is None and absent:
        reason = (f"no stored process markers for these sessions ({_feeding()}): run "
                  f"`reverie analyze --client {analysis.get('client') or 'CODE'}`")
    status = "missing" if not markers else "partial" if absent else "shown"
    return {"status": status, "sessions": sorted(markers), "missing_sessions": absent,
            "reason": reason if status != "shown" else None}
