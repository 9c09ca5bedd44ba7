"""The safety service: risk screening of every new journal entry, questionnaire and analysed session.

The risk analyser's annotation and a questionnaire's critical item both become a
``RiskFlag`` (``domain``); a flag opens a safety task for the therapist (once per flagged text,
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
from reverie.domain import Entry, Response, RiskFlag
from reverie.safety.flags import flag_from_questionnaire, flags_from_annotation


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


def _evidence(text: str, flag: RiskFlag, **where: Any) -> dict[str, Any]:
    """What a task keeps of a flagged text: the quoted words and their sentences, never the whole text; and where
    and when they were said or written (``where``: session date and turn, entry date)."""
    from reverie.analysis.risk import severity_label
    excerpt, moved = flagged_sentences(text, flag.spans)
    return {"quotes": [text[s:e] for s, e in flag.spans], "spans": moved,
            "discounted": list(flag.discounted), "text": excerpt, "kept": "flagged sentences",
            "severity_label": severity_label(flag.severity), "urgency": flag.urgency, **where}


def message_for(workspace: Any, client: str) -> dict[str, Any]:
    from reverie.safety.message import safety_message
    locale = workspace.store.client(client).locale or workspace.settings.locale
    return safety_message(locale, workspace.settings.crisis_contacts).to_dict()


def _open_task(workspace: Any, client: str, flag: RiskFlag, evidence: dict[str, Any]) -> dict[str, Any]:
    """A therapist's task for one risk flag, whatever raised it (the screen of a text, a questionnaire item)."""
    task_id, new = workspace.store.add_safety_task(client, flag.source_kind, flag.source_id, flag.category or "risk",
                                                   flag.severity or "high", evidence)
    return {"task": task_id, "new": new, "source": flag.source_kind, "source_ref": flag.source_id,
            "category": flag.category, "severity": flag.severity, "urgency": evidence.get("urgency") or "",
            "quotes": evidence["quotes"]}


def screen_entries(workspace: Any, client: str, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    if not entries:
        return []
    units = [unit_from_entry(e) for e in entries]
    annotations = annotate_units(_risk_analyzer(), units, workspace.settings.jurisdiction)
    return [_open_task(workspace, client, flag, _evidence(entry.text, flag, entry_date=entry.written_at.isoformat()))
            for entry, ann in zip(entries, annotations)
            for flag in flags_from_annotation(ann, "entry", str(entry.id), entry.text)]


def screen_response(workspace: Any, client: str, response: Response) -> list[dict[str, Any]]:
    from reverie.analysis.risk import severity_label
    flag = flag_from_questionnaire(response.instrument, response.answers, f"{response.instrument}:{response.id}")
    if flag is None:
        return []
    evidence = {"quotes": list(flag.evidence), "spans": [], "discounted": [], "reason": flag.reason,
                "instrument": response.instrument, "session": response.session,
                "severity_label": severity_label(flag.severity), "urgency": flag.urgency}
    return [_open_task(workspace, client, flag, evidence)]


def screen_analysis(workspace: Any, client: str, analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """Open tasks for client utterances the risk analyser flagged in an analysis run."""
    return [_open_task(workspace, client, flag, _evidence(u["text"], flag, session_number=session.get("number"),
                                                          session_date=session.get("date"), turn=u["index"]))
            for session in analysis.get("sessions", []) for u in session["utterances"]
            for flag in flags_from_annotation(u["annotations"].get("risk") or {}, "utterance",
                                              f"session:{session['id']}:{u['index']}", u["text"])]
