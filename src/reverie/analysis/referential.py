"""Referential activity: Bucci's referential process, scored from open resources.

Referential activity (RA) is the degree to which language conveys lived experience in
concrete, specific, sensory and narrative terms (Bucci 1997; Bucci & Maskit 2006).
The default score ``ra`` in [0, 1] is a weighted sum of five components, each
scaled to [0, 1]:

- ``concreteness``: mean Brysbaert rating of the content words, (mean - 2) / 2, clipped;
- ``sensory``: DAAP ``SenS`` sensory and somatic words per 100 words, / 10, clipped;
- ``specificity``: named persons or places (capitalised, not sentence-initial), numbers,
  and times and places ("on Tuesday", "in the kitchen") per 100 words, / 10, clipped;
- ``narrative``: simple past verbs (an irregular list and an ``-ed`` rule that skips
  adjectives after "am/is/feel ..."; "thought" is left to reflection) per 100 words, / 10, clipped;
- ``reflection``: DAAP ``R`` words per 100 words, / 10, clipped; it lowers the score.

``ra = clip(0.35 concreteness + 0.20 sensory + 0.20 specificity + 0.25 narrative
- 0.30 reflection, 0, 1)``. The weights are set by hand, not fitted to rated RA scales.

With the ``wrad`` setting (a user-supplied Weighted Referential Activity Dictionary,
never shipped) the field ``wrad`` is the Bucci-Maskit weighted mean over all words,
unmatched words taking the dictionary's neutral value (0 on a [-1, 1] file, 0.5 on a
[0, 1] file).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import fmean
from typing import Any

from reverie.analysis.abstraction import rated_items
from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Chip, Display, ProgressMarker
from reverie.analysis.lexicons import WeightedDictionary, concreteness, daap, load_wrad
from reverie.analysis.text import Tokens, starts_sentence, tokenize
from reverie.domain import Annotation

WEIGHTS = {"concreteness": 0.35, "sensory": 0.20, "specificity": 0.20, "narrative": 0.25, "reflection": -0.30}
SATURATION = 10.0  # words per 100 at which a density component reaches 1

IRREGULAR_PAST: frozenset[str] = frozenset("""
was were had did went came saw said told took got gave made felt knew found left ran sat stood ate drank
drove fell held heard kept lost met paid brought bought caught taught sent spent slept woke wore wrote spoke
broke began became threw grew forgot hid hung lay led meant rang rode rose sang shook sank swam tore
understood won fought flew froze bit bled blew chose dug drew fed fled forgave hurt laid lent lit sold shot
shone slid sought stole stuck stung struck swore swept swung wept
""".split())

# words ending in -ed that are not past tense verbs
_NOT_PAST = frozenset("""
bed red need seed feed speed shed wed bleed breed proceed succeed exceed indeed hundred sacred naked wicked
wretched kindred rugged ragged crooked beloved weed reed greed deed sled fled embed sped
""".split())

# after these, an -ed word is an adjective or a passive ("I'm tired", "feel scared"), not narrative
_STATIVE = frozenset("""
am is are be been being i'm you're we're they're he's she's it's that's feel feels feeling get gets getting
seem seems so very really too quite more most less
""".split())

_TIME_WORDS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december yesterday tonight today tomorrow morning afternoon evening midnight noon
o'clock weekend christmas easter birthday
""".split())  # "may" left out: it is mostly a verb

_NUMBER_WORDS = frozenset("""
two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
""".split())

_PLACE_PREPS = frozenset("in at on into onto from under near by behind outside inside across through beside".split())
_DETERMINERS = frozenset("the a an my our his her their your this that".split())
_NOT_NAMES = frozenset("i i'm i've i'll i'd god ok okay mum mom dad".split())
_PLACE_CONCRETENESS = 4.0


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def _past_tense(toks: Tokens) -> list[int]:
    words = toks.words
    return [i for i, w in enumerate(words)
            if w in IRREGULAR_PAST
            or (w[-2:] == "ed" and len(w) > 4 and w not in _NOT_PAST and w.isalpha()
                and (i == 0 or words[i - 1] not in _STATIVE))]


_DIGIT_RE = re.compile(r"\d")
_SPECIAL = _TIME_WORDS | _NUMBER_WORDS | _PLACE_PREPS


def _specifics(toks: Tokens) -> list[tuple[int, int]]:
    """Word ranges naming a specific person, place, number or time."""
    words, text, starts = toks.words, toks.text, toks.starts
    cands = [i for i, w in enumerate(words) if w in _SPECIAL]
    capitals = [i for i, s in enumerate(starts) if text[s].isupper()]
    if capitals:
        cands = sorted(set(cands).union(capitals))
    if _DIGIT_RE.search(text):
        cands = sorted(set(cands).union(i for i, w in enumerate(words) if w[0].isdigit()))
    if not cands:
        return []
    norms = concreteness()
    out: list[tuple[int, int]] = []
    n, after = len(words), -1
    for i in cands:
        if i < after:
            continue
        w = words[i]
        if w in _TIME_WORDS or w in _NUMBER_WORDS or w[0].isdigit():
            out.append((i, i + 1))
        elif w in _PLACE_PREPS:
            if i + 1 < n:
                j = i + 2 if words[i + 1] in _DETERMINERS and i + 2 < n else i + 1
                v = norms.value(words[j])
                if v is not None and v >= _PLACE_CONCRETENESS and words[j] not in _DETERMINERS:
                    out.append((i, j + 1))
                    after = j + 1
        elif w not in _NOT_NAMES and not starts_sentence(toks, i):
            out.append((i, i + 1))
    return out


DISPLAY = Display(
    title="Referential activity",
    explanation=("Bucci's referential activity: how concrete, specific, sensory and narrative the client's speech "
                 "is (0 to 1), from open word lists. Higher activity marks speech closer to lived experience; it is "
                 "a marker to read with the text, not a measure of progress by itself."),
    evidence="the sensory, specific, past-tense, reflection and disfluency words behind the score",
    chips=(Chip(lambda a: None if a.get("ra") is None else f"RA {a['ra']:.2f}"),),
    progress=(ProgressMarker("referential_activity", lambda s: s.get("mean_ra"), "referential activity (mean RA)",
                             share=True),),
)


@register
class ReferentialAnalyzer(BaseAnalyzer):
    name = "referential"
    version = "1"
    description = "Bucci's referential activity from open resources (and a user-supplied WRAD file if given)."
    level = "utterance"
    roles = frozenset({"client"})
    display = DISPLAY
    fields = {
        "ra": "referential activity score in [0, 1] (see the formula in docs/analysers/referential.md)",
        "concreteness": "component: mean concreteness of content words, scaled to [0, 1]",
        "sensory": "component: DAAP SenS words per 100 words / 10, clipped to [0, 1]",
        "specificity": "component: specific persons, places, numbers and times per 100 words / 10, clipped",
        "narrative": "component: simple past verbs per 100 words / 10, clipped",
        "reflection": "DAAP R (reflection) words per 100 words",
        "disfluency": "DAAP DF (disfluency) words per 100 words",
        "wrad": "weighted referential activity (WRAD) mean, only with the wrad setting",
        "words": "number of words",
        "terms": "[start, end, 'sensory' | 'specific' | 'past' | 'reflection' | 'disfluency']",
    }
    settings_spec = (
        Setting("wrad", None, "path to a user-supplied WRAD weight file: lines 'word weight'", file=True),
        Setting("min_words", 3, "units with fewer words get empty (None) values"),
        Setting("passages", 5, "how many highest-RA passages to list per session"),
    )

    def __init__(self, **settings: Any):
        super().__init__(**settings)
        path = self.settings.get("wrad")
        self._wrad: WeightedDictionary | None = load_wrad(path) if path else None

    def annotate_one(self, unit: TextUnit) -> Annotation:
        toks = tokenize(unit.text)
        n = len(toks.words)
        if n < max(1, int(self.settings["min_words"])):
            return self.empty(unit)
        words, starts, ends = toks.words, toks.starts, toks.ends
        marks: list[tuple[int, int, str]] = []
        sens = [(i, j, "sensory") for i, j, _ in daap("SenS").matches(words)]
        refl = [(i, j, "reflection") for i, j, _ in daap("R").matches(words)]
        disf = [(i, j, "disfluency") for i, j, _ in daap("DF").matches(words)]
        spec = [(i, j, "specific") for i, j in _specifics(toks)]
        past = [(i, i + 1, "past") for i in _past_tense(toks)]
        marks = sens + spec + past + refl + disf
        rated = [v for _, _, v in rated_items(toks) if v is not None]
        per100 = 100.0 / n
        comp = {
            "concreteness": _clip((sum(rated) / len(rated) - 2.0) / 2.0) if rated else 0.0,
            "sensory": _clip(len(sens) * per100 / SATURATION),
            "specificity": _clip(len(spec) * per100 / SATURATION),
            "narrative": _clip(len(past) * per100 / SATURATION),
            "reflection": _clip(len(refl) * per100 / SATURATION),
        }
        ra = _clip(sum(WEIGHTS[k] * v for k, v in comp.items()))
        values: dict[str, Any] = {
            "ra": round(ra, 3),
            "concreteness": round(comp["concreteness"], 3),
            "sensory": round(comp["sensory"], 3),
            "specificity": round(comp["specificity"], 3),
            "narrative": round(comp["narrative"], 3),
            "reflection": round(len(refl) * per100, 3),
            "disfluency": round(len(disf) * per100, 3),
            "wrad": self._wrad_score(words),
            "words": n,
            "terms": sorted([starts[i], ends[j - 1], label] for i, j, label in marks),
        }
        evidence = sorted({(starts[i], ends[j - 1]) for i, j, label in marks if label != "disfluency"})
        return Annotation(self.name, self.version, unit.id, values, evidence)

    def _wrad_score(self, words: list[str]) -> float | None:
        wd = self._wrad
        if wd is None:
            return None
        weights, neutral = wd.weights, wd.neutral
        return round(sum(weights.get(w, neutral) for w in words) / len(words), 4)

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        """Mean RA per session and its highest-RA passages (unit id, score, text)."""
        summary = Summary()
        top = int(self.settings["passages"])
        for s in sessions:
            text_of = {u.id: u.text for u in s.units}
            scored = [a for a in s.annotations if a.values.get("ra") is not None]
            best = sorted(scored, key=lambda a: -a.values["ra"])[:top]
            wrads = [a.values["wrad"] for a in scored if a.values.get("wrad") is not None]
            summary.sessions[s.session_id] = {
                "mean_ra": round(fmean(a.values["ra"] for a in scored), 3) if scored else None,
                "mean_wrad": round(fmean(wrads), 4) if wrads else None,
                "units": len(scored),
                "passages": [{"unit": a.unit_id, "ra": a.values["ra"], "text": text_of.get(a.unit_id, "")}
                             for a in best],
            }
        summary.case = {"mean_ra": {sid: v["mean_ra"] for sid, v in summary.sessions.items()}}
        return summary
