"""Rule-based Hall & Van de Castle (HVdC) coding of one dream report, every code with its evidence span.

The coder reads the cue words of ``resources/dreams/lexicon.yaml`` and writes codes in HVdC's own
notation, so that a dream coded here and a dream coded by a person feed the same indicator
functions (:mod:`reverie.analysis.dream_indicators`):

- characters ``NSIA`` (number 1/2, sex M F J I, identity, age) or ``1ANI`` / ``1CZZ`` for animals
  and creatures; the dreamer is never a character (HVdC), ``D`` stands for the dreamer in roles;
- aggression, friendliness, sexuality ``{"code": "6>", "init", "rec"}`` (intensity, then direction);
- emotions ``{"code": AN|AP|SD|CO|HA, "char"}``, misfortunes ``{"code": 1-6, "char"}``, good
  fortunes, successes and failures ``{"char"}``, settings ``IF``/``OQ``... and objects by class.

Who does what to whom is read from the clause: the nearest subject before the cue word
(``I``/``we`` is the dreamer, a pronoun or a character mention is that character) and the
nearest object after it (``me``/``us`` is the dreamer). Cues inside a negation scope are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from reverie.analysis.lexicons import PhraseLexicon, resource_yaml
from reverie.analysis.text import Tokens, is_negator, tokenize

DREAMER = "D"
UNKNOWN = "Q"  # a participant the dream names only by a pronoun
_SENTENCE_GAP = re.compile(r"[.!?;\n\"“”]")  # quoted speech starts afresh
_CLAUSE_GAP = re.compile(r"[.!?;:,\n\"“”()]|\s[-–—]+\s")
_PLURAL_WORDS = frozenset({"men", "women", "people", "children", "police", "policemen", "folks", "mice", "sheep",
                           "teeth", "geese", "fish", "deer", "in-laws", "crowd", "group", "army", "gang", "couple",
                           "family", "audience", "everyone", "everybody"})
_OTHERS = frozenset({"his", "her", "their", "your", "its"})  # "his mother" is known to the dreamer, not family
_NEW_MARKERS = frozenset({"another", "other", "second", "third", "different", "new"})
_SUBJECTS_D = frozenset({"i", "we", "i'm", "i've", "i'd", "we're", "we've", "myself"})
_OBJECTS_D = frozenset({"me", "us", "myself", "ourselves"})  # not "my": "my sister" is the sister
_MALE_PRON = frozenset({"he", "him", "his", "he's", "himself"})
_FEMALE_PRON = frozenset({"she", "her", "hers", "she's", "herself"})
_PLURAL_PRON = frozenset({"they", "them", "their", "they're", "themselves"})
_DEFINITE = frozenset({"the", "this", "that"})
_QUOTES = frozenset('"“”')
_RELATIVISERS = frozenset({"that", "who", "whom"})
_AUXILIARIES = frozenset({"was", "were", "had", "have", "would", "could", "did", "do", "then", "just", "also", "still",
                          "'d", "suddenly", "really", "soon", "now", "again", "even", "never", "not", "always"})
_REFLEXIVE = frozenset({"himself", "herself", "themselves"})
_PASSIVE = frozenset({"was", "were", "got", "get", "being", "been", "be", "is", "are", "am"})
_EFFORT = frozenset({"try", "tried", "trying", "tries", "attempt", "attempted", "attempting", "struggled", "struggling",
                     "struggle", "strove", "worked"})
# "wouldn't", "won't" are refusals, not inability; "got" says too little of an outcome to be a success
_FAILED = frozenset({"couldn't", "can't", "cannot", "unable", "didn't", "impossible", "no use", "vain", "failed"})
_SUCCEEDED = frozenset({"finally", "managed", "succeeded", "able", "did", "made"})
_PARTICIPLES = frozenset({"shot", "hit", "hurt", "caught", "beat", "beaten", "bit", "bitten", "stolen", "fought",
                          "held", "kissed", "hugged", "given", "told off", "kicked out", "tied up", "broke into"})
_COLLECTIVES = frozenset({"group", "crowd", "couple", "gang", "bunch", "lot", "audience", "team", "band", "family",
                          "army", "class", "pair", "line", "mob", "herd", "pack", "flock"})
# animal words that are also verbs or things ("fly over", "duck under", "can't bear", "a baseball bat")
_AMBIGUOUS_ANIMALS = frozenset({"fly", "flies", "duck", "ducks", "bear", "bat", "bats", "seal", "bug", "bugs", "fish",
                                "mouse", "crow"})
_NOT_BEFORE_ANIMAL = frozenset({"to", "i", "we", "you", "he", "she", "they", "it", "could", "would", "can", "will",
                                "should", "might", "must", "not", "and", "or", "baseball", "computer", "would've",
                                "i'd", "we'd", "didn't", "couldn't", "can't", "cannot", "don't"})
_PLACE_WORDS = frozenset({"park", "hall", "field", "co", "company", "road", "rd", "lake", "river", "hotel", "store",
                          "building", "center", "centre", "beach", "island", "county", "station", "theater", "theatre",
                          "mountain", "valley", "bay", "hill", "heights", "drive", "lane", "boulevard", "blvd", "ave",
                          "avenue", "street", "st", "inc", "corp", "bank", "bridge", "square", "club", "stadium",
                          "library", "museum", "hospital", "airport", "mall", "academy", "institute", "restaurant",
                          "cafe", "department", "state", "college", "university", "school", "high", "church", "city",
                          "town", "village", "harbor", "lodge", "inn", "court", "plaza", "tower"})
_TITLES = {"mr": "M", "mrs": "F", "ms": "F", "miss": "F", "dr": "I", "aunt": "F", "uncle": "M"}
_FAMILY_IDS = frozenset("FMXBTHWADCIYR")
_CLERGY = frozenset({"father", "sister", "brother", "mother"})  # as titles before a name, capitalised
_KIN_OWNERS = frozenset({"my", "our", "his", "her", "their", "your"})
_KIN_OWN = frozenset({"my", "our"})
_ONE_OF = frozenset("FMHW")  # father, mother, husband, wife: one of each, however named
_PLACE_PREPS = frozenset({"in", "at", "to", "from", "into", "near", "toward", "towards", "of"})
_SCENE_PREPS = frozenset({"in", "at", "into", "inside", "outside", "on", "to", "toward", "towards", "through",
                          "near", "by", "across", "along", "onto", "around", "entered", "enter", "enters", "left",
                          "leave"})


@dataclass
class Lexicon:
    """The cue words, compiled once."""

    characters: PhraseLexicon
    animals: frozenset[str]
    creatures: frozenset[str]
    interactions: dict[str, PhraseLexicon]
    emotions: PhraseLexicon
    misfortunes: PhraseLexicon
    good_fortunes: PhraseLexicon
    successes: PhraseLexicon
    failures: PhraseLexicon
    setting_place: PhraseLexicon
    familiar: frozenset[str]
    unfamiliar: frozenset[str]
    unfamiliar_after: PhraseLexicon
    objects: PhraseLexicon
    not_names: frozenset[str]
    female_names: frozenset[str]
    male_names: frozenset[str]


def _phrases(mapping: Any, label: str | None = None) -> PhraseLexicon:
    lex = PhraseLexicon()
    items = mapping.items() if isinstance(mapping, dict) else ((w, label) for w in mapping)
    for word, value in items:
        lex.add(str(word), str(value if label is None else label))
    return lex


@cache
def lexicon() -> Lexicon:
    """The dream cue lexicon (``resources/dreams/lexicon.yaml``), read on first use."""
    raw: dict[str, Any] = resource_yaml("dreams", "lexicon.yaml")  # type: ignore[assignment]
    emotions = PhraseLexicon()
    for code, words in raw["emotions"].items():
        for w in words:
            emotions.add(w, code)
    objects = PhraseLexicon()
    for code, words in raw["objects"].items():
        for w in words:
            objects.add(w, code)
    places = PhraseLexicon()
    for kind in ("indoor", "outdoor"):
        for w in raw["settings"][kind]:
            places.add(w, kind[0].upper())
    return Lexicon(
        characters=_phrases(raw["characters"]),
        animals=frozenset(raw["animals"]), creatures=frozenset(raw["creatures"]),
        interactions={k: _phrases(raw[k]) for k in ("aggression", "friendliness", "sexuality")},
        emotions=emotions, misfortunes=_phrases(raw["misfortunes"]),
        good_fortunes=_phrases(raw["good_fortunes"], "GF"), successes=_phrases(raw["successes"], "S"),
        failures=_phrases(raw["failures"], "F"), setting_place=places,
        familiar=frozenset(raw["settings"]["familiar"]), unfamiliar=frozenset(raw["settings"]["unfamiliar"]),
        unfamiliar_after=_phrases(raw["settings"]["unfamiliar_after"], "U"),
        objects=objects, not_names=frozenset(raw["not_names"]),
        female_names=frozenset(raw["female_names"]), male_names=frozenset(raw["male_names"]),
    )


@dataclass
class Mention:
    """A character: its HVdC code, where it is first named, and every word position that names it."""

    code: str
    span: tuple[int, int]
    text: str
    positions: list[int] = field(default_factory=list)

    @property
    def sex(self) -> str:
        return self.code[1]


def _code(who: Mention | str | None) -> str | None:
    return who.code if isinstance(who, Mention) else who


def _plural(word: str, sex: str) -> bool:
    return sex == "J" or word in _PLURAL_WORDS or (word.endswith("s") and not word.endswith("ss"))


class _Reader:
    """One pass over one dream: characters first, then everything that needs to know who is who."""

    def __init__(self, text: str):
        self.lex = lexicon()
        self.toks: Tokens = tokenize(text)
        self.text = text
        w = self.toks.words
        self.clause_of = self._segments(_CLAUSE_GAP)
        self.sentence_of = self._segments(_SENTENCE_GAP)
        self.chars: list[Mention] = []
        self.char_at: dict[int, Mention] = {}
        self.words = w

    def _segments(self, gap: re.Pattern[str]) -> list[int]:
        toks, seg, out = self.toks, 0, []
        for i in range(len(toks)):
            if i and gap.search(toks.text, toks.ends[i - 1], toks.starts[i]):
                seg += 1
            out.append(seg)
        return out

    # ----- characters ------------------------------------------------------------------------------------
    def _add(self, key: dict[str, Mention], k: str, code: str, i: int, j: int) -> Mention:
        if k in key:
            m = key[k]
        else:
            m = key[k] = Mention(code, self.toks.span(i, j), self.text[self.toks.starts[i]:self.toks.ends[j - 1]])
            self.chars.append(m)
        for p in range(i, j):
            m.positions.append(p)
            self.char_at[p] = m
        return m

    def characters(self) -> None:
        w, toks, lex = self.words, self.toks, self.lex
        seen: dict[str, Mention] = {}
        named_by_term: set[int] = set()
        for i, j, code in lex.characters.matches(w):
            word = " ".join(w[i:j])
            sex, ident, age = code[0], code[1], code[2]
            before = w[i - 1] if i else ""
            if ident in _FAMILY_IDS and before in _OTHERS | {"someone's", "somebody's"} or (
                    ident in _FAMILY_IDS and before.endswith("'s")):
                if not (before == "your" and self._said_to_dreamer(i)):
                    ident = "K"  # "his mother"; but "your father" said to the dreamer is the dreamer's father
            number = "2" if _plural(w[i], sex) else "1"
            if j < len(w) and self.sentence_of[j] == self.sentence_of[j - 1] and self._is_name(j):
                # "my friend Jane", "my brother Tom": one character (not "my father. Frank ...": two)
                named_by_term.add(j)
                sex = self._name_sex(j, sex)
                if j - i == 1 and w[i] in _CLERGY and toks.original(i)[:1].isupper() and before not in _KIN_OWNERS:
                    ident, age = "K", "A"  # "Father Andrew", "Sister Mary": a known priest or nun, not family
                key = "name:" + w[j].removesuffix("'s")
                self._add(seen, key, f"{number}{sex}{ident}{age}", i, j + 1)
                continue
            group = self._collective_before(i)
            if group is not None:  # "a group of girls": one character, the group, of the girls' sex and kind
                group.code = f"2{sex}{ident}{age}"
                for p in range(i, j):
                    group.positions.append(p)
                    self.char_at[p] = group
                continue
            fresh = before in _NEW_MARKERS
            if ident in "SU" and number == "1" and before in _DEFINITE and f"{word}#0" not in seen:
                earlier = self._last_char(i, frozenset("MFI") if sex == "I" else frozenset((sex, "I")), plural=False)
                if earlier is not None and earlier.code[1:] not in ("ANI", "CZZ"):
                    # "someone … the man", "a woman … the lady": the one already there, not a new character
                    for p in range(i, j):
                        earlier.positions.append(p)
                        self.char_at[p] = earlier
                    continue
            key = f"{word}#{sum(1 for k in seen if k.startswith(word + '#'))}" if fresh else f"{word}#0"
            if ident in _ONE_OF and number == "1" and not fresh and (
                    before in _KIN_OWN or (toks.original(i)[:1].isupper() and before not in _KIN_OWNERS)):
                key = "kin:" + ident  # "my father … my dad", "my father … Dad": the dreamer has one father
            self._add(seen, key, f"{number}{sex}{ident}{age}", i, j)
        for i, word in enumerate(w):
            if i in self.char_at or i in named_by_term:
                continue
            if word in _AMBIGUOUS_ANIMALS and (not i or w[i - 1] in _NOT_BEFORE_ANIMAL):
                continue  # a verb or a thing here, not an animal
            if word in lex.animals:
                self._add(seen, "animal:" + word.rstrip("s"), f"{'2' if word.endswith('s') else '1'}ANI", i, i + 1)
            elif word in lex.creatures:
                self._add(seen, "creature:" + word.rstrip("s"), f"{'2' if word.endswith('s') and word != 'satan' else '1'}CZZ",
                          i, i + 1)
            elif self._is_name(i):
                first = self.char_at.get(i - 1) if i else None
                if first is not None and self.sentence_of[i - 1] == self.sentence_of[i] and \
                        toks.original(i - 1)[:1].isupper() and first.code[1:] not in ("ANI", "CZZ") and \
                        not self.text[toks.ends[i - 1]:toks.starts[i]].strip():
                    # "Paul Robeson", "my sister Gladys Brown": the surname of the person just named
                    first.positions.append(i)
                    self.char_at[i] = first
                    seen.setdefault("name:" + word.removesuffix("'s"), first)  # "… Berle" alone later: the same
                    continue
                base = word.removesuffix("'s")
                title = _TITLES.get(w[i - 1]) if i else None
                sex = title if title and title != "I" else self._name_sex(i, "I")
                ident = "O" if i and w[i - 1] == "dr" else ("R" if i and w[i - 1] in {"aunt", "uncle"} else "K")
                self._add(seen, "name:" + base, f"1{sex}{ident}A", i, i + 1)

    def _said_to_dreamer(self, i: int) -> bool:
        """Word ``i`` is inside quoted speech that someone other than the dreamer says (``Mom said, "your
        father …"``; not ``I say, "… your mother?"``): its "you" is the dreamer."""
        text, start = self.text, self.toks.starts[i]
        quotes = [k for k in range(start) if text[k] in _QUOTES]
        if len(quotes) % 2 == 0:
            return False
        opening = quotes[-1]
        closing = next((k for k in range(start, len(text)) if text[k] in _QUOTES), len(text))
        before = re.split(r"[.!?\n]", text[:opening])[-1]
        speaker = before if before.strip() else re.split(r"[.!?\n]", text[closing + 1:])[0]  # "…," I said
        return re.search(r"\b(i|we)\b", speaker, re.I) is None

    def _collective_before(self, i: int) -> Mention | None:
        """The group character of "a group of" / "a crowd of" right before word ``i``, if any."""
        if i < 2 or self.words[i - 1] != "of" or self.words[i - 2] not in _COLLECTIVES:
            return None
        m = self.char_at.get(i - 2)
        if m is None or m.code[0] not in "24":
            return None
        return m

    def _is_name(self, i: int) -> bool:
        toks, w, lex = self.toks, self.words, self.lex
        orig = toks.original(i)
        base = w[i].removesuffix("'s")
        if not orig[:1].isupper() or base in lex.not_names or len(base) < 2 or not base.isalpha():
            return False
        if orig.isupper() and len(orig) > 2:  # shouting or an acronym, not a name
            return False
        nxt = toks.original(i + 1) if i + 1 < len(w) else ""
        if nxt[:1].isupper() and w[i + 1] in _PLACE_WORDS:
            return False  # "Marshall Field", "Euclid Park": the name of a place
        if self._known_name(i):
            return True
        if self.sentence_of[i] != (self.sentence_of[i - 1] if i else -1):  # sentence start: only known names
            return False
        if i and w[i - 1] in _PLACE_PREPS:
            return False
        if i and toks.original(i - 1)[:1].isupper() and w[i - 1] not in _TITLES.keys() | _CLERGY and \
                self.sentence_of[i - 1] == self.sentence_of[i] and not self._known_name(i - 1):
            return False  # the second word of a proper name that is not a person's: "Haydn Hall"
        return not nxt[:1].isupper()

    def _known_name(self, i: int) -> bool:
        base = self.words[i].removesuffix("'s")
        return base in self.lex.female_names or base in self.lex.male_names

    def _name_sex(self, i: int, default: str) -> str:
        base = self.words[i].removesuffix("'s")
        if base in self.lex.female_names and base not in self.lex.male_names:
            return "F"
        if base in self.lex.male_names and base not in self.lex.female_names:
            return "M"
        for word in self.words[i + 1:i + 14]:
            if word in _MALE_PRON:
                return "M"
            if word in _FEMALE_PRON:
                return "F"
        return default

    # ----- who -------------------------------------------------------------------------------------------
    def _last_char(self, before: int, sexes: frozenset[str] | None = None, plural: bool | None = None,
                   other_than: Mention | None = None) -> Mention | None:
        for p in range(before - 1, -1, -1):
            m = self.char_at.get(p)
            if m is not None and m is not other_than and (sexes is None or m.sex in sexes) and (
                    plural is None or (m.code[0] in "246") == plural):
                return m
        return None

    def _who(self, p: int, other_than: Mention | None = None) -> Mention | str | None:
        """The character (or ``D``) that the word at ``p`` names, if any; a pronoun never names ``other_than``
        (the clause's subject: in "a man punched him", "him" is someone else)."""
        word = self.words[p]
        if word in _SUBJECTS_D or word in _OBJECTS_D:
            return DREAMER
        if p in self.char_at:
            return self.char_at[p]
        if word in _MALE_PRON:
            return self._last_char(p, frozenset("M"), False, other_than) or self._last_char(p, frozenset("MI"), None,
                                                                                            other_than)
        if word in _FEMALE_PRON:
            return self._last_char(p, frozenset("F"), False, other_than) or self._last_char(p, frozenset("FI"), None,
                                                                                            other_than)
        if word in _PLURAL_PRON:
            return self._last_char(p, plural=True, other_than=other_than) or self._last_char(p, other_than=other_than)
        return None

    def _subject(self, i: int) -> Mention | str | None:
        """The nearest participant before word ``i`` in its clause."""
        clause = self.clause_of[i]
        for p in range(i - 1, max(-1, i - 9), -1):
            if self.clause_of[p] != clause and self.sentence_of[p] != self.sentence_of[i]:
                break
            who = self._who(p)
            if who is not None:
                return self._relative_head(p, i) or who
            if self.words[p] in _MALE_PRON | _FEMALE_PRON | _PLURAL_PRON:
                return UNKNOWN  # "he" with no one named before: someone unknown, not the "I" further back
        return None

    def _relative_head(self, p: int, i: int) -> Mention | None:
        """The character a relative clause hangs on, when the dreamer at ``p`` is only that clause's subject:
        in "a man (that) I didn't know shouted at me" the man shouts; not in "a man I shouted at"."""
        w = self.words
        if w[p] not in ("i", "we"):
            return None
        h = p - 2 if p >= 2 and w[p - 1] in _RELATIVISERS else p - 1
        head = self.char_at.get(h) if h >= 0 else None
        if head is None or self.clause_of[h] != self.clause_of[p]:
            return None
        between = w[p + 1:i]
        if not any(x not in _AUXILIARIES and not x.endswith("ly") for x in between):
            return None  # the cue is the relative clause's own verb, or only an adverb comes between
        return head

    def _object(self, j: int, subject: Mention | str | None = None) -> Mention | str | None:
        """The nearest participant after the cue (ending at word ``j``) in its clause, other than its subject."""
        other = subject if isinstance(subject, Mention) else None
        for p in range(j, min(len(self.words), j + 6)):
            if p > j and self.clause_of[p] != self.clause_of[j - 1]:
                break
            who = self._who(p, other if self.words[p] not in _REFLEXIVE else None)
            if who is not None:
                return who
        return None

    def subject(self, i: int) -> str | None:
        """The code (or ``D``) of the nearest participant before word ``i`` in its clause."""
        return _code(self._subject(i))

    def owner(self, i: int) -> str:
        """Whose feeling, misfortune or success: the clause's subject, else the dreamer."""
        return self.subject(i) or DREAMER

    # ----- codes -----------------------------------------------------------------------------------------
    def _cues(self, lex: PhraseLexicon) -> list[tuple[int, int, str]]:
        neg = self.toks.negated
        return [(i, j, lab) for i, j, lab in lex.matches(self.words) if not neg[i] or self._negates_relative(i)]

    def _negates_relative(self, i: int) -> bool:
        """The negation before word ``i`` belongs to a relative clause in between: "a man I didn't know yelled at
        me" (the man did yell), not "a man I knew didn't yell"."""
        w = self.words
        for p in range(i - 1, max(-1, i - 9), -1):
            if w[p] in ("i", "we"):
                if self._relative_head(p, i) is None:
                    return False
                negators = [k for k in range(p + 1, i) if is_negator(w[k])]
                return bool(negators) and any(x not in _AUXILIARIES and not x.endswith("ly")
                                              for x in w[negators[-1] + 1:i])
        return False

    def item(self, i: int, j: int, **values: Any) -> dict[str, Any]:
        s, e = self.toks.span(i, j)
        return {**values, "span": [s, e], "text": self.text[s:e]}

    def _passive(self, i: int, j: int) -> bool:
        """``was chased``, ``got hit``, ``was completely ignored``: a participle after a form of be/get."""
        w = self.words
        participle = w[j - 1] if j - i == 1 else w[i]
        if participle.endswith("ing") or not (participle.endswith(("ed", "en")) or participle in _PARTICIPLES):
            return False
        return any(p >= 0 and w[p] in _PASSIVE for p in (i - 1, i - 2))

    def interactions(self, kind: str) -> list[dict[str, Any]]:
        out = []
        for i, j, intensity in self._cues(self.lex.interactions[kind]):
            passive = self._passive(i, j)
            who = self._subject(i)
            subj, obj = _code(who), _code(self._object(j, who))
            init, rec = (obj, subj) if passive else (subj, obj)
            if passive and init is None:
                init = "Q"
            if init is None and rec is None:
                continue  # no participant in the clause: not an interaction between characters
            if rec is None and kind == "aggression" and str(intensity) in "5678":
                continue  # a physical attack needs someone it is done to ("I pushed the curtain")
            if init == rec:
                out.append(self.item(i, j, code=f"{intensity}*", init=init, rec=None))
                continue
            out.append(self.item(i, j, code=f"{intensity}>", init=init or "Q", rec=rec or "Q"))
        return out

    def owned(self, lex: PhraseLexicon, with_code: bool = True) -> list[dict[str, Any]]:
        out = []
        for i, j, code in self._cues(lex):
            values = {"code": code} if with_code else {}
            out.append(self.item(i, j, **values, char=self.owner(i)))
        return out

    def efforts(self, lex: PhraseLexicon, outcome: frozenset[str]) -> list[dict[str, Any]]:
        """Lexicon cues, plus an outcome word in a sentence that tells of an effort ("I tried ... but couldn't")."""
        out = self.owned(lex, with_code=False)
        taken = {tuple(i["span"]) for i in out}
        w = self.words
        effort_sentences = {self.sentence_of[i] for i, word in enumerate(w) if word in _EFFORT}
        for i, word in enumerate(w):
            if word in outcome and self.sentence_of[i] in effort_sentences and not any(
                    s <= self.toks.starts[i] < e for s, e in taken):
                out.append(self.item(i, i + 1, char=self.owner(i)))
                effort_sentences.discard(self.sentence_of[i])
        return out

    def settings(self) -> list[dict[str, Any]]:
        """At most one indoor and one outdoor setting: a second room, hall or kitchen is mostly a part of the
        same building (HVdC codes a setting per scene, not per place word)."""
        out, seen = [], set()
        w = self.words
        for i, j, io in self.lex.setting_place.matches(w):
            word = " ".join(w[i:j])
            after_prep = i and any(w[max(0, i - k)] in _SCENE_PREPS for k in (1, 2, 3))
            if word in seen or io in {o["code"][0] for o in out} or not after_prep:
                continue
            if word in {"inside", "outside", "indoors", "outdoors", "upstairs", "downstairs"} and out:
                continue
            seen.add(word)
            near = set(w[max(0, i - 3):i])
            fam = "U" if near & self.lex.unfamiliar or self._unknown_after(j, i) else (
                "F" if near & self.lex.familiar or word == "home" else "Q")
            out.append(self.item(i, j, code=io + fam))
        return out

    def _unknown_after(self, j: int, i: int) -> bool:
        """The place (ending at word ``j``) is followed by the dreamer saying they did not know it: "a house (that)
        I had never seen", "a town I didn't recognise"."""
        w = self.words
        k = j + 1 if j < len(w) and w[j] in ("that", "which", "where") else j
        if k >= len(w) or self.sentence_of[k] != self.sentence_of[i]:
            return False
        return any(start == 0 for start, _end, _code in self.lex.unfamiliar_after.matches(w[k:k + 5]))

    def objects(self) -> list[dict[str, Any]]:
        out, seen = [], set()
        for i, j, code in self.lex.objects.matches(self.words):
            if i in self.char_at:
                continue
            word = " ".join(self.words[i:j])
            if word not in seen:
                seen.add(word)
                out.append(self.item(i, j, code=code))
        return out


def code_dream(text: str) -> dict[str, Any]:
    """Every HVdC code the rules find in ``text``: lists of items, each with ``span`` and ``text``."""
    r = _Reader(text)
    r.characters()
    lex = r.lex
    return {
        "characters": [{"code": m.code, "span": list(m.span), "text": m.text} for m in r.chars],
        "aggression": r.interactions("aggression"),
        "friendliness": r.interactions("friendliness"),
        "sexuality": r.interactions("sexuality"),
        "emotions": r.owned(lex.emotions),
        "misfortunes": r.owned(lex.misfortunes),
        "good_fortunes": r.owned(lex.good_fortunes, with_code=False),
        "successes": r.efforts(lex.successes, _SUCCEEDED),
        "failures": r.efforts(lex.failures, _FAILED),
        "settings": r.settings(),
        "objects": r.objects(),
    }
