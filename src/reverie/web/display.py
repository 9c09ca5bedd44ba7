"""How stored analyser results are shown on the web: the one place that knows analysers by name.

``chips`` turns one unit's annotations into marker chips (a label, its analyser,
the evidence spans and the fields behind it); ``session_patterns`` picks the
session summaries that feed the case picture (ODF, therapeutic-cycle shares).
Templates only ever render what these return (macro ``marker`` in
``templates/_markers.html``), so when analysers declare their own display, only
this module changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape


@dataclass
class Chip:
    """One marker on a unit: what it says, which analyser said it, and the words that made it say so."""

    group: str  # the analyser's name: filters and colours go by it
    label: str
    spans: list[list[int]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    alert: bool = False
    quotes: list[str] = field(default_factory=list)


def _defenses(a: dict[str, Any]) -> str | None:
    return f"defense: {a['level_name']}" if a.get("level_name") and a.get("level") not in (None, 0) else None


def _affect(a: dict[str, Any]) -> str | None:
    if not a.get("terms"):
        return None
    tone = max(("negative", "positive", "neutral"), key=lambda k: a.get(k) or 0.0)
    return f"affect: {tone}"


def _transference(a: dict[str, Any]) -> str | None:
    return {"therapist_link": "transference: link to an earlier figure", "therapist": "here-and-now: the therapist",
            "therapy": "here-and-now: the therapy"}.get(a.get("reference") or "")


def _dialogue(a: dict[str, Any]) -> str | None:
    return f"intervention: {a['intervention'].replace('_', ' ')}" if a.get("intervention") else None


def _relational(a: dict[str, Any]) -> str | None:
    return f"relationship episode: {a.get('object') or 'other'}" if a.get("episode") else None


def _risk(a: dict[str, Any]) -> str | None:
    if a.get("risk"):
        return f"risk: {(a.get('severity_label') or a.get('category') or '').replace('_', ' ')}"
    return "for review (risk words, not corroborated)" if a.get("review") else None


def _referential(a: dict[str, Any]) -> str | None:
    return "vivid, concrete telling" if (a.get("ra") or 0.0) >= 0.7 and (a.get("words") or 0) >= 12 else None


RULES: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "risk": _risk, "defenses": _defenses, "affect": _affect, "transference": _transference,
    "relational": _relational, "dialogue": _dialogue, "referential": _referential,
}
GROUP_LABELS = {"risk": "Risk", "defenses": "Defenses", "affect": "Affect", "transference": "Here-and-now & transference",
                "relational": "Relationship episodes", "dialogue": "Interventions", "referential": "Referential activity"}
_SKIP_FIELDS = {"evidence", "terms", "cues", "probabilities", "components", "figures"}


def chips(annotations: dict[str, Any], text: str = "") -> list[Chip]:
    """The markers worth showing on a unit (``text`` is the unit's, for the quotes), in ``RULES`` order."""
    out = []
    for name, rule in RULES.items():
        a = annotations.get(name)
        label = rule(a) if isinstance(a, dict) else None
        if label:
            details = {k: v for k, v in a.items() if k not in _SKIP_FIELDS and v not in (None, [], {}, "", False)}  # zeros and false flags say nothing
            spans = [list(s[:2]) for s in a.get("evidence") or []]
            out.append(Chip(name, label, spans, details, alert=name == "risk" and bool(a.get("risk")),
                            quotes=quotes(text, spans)))
    return out


def quotes(text: str, spans: list[list[int]]) -> list[str]:
    """The words of the evidence spans, as written."""
    return [text[s:e] for s, e in spans if 0 <= s < e <= len(text)]


def highlight(text: str, spans: list[list[int]]) -> Markup:
    """The text, escaped, with the evidence spans marked (overlapping spans merged)."""
    merged: list[list[int]] = []
    for s, e in sorted(sp for sp in spans if 0 <= sp[0] < sp[1] <= len(text)):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    parts, at = [], 0
    for s, e in merged:
        parts += [escape(text[at:s]), Markup("<mark>"), escape(text[s:e]), Markup("</mark>")]
        at = e
    parts.append(escape(text[at:]))
    return Markup("").join(parts)


def silence(annotations: dict[str, Any]) -> dict[str, Any] | None:
    """A silence before the unit, as a gap in time: its seconds (timed) or the written marker (a stage direction)."""
    d = annotations.get("dialogue") or {}
    if d.get("silence_before"):
        return {"seconds": d["silence_before"], "size": "l" if d["silence_before"] >= 20 else "m"}
    if d.get("marker_silence"):
        seconds = d.get("marker_silence_seconds")
        return {"seconds": seconds, "size": "l" if (seconds or 0) >= 20 else "s"}
    return None


def session_patterns(summary: dict[str, Any]) -> dict[str, Any]:
    """What a session adds to the case picture: overall defensive functioning and the therapeutic-cycle shares."""
    defenses = summary.get("defenses") or {}
    shares = (summary.get("cycles") or {}).get("shares") or {}
    return {"odf": defenses.get("odf"), "odf_n": defenses.get("odf_n"),
            "cycles": {k: v for k, v in shares.items() if v is not None}}
