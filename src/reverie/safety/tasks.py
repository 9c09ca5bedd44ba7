"""The safety service: risk screening of every new journal entry, questionnaire and analysed session.

A present risk opens a safety task for the therapist (once per flagged text,
audited, kept until acknowledged) and yields the fixed safety message for the
client's locale. Screening is a duty of care, not an analysis the client opts
into, so it runs on every entry the client writes, shared or not: the client is
told this in the safety notice (see docs/safety.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reverie.analysis.base import REGISTRY, annotate_units, unit_from_entry
from reverie.domain import Entry, Response


def _risk_analyzer() -> Any:
    return REGISTRY.create("risk")


_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|\n+")
GAP = " … "


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (ends: . ! ? … and line breaks), without outer spaces."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def flagged_sentences(text: str, spans: Sequence[Sequence[int]]) -> tuple[str, list[list[int]]]:
    """Only the sentences that hold the evidence spans, joined by " … ", with the spans moved into that excerpt.

    A safety task must show the therapist why it was opened, and no more: the rest of an
    entry the client did not share stays theirs. Consecutive flagged sentences are kept as one
    run of the original text, so a span that crosses a sentence end stays whole.
    """
    sentences = sentence_spans(text)
    keep = [i for i, (s, e) in enumerate(sentences) if any(a < e and b > s for a, b in spans)]
    runs: list[list[int]] = []
    for i in keep:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    parts, moved, at = [], [], 0
    for first, last in runs:
        s, e = sentences[first][0], sentences[last][1]
        at += len(GAP) if parts else 0
        moved += [[max(a, s) - s + at, min(b, e) - s + at] for a, b in spans if a < e and b > s]
        parts.append(text[s:e])
        at += e - s
    return GAP.join(parts), moved


def _evidence(text: str, values: dict[str, Any], spans: Sequence[Sequence[int]], **where: Any) -> dict[str, Any]:
    """What a task keeps of a flagged text: the quoted words and their sentences, never the whole text; and where
    and when they were said or written (``where``: session date and turn, entry date)."""
    excerpt, moved = flagged_sentences(text, spans)
    return {"quotes": [text[s:e] for s, e in spans], "spans": moved,
            "discounted": values.get("discounted") or [], "text": excerpt, "kept": "flagged sentences",
            "severity_label": values.get("severity_label") or "", "urgency": values.get("urgency") or "", **where}


def message_for(workspace: Any, client: str) -> dict[str, Any]:
    from reverie.safety.message import safety_message
    locale = workspace.store.client(client).locale or workspace.settings.locale
    return safety_message(locale, workspace.settings.crisis_contacts).to_dict()


def _open_task(workspace: Any, client: str, source: str, ref: str, values: dict[str, Any],
               evidence: dict[str, Any]) -> dict[str, Any]:
    task_id, new = workspace.store.add_safety_task(client, source, ref, values.get("category") or "risk",
                                                   values.get("severity") or "high", evidence)
    return {"task": task_id, "new": new, "source": source, "source_ref": ref, "category": values.get("category"),
            "severity": values.get("severity"), "urgency": evidence.get("urgency") or "", "quotes": evidence["quotes"]}


def screen_entries(workspace: Any, client: str, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    if not entries:
        return []
    analyzer = _risk_analyzer()
    flags = []
    units = [unit_from_entry(e) for e in entries]
    for entry, ann in zip(entries, annotate_units(analyzer, units, workspace.settings.jurisdiction)):
        if ann.values.get("risk"):
            flags.append(_open_task(workspace, client, "entry", str(entry.id), ann.values,
                                    _evidence(entry.text, ann.values, ann.evidence,
                                              entry_date=entry.written_at.isoformat())))
    return flags


def screen_response(workspace: Any, client: str, response: Response) -> list[dict[str, Any]]:
    from reverie.safety.flags import flag_from_questionnaire
    flag = flag_from_questionnaire(response.instrument, response.answers)
    if flag is None:
        return []
    from reverie.analysis.risk import severity_label
    values = {"category": flag.category, "severity": flag.severity}
    quotes = flag.evidence if isinstance(flag.evidence, list) else [flag.evidence]
    evidence = {"quotes": quotes, "spans": [], "discounted": [], "reason": flag.reason,
                "instrument": response.instrument, "session": response.session,
                "severity_label": severity_label(flag.severity), "urgency": flag.urgency}
    return [_open_task(workspace, client, "questionnaire", f"{response.instrument}:{response.id}", values, evidence)]


def screen_analysis(workspace: Any, client: str, analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """Open tasks for client utterances the risk analyser flagged in an analysis run."""
    flags = []
    for session in analysis.get("sessions", []):
        for u in session["utterances"]:
            risk = u["annotations"].get("risk")
            if risk and risk.get("risk"):
                flags.append(_open_task(workspace, client, "utterance", f"session:{session['id']}:{u['index']}", risk,
                                        _evidence(u["text"], risk, risk.get("evidence", []),
                                                  session_number=session.get("number"),
                                                  session_date=session.get("date"), turn=u["index"])))
    return flags
