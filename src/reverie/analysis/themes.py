"""Recurring themes across a case's sessions and journal: a case-level computation, not a per-utterance analyser.

Client talk (a few consecutive turns at a time) and journal entries are embedded with the shared MiniLM
encoder, clustered (average linkage, cosine distance under a threshold), and a cluster met in at least
``MIN_MEMBERS`` passages from at least two sources becomes a theme. Each theme is labelled by its distinctive
words (class-based TF-IDF against the other clusters), laid out as a timeline over the case, and marked when it
*returns* after an absence, appears *only in the journal*, or in the journal well *before* it is spoken of in
sessions - observations for the clinician, never conclusions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from reverie.domain import Entry, Session

TURNS_PER_CHUNK = 3  # consecutive client turns read as one passage (one turn alone is often too short to place)
MIN_TURN_WORDS = 4  # "Yes.", "I don't know." carry no theme
DISTANCE = 0.55  # cosine distance under which clusters merge (average linkage)
MIN_MEMBERS = 3
MIN_GAP = 2  # absent for at least this many active weeks (or sessions) between two appearances = a return
N_WORDS = 6

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z][a-z'’]{2,}")


@dataclass(frozen=True)
class Passage:
    """A piece of client text: ``source`` is ``session`` or ``entry``; ``ref`` the session number or entry id."""

    source: str
    ref: int
    when: date | None
    kind: str  # "session", or the entry's kind (dream, reflection, ...)
    text: str


def passages(sessions: Sequence[Session], entries: Sequence[Entry],
             turns_per_chunk: int = TURNS_PER_CHUNK) -> list[Passage]:
    """Client turns grouped in chunks of ``turns_per_chunk`` per session, and each journal entry whole."""
    out: list[Passage] = []
    for i, s in enumerate(sessions):
        turns = [u.text.strip() for u in s.utterances if u.role == "client" and len(u.text.split()) >= MIN_TURN_WORDS]
        for k in range(0, len(turns), turns_per_chunk):
            out.append(Passage("session", s.number or i + 1, s.date, "session", " ".join(turns[k:k + turns_per_chunk])))
    for j, e in enumerate(entries):
        if e.text.strip():
            out.append(Passage("entry", e.id or j + 1, e.written_at.date() if isinstance(e.written_at, datetime)
                               else e.written_at, e.kind, e.text.strip()))
    return out


def embed_minilm(texts: Sequence[str]) -> np.ndarray:
    """Unit-length MiniLM embeddings (the encoder shared with the other model-backed analysers)."""
    from reverie.analysis.encoder import minilm
    return np.asarray(minilm().encode(list(texts), batch_size=32, normalize_embeddings=True,
                                      show_progress_bar=False), dtype=np.float32)


def cluster(vectors: np.ndarray, distance: float = DISTANCE) -> np.ndarray:
    """Cluster labels: average-linkage agglomerative clustering on cosine distance, cut at ``distance``."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    from sklearn.cluster import AgglomerativeClustering
    return AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                   distance_threshold=distance).fit_predict(vectors)


def _words(text: str, stop: frozenset[str]) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if "'" not in w and "’" not in w and w not in stop]  # contractions: function words


def class_tfidf(docs: dict[int, list[str]], n: int = N_WORDS) -> dict[int, list[str]]:
    """The ``n`` most distinctive words of each class (c-TF-IDF: in-class frequency x log(1 + A / word's total))."""
    counts = {c: Counter(ws) for c, ws in docs.items()}
    total: Counter[str] = Counter()
    for c in counts.values():
        total.update(c)
    avg = sum(total.values()) / max(len(counts), 1)
    out = {}
    for c, cnt in counts.items():
        size = sum(cnt.values()) or 1
        score = {w: (k / size) * math.log(1 + avg / total[w]) for w, k in cnt.items()}
        out[c] = [w for w, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
    return out


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    return frozenset(ENGLISH_STOP_WORDS) | {"just", "really", "know", "think", "like", "feel", "felt", "don't",
                                            "didn't", "it's", "i'm", "i've", "that's", "can't", "got", "going",
                                            "kind", "sort", "bit", "thing", "things", "yeah", "maybe", "today", "said", "say",
                                            "says", "went", "told", "tell", "okay", "yes", "actually", "want",
                                            "wanted", "did", "does", "know", "knew", "mean", "right", "way"}


def _slot(p: Passage, order: int) -> tuple[int, int]:
    """Where a passage sits on the timeline: its ISO week when dated, else its order."""
    if p.when is not None:
        y, w, _ = p.when.isocalendar()
        return (0, y * 100 + w)
    return (1, order)


def _evidence(text: str, words: Sequence[str]) -> str:
    """The passage's sentence with most of the theme's words (the quote shown as evidence)."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()] or [text]
    return max(sentences, key=lambda s: sum(w in s.lower() for w in words)).strip()


def build(items: Sequence[Passage], embed: Callable[[Sequence[str]], np.ndarray] | None = None,
          distance: float = DISTANCE) -> dict[str, Any]:
    """The themes of a case (the shape ``reverie themes --json`` prints)."""
    if not items:
        return {"themes": [], "timeline": [], "passages": 0}
    labels = cluster((embed or embed_minilm)([p.text for p in items]), distance)
    stop = _stop_words()
    words = class_tfidf({int(c): [w for p, lab in zip(items, labels) if lab == c for w in _words(p.text, stop)]
                         for c in set(labels.tolist())})
    slots = sorted({_slot(p, i) for i, p in enumerate(items)})
    slot_of = {i: slots.index(_slot(p, i)) for i, p in enumerate(items)}
    slot_names = [_slot_name(s) for s in slots]
    themes = []
    for c in sorted(set(labels.tolist()), key=lambda c: (-int((labels == c).sum()), c)):
        members = [i for i, lab in enumerate(labels) if lab == c]
        sources = {(items[i].source, items[i].ref) for i in members}
        if len(members) < MIN_MEMBERS or len(sources) < 2 or not words[c]:
            continue
        present = sorted({slot_of[i] for i in members})
        gaps = [{"from": slot_names[a], "to": slot_names[b], "absent": b - a - 1}
                for a, b in zip(present, present[1:]) if b - a - 1 >= MIN_GAP]
        journal_only = all(items[i].source == "entry" for i in members)
        first_entry = min((slot_of[i] for i in members if items[i].source == "entry"), default=None)
        first_session = min((slot_of[i] for i in members if items[i].source == "session"), default=None)
        journal_first = (first_entry is not None and first_session is not None
                         and first_session - first_entry - 1 >= MIN_GAP)
        occ = [{"source": items[i].source, "ref": items[i].ref, "kind": items[i].kind,
                "date": items[i].when.isoformat() if items[i].when else None,
                "slot": slot_names[slot_of[i]], "evidence": _evidence(items[i].text, words[c])} for i in members]
        theme = {"id": f"T{len(themes) + 1}", "label": " / ".join(words[c][:3]), "words": words[c],
                 "occurrences": sorted(occ, key=lambda o: (slot_names.index(o["slot"]), o["source"], o["ref"])),
                 "timeline": [sum(slot_of[i] == k for i in members) for k in range(len(slots))],
                 "returning": bool(gaps), "gaps": gaps, "journal_only": journal_only,
                 "journal_first": {"journal": slot_names[first_entry], "sessions": slot_names[first_session],
                                   "weeks_between": first_session - first_entry - 1} if journal_first else None}
        theme["notes"] = _notes(theme)
        themes.append(theme)
    return {"themes": themes, "timeline": slot_names, "passages": len(items)}


def _slot_name(slot: tuple[int, int]) -> str:
    return f"{slot[1] // 100}-W{slot[1] % 100:02d}" if slot[0] == 0 else f"#{slot[1] + 1}"


def _notes(theme: dict[str, Any]) -> list[str]:
    """Observations worded as such: what the timeline shows, not what it means."""
    notes = ["returns after an absence: " + "; ".join(
        f"not met in the {g['absent']} active weeks after {g['from']}, present again from {g['to']}"
        for g in theme["gaps"])] if theme["gaps"] else []
    if theme["journal_first"]:
        j = theme["journal_first"]
        notes.append(f"met in the journal from {j['journal']}, in session talk only from {j['sessions']} "
                     f"({j['weeks_between']} active weeks later)")
    if theme["journal_only"]:
        kinds = Counter(o["kind"] for o in theme["occurrences"])
        notes.append("appears in the journal (" + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
                     + ") but not, so far, in session talk: perhaps material not yet brought into the room")
    return notes


def themes(sessions: Sequence[Session], entries: Sequence[Entry],
           embed: Callable[[Sequence[str]], np.ndarray] | None = None,
           turns_per_chunk: int = TURNS_PER_CHUNK, distance: float = DISTANCE) -> dict[str, Any]:
    """Themes across ``sessions`` (client turns) and ``entries``."""
    return build(passages(sessions, entries, turns_per_chunk), embed, distance)
