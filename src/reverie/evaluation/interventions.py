"""How well the ``dialogue`` analyser names therapist interventions: per-label P/R/F1 and macro-F1.

Data are JSONL rows ``{"text", "previous", "label"}``: the therapist turn, the client turn
before it (``null`` or missing when there is none) and the intervention label. Other keys
(``split``, ``style``, ``reflection``) are kept; ``split`` lets a report keep a held-out part apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reverie.errors import IngestError
from reverie.evaluation.checkset import read_check_set

QUESTIONS = ("question_open", "question_closed")


def load_rows(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    """Read a JSONL check set (only rows whose ``split`` is ``split`` when given)."""
    from reverie.analysis.interventions import INTERVENTIONS

    def check(row: dict[str, Any], number: int) -> None:
        if row.get("previous") is not None and not isinstance(row["previous"], str):
            raise IngestError(str(path), "previous must be text or null", line=number, field="previous")
        if row.get("label") not in INTERVENTIONS:
            raise IngestError(str(path), f"unknown label {row.get('label')!r}", line=number, field="label",
                              hint="labels: " + ", ".join(INTERVENTIONS))
    hint = 'give a JSONL file with one {"text": ..., "previous": ..., "label": ...} object per line'
    return read_check_set(path, "interventions", hint, check, split)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def scores(gold: list[str], predicted: list[str | None]) -> dict[str, Any]:
    """Per-label precision/recall/F1, macro-F1 over the labels in the gold data, and questions as one class."""
    labels = sorted(set(gold))
    per = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        per[label] = _prf(tp, fp, fn)
    q = [(g in QUESTIONS, p in QUESTIONS) for g, p in zip(gold, predicted)]
    question = _prf(sum(a and b for a, b in q), sum(b and not a for a, b in q), sum(a and not b for a, b in q))
    macro = sum(v["f1"] for v in per.values()) / len(per) if per else 0.0
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    return {"labels": per, "macro_f1": round(macro, 4), "accuracy": round(accuracy, 4), "question": question}


def evaluate(rows: Iterable[dict[str, Any]], analyzer: Any = None) -> dict[str, Any]:
    """Run ``dialogue`` on each therapist turn with its client turn as context and score the labels."""
    from reverie.analysis.base import ContextTurn, TextUnit, annotate_units
    from reverie.analysis.dialogue import DialogueAnalyzer

    rows = list(rows)
    analyzer = analyzer or DialogueAnalyzer()
    units = [TextUnit(id=str(i), text=r["text"], role="therapist",
                      context=(ContextTurn("client", r["previous"]),) if r.get("previous") else ())
             for i, r in enumerate(rows)]
    annotations = annotate_units(analyzer, units)
    predicted = [a.values.get("intervention") for a in annotations]
    gold = [r["label"] for r in rows]
    result = {"n": len(rows), **scores(gold, predicted)}
    result["confusions"] = [{"gold": g, "predicted": p, "count": c}
                            for (g, p), c in Counter(zip(gold, predicted)).most_common() if g != p]
    result["errors"] = [{**r, "predicted": p, "rule": a.values.get("intervention_rule")}
                        for r, p, a in zip(rows, predicted, annotations) if p != r["label"]]
    return result


def format_report(result: dict[str, Any]) -> str:
    """Plain-text report: per-label table, macro-F1, question F1, the main confusions and the errors."""
    lines = [f"interventions check: n={result['n']}", f"{'label':<17}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}"]
    for label, v in result["labels"].items():
        lines.append(f"{label:<17}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}{v['support']:>6}")
    q = result["question"]
    lines += [f"macro-F1  {result['macro_f1']:.3f}   accuracy {result['accuracy']:.3f}",
              f"questions (open or closed as one class): P {q['precision']:.3f}  R {q['recall']:.3f}  "
              f"F1 {q['f1']:.3f}"]
    if result["confusions"]:
        lines.append("confusions (gold -> predicted):")
        lines += [f"  {c['gold']} -> {c['predicted']}: {c['count']}" for c in result["confusions"][:12]]
    if result["errors"]:
        lines.append("errors:")
        lines += [f"  [{r['label']} -> {r['predicted']}] {r['text']}" for r in result["errors"]]
    return "\n".join(lines)
