"""The shared word tokenizer: word tokens with character spans, lower-cased, with negation scope.

One compiled regex walks the text once; analysers look the normalised words up in
dicts and sets and point back to the original characters through the spans. The API
is deliberately small:

- :func:`tokenize` (text) -> :class:`Tokens`
- :data:`NEGATORS` and :func:`is_negator`
- :func:`starts_sentence` (tokens, i): is token ``i`` the first of a sentence?

A *word* is a run of letters or digits, with inner apostrophes or hyphens kept
(``don't``, ``mother's``, ``self-critical``); curly apostrophes are normalised to
``'``. Punctuation is not a token, but ``. , ; : ! ? ( ) "`` and dashes end a
negation scope.

Negation scope: a word is *negated* when one of the three words before it, in the
same clause, is a negator (``not``, ``never``, ``no``, any ``...n't``, ``hardly``,
``without`` ...). "I'm not very happy" -> ``happy`` is negated; "No, I'm happy" ->
the comma ends the scope, so ``happy`` is not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

# one capturing group: re.split gives [gap, word, gap, word, ..., gap]
_WORD_RE = re.compile(r"([^\W_]+(?:['’\-][^\W_]+)*)")
# punctuation that ends a clause, and with it a negation scope
_CLAUSE_END_RE = re.compile(r"[.,;:!?()\[\]\"“”…—–]|\s-\s")

NEGATORS: frozenset[str] = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "nowhere", "cannot",
    "hardly", "barely", "scarcely", "seldom", "rarely", "without", "lack", "lacked", "lacking",
    # contractions typed without the apostrophe
    "dont", "didnt", "doesnt", "cant", "couldnt", "wouldnt", "shouldnt", "wont", "isnt", "arent", "wasnt",
    "werent", "havent", "hasnt", "hadnt",
})

SCOPE = 3  # how many words after a negator are negated

_SENTENCE_END = frozenset(".!?\n\"“”")


def is_negator(word: str) -> bool:
    """True for a normalised word that opens a negation scope (``not``, ``never``, ``didn't`` ...)."""
    return word in NEGATORS or word.endswith("n't")


class Tokens:
    """The words of one text: normalised forms and character spans, index-aligned.

    ``words[i]`` is lower-cased with ``’`` as ``'``; ``text[starts[i]:ends[i]]`` is the
    original word; ``negated[i]`` (computed on first use) says whether it lies in a
    negation scope.
    """

    __slots__ = ("text", "words", "starts", "ends", "_negated")

    def __init__(self, text: str, words: list[str], starts: list[int], ends: list[int]):
        self.text = text
        self.words = words
        self.starts = starts
        self.ends = ends
        self._negated: list[bool] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def span(self, i: int, j: int | None = None) -> tuple[int, int]:
        """Character span of word ``i`` or of words ``i`` .. ``j - 1``."""
        return (self.starts[i], self.ends[i if j is None else j - 1])

    def original(self, i: int) -> str:
        """Word ``i`` as written."""
        return self.text[self.starts[i]:self.ends[i]]

    @property
    def negated(self) -> list[bool]:
        """Per word: is one of the (up to) three words before it in the same clause a negator?"""
        if self._negated is None:
            self._negated = _negation(self)
        return self._negated


@lru_cache(maxsize=8192)
def tokenize(text: str) -> Tokens:
    """Split ``text`` into words with character spans (one ``re.split`` pass over the lower-cased text).

    Cached: the analysers of one run each tokenise the same units, so each text is split once.
    """
    if not text:
        return Tokens(text or "", [], [], [])
    low = text.lower().replace("’", "'")
    if len(low) != len(text):  # a few characters change length when lower-cased: map word by word
        ms = list(_WORD_RE.finditer(text))
        return Tokens(text, [m.group().lower().replace("’", "'") for m in ms],
                      [m.start() for m in ms], [m.end() for m in ms])
    parts = _WORD_RE.split(low)
    words = parts[1::2]
    offsets = list(accumulate(map(len, parts)))
    return Tokens(text, words, offsets[0:-1:2], offsets[1::2])


def _negation(toks: Tokens) -> list[bool]:
    words, n = toks.words, len(toks.words)
    flags = [False] * n
    if NEGATORS.isdisjoint(words) and not any(w.endswith("n't") for w in words):
        return flags
    text, starts, ends = toks.text, toks.starts, toks.ends
    for i, w in enumerate(words):
        if w in NEGATORS or w.endswith("n't"):
            for k in range(i + 1, min(i + 1 + SCOPE, n)):
                if _CLAUSE_END_RE.search(text, ends[k - 1], starts[k]) or is_negator(words[k]):
                    break
                flags[k] = True
    return flags


def starts_sentence(tokens: Tokens, i: int) -> bool:
    """True when word ``i`` opens the text, or follows ``.``, ``!``, ``?``, a quote or a line break."""
    if i == 0:
        return True
    gap = tokens.text[tokens.ends[i - 1]:tokens.starts[i]]
    return any(c in _SENTENCE_END for c in gap)
