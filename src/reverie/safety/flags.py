"""Risk flags: a risk that needs a clinician's attention, from the ``risk`` analyser's annotations or from a
questionnaire's critical item (PHQ-9 item 9, CORE-10 item 6, as the instrument files declare them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reverie.domain import RiskFlag
from reverie.errors import ScoringError


def flags_from_annotation(annotation: Any, source_kind: str = "entry", source_id: str | None = None,
                          text: str | None = None) -> list[RiskFlag]:
    """The flag (one, or none) that a ``risk`` annotation raises. ``annotation`` is an Annotation or its dict."""
    if isinstance(annotation, Mapping):
        values, spans, unit_id = dict(annotation), list(annotation.get("evidence") or []), None
    else:
        values, spans, unit_id = dict(annotation.values), list(annotation.evidence), annotation.unit_id
    if not values.get("risk"):
        return []
    spans = [(int(a), int(b)) for a, b in spans]
    quotes = list(values.get("quotes") or ([text[a:b] for a, b in spans] if text else []))
    categories = values.get("categories") or [values.get("category")]
    reason = (f"Risk-language marker ({', '.join(c.replace('_', ' ') for c in categories if c)}; "
              f"severity: {values.get('severity_label') or values.get('severity')}): " + "; ".join(f"\u201c{q}\u201d" for q in quotes))
    discounted = values.get("discounted") or []
    if discounted:
        reason += f". Also found and discounted: {', '.join(discounted)}"
    return [RiskFlag(source_kind, str(source_id if source_id is not None else unit_id), values.get("category"),
                     values.get("severity"), quotes, spans, reason, values.get("urgency") or "", list(discounted))]


def _critical_item(key: str) -> dict[str, Any] | None:
    """The instrument's critical item that raises a flag, with the instrument's size and answer range.

    The item's ladder step, category and urgency per answer live in the instrument file
    (``measures/instruments/*.yaml``), so that one risk vocabulary runs from the screen to every surface.
    """
    from reverie.measures.instruments import INSTRUMENT_IDS, get_instrument
    if key not in INSTRUMENT_IDS:
        return None
    instrument = get_instrument(key)
    spec = next((c for c in instrument.critical_items if "severity" in c), None)
    if spec is None:
        return None
    return {**spec, "count": instrument.n_items, "max": instrument.max_value}


def flag_from_questionnaire(instrument_id: str, answers: Sequence[int | None],
                            source_id: str | None = None) -> RiskFlag | None:
    """A flag when a critical item is answered above 0 (PHQ-9 item 9, CORE-10 item 6); None otherwise."""
    key = instrument_id.lower().replace("-", "").replace("_", "").replace(" ", "")
    spec = _critical_item(key)
    if spec is None:
        return None
    if len(answers) != spec["count"]:
        raise ScoringError(f"{instrument_id}: expected {spec['count']} answers, got {len(answers)}",
                           hint="give one answer per item, None for an unanswered item")
    answer = answers[spec["item"] - 1]
    if answer is None:
        return None
    if not 0 <= int(answer) <= spec["max"]:
        raise ScoringError(f"{instrument_id} item {spec['item']}: answer {answer} is outside 0-{spec['max']}",
                           hint="check the answer scale of the form")
    if int(answer) == 0:
        return None
    evidence = f"{spec['label']} answered {int(answer)}"
    return RiskFlag("questionnaire", str(source_id if source_id is not None else key), spec["category"][int(answer)],
                    spec["severity"][int(answer)], [evidence], [],
                    f"Questionnaire critical item: {evidence} (above 0).", urgency=spec["urgency"][int(answer)])
