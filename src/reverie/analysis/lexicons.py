"""Lazy, cached loading of the word lists and norms shipped in ``reverie/resources``.

Nothing is read at import; each loader reads its file on first call and keeps the
result (``functools.cache``). See ``resources/README.md`` for sources and licences.

- :func:`daap` (name) -> :class:`PhraseLexicon` for one DAAP09.6 dictionary (``R``, ``SenS``, ``DF`` ...)
- :func:`affect_lexicon` () -> one :class:`PhraseLexicon` labelled ``AP`` / ``AN`` / ``AZ``
- :func:`concreteness` () -> :class:`Norms` (Brysbaert et al. 2014, 1 = abstract .. 5 = concrete)
- :func:`load_wrad` (path) -> :class:`WeightedDictionary` (a user-supplied WRAD file; never shipped)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

from reverie.errors import InputError, ModelError

DAAP_NAMES = ("AN", "AP", "AZ", "R", "SenS", "DF", "Neg")
_ENTRY_SPLIT = re.compile(r"[_\-/ ]+")


def _resource(*parts: str):
    path = files("reverie").joinpath("resources", *parts)
    if not path.is_file():
        raise ModelError(f"bundled resource resources/{'/'.join(parts)} is missing",
                         hint="reinstall reverie, or run scripts/build_resources.py in a source checkout")
    return path


def resource_yaml(*parts: str) -> object:
    """A bundled YAML resource, parsed; a missing or unreadable file is a ``ModelError`` naming it."""
    import yaml
    try:
        return yaml.safe_load(_resource(*parts).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ModelError(f"bundled resource resources/{'/'.join(parts)} cannot be read: {exc}",
                         hint="reinstall reverie") from exc


@dataclass
class PhraseLexicon:
    """Words and multi-word entries, each with a label; matched greedily, longest entry first.

    ``single`` maps a normalised word to its label; ``phrases`` maps a first word to
    ``(following words, label)`` pairs, longest first. DAAP writes multi-word entries
    with ``_`` (``broken_up``); they match both ``broken up`` and ``broken-up``.
    """

    single: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    _keys: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def add(self, entry: str, label: str) -> None:
        self._keys = None
        entry = entry.strip().lower()
        if not entry or entry.startswith("#"):
            return
        parts = [p for p in _ENTRY_SPLIT.split(entry) if p]
        if len(parts) == 1:
            self.single.setdefault(parts[0], label)
            return
        self.single.setdefault("-".join(parts), label)
        self.phrases.setdefault(parts[0], []).append((tuple(parts[1:]), label))
        self.phrases[parts[0]].sort(key=lambda p: -len(p[0]))

    def label(self, word: str) -> str | None:
        """The label of one normalised word (``mother's`` falls back to ``mother``)."""
        lab = self.single.get(word)
        if lab is None and word.endswith("'s"):
            lab = self.single.get(word[:-2])
        return lab

    def matches(self, words: list[str]) -> list[tuple[int, int, str]]:
        """``(first word, end word (exclusive), label)`` for every entry found, left to right, no overlaps.

        Words are matched exactly (no possessive fallback here: the DAAP lists hold inflected forms).
        """
        keys = self._keys
        if keys is None:
            keys = self._keys = frozenset(self.single).union(self.phrases)
        if keys.isdisjoint(words):
            return []
        out: list[tuple[int, int, str]] = []
        single, phrases = self.single, self.phrases
        after = -1
        for i in [i for i, w in enumerate(words) if w in keys]:
            if i < after:
                continue
            w = words[i]
            hit = _phrase_at(words, i, phrases[w]) if w in phrases else None
            if hit is not None:
                out.append(hit)
                after = hit[1]
                continue
            lab = single.get(w)
            if lab is not None:
                out.append((i, i + 1, lab))
        return out


def _phrase_at(words: list[str], i: int, cands: list[tuple[tuple[str, ...], str]]) -> tuple[int, int, str] | None:
    for rest, lab in cands:  # longest first
        if tuple(words[i + 1:i + 1 + len(rest)]) == rest:
            return (i, i + 1 + len(rest), lab)
    return None


def _read_lines(*parts: str) -> list[str]:
    return _resource(*parts).read_text(encoding="utf-8").splitlines()


@cache
def daap(name: str) -> PhraseLexicon:
    """One DAAP09.6 dictionary, every entry labelled with the dictionary's name."""
    if name not in DAAP_NAMES:
        raise InputError(f"no DAAP dictionary named '{name}'", hint=f"known: {', '.join(DAAP_NAMES)}")
    lex = PhraseLexicon()
    for line in _read_lines("daap", name):
        lex.add(line, name)
    return lex


@cache
def affect_lexicon() -> PhraseLexicon:
    """DAAP affect words labelled ``AP`` (positive), ``AN`` (negative), ``AZ`` (non-valenced).

    A word in a valenced list and in AZ keeps its valence (AP and AN are read first).
    """
    lex = PhraseLexicon()
    for name in ("AP", "AN", "AZ"):
        for line in _read_lines("daap", name):
            lex.add(line, name)
    return lex


_MISSING = -1.0


class Norms:
    """Concreteness norms: ``value(word)`` in 1..5 or ``None``, ``pair(w1, w2)`` for two-word expressions.

    Brysbaert's norms hold lemmas, so a word not found is retried without a common
    inflection (``walked`` -> ``walk``, ``worries`` -> ``worry``, ``running`` -> ``run``) and
    without accents (``café`` -> ``cafe``);
    every answer is memoised, so a repeated word costs one dict lookup.
    """

    def __init__(self, words: dict[str, float], pairs: dict[tuple[str, str], float]):
        self.words = words
        self.pairs = pairs
        self.first_of_pair = frozenset(a for a, _ in pairs)
        self._memo: dict[str, float] = {}

    def value(self, word: str) -> float | None:
        v = self._memo.get(word)
        if v is None:
            v = self._lookup(word)
            self._memo[word] = _MISSING if v is None else v
            return v
        return None if v == _MISSING else v

    def pair(self, first: str, second: str) -> float | None:
        if first not in self.first_of_pair:
            return None
        return self.pairs.get((first, second))

    def _lookup(self, w: str) -> float | None:
        words = self.words
        if w in words:
            return words[w]
        if not w.isascii():  # the norms are written without accents: café -> cafe, naïve -> naive
            folded = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
            if folded != w:
                return self._lookup(folded)
        for cand in _lemma_candidates(w):
            if cand in words:
                return words[cand]
        return None


def _lemma_candidates(w: str) -> list[str]:
    out: list[str] = []
    if w.endswith("'s"):
        w = w[:-2]
        out.append(w)
    if len(w) > 4 and w.endswith("ies"):
        out.append(w[:-3] + "y")
    if len(w) > 4 and w.endswith("ves"):
        out += [w[:-3] + "f", w[:-3] + "fe"]
    if len(w) > 3 and w.endswith("es"):
        out.append(w[:-2])
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        out.append(w[:-1])
    if len(w) > 4 and w.endswith("ied"):
        out.append(w[:-3] + "y")
    for suffix in ("ed", "ing"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            stem = w[:-len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                out.append(stem[:-1])
    return out


@cache
def concreteness() -> Norms:
    """Brysbaert et al. (2014) concreteness norms from ``resources/concreteness.tsv``."""
    words: dict[str, float] = {}
    pairs: dict[tuple[str, str], float] = {}
    for line in _read_lines("concreteness.tsv"):
        if not line or line.startswith("#"):
            continue
        word, _, value = line.partition("\t")
        parts = word.split(" ")
        if len(parts) == 1:
            words[word] = float(value)
        elif len(parts) == 2:
            pairs[(parts[0], parts[1])] = float(value)
    return Norms(words, pairs)


@dataclass(frozen=True)
class WeightedDictionary:
    """A user-supplied weighted dictionary (e.g. Bucci & Maskit's WRAD): word -> weight.

    ``neutral`` is the value an unmatched word contributes: 0 for a file on the
    [-1, 1] scale (any negative weight), 0.5 for a file on the [0, 1] scale.
    """

    path: str
    weights: dict[str, float]
    neutral: float


def load_wrad(path: str | Path) -> WeightedDictionary:
    """Read ``word weight`` lines (``#`` comments and blank lines allowed); cached per file and mtime."""
    p = Path(path).expanduser()
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise InputError(f"WRAD file '{p}' cannot be read: {exc.strerror}",
                         hint="pass the path of a text file with one 'word weight' pair a line") from exc
    return _load_wrad(str(p.resolve()), mtime)


@cache
def _load_wrad(path: str, mtime: float) -> WeightedDictionary:
    weights: dict[str, float] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"WRAD file '{path}' cannot be read: {exc}", hint="save it as UTF-8 text") from exc
    hint = "each line must be 'word weight' with a weight between -1 and 1 (or 0 and 1)"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise InputError(f"WRAD file '{path}', line {number}: expected 'word weight', got {line!r}", hint=hint)
        try:
            weight = float(parts[1])
        except ValueError:
            raise InputError(f"WRAD file '{path}', line {number}: weight {parts[1]!r} is not a number",
                             hint=hint) from None
        if not -1.0 <= weight <= 1.0:
            raise InputError(f"WRAD file '{path}', line {number}: weight {weight} is outside [-1, 1]", hint=hint)
        weights[parts[0].lower().replace("’", "'")] = weight
    if not weights:
        raise InputError(f"WRAD file '{path}' holds no 'word weight' lines", hint=hint)
    neutral = 0.0 if min(weights.values()) < 0 else 0.5
    return WeightedDictionary(path, weights, neutral)
