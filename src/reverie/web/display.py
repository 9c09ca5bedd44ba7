"""How stored analyser results are shown on the web, from the analysers' display declarations.

``chips`` turns one unit's annotations into marker chips (a label, its analyser,
the evidence spans and the fields behind it) as each analyser declares them, so a
plug-in analyser's markers appear here too. Templates only ever render what these
return (macro ``marker`` in ``templates/_markers.html``). The pauses drawn as gaps
(``Display.gap``), the case overview's figures over sessions (``Display.progress``)
and its tables (``Display.panels``) come from the declarations too: this module
names no analyser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from reverie.analysis.base import REGISTRY


@dataclass
class Chip:
    """One marker on a unit: what it says, which analyser said it, and the words that made it say so."""

    group: str  # the analyser's name: filters and colours go by it
    label: str
    spans: list[list[int]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    alert: bool = False
    quotes: list[str] = field(default_factory=list)
    kind: str = "process"  # the declared chip kind: a quiet styling class


_SKIP_FIELDS = {"evidence", "terms", "cues", "probabilities", "components", "figures"}


def chips(annotations: dict[str, Any], text: str = "") -> list[Chip]:
    """The markers worth showing on a unit (``text`` is the unit's, for the quotes), as each analyser's display
    declaration gives them, in the registry's order (``REGISTRY.ordered``)."""
    out = []
    for name in REGISTRY.ordered(annotations):
        a = annotations[name]
        if not isinstance(a, dict):
            continue
        for label, kind in REGISTRY.display(name).chip_texts(a):
            details = {k: v for k, v in a.items() if k not in _SKIP_FIELDS and v not in (None, [], {}, "", False)}  # zeros and false flags say nothing
            spans = [list(s[:2]) for s in a.get("evidence") or []]
            out.append(Chip(name, label, spans, details, alert=kind == "risk", quotes=quotes(text, spans), kind=kind))
    return out


def group_label(name: str) -> str:
    """The heading of an analyser's filter: its declared title."""
    return REGISTRY.display(name).title or name


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
    """A pause before the unit, as a gap in time (its seconds, timed or written), as an analyser declares it."""
    for name in REGISTRY.ordered(annotations):
        values = annotations[name]
        found = REGISTRY.display(name).gap_before(values) if isinstance(values, dict) else None
        if found:
            seconds = found.get("seconds")
            return {"seconds": seconds, "size": "l" if (seconds or 0) >= 20 else "m" if seconds else "s"}
    return None


def session_series(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The session figures analysers give the progress index (``Display.progress``: ODF, connecting share...), one
    series each over sessions, for the case picture's chart and table."""
    names = REGISTRY.ordered(n for s in sessions for n in (s.get("summary") or {}))
    out = []
    for name in names:
        for marker in REGISTRY.display(name).progress:
            points = [{"number": s.get("number"), "id": s.get("id"), "value": v} for s in sessions
                      if isinstance(summary := (s.get("summary") or {}).get(name), dict)
                      and (v := marker.value(summary)) is not None]
            if points:
                out.append({"label": marker.label or marker.name, "share": marker.share, "points": points})
    return out
