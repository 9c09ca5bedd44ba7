"""The ``dialogue`` analyser: who talks how much, response latencies, silences, therapist interventions.

Surface measures only (counts, times, ordered phrase rules): it infers nothing about
anyone's state of mind. A silence is either a timed gap of ``silence_seconds`` or
more between the end of one turn and the start of the next, or a stage direction
such as ``(pause)`` / ``[silence, about 40 seconds]`` kept in the utterance's
markers. Times are rounded to the millisecond before they are compared, so a gap
written as 10.0 -> 13.0 is 3.0 s and counts, and 10.0 -> 12.9 does not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from statistics import mean, median
from typing import Any, ClassVar

from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Chip, Column, Display, Panel, fmt
from reverie.analysis.interventions import CONTINUUM, INTERVENTIONS, classify
from reverie.domain import Annotation, word_count

ROLES = ("therapist", "client", "other")

_SILENCE_WORD = re.compile(r"\b(?:long\s+|short\s+|brief\s+)?(?:pause|silence|silent)s?\b", re.IGNORECASE)
_INLINE_MARKER = re.compile(r"[(\[][^()\[\]]{0,60}?\b(?:pause|silence|silent)\b[^()\[\]]{0,60}[)\]]", re.IGNORECASE)
_NUMBER_WORDS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
    "half a": 0.5,
}
_DURATION = re.compile(
    r"\b(?P<num>\d+(?:\.\d+)?|half a|a|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty"
    r"|forty|fifty|sixty|ninety)(?:[\s-]+(?P<tens>one|two|three|four|five|six|seven|eight|nine))?\s*"
    r"(?P<unit>s|secs?|seconds?|m|mins?|minutes?)\b",
    re.IGNORECASE,
)
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def marker_duration(marker: str) -> float | None:
    """Seconds written in a stage direction ("silence, about 40 seconds", "pause 4.2 s"), else None."""
    m = _DURATION.search(marker)
    if not m:
        return None
    raw = m.group("num").lower()
    value = float(raw) if raw[0].isdigit() else float(_NUMBER_WORDS[raw])
    if m.group("tens"):
        value += _UNITS[m.group("tens").lower()]
    return round(value * 60 if m.group("unit").lower().startswith("m") else value, 3)


def silence_markers(unit: TextUnit) -> list[tuple[str, float | None, tuple[int, int] | None]]:
    """The unit's silence stage directions: (marker, seconds or None, span in the text or None)."""
    found = [(m, marker_duration(m), None) for m in unit.markers if _SILENCE_WORD.search(m)]
    if "(" in unit.text or "[" in unit.text:
        found += [(m.group().strip("()[] "), marker_duration(m.group()), m.span())
                  for m in _INLINE_MARKER.finditer(unit.text)]
    return found


def gap(previous_end: float | None, start: float | None) -> float | None:
    """Start minus the previous turn's end, to the millisecond; negative is overlap, None when untimed."""
    if previous_end is None or start is None:
        return None
    return round(start - previous_end, 3)


def _snippet(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _gap(a: Mapping[str, Any]) -> dict[str, Any] | None:
    """A timed silence before the turn, or a written one (a stage direction, its seconds where it gives them)."""
    if a.get("silence_before"):
        return {"seconds": a["silence_before"]}
    if a.get("marker_silence"):
        return {"seconds": a.get("marker_silence_seconds")}
    return None


DISPLAY = Display(
    title="Dialogue and interventions",
    explanation=("Who talks how much (words and seconds), response latencies and silences, and each therapist "
                 "intervention classed by ordered phrase rules and placed on Gabbard's expressive\u2013supportive "
                 "continuum. These describe the form of the conversation; they judge neither party."),
    evidence="the phrase that decided an intervention's class, and the stage directions that mark a silence",
    chips=(Chip(lambda a: a.get("intervention") and f"[{a['intervention']}]"),
           Chip(lambda a: a.get("silence_before") and f"silence {a['silence_before']:.0f}s")),
    columns=(Column("client talk share", lambda s: fmt((s.get("talk_share_words") or {}).get("client"), ".0%")),
             Column("silences \u22653 s", lambda s: str(len(s.get("silences") or []))),
             Column("interventions", lambda s: str(sum((s.get("interventions") or {}).values())))),
    panels=(Panel("Interventions on the expressive\u2013supportive continuum",
                  ("position", "index (-1 supportive, +1 expressive)", "expressive", "intermediate", "supportive",
                   "reflections per question", "complex reflections"),
                  lambda s: None if not isinstance(s.get("profile"), Mapping) else (
                      s["profile"].get("position") or "-", s["profile"].get("continuum_index"),
                      *((s["profile"].get("continuum_shares") or {}).get(k)
                        for k in ("expressive", "intermediate", "supportive")),
                      s["profile"].get("reflection_to_question"), s["profile"].get("complex_reflection_share"))),),
    gap=_gap,
    rank=10,
)


@register
class DialogueAnalyzer(BaseAnalyzer):
    """Talk share, latencies, silences and the class of each therapist intervention."""

    name: ClassVar[str] = "dialogue"
    version: ClassVar[str] = "2"
    description: ClassVar[str] = (
        "Talk share (words, seconds), turn lengths, response latencies, silences (timed gaps and "
        "pause/silence markers) and therapist interventions classed by ordered phrase rules."
    )
    level: ClassVar[str] = "utterance"
    roles: ClassVar[frozenset[str]] = frozenset(ROLES)
    kinds: ClassVar[frozenset[str]] = frozenset({"utterance"})
    infers_mental_state: ClassVar[bool] = False
    display: ClassVar[Display] = DISPLAY
    fields: ClassVar[dict[str, str]] = {
        "words": "words in the utterance (whitespace tokens with a letter or digit)",
        "seconds": "end minus start, where the utterance is timed",
        "latency": "this start minus the previous turn's end (negative: overlap); None when untimed",
        "silence_before": "the latency when it is at least the silence threshold, else None",
        "marker_silence": "True when a stage direction marks a pause or silence in or before the utterance",
        "marker_silence_seconds": "seconds written in those stage directions (summed), None when unwritten",
        "intervention": "therapist utterances: " + ", ".join(INTERVENTIONS),
        "intervention_rule": "the rule that decided the intervention class",
        "reflection_kind": "reflections: simple (restates) or complex (adds meaning or feeling), else None",
        "continuum": "the intervention's place on Gabbard's continuum: expressive, intermediate or supportive",
    }
    settings_spec: ClassVar[tuple[Setting, ...]] = (
        Setting("silence_seconds", 3.0, "a timed gap of at least this many seconds is a silence"),
        Setting("reflection_overlap", 0.5,
                "share of the therapist's content words found in the client's last turn for a reflection"),
        Setting("encourager_max_words", 4, "longest backchannel counted as a minimal encourager"),
        Setting("longest", 5, "how many of the longest silences the session summary lists"),
    )

    def annotate_one(self, unit: TextUnit) -> Annotation:
        previous = unit.context[-1] if unit.context else None
        latency = gap(previous.end if previous else None, unit.start)
        markers = silence_markers(unit)
        known = [d for _, d, _ in markers if d is not None]
        evidence: list[tuple[int, int]] = [span for _, _, span in markers if span is not None]
        intervention = rule = kind = place = None
        if unit.role == "therapist":
            last_client = next((c.text for c in reversed(unit.context) if c.role == "client"), None)
            result = classify(unit.text, last_client, float(self.settings["reflection_overlap"]),
                              int(self.settings["encourager_max_words"]))
            intervention, rule = result.label, result.rule or None
            kind, place = result.depth, result.continuum
            evidence += result.evidence
        values = {
            "words": word_count(unit.text),
            "seconds": gap(unit.start, unit.end),
            "latency": latency,
            "silence_before": latency if latency is not None and latency >= self.settings["silence_seconds"] else None,
            "marker_silence": bool(markers),
            "marker_silence_seconds": round(sum(known), 3) if known else None,
            "intervention": intervention,
            "intervention_rule": rule,
            "reflection_kind": kind,
            "continuum": place,
        }
        return Annotation(self.name, self.version, unit.id, values, sorted(set(evidence)))

    # -- summaries ------------------------------------------------------------------------
    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        summary = Summary()
        for s in sessions:
            summary.sessions[s.session_id] = self.summarize_session(s)
        summary.case = {
            "sessions": [
                {
                    "session": sid,
                    "talk_share_words": v["talk_share_words"],
                    "talk_share_seconds": v["talk_share_seconds"],
                    "silences": len(v["silences"]),
                    "timed_silence_seconds": v["timed_silence_seconds"],
                    "marker_silences": sum(1 for x in v["silences"] if x["source"] == "marker"),
                    "continuum_index": v["profile"]["continuum_index"],
                    "continuum_position": v["profile"]["position"],
                    "reflection_to_question": v["profile"]["reflection_to_question"],
                    "complex_reflection_share": v["profile"]["complex_reflection_share"],
                }
                for sid, v in summary.sessions.items()
            ]
        }
        return summary

    def summarize_session(self, s: SessionUnits) -> dict[str, Any]:
        """Talk share, turn lengths, latencies, silences and intervention counts for one session."""
        units = sorted(s.units, key=lambda u: u.position)
        values = {a.unit_id: a.values for a in s.annotations}
        words = {u.id: word_count(u.text) for u in units}
        roles = sorted({u.role for u in units}, key=lambda r: (ROLES.index(r) if r in ROLES else 9, r))
        total_words = sum(words.values())
        secs = {r: 0.0 for r in roles}
        timed = False
        for u in units:
            d = gap(u.start, u.end)
            if d is not None and d > 0:
                secs[u.role] += d
                timed = True
        total_secs = sum(secs.values())
        latencies: dict[str, list[float]] = {r: [] for r in roles}
        silences: list[dict[str, Any]] = []
        for i, u in enumerate(units):
            before = units[i - 1] if i else None
            lat = gap(before.end, u.start) if before else None
            if lat is not None and before.role != u.role:
                latencies[u.role].append(lat)
            if lat is not None and lat >= self.settings["silence_seconds"]:
                silences.append(self._silence("gap", lat, None, before, u))
            for marker, seconds, _ in silence_markers(u):
                silences.append(self._silence("marker", seconds, marker, before, u))
        counts = {k: 0 for k in INTERVENTIONS}
        therapist_values = [values.get(u.id, {}) for u in units if u.role == "therapist"]
        for v in therapist_values:
            if v.get("intervention") in counts:
                counts[v["intervention"]] += 1
        n_interventions = sum(counts.values())
        longest = sorted(
            silences,
            key=lambda x: (x["seconds"] is None, -(x["seconds"] or 0), "long" not in (x["marker"] or "")),
        )[: int(self.settings["longest"])]
        return {
            "turns": {r: sum(1 for u in units if u.role == r) for r in roles},
            "words": {r: sum(words[u.id] for u in units if u.role == r) for r in roles},
            "talk_share_words": {r: _share(sum(words[u.id] for u in units if u.role == r), total_words)
                                 for r in roles},
            "talk_share_seconds": {r: _share(secs[r], total_secs) for r in roles} if timed else None,
            "seconds": {r: round(secs[r], 3) for r in roles} if timed else None,
            "mean_turn_words": {r: _stat(mean, [words[u.id] for u in units if u.role == r]) for r in roles},
            "median_turn_words": {r: _stat(median, [words[u.id] for u in units if u.role == r]) for r in roles},
            "mean_response_latency": {r: _stat(mean, latencies[r]) for r in roles},
            "silences": silences,
            "timed_silence_seconds": round(sum(x["seconds"] for x in silences if x["source"] == "gap"), 3),
            "longest_silences": longest,
            "interventions": counts,
            "intervention_shares": {k: _share(v, n_interventions) for k, v in counts.items()},
            "profile": intervention_profile(counts, [v.get("reflection_kind") for v in therapist_values]),
        }

    @staticmethod
    def _silence(source: str, seconds: float | None, marker: str | None,
                 before: TextUnit | None, after: TextUnit) -> dict[str, Any]:
        return {
            "source": source,  # "gap": between two timed turns; "marker": a stage direction in `after`
            "seconds": seconds,
            "marker": marker,
            "before": None if before is None else
            {"id": before.id, "role": before.role, "text": _snippet(before.text)},
            "after": {"id": after.id, "role": after.role, "text": _snippet(after.text)},
        }


def intervention_profile(counts: dict[str, int], reflection_kinds: Sequence[str | None]) -> dict[str, Any]:
    """Where a session sits on the expressive-supportive continuum, with the MITI-style ratios.

    ``continuum_index`` is (expressive - supportive) / placed interventions, from -1 (all
    supportive) to +1 (all expressive); ``position`` names its third of that range.
    """
    places = {"expressive": 0, "intermediate": 0, "supportive": 0}
    for label, n in counts.items():
        if CONTINUUM.get(label):
            places[CONTINUUM[label]] += n
    placed = sum(places.values())
    index = round((places["expressive"] - places["supportive"]) / placed, 4) if placed else None
    position = None if index is None else (
        "expressive" if index > 1 / 3 else "supportive" if index < -1 / 3 else "intermediate")
    questions = counts.get("question_open", 0) + counts.get("question_closed", 0)
    kinds = [k for k in reflection_kinds if k]
    return {
        "continuum_shares": {k: _share(v, placed) for k, v in places.items()},
        "continuum_index": index,
        "position": position,
        "reflection_to_question": round(counts.get("reflection", 0) / questions, 4) if questions else None,
        "complex_reflection_share": _share(sum(k == "complex" for k in kinds), len(kinds)),
        "open_question_share": _share(counts.get("question_open", 0), questions),
    }


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _stat(fn: Any, xs: list[float]) -> float | None:
    return round(float(fn(xs)), 3) if xs else None
