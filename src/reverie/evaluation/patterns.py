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

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from reverie.analysis.relational_lexicon import OBJECTS
from reverie.errors import IngestError, InputError

_CODES = {"W": "wish", "RO": "response_of_other", "RS": "response_of_self"}
_HINT = 'one {"text", "object", "W", "RO", "RS"} object per line (object null for a turn with no episode)'


def load_rows(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    """Read a JSONL check set; an unusable line raises an error naming the file, the line and the field."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read pattern check data {p}: {exc.strerror or exc}", hint=_HINT) from exc
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(str(p), f"not valid JSON ({exc.msg})", line=number, hint=_HINT) from exc
        if not isinstance(row, dict):
            raise IngestError(str(p), "expected a JSON object", line=number, hint=_HINT)
        if not isinstance(row.get("text"), str):
            raise IngestError(str(p), "missing or non-text value", line=number, field="text")
        if row.get("object") is not None and row.get("object") not in OBJECTS:
            raise IngestError(str(p), f"unknown object {row.get('object')!r}", line=number, field="object",
                              hint=f"objects: {', '.join(OBJECTS)}")
        for key, prefix in (("W", "W"), ("RO", "RO"), ("RS", "RS")):
            value = row.get(key)
            if value is not None and value not in {f"{prefix}{i}" for i in range(1, 9)}:
                raise IngestError(str(p), f"{key} must be {prefix}1 to {prefix}8 or null, got {value!r}",
                                  line=number, field=key)
        if split is None or row.get("split") == split:
            rows.append(row)
    if not rows:
        raise InputError(f"{p} holds no rows" + (f" in split '{split}'" if split else ""), hint=_HINT)
    return rows


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
    from reverie.analysis.base import TextUnit
    from reverie.analysis.relational import RelationalAnalyzer

    rows = list(rows)
    analyzer = analyzer or RelationalAnalyzer()
    annotations = analyzer.annotate([TextUnit.of(r["text"], unit_id=str(i)) for i, r in enumerate(rows)])
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
