"""The ``dreams`` analyser: Hall & Van de Castle content codes for every dream a client logs.

Each dream entry gets the HVdC codes the rule coder finds (:mod:`reverie.analysis.dream_coder`:
characters, aggression, friendliness, sexuality, emotions, misfortunes, good fortunes, successes,
failures, settings, objects), each with its evidence span, and, per category, whether the dream
holds one (``presence``). Presence is decided by a small logistic model over the dream's words and
the coder's cues (``resources/dreams/presence.npz``, trained by ``scripts/train_dreams.py`` on
DreamBank's human codings); where a category is present but the rules found no item, the words
that weighed most for it are its evidence. The case summary is the client's HVdC indicators and
h-profile (:mod:`reverie.analysis.dream_indicators`). These are content codes: markers for a
clinician to read against the text, never a diagnosis.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Display, Panel
from reverie.analysis.dream_coder import code_dream, lexicon
from reverie.analysis.dream_indicators import PRESENCE, h_profile, indicators, presence
from reverie.analysis.results import JOURNAL
from reverie.analysis.text import tokenize
from reverie.domain import Annotation
from reverie.errors import ModelError

FAMILIES = ("characters", "aggression", "friendliness", "sexuality", "emotions", "misfortunes", "good_fortunes",
            "successes", "failures", "settings", "objects")
# which coded family backs each presence category (emotions by code)
_SOURCE = {"aggression": ("aggression", None), "friendliness": ("friendliness", None),
           "sexuality": ("sexuality", None), "anger": ("emotions", "AN"), "apprehension": ("emotions", "AP"),
           "sadness": ("emotions", "SD"), "confusion": ("emotions", "CO"), "happiness": ("emotions", "HA"),
           "misfortune": ("misfortunes", None), "success": ("successes", None), "failure": ("failures", None)}


def _items(codes: dict[str, Any], category: str) -> list[dict[str, Any]]:
    family, code = _SOURCE[category]
    return [i for i in codes[family] if code is None or i.get("code") == code]


def _drop(codes: dict[str, Any], category: str) -> None:
    family, code = _SOURCE[category]
    codes[family] = [i for i in codes[family] if code is not None and i.get("code") != code]


def cue_texts(codes: dict[str, Any], category: str) -> list[str]:
    """The words (lower-cased) of the rule items behind a category: what a weak-cue list is made of."""
    return [i["text"].lower() for i in _items(codes, category)]


def drop_weak(codes: dict[str, Any], weak: Sequence[Sequence[str]]) -> None:
    """Take out the items whose cue words mostly raised false alarms in training (``weak[category]``), so they
    count neither for the rules' presence nor as the model's cue features."""
    for category, words in zip(PRESENCE, weak):
        drop = {id(i) for i in _items(codes, category) if i["text"].lower() in set(words)}
        if drop:
            family = _SOURCE[category][0]
            codes[family] = [i for i in codes[family] if id(i) not in drop]


def _infer(codes: dict[str, Any], category: str, spans: list[list[int]], text: str) -> None:
    """One item for a category the model finds but the rules do not: the dreamer's, with unknown detail."""
    family, code = _SOURCE[category]
    span = spans[0] if spans else [0, 0]
    item: dict[str, Any] = {"span": span, "text": text[span[0]:span[1]], "inferred": True}
    if family in ("aggression", "friendliness", "sexuality"):
        item.update(code="?", init=None, rec=None)  # intensity and roles unknown
    elif family == "emotions":
        item.update(code=code, char="D")
    elif family == "misfortunes":
        item.update(code="?", char="D")
    else:
        item.update(char="D")
    codes[family].append(item)


def features(text: str, codes: dict[str, Any]) -> tuple[Counter[str], list[float]]:
    """What the presence model reads: words and word pairs, per category the log count of rule cues,
    and the cue words of the three interactions whether or not the rules found who took part."""
    toks = tokenize(text).words
    words = Counter(toks)
    words.update(f"{a} {b}" for a, b in zip(toks, toks[1:]))
    cues = [math.log1p(len(_items(codes, c))) for c in PRESENCE]
    lex = lexicon()
    cues += [math.log1p(len(lex.interactions[k].matches(toks))) for k in ("aggression", "friendliness", "sexuality")]
    return words, cues


@dataclass
class PresenceModel:
    """Per category a logistic model over sublinear tf-idf words (l2-normalised) and the cue features."""

    vocab: dict[str, int]
    idf: list[float]
    word_weights: list[list[float]]  # [category][word]
    cue_weights: list[list[float]]  # [category][cue]
    bias: list[float]
    thresholds: list[float]
    sources: list[str]  # per category: "model", or "rules" where the rules did better in cross-validation
    rate_thresholds: list[float]  # per category: the cut that keeps coded items at the human coders' rate
    weak_cues: list[list[str]] = field(default_factory=list)  # per category: cue words that were mostly wrong

    def scores(self, words: Counter[str], cues: list[float]) -> tuple[list[float], dict[int, float]]:
        if len(cues) != len(self.cue_weights[0]):
            raise ModelError(f"the dream presence model reads {len(self.cue_weights[0])} cue features, the coder "
                             f"gives {len(cues)}", hint="retrain it with `python scripts/train_dreams.py`")
        vec: dict[int, float] = {}
        for w, n in words.items():
            k = self.vocab.get(w)
            if k is not None:
                vec[k] = (1 + math.log(n)) * self.idf[k]
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {k: v / norm for k, v in vec.items()}
        out = []
        for c in range(len(PRESENCE)):
            ww = self.word_weights[c]
            z = self.bias[c] + sum(ww[k] * v for k, v in vec.items()) + sum(a * b for a, b in zip(self.cue_weights[c], cues))
            out.append(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))))
        return out, vec

    def to_dict(self) -> dict[str, Any]:
        return {"format": 1, "categories": list(PRESENCE), "vocab": sorted(self.vocab, key=self.vocab.get),
                "idf": self.idf, "word_weights": self.word_weights, "cue_weights": self.cue_weights,
                "bias": self.bias, "thresholds": self.thresholds, "sources": self.sources,
                "rate_thresholds": self.rate_thresholds, "weak_cues": self.weak_cues}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PresenceModel:
        return cls({w: i for i, w in enumerate(d["vocab"])}, d["idf"], d["word_weights"], d["cue_weights"],
                   d["bias"], d["thresholds"], d.get("sources") or ["model"] * len(PRESENCE),
                   d.get("rate_thresholds") or d["thresholds"], d.get("weak_cues") or [])


@cache
def presence_model() -> PresenceModel | None:
    """The shipped presence model, or ``None`` when the package has none (presence then comes from the rules)."""
    from importlib.resources import files
    path = files("reverie").joinpath("resources", "dreams", "presence.json")
    if not path.is_file():
        return None
    return PresenceModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


# the journal group's summary: the shares a clinician reads first, as the panel's cells (in this order): the
# share of dreams where a category is present (as each dream's presence says), and Negative Emotions %
_SHARES = (("aggression %", "aggression"), ("friendliness %", "friendliness"), ("misfortune %", "misfortune"),
           ("negative emotions %", "Negative Emotions %"))


def coded_families(values: dict[str, Any]) -> list[str]:
    """The present categories of one coded dream, in HVdC's order (what its moment and the panel name)."""
    present = values.get("presence") or {}
    return [c for c in PRESENCE if present.get(c)]


def _panel_row(summary: Any) -> list[Any] | None:
    if not summary.get("dreams"):
        return None
    pct = (lambda v: None if v is None else round(100 * v))
    return [summary["dreams"], summary["characters_per_dream"], *(pct(summary.get(k)) for k, _ind in _SHARES)]


def _note(summary: Any) -> str | None:
    if not summary.get("dreams"):
        return None
    top = ", ".join(f"{c} in {n}" for c, n in summary.get("most_coded") or [])
    return (f"{summary['dreams']} dream(s) coded (Hall and Van de Castle){'; most often ' + top if top else ''}. "
            "The h-profile against the norms: `reverie dreams --client CODE`.")


def _moments(summary: Any, annotated: Sequence[tuple[Any, Any]]) -> list[dict[str, Any]]:
    """Each coded dream with what it holds, the richest first: the dreams worth re-reading."""
    rows = [(coded_families(v), u) for u, v in annotated if v.get("presence")]
    rows.sort(key=lambda r: -len(r[0]))
    return [{"kind": "dream: " + (", ".join(fams) or "no interaction, emotion or outcome coded"),
             "text": str(u.get("text") or "")[:200]} for fams, u in rows]


DISPLAY = Display(
    title="Dream content",
    explanation=("Hall and Van de Castle content codes of each dream report (characters, social interactions, "
                 "emotions, misfortunes, successes and failures, settings) and the client's profile against the "
                 "published norms. The codes describe the text of the dream; they do not interpret it."),
    evidence="the words behind each code",
    panels=(Panel("Dreams in the journal (Hall and Van de Castle codes)",
                  ("dreams", "characters per dream", *(h for h, _k in _SHARES)), _panel_row),),
    hidden=("indicators", "most_coded"),
    note=_note,
    moments=_moments,
)


@register
class DreamsAnalyzer(BaseAnalyzer):
    name = "dreams"
    version = "5"  # 5: surnames, a bare "Dad", "the man" for someone already there, "your father" said to the
    # dreamer, relative clauses ("a man I didn't know yelled at me"), places the dreamer never saw
    # 4: groups as one character, verb-like animal words, sexuality and friendliness without a
    # recipient, more misfortune and failure cues, one indoor and one outdoor setting
    description = "Hall & Van de Castle content codes of dream reports, with the client's profile against the norms."
    level = "entry"
    roles = frozenset({"client"})
    kinds = frozenset({"dream"})
    display = DISPLAY
    fields = {
        **{f: f"HVdC {f.replace('_', ' ')}: items with code, span [start, end] and text" for f in FAMILIES},
        "characters_count": "number of characters (the dreamer excluded, as HVdC does)",
        "presence": "per category (aggression, friendliness, sexuality, five emotions, misfortune, success, "
                    "failure): is there at least one?",
        "presence_score": "per category: the presence model's probability (None without the model)",
        "presence_evidence": "per present category: [start, end] spans of the words behind it",
    }
    settings_spec = (Setting("use_model", True, "decide presence with the shipped model (false: rules only)"),)
    infers_mental_state = True

    def annotate_one(self, unit: TextUnit) -> Annotation:
        if not unit.text.strip():
            return self.empty(unit)
        model = presence_model() if self.settings["use_model"] else None
        return self.annotate_with(unit, model)

    def annotate_with(self, unit: TextUnit, model: PresenceModel | None) -> Annotation:
        codes = code_dream(unit.text)
        if model is not None:
            drop_weak(codes, model.weak_cues)
        rules = presence(codes)
        scores: dict[str, float] | None = None
        present = dict(rules)
        keep = dict(rules)  # which categories keep (or get) coded items, for the indicators
        evidence_of: dict[str, list[list[int]]] = {}
        vec: dict[int, float] = {}
        if model is not None:
            probs, vec = model.scores(*features(unit.text, codes))
            scores = {c: round(p, 4) for c, p in zip(PRESENCE, probs)}
            present = {c: (p >= t) if src == "model" else rules[c]
                       for c, p, t, src in zip(PRESENCE, probs, model.thresholds, model.sources)}
            keep = {c: (p >= t) if src == "model" else rules[c]
                    for c, p, t, src in zip(PRESENCE, probs, model.rate_thresholds, model.sources)}
        toks = tokenize(unit.text)
        for k, cat in enumerate(PRESENCE):
            if not keep[cat]:
                _drop(codes, cat)  # the model overrules the cue: its items go
            if not present[cat]:
                continue
            spans = [i["span"] for i in _items(codes, cat)]
            if not spans and model is not None:  # the words that pushed the model most
                ww = model.word_weights[k]
                pos = {w: ww[model.vocab[w]] * vec[model.vocab[w]] for w in set(toks.words)
                       if w in model.vocab and model.vocab[w] in vec and ww[model.vocab[w]] > 0}
                top = set(sorted(pos, key=pos.get, reverse=True)[:3])
                spans = [[s, e] for w, s, e in zip(toks.words, toks.starts, toks.ends) if w in top][:5]
                if keep[cat]:
                    _infer(codes, cat, spans, unit.text)
            evidence_of[cat] = spans
        values: dict[str, Any] = {**codes, "characters_count": len(codes["characters"]), "presence": present,
                                  "presence_score": scores, "presence_evidence": evidence_of}
        evidence = sorted({tuple(i["span"]) for f in FAMILIES for i in codes[f]}
                          | {tuple(s) for spans in evidence_of.values() for s in spans})
        return Annotation(self.name, self.version, unit.id, values, [tuple(s) for s in evidence])

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        """Case summary: the indicators over all the client's coded dreams (norms need the client's sex); the
        journal group's: the count, characters per dream and the shares its display panel shows."""
        coded = [a.values for s in sessions for a in s.annotations if a.values.get("characters") is not None]
        summary = Summary()
        if coded:
            ind = indicators(coded)
            summary.case = {"dreams": len(coded), "indicators": ind}
            counts = Counter(f for v in coded for f in coded_families(v))
            summary.sessions[JOURNAL] = {
                "dreams": len(coded),
                "characters_per_dream": round(sum(len(v["characters"]) for v in coded) / len(coded), 1),
                **{k: counts[name] / len(coded) if name in PRESENCE else ind.get(name) for k, name in _SHARES},
                "indicators": ind,
                "most_coded": [[c, n] for c, n in counts.most_common(3)]}
        return summary


def profile(dream_values: Sequence[dict[str, Any]], sex: str | None) -> dict[str, Any]:
    """The client's indicators and h-profile from stored ``dreams`` annotations."""
    return {"indicators": indicators(dream_values), **h_profile(dream_values, sex)}
