"""Agreement of the ``dreams`` analyser with human Hall & Van de Castle coding, on DreamBank XML files.

A file is ``<dreambank>`` with ``<collection>`` elements (``id``, ``name``, ``sex``, ``age``) holding
``<dream>`` elements: ``<number>``, ``<codings>`` (``char``, ``agg``, ``fri``, ``sex``, ``emot``, ``mf``,
``gf``, ``succ``, ``fail``, ``set``, ``obj``...) and ``<report>``. Three comparisons:

- presence per dream of each category (any aggression, friendliness, sexuality, each of the five
  emotions, any misfortune, success, failure): precision, recall, F1 and their macro average;
- number of characters per dream: Pearson r and mean absolute error, over all dreams, per collection
  (``characters_by_collection``) and over the collections whose human counts vary
  (``characters_comparable``: a collection coded with the same count in every dream, as Ed's partly
  coded one with one character each, did not count its characters, and only pulls the pooled r down);
- per collection, every HVdC indicator computed from the human codes and from Reverie's, and their
  absolute difference (the same formulas, :mod:`reverie.analysis.dream_indicators`, on both).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reverie.analysis.dream_indicators import PRESENCE, indicators, presence
from reverie.errors import IngestError

_INTERACTIONS = {"agg": "aggression", "fri": "friendliness", "sex": "sexuality"}
_OWNED = {"emot": "emotions", "mf": "misfortunes", "gf": "good_fortunes", "succ": "successes", "fail": "failures"}
_PLAIN = {"char": "characters", "set": "settings", "obj": "objects"}
FAMILIES = ("characters", "aggression", "friendliness", "sexuality", "emotions", "misfortunes", "good_fortunes",
            "successes", "failures", "settings", "objects")


@dataclass
class CodedDream:
    """One report with its human codes, in the notation the coder writes (see ``dream_coder``)."""

    collection: str
    sex: str | None
    number: str
    text: str
    codes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _codes(codings: ET.Element | None) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in FAMILIES}
    for el in [] if codings is None else list(codings):
        tag = el.tag
        if tag in _PLAIN:
            out[_PLAIN[tag]].append({"code": (el.text or "").strip()})
        elif tag in _INTERACTIONS:
            out[_INTERACTIONS[tag]].append({"code": (el.findtext("code") or "").strip(),
                                            "init": (el.findtext("init") or "").strip() or None,
                                            "rec": (el.findtext("rec") or "").strip() or None})
        elif tag in _OWNED:
            item = {"char": (el.findtext("char") or "").strip() or None}
            if el.find("code") is not None:
                item["code"] = (el.findtext("code") or "").strip()
            out[_OWNED[tag]].append(item)
    return out


def load_dreams(path: str | Path) -> list[CodedDream]:
    """Read a DreamBank XML file (dreams without a report text are left out); errors name the file."""
    file = str(path)
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise IngestError(file, "file not found", hint="give the path of a DreamBank XML export") from None
    except ET.ParseError as exc:
        raise IngestError(file, f"not well-formed XML ({exc})", hint="the file must be a DreamBank XML export") from None
    dreams: list[CodedDream] = []
    for c_index, col in enumerate(root.iter("collection"), start=1):
        cid = (col.findtext("id") or "").strip() or f"collection{c_index}"
        sex = (col.findtext("sex") or "").strip().upper()[:1] or None
        for d_index, d in enumerate(col.findall("dream"), start=1):
            text = (d.findtext("report") or "").strip()
            if not text:  # codings without the report (DreamBank withholds a few): nothing to compare
                continue
            dreams.append(CodedDream(cid, sex, (d.findtext("number") or str(d_index)).strip(), text,
                                     _codes(d.find("codings"))))
    if not dreams:
        raise IngestError(file, "no <collection>/<dream> element with a <report> text",
                          hint="the file must be a DreamBank XML export")
    return dreams


def _prf(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred) if g and p)
    fp = sum(1 for g, p in zip(gold, pred) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred) if g and not p)
    return {"precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0, "support": tp + fn}


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; ``None`` when either side is constant (r is undefined there)."""
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx, syy = sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else None


def _agreement(gold: Sequence[int], pred: Sequence[int]) -> dict[str, Any]:
    """Character counts compared: Pearson r, mean absolute error, and the mean count per dream on each side."""
    n = len(gold)
    return {"r": pearson(gold, pred), "mae": sum(abs(a - b) for a, b in zip(gold, pred)) / n if n else None,
            "n": n, "human_mean": sum(gold) / n if n else None, "reverie_mean": sum(pred) / n if n else None}


def compare(dreams: Sequence[CodedDream], predicted: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The three comparisons of human codes (``dreams``) with predicted codes, dream by dream."""
    gold_p = [presence(d.codes) for d in dreams]
    pred_p = [p.get("presence") or presence(p) for p in predicted]
    per_cat = {c: _prf([g[c] for g in gold_p], [bool(p[c]) for p in pred_p]) for c in PRESENCE}
    gold_n = [len(d.codes["characters"]) for d in dreams]
    pred_n = [len(p["characters"]) for p in predicted]
    by_col: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for d, p in zip(dreams, predicted):
        by_col.setdefault(d.collection, ([], []))
        by_col[d.collection][0].append(d.codes)
        by_col[d.collection][1].append(p)
    counts_of: dict[str, tuple[list[int], list[int]]] = {}
    for d, g, p in zip(dreams, gold_n, pred_n):
        counts_of.setdefault(d.collection, ([], []))
        counts_of[d.collection][0].append(g)
        counts_of[d.collection][1].append(p)
    by_col_chars = {col: _agreement(g, p) for col, (g, p) in counts_of.items()}
    varying = [col for col, (g, _p) in counts_of.items() if len(set(g)) > 1]
    comparable = _agreement([x for c in varying for x in counts_of[c][0]],
                            [x for c in varying for x in counts_of[c][1]])
    comparable["collections"] = varying
    table: dict[str, dict[str, dict[str, float | None]]] = {}
    for col, (gold, pred) in by_col.items():
        hum, rev = indicators(gold), indicators(pred)
        table[col] = {k: {"human": hum[k], "reverie": rev[k],
                          "abs_error": None if hum[k] is None or rev[k] is None else abs(hum[k] - rev[k])}
                      for k in hum}
    return {
        "n": len(dreams),
        "presence": per_cat,
        "presence_macro_f1": sum(v["f1"] for v in per_cat.values()) / len(per_cat),
        "characters": {"r": pearson(gold_n, pred_n),
                       "mae": sum(abs(a - b) for a, b in zip(gold_n, pred_n)) / len(dreams) if dreams else None},
        "characters_by_collection": by_col_chars,
        "characters_comparable": comparable,
        "indicators": table,
        "collections": {col: len(g) for col, (g, _p) in by_col.items()},
    }


def evaluate(dreams: Sequence[CodedDream], analyzer: Any = None) -> dict[str, Any]:
    """Code every report with ``analyzer`` (default: the shipped ``dreams`` analyser) and compare."""
    if analyzer is None:
        from reverie.analysis.dreams import DreamsAnalyzer
        analyzer = DreamsAnalyzer()
    from reverie.analysis.base import TextUnit, annotate_units
    units = [TextUnit(id=f"{d.collection}:{d.number}:{i}", text=d.text, kind="dream") for i, d in enumerate(dreams)]
    return compare(dreams, [a.values for a in annotate_units(analyzer, units)])


def format_report(result: dict[str, Any]) -> str:
    """A plain-text summary: presence table, character count agreement, worst indicator errors per collection."""
    ch = result["characters"]
    fmt = (lambda v: "n/a" if v is None else f"{v:.3f}")
    comp = result["characters_comparable"]
    lines = [f"dreams: {result['n']}   presence macro-F1: {result['presence_macro_f1']:.3f}   "
             f"characters r: {fmt(ch['r'])}   MAE: {fmt(ch['mae'])}",
             f"characters over the collections whose human counts vary ({', '.join(comp['collections'])}): "
             f"r {fmt(comp['r'])}   MAE: {fmt(comp['mae'])}"]
    for col, v in result["characters_by_collection"].items():
        lines.append(f"  characters in {col}: r {fmt(v['r'])}, MAE {fmt(v['mae'])}, per dream human "
                     f"{fmt(v['human_mean'])} / reverie {fmt(v['reverie_mean'])}")
    lines += ["", f"{'category':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
    for cat, v in result["presence"].items():
        lines.append(f"{cat:<16}{v['precision']:>10.3f}{v['recall']:>10.3f}{v['f1']:>10.3f}{v['support']:>9d}")
    lines.append("")
    for col, rows in result["indicators"].items():
        lines.append(f"{col} ({result['collections'][col]} dreams)   indicator: human / reverie / |error|")
        for name, v in rows.items():
            lines.append(f"  {name:<34}{fmt(v['human']):>8}{fmt(v['reverie']):>8}{fmt(v['abs_error']):>8}")
    return "\n".join(lines)
