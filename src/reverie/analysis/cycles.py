"""Therapeutic cycles: Mergenthaler's (1996) Therapeutic Cycles Model on the client's speech.

Per client utterance the analyser records the *emotion tone* words (DAAP affect
words: AP, AN, AZ) and the *abstraction* words (content words rated below the
abstraction analyser's cut in the Brysbaert norms, affect words excluded so the two
dimensions do not count the same word). ``summarize`` joins each session's client
speech into blocks of 150 words (a last partial block is kept when it has at least
half a block), takes ET and AB as words per 100 in each block, z-standardises both
over all blocks of all sessions handed in (the case), and classes each block:

=============  ======  ======
class          z(ET)   z(AB)
=============  ======  ======
relaxing       <= 0    <= 0
experiencing   > 0     <= 0
reflecting     <= 0    > 0
connecting     > 0     > 0
=============  ======  ======

Connecting blocks (emotion and abstraction together, where insight tends to happen)
are the session's key moments, ranked by z(ET) + z(AB).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean, pstdev
from typing import Any

from reverie.analysis.abstraction import ABSTRACT_CUT, rated_items
from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Column, Display, ProgressMarker
from reverie.analysis.lexicons import affect_lexicon
from reverie.analysis.text import Tokens, tokenize
from reverie.domain import Annotation

CLASSES = ("relaxing", "experiencing", "reflecting", "connecting")


def classify(z_et: float, z_ab: float) -> str:
    """The cycle class of a block from its standardised emotion tone and abstraction."""
    if z_et > 0:
        return "connecting" if z_ab > 0 else "experiencing"
    return "reflecting" if z_ab > 0 else "relaxing"


def marked_words(toks: Tokens, cut: float) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Word ranges ``(first, end)`` of emotion-tone words and of abstraction words in one text."""
    emotion = [(i, j) for i, j, _ in affect_lexicon().matches(toks.words)]
    in_emotion = {k for i, j in emotion for k in range(i, j)}
    abstract = [(i, j) for i, j, v in rated_items(toks)
                if v is not None and v < cut and not in_emotion.intersection(range(i, j))]
    return emotion, abstract


@dataclass
class _Block:
    units: list[str] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    words: int = 0
    et: int = 0
    ab: int = 0


def _connecting_moments(summary: Any, annotated: Any) -> list[dict[str, Any]]:
    return [{"kind": "connecting moment", "text": m.get("text", "")} for m in (summary.get("key_moments") or [])[:2]]


def _connecting_share(summary: Any) -> float | None:
    shares = summary.get("shares") or {}
    return shares.get("connecting", 0.0) if shares else None  # None when the session was too short for a cycle


DISPLAY = Display(
    title="Therapeutic cycles",
    explanation=("Mergenthaler's Therapeutic Cycles Model cuts the client's speech into blocks of about 150 words "
                 "and places each by its emotion tone and abstraction against the case's own mean: relaxing, "
                 "experiencing, reflecting, or connecting (both high: a candidate moment of insight). The share of "
                 "connecting blocks is a process marker, a hypothesis to check against the text."),
    evidence="the emotion and abstraction words counted in each utterance",
    columns=(Column("connecting blocks", lambda s: f"{sum(1 for b in s.get('blocks') or [] if b.get('class') == 'connecting')}"
                                                 f"/{len(s.get('blocks') or [])}"),),
    moments=_connecting_moments,
    progress=(ProgressMarker("connecting_share", _connecting_share, "connecting share (cycle)", share=True),),
    rank=30,
)


@register
class CyclesAnalyzer(BaseAnalyzer):
    name = "cycles"
    version = "1"
    description = "Mergenthaler's Therapeutic Cycles Model: emotion tone and abstraction in 150-word blocks."
    level = "session"
    roles = frozenset({"client"})
    kinds = frozenset({"utterance"})
    display = DISPLAY
    fields = {
        "words": "number of words in the utterance",
        "emotion_tone": "number of affect words (DAAP AP, AN, AZ)",
        "abstraction": "number of abstract content words (Brysbaert rating below abstract_cut), affect words excluded",
        "terms": "[start, end, 'emotion' | 'abstraction'] for each counted word",
    }
    settings_spec = (
        Setting("block_words", 150, "words of client speech per block"),
        Setting("abstract_cut", ABSTRACT_CUT, "a word rated below this (1..5 scale) counts as abstract"),
        Setting("key_moments", 5, "how many connecting blocks to list per session"),
    )

    def annotate_one(self, unit: TextUnit) -> Annotation:
        toks = tokenize(unit.text)
        if not toks.words:
            return self.empty(unit)
        emotion, abstract = marked_words(toks, float(self.settings["abstract_cut"]))
        terms = sorted([toks.starts[i], toks.ends[j - 1], "emotion"] for i, j in emotion)
        terms += sorted([toks.starts[i], toks.ends[j - 1], "abstraction"] for i, j in abstract)
        terms.sort()
        values = {"words": len(toks.words), "emotion_tone": len(emotion), "abstraction": len(abstract),
                  "terms": terms}
        return Annotation(self.name, self.version, unit.id, values, [(t[0], t[1]) for t in terms])

    def _blocks(self, s: SessionUnits) -> list[_Block]:
        """Cut the session's client speech into blocks of ``block_words`` words, across utterances."""
        size = int(self.settings["block_words"])
        by_id = {a.unit_id: a for a in s.annotations if a.values.get("words")}
        blocks: list[_Block] = []
        current = _Block()
        for unit in s.units:
            ann = by_id.get(unit.id)
            if ann is None:
                continue
            toks = tokenize(unit.text)
            starts, ends, n = toks.starts, toks.ends, len(toks.starts)
            kinds = [(bisect_left(starts, t[0]), t[2]) for t in ann.values.get("terms") or []]
            pos = 0
            while pos < n:
                take = min(size - current.words, n - pos)
                current.units.append(unit.id)
                first = 0 if pos == 0 else starts[pos]  # whole utterances keep their punctuation
                last = len(unit.text) if pos + take == n else ends[pos + take - 1]
                current.pieces.append(unit.text[first:last].strip())
                for k, kind in kinds:
                    if pos <= k < pos + take:
                        if kind == "emotion":
                            current.et += 1
                        else:
                            current.ab += 1
                current.words += take
                pos += take
                if current.words == size:
                    blocks.append(current)
                    current = _Block()
        if current.words >= size / 2:
            blocks.append(current)
        return blocks

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        """Blocks, class shares and key moments per session; z-scores over the whole case."""
        per_session = [(s.session_id, self._blocks(s)) for s in sessions]
        all_blocks = [b for _, bs in per_session for b in bs]
        et_all = [100.0 * b.et / b.words for b in all_blocks]
        ab_all = [100.0 * b.ab / b.words for b in all_blocks]
        et_mean, ab_mean = (fmean(et_all), fmean(ab_all)) if all_blocks else (0.0, 0.0)
        et_sd, ab_sd = (pstdev(et_all), pstdev(ab_all)) if all_blocks else (0.0, 0.0)
        summary = Summary()
        top = int(self.settings["key_moments"])
        for sid, bs in per_session:
            rows: list[dict[str, Any]] = []
            for idx, b in enumerate(bs):
                et, ab = 100.0 * b.et / b.words, 100.0 * b.ab / b.words
                z_et = (et - et_mean) / et_sd if et_sd > 0 else 0.0
                z_ab = (ab - ab_mean) / ab_sd if ab_sd > 0 else 0.0
                rows.append({"index": idx, "first_unit": b.units[0], "last_unit": b.units[-1], "words": b.words,
                             "et": round(et, 3), "ab": round(ab, 3), "z_et": round(z_et, 3),
                             "z_ab": round(z_ab, 3), "class": classify(z_et, z_ab),
                             "_text": " ".join(p.strip() for p in b.pieces), "_units": list(b.units)})
            connecting = sorted((r for r in rows if r["class"] == "connecting"),
                                key=lambda r: -(r["z_et"] + r["z_ab"]))
            summary.sessions[sid] = {
                "blocks": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
                "shares": {c: (round(sum(r["class"] == c for r in rows) / len(rows), 3) if rows else None)
                           for c in CLASSES},
                "key_moments": [{"block": r["index"], "score": round(r["z_et"] + r["z_ab"], 3),
                                 "units": r["_units"], "text": r["_text"]} for r in connecting[:top]],
            }
        summary.case = {
            "blocks": len(all_blocks),
            "norms": {"et_mean": round(et_mean, 3), "et_sd": round(et_sd, 3),
                      "ab_mean": round(ab_mean, 3), "ab_sd": round(ab_sd, 3)},
            "connecting_share": {sid: v["shares"]["connecting"] for sid, v in summary.sessions.items()},
        }
        return summary
