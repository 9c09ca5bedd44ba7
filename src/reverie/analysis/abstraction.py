"""Abstraction: how concrete or abstract the content words of a unit are.

Each content word (not a function word, not a number) is looked up in the Brysbaert,
Warriner & Kuperman (2014) concreteness norms (1 = abstract, language-based ... 5 =
concrete, experienced through the senses); two-word expressions in the norms ("ice
cream") count as one item. A word is *abstract* when its rating is below
``abstract_cut`` (default 2.5): half a point under the scale's midpoint, so that
words raters split over ("sad" 3.07) are not counted, while "think" (2.41), "idea"
and "efficiency" are; it marks about the lowest 39 % of the 40,000 rated lemmas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Display
from reverie.analysis.lexicons import concreteness
from reverie.analysis.text import Tokens, tokenize
from reverie.domain import Annotation

ABSTRACT_CUT = 2.5

# Function words: pronouns, articles, prepositions, conjunctions, auxiliaries, fillers.
STOPWORDS: frozenset[str] = frozenset("""
a an the and or but if then so because as than that this these those there here what which who whom whose
when where why how all any both each few more most other some such no nor not only own same too very just
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself she her hers
herself it its itself they them their theirs themselves one ones
am is are was were be been being have has had having do does did doing will would shall should can could may
might must ought
of at by for with about against between into through during before after above below to from up down in out
on off over under again further once also yet still even ever really quite rather maybe perhaps well oh ah um
uh mm hmm yeah yes okay ok like just s t don didn doesn isn wasn aren weren won wouldn couldn shouldn
i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've we'll we'd they're they've they'll
they'd that's there's what's who's let's can't don't didn't doesn't isn't wasn't aren't weren't won't
wouldn't couldn't shouldn't haven't hasn't hadn't cannot
never always sometimes often usually nothing something anything everything nobody somebody anybody everybody someone anyone everyone no-one
""".split())

_CONTRACTION_ENDS = ("n't", "'m", "'re", "'ve", "'ll", "'d")


def is_content(word: str) -> bool:
    """True for a normalised word that carries content: not a function word, not a number or contraction."""
    if word in STOPWORDS or not word[0].isalpha():
        return False
    return not word.endswith(_CONTRACTION_ENDS)


_NOT_CONTENT = -1.0
_UNRATED = 0.0
_item_memo: dict[str, float] = {}  # word -> rating, _UNRATED or _NOT_CONTENT; filled as words are met


def _fill_memo(words: list[str]) -> None:
    norms = concreteness()
    for w in set(words).difference(_item_memo):
        if not is_content(w):
            _item_memo[w] = _NOT_CONTENT
        else:
            v = norms.value(w)
            _item_memo[w] = _UNRATED if v is None else v


@cache
def _pair_firsts() -> frozenset[str]:
    """First words of the rated two-word expressions, leaving out those that open with a function word."""
    return concreteness().first_of_pair - STOPWORDS


def rated_items(toks: Tokens) -> list[tuple[int, int, float | None]]:
    """``(first word, end word, rating or None)`` for each content word.

    A rated two-word expression ("ice cream") is one item, unless it opens with a function word ("at home").
    """
    words = toks.words
    _fill_memo(words)
    memo = _item_memo
    norms = concreteness()
    pairs_at: dict[int, float] = {}
    firsts = _pair_firsts()
    if not firsts.isdisjoint(words):
        for i in [i for i, w in enumerate(words[:-1]) if w in firsts]:
            v = norms.pairs.get((words[i], words[i + 1]))
            if v is not None and i - 1 not in pairs_at:
                pairs_at[i] = v
    if not pairs_at:
        return [(i, i + 1, v or None) for i, v in enumerate([memo[w] for w in words]) if v >= 0]
    out: list[tuple[int, int, float | None]] = []
    skip = -1
    for i, w in enumerate(words):
        if i == skip:
            continue
        if i in pairs_at:
            out.append((i, i + 2, pairs_at[i]))
            skip = i + 1
        elif memo[w] >= 0:
            out.append((i, i + 1, memo[w] or None))
    return out


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals)


DISPLAY = Display(
    title="Abstraction",
    explanation=("The mean concreteness of the content words (Brysbaert norms, 1 abstract to 5 concrete) and the "
                 "share of abstract ones: a marker of how much the speaker talks in general terms rather than "
                 "telling what happened."),
    evidence="the abstract content words",
)


@register
class AbstractionAnalyzer(BaseAnalyzer):
    name = "abstraction"
    version = "1"
    description = "Mean concreteness of content words (Brysbaert norms) and the share of abstract ones."
    level = "utterance"
    roles = frozenset({"client", "therapist"})
    display = DISPLAY
    fields = {
        "mean_concreteness": "mean rating (1 abstract .. 5 concrete) of the content words found in the norms",
        "abstract_share": "share of rated content words rated below abstract_cut",
        "coverage": "share of content words found in the norms",
        "content_words": "number of content words",
        "abstract_words": "the abstract words, as written",
    }
    settings_spec = (
        Setting("abstract_cut", ABSTRACT_CUT, "a word rated below this (1..5 scale) counts as abstract"),
        Setting("min_words", 1, "units with fewer words get empty (None) values"),
    )

    def annotate_one(self, unit: TextUnit) -> Annotation:
        toks = tokenize(unit.text)
        if len(toks.words) < max(1, int(self.settings["min_words"])):
            return self.empty(unit)
        cut = float(self.settings["abstract_cut"])
        items = rated_items(toks)
        rated = [(i, j, v) for i, j, v in items if v is not None]
        evidence = [(toks.starts[i], toks.ends[j - 1]) for i, j, v in rated if v < cut]
        values: dict[str, Any] = {
            "mean_concreteness": round(sum(v for _, _, v in rated) / len(rated), 3) if rated else None,
            "abstract_share": round(len(evidence) / len(rated), 3) if rated else None,
            "coverage": round(len(rated) / len(items), 3) if items else None,
            "content_words": len(items),
            "abstract_words": [unit.text[s:e] for s, e in evidence],
        }
        return Annotation(self.name, self.version, unit.id, values, evidence)

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        """Per session and role: mean concreteness and abstract share over units that have them."""
        summary = Summary()
        for s in sessions:
            role_of = {u.id: u.role for u in s.units}
            by_role: dict[str, list[Annotation]] = {}
            for a in s.annotations:
                if a.values.get("mean_concreteness") is not None:
                    by_role.setdefault(role_of.get(a.unit_id, "client"), []).append(a)
            summary.sessions[s.session_id] = {
                role: {
                    "mean_concreteness": round(_mean(a.values["mean_concreteness"] for a in anns), 3),
                    "abstract_share": round(_mean(a.values["abstract_share"] for a in anns), 3),
                    "units": len(anns),
                }
                for role, anns in sorted(by_role.items())
            }
        summary.case = {"client_by_session": {sid: v.get("client") for sid, v in summary.sessions.items()}}
        return summary
