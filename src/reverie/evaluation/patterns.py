"""How well the ``relational`` analyser finds and codes relationship episodes against hand coding.

Data are JSONL rows ``{"text", "object", "W", "RO", "RS"}``: one relationship episode
per line, coded in the CCRT edition-3 clusters (W1-W8, RO1-RO8, RS1-RS8), or
``"object": null`` for a client turn that tells no episode. Each text is read as
one client turn. Reported: detection recall and precision, object accuracy on the
episodes found, and Cohen's kappa and accuracy per component over every coded
episode (a component not found counts as the category "none"). Other keys (e.g.
``split``) are kept; ``--split`` narrows the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from reverie.analysis.relational_lexicon import OBJECTS
from reverie.errors import IngestError
from reverie.evaluation.checkset import read_check_set

_CODES = {"W": "wish", "RO": "response_of_other", "RS": "response_of_self"}
_HINT = 'one {"text", "object", "W", "RO", "RS"} object per line (object null for a turn with no episode)'


def load_rows(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    """Read a JSONL check set; an unusable line raises an error naming the file, the line and the field."""
    def check(row: dict[str, Any], number: int) -> None:
        if row.get("object") is not None and row.get("object") not in OBJECTS:
            raise IngestError(str(path), f"unknown object {row.get('object')!r}", line=number, field="object",
                              hint=f"objects: {', '.join(OBJECTS)}")
        for key in ("W", "RO", "RS"):
            value = row.get(key)
            if value is not None and value not in {f"{key}{i}" for i in range(1, 9)}:
                raise IngestError(str(path), f"{key} must be {key}1 to {key}8 or null, got {value!r}",
                                  line=number, field=key)
    return read_check_set(path, "pattern", _HINT, check, split)


def kappa(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Cohen's kappa of two codings of the same items (1.0 when both are constant and equal)."""
    n = len(gold)
    if not n:
        return 0.0
    observed = sum(g == p for g, p in zip(gold, predicted)) / n
    cg, cp = Counter(gold), Counter(predicted)
    expected = sum(cg[c] * cp[c] for c in cg) / (n * n)
    return 1.0 if expected == 1 else round((observed - expected) / (1 - expected), 4)


def evaluate(rows: Iterable[dict[str, Any]], analyzer: Any = None) -> dict[str, Any]:
    """Detection, object accuracy and per-component agreement of ``relational`` with the hand coding."""
    from reverie.analysis.base import TextUnit, annotate_units
    from reverie.analysis.relational import RelationalAnalyzer

    rows = list(rows)
    analyzer = analyzer or RelationalAnalyzer()
    annotations = annotate_units(analyzer, [TextUnit.of(r["text"], unit_id=str(i)) for i, r in enumerate(rows)])
    predictions: list[dict[str, Any] | None] = []
    for ann in annotations:
        v = ann.values
        predictions.append({"object": v["object"], **{f: (v[f] or {}).get("cluster") for f in _CODES.values()}}
                           if v.get("episode") else None)
    coded = [(r, p) for r, p in zip(rows, predictions) if r.get("object") is not None]
    found = [(r, p) for r, p in coded if p is not None]
    false_alarms = [r for r, p in zip(rows, predictions) if r.get("object") is None and p is not None]
    detected = len(found)
    result: dict[str, Any] = {
        "n": len(rows), "episodes": len(coded), "detected": detected,
        "recall": round(detected / len(coded), 4) if coded else 0.0,
        "precision": round(detected / (detected + len(false_alarms)), 4) if detected + len(false_alarms) else 0.0,
        "object_accuracy": round(sum(r["object"] == p["object"] for r, p in found) / detected, 4) if detected else 0.0,
    }
    for key, field in _CODES.items():
        pairs = [(r[key], (p or {}).get(field) or "none") for r, p in coded if r.get(key)]
        gold, pred = [g for g, _ in pairs], [q for _, q in pairs]
        result[field] = {"kappa": kappa(gold, pred),
                         "accuracy": round(sum(g == q for g, q in pairs) / len(pairs), 4) if pairs else 0.0,
                         "n": len(pairs)}
    result["predictions"] = predictions
    result["false_alarms"] = [r["text"] for r in false_alarms]
    return result


def format_report(result: dict[str, Any]) -> str:
    """Plain-text report of the figures."""
    lines = [
        f"relational check: n={result['n']}  episodes={result['episodes']}",
        f"detection recall    {result['recall']:.3f}  ({result['detected']} found)",
        f"detection precision {result['precision']:.3f}  (false alarms {len(result['false_alarms'])})",
        f"object accuracy     {result['object_accuracy']:.3f}",
    ]
    for field in _CODES.values():
        lines.append(f"{field:<19} kappa {result[field]['kappa']:.3f}  accuracy {result[field]['accuracy']:.3f}")
    lines += [f"  false alarm: {t}" for t in result["false_alarms"]]
    return "\n".join(lines)
