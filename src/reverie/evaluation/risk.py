"""How well the ``risk`` analyser finds present risk: recall first, then precision.

Data are JSONL rows ``{"text": ..., "label": 0|1}`` (1 = a present risk that needs a
clinician's attention); other keys (e.g. ``kind``) are kept and shown with the errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reverie.errors import IngestError, InputError


def load_rows(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL check set; an unusable line raises an error naming the file and the line."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read risk check data {p}: {exc.strerror or exc}",
                         hint="give a JSONL file with one {\"text\": ..., \"label\": 0|1} object per line") from exc
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(str(p), f"not valid JSON ({exc.msg})", line=number,
                              hint="each line must be one JSON object") from exc
        if not isinstance(row, dict):
            raise IngestError(str(p), "expected a JSON object", line=number)
        if not isinstance(row.get("text"), str):
            raise IngestError(str(p), "missing or non-text value", line=number, field="text")
        if row.get("label") not in (0, 1) or isinstance(row.get("label"), bool):
            raise IngestError(str(p), f"label must be 0 or 1, got {row.get('label')!r}", line=number,
                              field="label")
        rows.append(row)
    if not rows:
        raise InputError(f"{p} holds no rows", hint="add JSONL lines {\"text\": ..., \"label\": 0|1}")
    return rows


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate(rows: Iterable[dict[str, Any]], analyzer: Any = None) -> dict[str, Any]:
    """Recall, precision and F1 of ``risk`` against the labels, with the errors' texts.

    ``analyzer`` is any object with ``annotate(units)`` (defaults to the registered ``risk``).
    """
    from reverie.analysis.base import TextUnit, annotate_units
    from reverie.analysis.risk import RiskAnalyzer

    rows = list(rows)
    analyzer = analyzer or RiskAnalyzer()
    units = [TextUnit.of(r["text"], unit_id=str(i)) for i, r in enumerate(rows)]
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


def format_report(result: dict[str, Any]) -> str:
    """Plain-text report: the figures, then every missed risk (most important) and every false alarm."""
    lines = [
        f"risk check: n={result['n']}  positives={result.get('positives', '?')}",
        f"recall    {result['recall']:.3f}  (missed {len(result['false_negatives'])})",
        f"precision {result['precision']:.3f}  (false alarms {len(result['false_positives'])})",
        f"F1        {result['f1']:.3f}",
    ]
    if result["false_negatives"]:
        lines.append("missed (false negatives):")
        lines += [f"  - {r['text']}" + (f"  [discounted: {', '.join(r['discounted'])}]" if r.get("discounted") else "")
                  for r in result["false_negatives"]]
    if result["false_positives"]:
        lines.append("false alarms (false positives):")
        lines += [f"  - {r['text']}  [{r.get('category')}: {'; '.join(r.get('quotes') or [])}]"
                  for r in result["false_positives"]]
    return "\n".join(lines)
