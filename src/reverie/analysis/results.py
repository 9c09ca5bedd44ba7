"""Turn a run's annotations and summaries into the one JSON shape every surface shows.

``{"sessions": [{"id", "number", "label", "utterances": [{"index", "speaker", "role", "text", "annotations":
{ANALYSER: {FIELD: VALUE, ..., "evidence": [[start, end], ...]}}}], "summary": {ANALYSER: {...}}}],
"entries": [...], "case": {ANALYSER: {...}}}``
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reverie.analysis.base import (REGISTRY, BaseAnalyzer, RunResult, TextUnit, run, unit_from_entry,
                                   units_from_session)
from reverie.domain import Entry, Session
from reverie.errors import ReverieError

JOURNAL = "journal"


def session_key(session: Session, position: int) -> str:
    return f"s{session.id}" if session.id is not None else f"file{position + 1}"


def build_units(sessions: Sequence[Session], entries: Sequence[Entry] = ()) -> list[tuple[str, list[TextUnit]]]:
    groups = [(session_key(s, i), units_from_session(session_key(s, i), s.utterances)) for i, s in enumerate(sessions)]
    if entries:
        groups.append((JOURNAL, [unit_from_entry(e) for e in entries]))
    return groups


def analyse(analyzers: Sequence[BaseAnalyzer], sessions: Sequence[Session], entries: Sequence[Entry] = (),
            cache: Any = None, progress: Any = None, jurisdiction: str | None = None, compute: bool = True,
            digests: dict[str, str] | None = None) -> tuple[dict[str, Any], RunResult]:
    """Run the analysers over sessions (and journal entries) through the runner and shape the result."""
    groups = build_units(sessions, entries)
    result = run(analyzers, groups, cache=cache, progress=progress, jurisdiction=jurisdiction, compute=compute,
                 digests=digests)
    return to_json(sessions, entries, result), result


def _entry_level(name: str) -> bool:
    try:
        return getattr(REGISTRY.get(name), "level", None) == "entry"
    except ReverieError:  # results of an analyser since removed
        return False


def with_journal(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """The sessions, then the journal as one more group (``number`` "journal", no id) with the summaries of the
    entry-level analysers (those that read journal entries only, so no session shows them): what the case
    report and the web overview show, so such an analyser's panels, note and moments appear there as a session
    analyser's do."""
    groups = list(analysis.get("sessions", []))
    summary = {k: v for k, v in (analysis.get("journal_summary") or {}).items() if v and _entry_level(k)}
    if summary:
        groups.append({"id": None, "number": JOURNAL, "label": JOURNAL, "date": None, "summary": summary,
                       "utterances": [{**e, "index": i} for i, e in enumerate(analysis.get("entries") or [])]})
    return groups


def _annotations(result: RunResult, unit_id: str) -> dict[str, Any]:
    return {name: ann.to_dict() for name, ann in sorted(result.annotations.get(unit_id, {}).items())}


def to_json(sessions: Sequence[Session], entries: Sequence[Entry], result: RunResult) -> dict[str, Any]:
    out_sessions = []
    for i, s in enumerate(sessions):
        key = session_key(s, i)
        out_sessions.append({
            "id": s.id if s.id is not None else key,
            "number": s.number,
            "label": s.label,
            "date": s.date.isoformat() if s.date else None,
            "utterances": [
                {"index": u.index, "speaker": u.speaker, "role": u.role, "text": u.text, "start": u.start, "end": u.end,
                 "markers": u.markers, "annotations": _annotations(result, f"{key}:{u.index}")}
                for u in s.utterances
            ],
            "summary": {name: summ.sessions.get(key, {}) for name, summ in sorted(result.summaries.items())},
        })
    out_entries = [
        {"id": e.id, "written_at": e.written_at.isoformat(), "kind": e.kind, "title": e.title, "text": e.text,
         "annotations": _annotations(result, f"e{e.id}")}
        for e in entries
    ]
    return {
        "sessions": out_sessions,
        "entries": out_entries,
        "journal_summary": {name: summ.sessions.get(JOURNAL, {}) for name, summ in sorted(result.summaries.items())
                            if JOURNAL in summ.sessions},
        "case": {name: summ.case for name, summ in sorted(result.summaries.items())},
        "computed": result.computed,
        "reused": result.reused,
    }
