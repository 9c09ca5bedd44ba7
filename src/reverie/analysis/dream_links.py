"""Links between a coded dream and nearby texts (a session's client turns, other journal entries).

Three kinds of observation, each with the evidence in both texts:

- ``figure``: a dream character named the same way in the other text (a kinship term, with ``mom``
  and ``mother`` taken as one figure, or a first name);
- ``theme``: a dream object or setting word, or an emotion word, that the other text uses too;
- ``relational pattern``: a dream interaction (aggression, friendliness, sexuality) with a figure that
  the other text also names in the sentence holding a cue word of the same kind of interaction, or
  the sentence before it ("I think of my mom. She yelled at me").

These are observations for a clinician to weigh, not interpretations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reverie.analysis.dream_coder import lexicon
from reverie.analysis.text import tokenize

# spoken forms of one figure
_FIGURES = {"mom": "mother", "mum": "mother", "mommy": "mother", "ma": "mother", "dad": "father", "daddy": "father",
            "pa": "father", "grandma": "grandmother", "nana": "grandmother", "grandpa": "grandfather"}
_SENTENCE = re.compile(r"[.!?\n]")
_SKIP_THEMES = frozenset({"room", "place", "thing", "things", "area", "home", "house", "stuff", "way"})


def _figure(word: str) -> str:
    return _FIGURES.get(word, word)


def _figure_key(item: dict[str, Any]) -> str | None:
    """The word a dream character is named by (``friend Anna`` -> ``anna``), or None for animals and creatures."""
    code = item.get("code", "")
    if len(code) < 3 or code[1] in "AC":
        return None
    words = tokenize(item.get("text", "")).words
    return _figure(words[-1].removesuffix("'s")) if words else None


def _positions(text: str) -> tuple[list[str], list[int], list[int], list[int]]:
    toks = tokenize(text)
    sentence, sentences = 0, []
    for i in range(len(toks)):
        if i and _SENTENCE.search(text, toks.ends[i - 1], toks.starts[i]):
            sentence += 1
        sentences.append(sentence)
    return [_figure(w.removesuffix("'s")) for w in toks.words], toks.starts, toks.ends, sentences


def links(dream: dict[str, Any], others: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Observations linking one coded dream (``dreams`` annotation values) to each ``(source id, text)``."""
    lex = lexicon()
    figures: dict[str, list[int]] = {}
    for item in dream.get("characters") or []:
        key = _figure_key(item)
        if key:
            figures.setdefault(key, item["span"])
    themes: dict[str, list[int]] = {}
    for family in ("objects", "settings", "emotions"):
        for item in dream.get(family) or []:
            words = tokenize(item.get("text", "")).words
            if len(words) == 1 and words[0] not in _SKIP_THEMES:
                themes.setdefault(words[0], item["span"])
    acts = [(kind, item) for kind in ("aggression", "friendliness", "sexuality") for item in dream.get(kind) or []
            if not item.get("inferred")]
    out: list[dict[str, Any]] = []
    for source, text in others:
        words, starts, ends, sentences = _positions(text)
        where: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            where.setdefault(w, []).append(i)
        for key, span in figures.items():
            if key in where:
                out.append({"kind": "figure", "label": key, "source": source, "dream_span": span,
                            "other_spans": [[starts[i], ends[i]] for i in where[key]]})
        for key, span in themes.items():
            if key in where:
                out.append({"kind": "theme", "label": key, "source": source, "dream_span": span,
                            "other_spans": [[starts[i], ends[i]] for i in where[key]]})
        for kind, item in acts:
            other_figure = next((k for code in (item.get("init"), item.get("rec")) for k in figures
                                 if code and code != "D" and _code_of(dream, k) == code and k in where), None)
            if other_figure is None:  # neither side is a figure the other text names
                continue
            cues = lex.interactions[kind].matches(tokenize(text).words)
            near = [(i, j) for i, j, _ in cues if any(0 <= sentences[i] - sentences[p] <= 1 for p in where[other_figure])]
            if near:
                who = f"{_who(dream, figures, item.get('init'))} → {_who(dream, figures, item.get('rec'))}"
                out.append({"kind": "relational pattern", "label": f"{kind}: {who}", "source": source,
                            "dream_span": item["span"],
                            "other_spans": [[starts[i], ends[j - 1]] for i, j in near]
                            + [[starts[p], ends[p]] for p in where[other_figure]]})
    return out


def _who(dream: dict[str, Any], figures: dict[str, Any], code: str | None) -> str:
    """One side of an interaction in words: the dreamer, the figure its character code belongs to, or someone (an
    uncertain or unnamed character, HVdC's ``Q``)."""
    if code == "D":
        return "dreamer"
    return next((k for k in figures if code and _code_of(dream, k) == code), "someone")


def _code_of(dream: dict[str, Any], key: str) -> str | None:
    return next((c["code"] for c in dream.get("characters") or [] if _figure_key(c) == key), None)
