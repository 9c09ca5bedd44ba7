"""How well the ``risk`` analyser finds present risk: recall first, then precision.

Data are JSONL rows ``{"text": ..., "label": 0|1}`` (1 = a present risk that needs a
clinician's attention); other keys (e.g. ``kind``) are kept and shown with the errors. A row
may give the therapist's turn just before it as ``"before"``: the screen reads a turn in its context.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reverie.errors import IngestError, InputError
from reverie.evaluation.checkset import read_check_set


def load_rows(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL check set; an unusable line raises an error naming the file and the line."""
    def check(row: dict[str, Any], number: int) -> None:
        if row.get("label") not in (0, 1) or isinstance(row.get("label"), bool):
            raise IngestError(str(path), f"label must be 0 or 1, got {row.get('label')!r}", line=number,
                              field="label")
    return read_check_set(path, "risk", 'give a JSONL file with one {"text": ..., "label": 0|1} object per line', check)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate(rows: Iterable[dict[str, Any]], analyzer: Any = None) -> dict[str, Any]:
    """Recall, precision and F1 of ``risk`` against the labels, with the errors' texts.

    ``analyzer`` is any object with ``annotate(units)`` (defaults to the registered ``risk``).
    """
    from reverie.analysis.base import ContextTurn, TextUnit, annotate_units
    from reverie.analysis.risk import RiskAnalyzer

    rows = list(rows)
    analyzer = analyzer or RiskAnalyzer()
    units = [TextUnit(id=str(i), text=r["text"], context=(ContextTurn("therapist", r["before"]),)
                      if isinstance(r.get("before"), str) and r["before"] else ()) for i, r in enumerate(rows)]
    annotations = annotate_units(analyzer, units)
    tp = fp = fn = tn = 0
    false_negatives, false_positives = [], []
    for row, ann in zip(rows, annotations):
        predicted = bool(ann.values.get("risk"))
        detail = {**row, "predicted": int(predicted), "category": ann.values.get("category"),
                  "severity": ann.values.get("severity"), "discounted": ann.values.get("discounted"),
                  "quotes": ann.values.get("quotes")}
        if row["label"] == 1 and predicted:
            tp += 1
        elif row["label"] == 1:
            fn += 1
            false_negatives.append(detail)
        elif predicted:
            fp += 1
            false_positives.append(detail)
        else:
            tn += 1
    recall, precision = _ratio(tp, tp + fn), _ratio(tp, tp + fp)
    f1 = _ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
    return {
        "n": len(rows), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "recall": round(recall, 4), "precision": round(precision, 4), "f1": round(f1, 4),
        "false_negatives": false_negatives, "false_positives": false_positives,
    }


def figures_only(result: dict[str, Any]) -> dict[str, Any]:
    """The result without the texts it got wrong: a held-out set is measured without its errors being read, so it
    stays held out. The counts stay (``fn``, ``fp``)."""
    return {k: v for k, v in result.items() if k not in ("false_negatives", "false_positives")}


def format_report(result: dict[str, Any]) -> str:
    """Plain-text report: the figures, then every missed risk (most important) and every false alarm."""
    lines = [
        f"risk check: n={result['n']}  positives={result.get('positives', '?')}",
        f"recall    {result['recall']:.3f}  (missed {result['fn']})",
        f"precision {result['precision']:.3f}  (false alarms {result['fp']})",
        f"F1        {result['f1']:.3f}",
    ]
    if result.get("false_negatives"):
        lines.append("missed (false negatives):")
        lines += [f"  - {r['text']}" + (f"  [discounted: {', '.join(r['discounted'])}]" if r.get("discounted") else "")
                  for r in result["false_negatives"]]
    if result.get("false_positives"):
        lines.append("false alarms (false positives):")
        lines += [f"  - {r['text']}  [{r.get('category')}: {'; '.join(r.get('quotes') or [])}]"
                  for r in result["false_positives"]]
    return "\n".join(lines)


def evaluate_sessions(paths: Iterable[str | Path], risk_free: Iterable[str | Path] = (),
                      at_risk: Iterable[str | Path] = (), analyzer: Any = None) -> dict[str, Any]:
    """Screen whole transcripts turn by turn, in context, as the workspace does; count tasks and false alarms.

    ``risk_free`` transcripts are ones the user marks as holding no risk: every task there is a false
    alarm, reported per 10 sessions. ``at_risk`` ones must be flagged; the others are only listed.
    A flagged turn opens a task; an uncorroborated resemblance is a quiet "for review" marker only.
    """
    from reverie.analysis.base import annotate_units, units_from_session
    from reverie.analysis.risk import RiskAnalyzer
    from reverie.ingest import read_transcript

    free = {str(p) for p in risk_free}
    risky = {str(p) for p in at_risk}
    files = list(dict.fromkeys([str(p) for p in paths] + sorted(free) + sorted(risky)))
    if not files:
        raise InputError("no transcripts to screen", hint="give one or more transcript files after --sessions")
    analyzer = analyzer or RiskAnalyzer()
    sessions, units = [], []
    for file in files:
        for k, session in enumerate(read_transcript(file).sessions):
            sid = f"{Path(file).name}#{k + 1}" if k else Path(file).name
            label = "risk_free" if file in free else "at_risk" if file in risky else "unlabelled"
            client = [u for u in units_from_session(sid, session.utterances) if u.role == "client"]
            sessions.append({"session": sid, "file": file, "label": label, "date": str(session.date or "") or None,
                             "turns": len(client), "flags": [], "review": 0})
            units.append(client)
    flat = [u for us in units for u in us]
    annotations = annotate_units(analyzer, flat)
    by_id = {u.id: a for u, a in zip(flat, annotations)}
    for s, us in zip(sessions, units):
        for u in us:
            values = by_id[u.id].values
            s["review"] += int(bool(values.get("review")))
            if values.get("risk"):
                s["flags"].append({"turn": u.position, "category": values.get("category"),
                                   "severity": values.get("severity"), "quotes": values.get("quotes") or []})
    free_sessions = [s for s in sessions if s["label"] == "risk_free"]
    false_alarms = sum(len(s["flags"]) for s in free_sessions)
    risky_sessions = [s for s in sessions if s["label"] == "at_risk"]
    return {
        "sessions": sessions,
        "n_sessions": len(sessions),
        "client_turns": sum(s["turns"] for s in sessions),
        "tasks": sum(len(s["flags"]) for s in sessions),
        "risk_free_sessions": len(free_sessions),
        "false_alarms": false_alarms,
        "false_alarms_per_10_sessions": round(10 * false_alarms / len(free_sessions), 2) if free_sessions else None,
        "at_risk_sessions": len(risky_sessions),
        "at_risk_flagged": sum(1 for s in risky_sessions if s["flags"]),
    }


def format_sessions_report(result: dict[str, Any]) -> str:
    """Plain-text report: flags per session, then the false alarms per 10 risk-free sessions."""
    lines = [f"risk screen over {result['n_sessions']} sessions ({result['client_turns']} client turns): "
             f"{result['tasks']} tasks"]
    for s in result["sessions"]:
        lines.append(f"  {s['session']} [{s['label']}]: {len(s['flags'])} flags, {s['review']} for review")
        lines += [f"    turn {f['turn']} {f['category']} ({f['severity']}): " + " … ".join(f["quotes"])
                  for f in s["flags"]]
    if result["risk_free_sessions"]:
        lines.append(f"false alarms on {result['risk_free_sessions']} risk-free sessions: {result['false_alarms']} "
                     f"({result['false_alarms_per_10_sessions']} per 10 sessions)")
    if result["at_risk_sessions"]:
        lines.append(f"at-risk sessions flagged: {result['at_risk_flagged']} of {result['at_risk_sessions']}")
    return "\n".join(lines)
