"""Process markers per session, taken from analyser summaries, for the *getting better* index.

Only markers with a stated clinical direction are passed on (see
``measures/progress.py`` for their weights): overall defensive functioning
(higher = more adaptive), the share of *connecting* blocks in the therapeutic
cycles, and the mean referential activity of the client's speech.
"""

from __future__ import annotations

from typing import Any


def markers_from_analysis(analysis: dict[str, Any]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for session in analysis.get("sessions", []):
        number = session.get("number")
        if number is None:
            continue
        summary = session.get("summary", {})
        found: dict[str, float] = {}
        odf = summary.get("defenses", {}).get("odf")
        if odf is not None and summary.get("defenses", {}).get("odf_n", 0) >= 5:
            found["odf"] = float(odf)
        shares = summary.get("cycles", {}).get("shares") or {}
        share = shares.get("connecting", 0.0) if shares else None
        if share is not None:  # None when the session was too short for a cycle
            found["connecting_share"] = float(share)
        ra = summary.get("referential", {}).get("mean_ra")
        if ra is not None:
            found["referential_activity"] = float(ra)
        if found:
            out[int(number)] = found
    return out


def marker_status(analysis: dict[str, Any], markers: dict[int, dict[str, float]],
                  sessions: list[int]) -> dict[str, Any]:
    """Which of the progress picture's sessions have process markers, and why the others show none.

    ``status``: ``shown`` (every session), ``partial`` or ``missing``; ``reason`` is the analysis's own
    reason (no consent, no right to read results, not analysed) or that no run produced these markers.
    """
    absent = [n for n in sessions if n not in markers]
    reason = analysis.get("missing")
    if reason is None and absent:
        reason = ("no stored process markers for these sessions (defenses, cycles, referential): run "
                  f"`reverie analyze --client {analysis.get('client') or 'CODE'}`")
    status = "missing" if not markers else "partial" if absent else "shown"
    return {"status": status, "sessions": sorted(markers), "missing_sessions": absent,
            "reason": reason if status != "shown" else None}
