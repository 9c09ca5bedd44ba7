"""Scoring one questionnaire administration: totals, subscales, bands and safety flags.

Everything follows the instrument's YAML definition. Critical items raise a flag whatever the
total, and even when too many items are missing to score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Sequence

from reverie.errors import ScoringError
from reverie.measures.instruments import Instrument, get_instrument

_MISSING_TOKENS = {"", "-", "na", "n/a", "null", "none", "?"}


@dataclass
class Score:
    """The scored administration. ``complete`` is False when the missing-item rule forbids scoring."""

    instrument: str
    total: float | None
    subscales: dict[str, float | None]
    band: str | None
    flags: list[str]
    complete: bool
    reason: str | None = None
    prorated: bool = False
    answered: int = 0
    flag_details: list[dict[str, Any]] = field(default_factory=list)

    def value(self, score_name: str) -> float | None:
        """The named score: ``"total"`` or a subscale name."""
        return self.total if score_name == "total" else self.subscales.get(score_name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument, "total": self.total, "subscales": dict(self.subscales),
            "band": self.band, "flags": list(self.flags), "complete": self.complete, "reason": self.reason,
            "prorated": self.prorated, "answered": self.answered, "flag_details": list(self.flag_details),
        }


def parse_answers(text: str) -> list[int | None]:
    """``"1,2,,0"`` -> ``[1, 2, None, 0]``; an empty field (or ``-``, ``NA``) is an unanswered item."""
    answers: list[int | None] = []
    for number, token in enumerate(str(text).split(","), start=1):
        token = token.strip()
        if token.lower() in _MISSING_TOKENS:
            answers.append(None)
            continue
        try:
            answers.append(int(token))
        except ValueError:
            raise ScoringError(f"answer {number}: '{token}' is not a whole number",
                               hint="give the answers as numbers separated by commas, e.g. 1,2,0,3; "
                                    "leave a field empty for an unanswered item") from None
    return answers


def _round_half_up(x: float) -> int:
    return int(Decimal(str(x)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _aggregate(values: list[float], how: str) -> float:
    total = sum(values)
    return round(total / len(values), 4) if how == "mean" else round(total, 4)


def validate_answers(instrument: Instrument, answers: Sequence[int | None]) -> list[int | None]:
    """The answers as ints/None, or a ScoringError naming the first bad item."""
    if len(answers) != instrument.n_items:
        raise ScoringError(
            f"{instrument.name} has {instrument.n_items} items but {len(answers)} answers were given",
            hint=f"give one answer per item ({instrument.n_items}), leaving unanswered items empty")
    allowed = set(instrument.values)
    clean: list[int | None] = []
    for number, answer in enumerate(answers, start=1):
        if answer is None:
            clean.append(None)
            continue
        if isinstance(answer, bool) or not isinstance(answer, (int, float)) or int(answer) != answer:
            raise ScoringError(f"{instrument.name} item {number}: '{answer}' is not a whole number")
        if int(answer) not in allowed:
            raise ScoringError(
                f"{instrument.name} item {number}: {int(answer)} is outside {instrument.min_value}-{instrument.max_value}",
                hint="options: " + ", ".join(f"{o['value']}={o['label']}" for o in instrument.options))
        clean.append(int(answer))
    return clean


def _flags(instrument: Instrument, answers: list[int | None]) -> list[dict[str, Any]]:
    out = []
    for crit in instrument.critical_items:
        answer = answers[int(crit["item"]) - 1]
        if answer is not None and answer > crit.get("above", 0):
            flag = {"code": crit["code"], "instrument": instrument.id, "item": int(crit["item"]),
                    "answer": answer, "text": crit["text"].format(answer=answer)}
            flag.update({k: crit[k][answer] for k in ("severity", "urgency") if answer in (crit.get(k) or {})})
            out.append(flag)
    return out


def band_for(instrument: Instrument, value: float | None) -> str | None:
    """The severity band a score falls in (the last band whose minimum it reaches)."""
    if value is None or not instrument.bands:
        return None
    label = None
    for band in sorted(instrument.bands, key=lambda b: b["min"]):
        if value >= band["min"]:
            label = band["label"]
    return label


def score(instrument_id: str, answers: Sequence[int | None]) -> Score:
    """Score one administration by the instrument's published rules."""
    instrument = get_instrument(instrument_id)
    clean = validate_answers(instrument, answers)
    details = _flags(instrument, clean)
    flags = [d["code"] for d in details]
    answered = sum(a is not None for a in clean)
    missing = instrument.n_items - answered
    if missing > instrument.max_missing:
        allowed = ("none may be missing" if instrument.max_missing == 0
                   else f"at most {instrument.max_missing} may be missing ({instrument.missing_method})")
        reason = f"{missing} of {instrument.n_items} items unanswered; for {instrument.name} {allowed}"
        return Score(instrument.id, None, {k: None for k in instrument.subscales}, None, flags, False,
                     reason, False, answered, details)

    lo, hi = instrument.min_value, instrument.max_value
    keyed = [None if a is None else (lo + hi - a if n in instrument.reverse_items else a)
             for n, a in enumerate(clean, start=1)]
    total: float | None = None
    if instrument.has_total:
        present = [float(v) for v in keyed if v is not None]
        total = _aggregate(present, instrument.scoring)
        if missing and instrument.scoring == "sum":
            total = float(_round_half_up(total * instrument.n_items / answered))
    subscales: dict[str, float | None] = {}
    for name, sub in instrument.subscales.items():
        raw = [clean[i - 1] for i in sub.items]
        if any(v is None for v in raw):
            subscales[name] = None
            continue
        values = [float(sub.recode[i].get(v, 0)) if i in sub.recode else float(v)
                  for i, v in zip(sub.items, raw)]
        subscales[name] = _aggregate(values, instrument.scoring)
    primary = total if instrument.primary == "total" else subscales.get(instrument.primary)
    return Score(instrument.id, total, subscales, band_for(instrument, primary), flags, True, None,
                 missing > 0, answered, details)
