"""Affect words: positive, negative and non-valenced affect density per utterance or entry.

Words are matched against the DAAP09.6 affect dictionaries (Bucci & Maskit): ``AP``
positive, ``AN`` negative, ``AZ`` affect words without valence. Densities are per
100 words of the unit. Negation (see :mod:`reverie.analysis.text`): a negated
positive word ("not happy") counts as negative; a negated negative word ("not sad")
counts as neither negative nor positive (denying a feeling is not the opposite
feeling); a negated non-valenced word stays non-valenced. Every negated affect word
is counted in ``negated``. These are markers of affect *words*, not of what the
speaker feels.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import Any

from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Chip, Display
from reverie.analysis.lexicons import affect_lexicon
from reverie.analysis.text import tokenize
from reverie.domain import Annotation

_LABELS = {"AP": "positive", "AN": "negative", "AZ": "neutral"}


DISPLAY = Display(
    title="Affect words",
    explanation=("How densely the speaker uses words for feelings (positive, negative and non-valenced) per 100 "
                 "words, from the DAAP affect dictionary; a negated word ('not happy') counts with the opposite "
                 "valence. A marker of emotional expression in the words, not of what the person feels."),
    evidence="the affect words themselves, each marked positive, negative or neutral",
    chips=(Chip(lambda a: f"affect +{a['positive']:.0f}/-{a['negative']:.0f}"
                if a.get("positive") is not None and (a.get("positive") or a.get("negative")) else None, "affect"),),
)


@register
class AffectAnalyzer(BaseAnalyzer):
    name = "affect"
    version = "1"
    description = "Density of positive, negative and non-valenced affect words (DAAP09.6), negation-aware."
    level = "utterance"
    roles = frozenset({"client", "therapist"})
    display = DISPLAY
    fields = {
        "positive": "positive affect words per 100 words (negated negative words not included)",
        "negative": "negative affect words per 100 words, including negated positive words ('not happy')",
        "neutral": "non-valenced affect words per 100 words",
        "words": "number of words in the unit",
        "negated": "number of affect words inside a negation scope",
        "terms": "[start, end, class] for every affect word: positive, negative, neutral, "
                 "negated_positive (counted negative) or negated_negative (not counted)",
    }
    settings_spec = (
        Setting("min_words", 1, "units with fewer words get empty (None) values"),
    )
    infers_mental_state = True

    def annotate_one(self, unit: TextUnit) -> Annotation:
        toks = tokenize(unit.text)
        n = len(toks.words)
        if n < max(1, int(self.settings["min_words"])):
            return self.empty(unit)
        counts = {"positive": 0, "negative": 0, "neutral": 0}
        negated = 0
        terms: list[list[Any]] = []
        evidence: list[tuple[int, int]] = []
        neg_flags, starts, ends = toks.negated, toks.starts, toks.ends
        for i, j, label in affect_lexicon().matches(toks.words):
            cls = _LABELS[label]
            if neg_flags[i]:
                negated += 1
                if cls == "positive":
                    counts["negative"] += 1
                    cls = "negated_positive"
                elif cls == "negative":
                    cls = "negated_negative"
                else:
                    counts["neutral"] += 1
            else:
                counts[cls] += 1
            span = (starts[i], ends[j - 1])
            evidence.append(span)
            terms.append([span[0], span[1], cls])
        per100 = 100.0 / n
        values = {
            "positive": round(counts["positive"] * per100, 3),
            "negative": round(counts["negative"] * per100, 3),
            "neutral": round(counts["neutral"] * per100, 3),
            "words": n,
            "negated": negated,
            "terms": terms,
        }
        return Annotation(self.name, self.version, unit.id, values, evidence)

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        """Mean densities per role for each session; the case summary lists the client's per session."""
        summary = Summary()
        for s in sessions:
            role_of = {u.id: u.role for u in s.units}
            by_role: dict[str, list[Annotation]] = {}
            for a in s.annotations:
                if a.values.get("words"):
                    by_role.setdefault(role_of.get(a.unit_id, "client"), []).append(a)
            summary.sessions[s.session_id] = {
                role: {
                    "positive": round(fmean(a.values["positive"] for a in anns), 3),
                    "negative": round(fmean(a.values["negative"] for a in anns), 3),
                    "neutral": round(fmean(a.values["neutral"] for a in anns), 3),
                    "units": len(anns),
                    "negated": sum(a.values["negated"] for a in anns),
                }
                for role, anns in sorted(by_role.items())
            }
        summary.case = {"client_by_session": {sid: v.get("client") for sid, v in summary.sessions.items()}}
        return summary
