"""The ``relational`` analyser: relationship episodes and their CCRT components (Luborsky).

A relationship episode is a narrative of an interaction with a specific other. In
each client turn or journal entry the analyser finds the figures (kinship and role
words, names, "you" when the client speaks to the therapist), decides whose clause
each phrase sits in (the nearest subject before it: "I", a figure, or a pronoun
resolved by gender to the last figure that fits), and codes the Wish (what follows
"I wanted / needed / hoped"), the Response of the Other (a phrase in a figure's
clause) and the Response of Self (a phrase in the client's own clause, or a feeling
after "felt") in the edition-3 clusters of ``relational_lexicon``. The episode's
object is the figure that acts in it most. A turn is an episode when it names a
figure and codes a response of the other, or at least two components. Every
component carries its span: these are markers to look at, never findings.
The case formulation (pervasiveness, the CCRT, replays) is in ``relational_case``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

from reverie.analysis import relational_lexicon as lex
from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Chip, Display, Panel
from reverie.analysis.relational_clauses import CLAUSE_BREAK as _CLAUSE_BREAK
from reverie.analysis.relational_clauses import SENTENCE as _SENTENCE
from reverie.analysis.relational_clauses import clauses as _clauses
from reverie.analysis.relational_clauses import classified_with_spares as _classified
from reverie.analysis.relational_clauses import component as _component
from reverie.analysis.transference import find_references
from reverie.domain import Annotation

_I = re.IGNORECASE
_FIGURES = [(obj, re.compile(rf"\b(?:{pat})\b", _I), gender) for obj, pat, gender in lex.FIGURES]
_FEMALE = re.compile(rf"^(?:{lex.FEMALE_WORDS})$", _I)
_MALE = re.compile(rf"^(?:{lex.MALE_WORDS})$", _I)
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:'s)?\b")
# a contracted subject is still the subject ("he'd go quiet", "she's been on at me", "I've")
_SUBJECT = re.compile(r"\b(I|he|she|they|you|we|it|this|that)\b", _I)
MODERATE = 0.25  # a component this probable counts towards an episode when it is not the only one
ACTS = 0.2  # a named figure whose clause reads at least this much as one response acts in the story (v6)
_PARTS = ("wish", "response_of_other", "response_of_self")
# Where a turn moves on to another interaction: a sentence that opens with a move in time or place, or "and then"
_TRANSITION = re.compile(
    r"(?:(?<=[.!?])\s+|\n)(?P<cut>(?:and\s+|but\s+)?(?:then|later|after(?:wards| that)|the next (?:day|morning|week)"
    r"|that (?:evening|night|afternoon)|at work|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|meanwhile"
    r"|when I got (?:home|back|in|to work)|it was the same (?:with|at)|same (?:thing )?with)\b)"
    r"|,?\s+(?P<cut2>and then|and later|and the next day)\b", _I)
_WISH = re.compile(lex.WISH_VERB, _I)
_NEGATION = re.compile(lex.NEGATION, _I)
_FELT = re.compile(r"\b(?:felt|feel|feels|feeling|was|am|'m|got|get|left me|made me)\s+(?:\w+\s+){0,3}$", _I)
_NAME_VERB = re.compile(r"(?:'s)?\s+(?:[a-z]+(?<=[a-z]{3})(?:ed|[^s']s)\b|said|asked|told|came|was|is|kept|always|never|just|had|has|and|didn't|would|sat"
                       r"|drove|went|got|made|met|forgot|laughed|rang|called|texted|emailed|says|thinks|wants|sent|took|gave|put"
                       r"|did|does|won't|wouldn't|can't|couldn't|never|always|just|told|left|knew|thought)\b")
# Words that open a sentence whose subject is left out ("Never visits.", "Still asks for money."): never a name
_OPENING_WORD = re.compile(r"(?:never|just|still|always|only|even|also|said|told|went|came|took|gave|got|rang|made"
                           r"|sat|kept|knew|left|put|lent|brought|thought|felt|slept|sent|lost|phoned|called|rings"
                           r"|visits|asks|says|wants|keeps|goes|comes)$", _I)
_YOU_ACTS = re.compile(  # "you" that addresses the therapist: what you did or are doing, a wish aimed at you
    r"\byou(?:'ve|'d| have| had)?\s+(?:just\s+|really\s+|never\s+|always\s+|even\s+|kind of\s+)?"
    r"(?:said|told|didn't|did|were|was|had|helped|let|looked|seemed|sent|cancell?ed|asked|wanted|thought|listened"
    r"|went|left|forgot|glanced|moved|changed|stopped|smiled|laughed|sighed|frowned|nodded|paused|interrupted"
    r"|mentioned|suggested|raised|wrote|yawned|checked|ended|kept|remembered|noticed|waited|gave|made|ignored"
    r"|understood|took|brushed|pushed|rushed|cut|hugged|welcomed|believed|judged|challenged|weren't|wasn't)\b"
    r"|\byou(?:'re| are| were| seem| look)\s+(?:\w+\s+)?(?:disappointed|bored|annoyed|cross|angry|tired|fed up|sick of"
    r"|judging|going to|away|leaving|busy|impatient|frustrated|pleased|right|wrong)\b"
    r"|\bI\s+(?:\w+\s+)?(?:wanted|needed|want|need|wished|hoped)\s+you\b|\b(?:with|to|from|at) you\b(?!\s+know)"
    r"|\bin here\b|\bthis room\b|\blast session\b", _I)
_GENERIC_YOU = re.compile(r"\byou(?=\s+(?:know|see|can|could|have to|never know|get used)\b|'d think)", _I)
_OTHERS_KIN = re.compile(r"(?:\b(?:his|her|their|other|someone's|somebody's|everyone's)\s+(?:(?!my\b|our\b)\w+\s+)?"
                         r"|\b(?!(?:it|that|there|here|what|who|he|she|where|how|let)'s)\w+'s\s+|\w+s'\s+)$", _I)
_SELF_CUE = re.compile(r"\bmyself\b|voice in my head|something in me|part of me|\bmy own\b|inner critic", _I)
# The part of the client that acts as another in the story ("part of me says you're useless"): its clauses are the
# self's responses as an object (a response of other, as CCRT codes the self as object)
_SELF_SUBJECT = re.compile(r"\bpart of me\b|\b(?:a|the|this|that) (?:little |nagging |critical )?voice\b"
                           r"(?: in (?:my head|me))?|\bsomething in me\b|\b(?:my|the) inner critic\b", _I)
_HOME = re.compile(lex.HOME_CUES, _I)
_WORK = re.compile(lex.WORK_CUES, _I)
_FRIEND = re.compile(lex.FRIEND_CUES, _I)
_ROLE_WORDS = "|".join(p for _, p, _ in lex.FIGURES) + "|partner"
_ROLE = rf"(?i:(?P<role>{_ROLE_WORDS}))\b(?!['\u2019]s)"  # a role word, never someone's ("my wife's sister")
_MY = r"(?:[Mm]y|[Oo]ur|[Tt]he)\s+(?:(?i:old|new|eldest|youngest|little|big|older|younger|best|oldest)\s+)?"
_FILLER = r"(?:(?:er|um|erm|uh),?\s+)?"
_INTRO = (
    re.compile(rf"\b(?P<name>[A-Z][a-z]{{2,}})(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?[,.]\s*(?:[Ss]he|[Hh]e)(?:'s|\s+is|\s+was)\s+"
               rf"(?:my|the|our)\s+{_ROLE}"),
    # "my brother Keith", "The wife, er, Jean", "Workmate, Dave." (a role word opening a sentence)
    re.compile(rf"\b(?:{_MY})?{_ROLE},?\s+{_FILLER}(?P<name>[A-Z][a-z]{{2,}})\b"),
    # "Ian, my line manager", "Tom, a friend from uni"
    re.compile(rf"\b(?P<name>[A-Z][a-z]{{2,}}),\s+(?:my|our|the|a|an)\s+(?:\w+\s+)?{_ROLE}"),
    re.compile(rf"\b{_ROLE}\s+of\s+(?i:mine|ours),?\s+(?P<name>[A-Z][a-z]{{2,}})\b"),
    re.compile(rf"\b(?P<name>[A-Z][a-z]{{2,}})(?:'s|\s+is|\s+was|\s+has|\s+had)(?:\s+been)?\s+(?:my|our)\s+"
               rf"(?:\w+\s+)?{_ROLE}"),
)
# "Pete next door", "Colin from upstairs": a neighbour
_NEIGHBOUR = re.compile(r"\b(?P<name>[A-Z][a-z]{2,})\s+(?:from\s+)?(?:next door|upstairs|downstairs|across the road)\b")
# "Sandra's my wife's sister": a relative of someone else's is another person
_OTHERS_RELATIVE = re.compile(rf"\b(?P<name>[A-Z][a-z]{{2,}})(?:'s|\s+is|\s+was)\s+(?:my|our)\s+\w+['\u2019]s\s+"
                              rf"(?:\w+\s+)?(?i:{_ROLE_WORDS})\b")
# "a woman called Helen who runs our department", "Sam, who I've known since school": a role phrase just after
_INTRO_PHRASE = re.compile(r"\b(?P<name>[A-Z][a-z]{2,})(?:,\s*|\s+)(?:who|whom|that|\(|she|he|-)\s*"
                           r"(?P<rest>[^.;!?)]{0,70})")
_ROLE_PHRASES = [(obj, re.compile(rf"\b(?:{pat})", _I)) for obj, pat in lex.ROLE_PHRASES]
_VOCATIVE = re.compile(r"\b(?:[Tt]hank you|[Tt]hanks|[Ll]ook|[Ss]orry|[Ll]isten|[Hh]onestly|[Yy]es|[Nn]o|[Oo]kay"
                       r"|[Ww]ell),\s+(?P<name>[A-Z][a-z]{2,})\s*[,.!?]")


def _in_quotes(text: str, pos: int) -> bool:
    """Inside reported speech: an odd number of quotation marks before ``pos``."""
    return (text.count('"', 0, pos) + text.count("\u201c", 0, pos) - text.count("\u201d", 0, pos)) % 2 == 1


def _compile(table: dict[str, str | tuple[str, ...]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(cid, re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in ((pats,) if isinstance(pats, str) else pats))
                             + ")", _I)) for cid, pats in table.items()]


_WISHES = _compile(lex.WISHES)
_RO = _compile(lex.RESPONSES_OF_OTHER)
_RS = _compile(lex.RESPONSES_OF_SELF)


def role_object(word: str) -> str | None:
    """The object id of a kinship or role word ("mum" -> mother), or None."""
    for obj, pattern, _ in _FIGURES:
        if pattern.fullmatch(word.strip()):
            return obj
    return None


def _gender(word: str, default: str) -> str:
    return "f" if _FEMALE.match(word) else "m" if _MALE.match(word) else default


def learn_names(text: str) -> dict[str, str]:
    """Names the text introduces with a role: "Margaret, she's the senior partner" -> {"Margaret": "boss"}."""
    found: dict[str, str] = {}
    if re.search(r"\btherapist\b", text, _I):  # "Dr Ruth Adler ... a therapist"
        found.update({m.group(1): "therapist" for m in re.finditer(r"\bDr\.?\s+([A-Z][a-z]{2,})\s+[A-Z][a-z]+", text)})
    for m in [*_NEIGHBOUR.finditer(text), *_OTHERS_RELATIVE.finditer(text)]:
        if m.group("name") not in lex.NOT_NAMES:
            found.setdefault(m.group("name"), "other")
    for pattern in _INTRO:
        for m in pattern.finditer(text):
            obj = role_object(m.group("role")) or ("partner" if m.group("role").lower() == "partner" else None)
            if obj and _OTHERS_KIN.search(text[max(0, m.start("role") - 30):m.start("role")]):
                obj = "other"  # "Jonah's sister Beth": someone else's relative
            if obj and m.group("name") not in lex.NOT_NAMES:
                found.setdefault(m.group("name"), obj)
    for m in _VOCATIVE.finditer(text):  # "Thank you, Ruth.": the client speaks to the therapist by name
        if m.group("name") not in lex.NOT_NAMES and not _in_quotes(text, m.start()):
            found.setdefault(m.group("name"), "therapist")
    for m in _INTRO_PHRASE.finditer(text):
        obj = next((o for o, p in _ROLE_PHRASES if p.search(m.group("rest"))), None)
        if obj and m.group("name") not in lex.NOT_NAMES:
            found.setdefault(m.group("name"), obj)
    return found


def _mentions(text: str, unit: TextUnit, names: dict[str, str], therapist_names: Sequence[str]
              ) -> list[dict[str, Any]]:
    """Every figure mention: span, object, gender, and how it was resolved (word, name, guess, you)."""
    out: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for obj, pattern, gender in _FIGURES:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if obj == "partner" and re.search(r"senior\s+$", text[:m.start()], _I):
                continue
            if _PREDICATE.search(text[max(0, m.start() - 40):m.start()]):
                continue  # "my father's a cardiac surgeon": what someone is, not a figure in the story
            taken.append(m.span())
            # "his brother", "other boys' fathers": someone else's relative, not the client's
            relative = obj not in ("other", "therapist") and \
                bool(_OTHERS_KIN.search(text[max(0, m.start() - 30):m.start()]))
            out.append({"span": m.span(), "object": "other" if relative else obj,
                        "gender": _gender(m.group(), gender), "basis": "word", "relative": relative})
    cues = {"colleague": len(_WORK.findall(text)), "partner": len(_HOME.findall(text)),
            "friend": 2 * len(_FRIEND.findall(text))}  # a visit outweighs the soup it brought
    top = max(cues.values())
    guess = "friend" if not top or cues["friend"] == top or list(cues.values()).count(top) > 1 else \
        max(cues, key=cues.__getitem__)
    for m in _NAME.finditer(text):
        name = m.group().removesuffix("'s")
        if name in lex.NOT_NAMES or _OPENING_WORD.match(name) or \
                any(a <= m.start() < b for a, b in taken) or role_object(name) or \
                re.search(rf"\b{name.lower()}\b", text) or (name not in names and _sentence_initial(text, m.start())
                                                               and not _NAME_VERB.match(text, m.end())):
            continue  # a common word ("Busy.", "Never mind") is no name
        if name not in names and name not in therapist_names and not _NAME_VERB.match(text, m.end()) and \
                _THING_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue  # "his old Volvo", "the Hartley contract": a thing or a place
        if name in therapist_names:
            out.append({"span": m.span(), "object": "therapist", "gender": "", "basis": "name", "name": name})
        elif name in names:
            out.append({"span": m.span(), "object": names[name], "gender": "", "basis": "name", "name": name})
        else:
            out.append({"span": m.span(), "object": guess, "gender": "", "basis": "guess", "name": name})
    if unit.role == "client" and unit.kind == "utterance" and (_YOU_ACTS.search(text) or any(
            ref in ("therapist", "therapist_link") for ref, _, _ in find_references(text))):
        out += [{"span": m.span(), "object": "therapist", "gender": "", "basis": "you"}
                for m in re.finditer(r"\byou(?:r)?\b", text, _I) if not _GENERIC_YOU.match(text, m.start())]
    return sorted(out, key=lambda f: f["span"])


# "'s" after a figure that is a verb ("my wife's been poorly"), not an owner ("my wife's sister")
_IS_AFTER = re.compile(r"['\u2019]s\s+(?:been|got|gone|done|had|always|never|not|just|still|really|so|very|too|a|an"
                       r"|the|my|our|his|her|going|coming|in|at|on|off|out|back|here|there|like|only|all|quite|now"
                       r"|also|ever|probably|\w+ing|\w+ed)\b", _I)
_PREPOSITION = re.compile(r"\b(?:to|with|from|about|at|for|than|like|of|by|behind|towards|on|over|round|after)\s+"
                          r"(?:(?:my|our|the|his|her|their|a|an|old|poor|dear)\s+)*$", _I)


_THING_BEFORE = re.compile(r"\b(?:his|her|their|the|a|an|this|that|your|its)\s+(?:[a-z]+\s+)?$|\b(?:in|at|near)\s+$")
_MEMBERS = {"parent": ("parent", "mother", "father")}  # whose responses are the object's
_PREDICATE = re.compile(r"(?:\b(?:is|was|be|been|became|as)|['\u2019]s)\s+(?:a|an)\s+(?:[\w-]+\s+)?$", _I)


def _possessive(text: str, mention: dict[str, Any]) -> bool:
    """The figure only owns what follows ("Dad's care", "my wife's sister"): it is not who acts."""
    a, b = mention["span"]
    tail = text[b:b + 30] if not text[a:b].endswith("'s") else text[b - 2:b + 30]
    if re.match(r"s?['\u2019]\s+\w", tail) and text[a:b].endswith("s") or re.match(r"s['\u2019]\s+\w", tail):
        return True  # "my parents' house"
    return bool(re.match(r"['\u2019]s\s+\w", tail)) and not _IS_AFTER.match(tail)


def _not_subject(text: str, mention: dict[str, Any]) -> bool:
    """A figure that cannot be the subject of its clause: an owner ("Dad's care") or after a preposition
    ("talked to my wife", "came home from his mother's", "living with my mum")."""
    if mention.get("span", (-1,))[0] < 0:
        return False
    start = mention["span"][0]
    return _possessive(text, mention) or bool(_PREPOSITION.search(text[max(0, start - 30):start]))


def _sentence_initial(text: str, pos: int) -> bool:
    return not text[:pos].strip() or text[:pos].rstrip()[-1] in ".!?:\"\u201c(\n-"


def _subjects(text: str, mentions: list[dict[str, Any]], context: Sequence[dict[str, Any]] = ()
              ) -> list[tuple[int, str | None, dict[str, Any] | None]]:
    """Subject markers in text order: (position, "I" or an object id or None, the mention it resolves to).

    ``context`` holds figures of the turns before (span -1): a "he" with no figure in the text refers back
    to the last of them that fits.
    """
    marks: list[tuple[int, str | None, dict[str, Any] | None]] = []
    for f in mentions:
        if f["basis"] != "you" and not _not_subject(text, f):
            marks.append((f["span"][0], f["object"], f))
    for m in _SELF_SUBJECT.finditer(text):
        marks.append((m.start(), "self", None))
    for m in _SUBJECT.finditer(text):
        word = m.group().lower()
        if word == "i":
            marks.append((m.start(), "I", None))
        elif word == "you":
            ther = next((f for f in mentions if f["basis"] == "you" and f["span"][0] == m.start()), None)
            marks.append((m.start(), "therapist" if ther else None, ther))
        elif word in ("he", "she", "they"):
            want = {"he": "m", "she": "f"}.get(word)
            before = [f for f in [*context, *mentions] if f["span"][0] < m.start() and f["basis"] != "you"]
            own = [f for f in before if not f.get("relative")]  # "she lost her mother": she is not the mother
            # "my daughter's play ... she said": an owner named in passing is not who "she" is, if another fits
            own = [f for f in own if not _possessive(text, f)] or own
            # a figure of that gender, or a name, before a role word of unknown gender ("the nurse ... he")
            prior = [f for f in own if want and (f["gender"] == want or f["basis"] == "name")] or \
                [f for f in own if want and f["basis"] == "guess"] or \
                [f for f in own if want is None or f["gender"] in (want, "")] or \
                [f for f in before if want is None or f["gender"] in (want, "")]
            marks.append((m.start(), prior[-1]["object"] if prior else None, prior[-1] if prior else None))
        else:
            marks.append((m.start(), None, None))
    return sorted(marks, key=lambda x: x[0])


def _wishes(text: str, marks: list[Any]) -> tuple[list[dict[str, Any]], list[tuple[int, int]], Counter[str]]:
    """Wishes with their spans (zones no response is read inside) and the figures they are aimed at."""
    wishes, zones, targets = [], [], Counter()
    for m in _WISH.finditer(text):
        tail = text[m.end():]
        stop = re.search(r"[.;!?]|,\s*(?:but|and|so)\b|\bbut\b", tail)
        complement = tail[:stop.start() if stop else len(tail)]
        if not complement.strip():
            continue
        cid = next((c for c, p in _WISHES if p.search(complement)), "W6")
        span = (m.start(), m.end() + len(complement))
        negative = bool(_NEGATION.search(text[max(0, m.start() - 12):m.end()]))
        wishes.append(_component("wish", cid, text, span, negative))
        zones.append(span)
        who = [s for s in marks if span[0] <= s[0] < span[1] and s[1] not in (None, "I")]
        if who:  # "I wanted my dad to...", "I wanted him to...": the figure the wish is aimed at
            targets[who[0][1]] += 1
    return wishes, zones, targets


def _clause_start(text: str, pos: int, floor: int) -> int:
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(text, floor, pos)]
    return starts[-1] if starts else floor


def analyse_text(text: str, unit: TextUnit | None = None, names: dict[str, str] | None = None,
                 therapist_names: Sequence[str] = (), model: bool = True) -> dict[str, Any]:
    """The relationship episode in one text (or ``episode: False``), with its components and evidence, and
    ``episodes``: the separate episodes when the text clearly tells more than one (else empty).

    ``model``: code the components with the trained classifier (``relational_model``); else with the word
    lists alone (``relational.v2``'s coding)."""
    unit = unit or TextUnit.of(text)
    learned = learn_names(text)
    known = {**learned, **(names or {})}
    values = _episode(text, unit, known, therapist_names, model)
    values["names"] = learned
    values["episodes"] = _parts(text, unit, known, therapist_names, model)
    return values


def _parts(text: str, unit: TextUnit, known: dict[str, str], therapist_names: Sequence[str],
           model: bool = False) -> list[dict[str, Any]]:
    """Two or more episodes told one after another with different figures ("my mother ... Then at work my
    boss ..."): the text is cut only where a transition opens a stretch that names a new figure, and each
    stretch must be an episode on its own; spans stay those of the whole text."""
    if not _TRANSITION.search(text):
        return []
    mentions = [f for f in _mentions(text, unit, known, therapist_names) if f["basis"] != "guess"]
    cuts = [m.start("cut") if m.group("cut") else m.start("cut2") for m in _TRANSITION.finditer(text)]
    stretches: list[list[Any]] = []  # [start, end, figure]
    for a, b in zip([0, *cuts], [*cuts, len(text)]):
        lead = next((f["object"] for f in mentions if a <= f["span"][0] < b), None)
        if stretches and (lead is None or stretches[-1][2] in (None, lead)):
            stretches[-1][1], stretches[-1][2] = b, stretches[-1][2] or lead
        else:
            stretches.append([a, b, lead])
    if len(stretches) < 2:
        return []
    parts = []
    for a, b, _ in stretches:
        v = _episode(text[a:b], unit, known, therapist_names, model)
        if not v["episode"]:
            return []
        shift = [{**c, "span": [c["span"][0] + a, c["span"][1] + a]} for c in v["components"]]
        by_span = {tuple(c["span"]): c for c in shift}
        pick = {p: (by_span.get((v[p]["span"][0] + a, v[p]["span"][1] + a)) if v[p] else None) for p in _PARTS}
        parts.append({"object": v["object"], "object_basis": v["object_basis"], "object_name": v["object_name"],
                      **pick, "components": shift, "span": [a, b]})
    return parts if len({p["object"] for p in parts}) == len(parts) else []


def _episode(text: str, unit: TextUnit, known: dict[str, str], therapist_names: Sequence[str],
             model: bool = False) -> dict[str, Any]:
    """The one episode of a text (or stretch of it), its object the figure that acts in it most."""
    mentions = _mentions(text, unit, known, therapist_names)
    context = [] if any(not f.get("relative") for f in mentions) else [
        {**f, "span": (-1, -1), "basis": "context"} for turn in unit.context[-2:]
        for f in _mentions(turn.text, TextUnit.of(turn.text, role="other"), known, therapist_names)
        if f["basis"] in ("word", "name") and not f.get("relative")]
    marks = _subjects(text, mentions, context)
    wishes, zones, targets = _wishes(text, marks)
    ro: list[dict[str, Any]] = []
    rs: list[dict[str, Any]] = []
    actors: Counter[str] = Counter()
    spans = _clauses(text, marks)
    for sentence in _SENTENCE.finditer(text):
        s0 = sentence.start()
        for kind, table in (("response_of_other", _RO), ("response_of_self", _RS)):
            for cid, pattern in table:
                for m in pattern.finditer(text, s0, sentence.end()):
                    if any(a <= m.start() < b for a, b in zones):
                        continue
                    before = [s for s in marks if s[0] < m.start()]
                    in_sentence = [s for s in before if s[0] >= _clause_start(text, m.start(), s0)] or \
                        [s for s in before if s[0] >= s0] or before[-1:]
                    named = [x for x in in_sentence if x[1] is not None] or \
                        [x for x in before if x[0] >= s0 and x[1] is not None]
                    who = named[-1][1] if named else None
                    if kind == "response_of_other" and not any(s[0] >= s0 for s in before):
                        # a sentence with its subject left out ("Didn't even ask."): the subject its clause carries
                        who = next((w for a, b, w in spans if a <= m.start() < b and w), who)
                    felt = _FELT.search(text[max(s0, m.start() - 40):m.start()])
                    if kind == "response_of_self":
                        apology = who is None and re.match(r"sorry|apologi", m.group(), _I)
                        if who != "I" and not (felt and who in (None, "I")) and not apology:
                            continue  # an apology with no one else as its subject is the speaker's
                        if cid == "RS4" and _NEGATION.search(text[max(s0, m.start() - 30):m.start()]):
                            continue  # "I'm not allowed to be angry", "I didn't say I was angry": held back
                        rs.append(_component(kind, cid, text, m.span()))
                    else:
                        if who in (None, "I"):
                            continue
                        negated = cid in lex.POSITIVE and not _NEGATION.search(m.group()) and \
                            bool(_NEGATION.search(text[max(s0, m.start() - 14):m.start()]))
                        code = lex.NEGATED_POSITIVE_RO if negated else cid
                        ro.append(_component(kind, code, text, m.span(), negated) | {"object": who})
                        actors[who] += 1
    ro, rs = _dedupe(ro), _dedupe(rs)
    spares: list[dict[str, Any]] = []
    if model:  # the word lists still say who acts (the object); the classifier codes what was done and felt
        if mentions or context or _SELF_CUE.search(text):  # no figure, no episode: nothing to encode
            anchors = [(c["component"], c["span"][0]) for c in [*ro, *rs]]
            wishes, ro, rs, spares = _classified(text, marks, wishes, zones, anchors)
    figures = mentions
    counts = Counter(f["object"] for f in figures)
    score = Counter({o: counts[o] + 3 * actors[o] + 2 * targets[o] for o in {*counts, *actors}})
    first = {o: min((f["span"][0] for f in figures if f["object"] == o), default=len(text)) for o in score}
    obj = max(score, key=lambda o: (score[o], -first[o])) if score else None
    if obj in ("mother", "father") and {"mother", "father"} <= set(counts) and \
            any(f["object"] == "parent" and not _possessive(text, f) for f in figures):
        obj = "parent"  # "I told my parents. Dad went quiet ... Mum was crying": both of them, as the parents
    if obj is None and (_SELF_CUE.search(text) and (wishes or rs) or any(c.get("object") == "self" for c in ro)):
        obj = "self"
    # with the classifier, only grounded responses (the word lists agree, or it is sure) make a text an episode
    sure_ro, sure_rs = ([c for c in x if c.get("grounded", True)] for x in (ro, rs))
    n_components = bool(wishes) + bool(sure_ro) + bool(sure_rs)
    # a figure the client names who does something the classifier reads with moderate confidence, and one more
    # moderate component, also make an episode: terse speech often has no word the lists know
    moderate = [c for c in [*wishes, *ro, *rs] if c.get("confidence", 0.0) >= MODERATE]
    # since v6: a figure the text names (not a guessed name) who is the subject of a clause, with one grounded
    # component: "My father. Hit me with a belt. I didn't cry." ("hit me" is no word the lists know)
    named = any(f["object"] == obj and f["basis"] in ("word", "name", "you") for f in figures) or \
        (obj == "self" and bool(_SELF_SUBJECT.search(text)))
    acts = any(c.get("object") == obj and c.get("confidence", 1.0) >= ACTS for c in [*ro, *spares])
    episode = obj is not None and (bool(sure_ro) or n_components >= 2 or (
        len(moderate) >= 2 and any(c.get("object") == obj for c in moderate)) or (
        named and acts and n_components >= 1))
    if episode:  # a coder codes each component's likeliest cluster: a part with nothing found takes its best spare
        wishes, ro, rs = (found or _best_spare(spares, part, obj)
                          for found, part in ((wishes, "wish"), (ro, "response_of_other"), (rs, "response_of_self")))
    chosen = next((f for f in [*figures, *context] if f["object"] == obj), None)
    own_ro = [c for c in ro if c["object"] in _MEMBERS.get(obj, (obj,))] or ro
    return {
        "episode": episode,
        "object": obj if episode else None,
        "object_basis": chosen["basis"] if chosen else ("cue" if obj == "self" else None),
        "object_name": chosen.get("name") if chosen else None,
        "wish": _primary(wishes) if episode else None,
        "response_of_other": (_answered_ro(_headline_ro(text, own_ro, model), own_ro, _primary(rs))
                              if episode else None),
        "response_of_self": _primary(rs) if episode else None,
        "components": (wishes + ro + rs) if episode else [],
        "figures": sorted(counts),
        "name_guesses": {f["name"]: f["object"] for f in mentions if f["basis"] == "guess"},
    }


def _headline_ro(text: str, ro: list[dict[str, Any]], model: bool) -> dict[str, Any] | None:
    """The episode's response of other. Since v6, where the object acts in two or more clauses, the classifier
    also reads them together, as a coder reads the whole story ("Went quiet. Took the kids to her mum's."), and
    its reading decides when it is sure of it (above 0.5); else the clauses' summed confidence does."""
    if model and len(ro) >= 2:
        from reverie.analysis import relational_model
        (p,) = relational_model.classify([("response_of_other", " ".join(c["quote"] for c in ro))])
        cid = max((c for c in p if c != relational_model.NONE), key=p.__getitem__)
        if p[cid] > relational_model.SURE:
            same = [c for c in ro if c["cluster"] == cid]
            if same:
                return max(same, key=lambda c: c.get("confidence", 1.0))
            first = ro[0]
            return _component("response_of_other", cid, text, tuple(first["span"])) | {
                "confidence": round(p[cid], 3), "grounded": False, "object": first.get("object")}
    return _primary(ro)


def _answered_ro(headline: dict[str, Any] | None, ro: list[dict[str, Any]], rs: dict[str, Any] | None
                 ) -> dict[str, Any] | None:
    """Since v7 the response of other is the one the self answers: where the headline's valence differs from the
    response of self's ("She said of course and told me to leave early ... I felt like a person for once"), the
    object's responses of the self's valence decide, if there are any (as a coder reads the other's response from
    what the client made of it); else the headline stays."""
    if headline is None or rs is None or headline["valence"] == rs["valence"]:
        return headline
    return _primary([c for c in ro if c["valence"] == rs["valence"] and not c.get("fallback")]) or headline


def _best_spare(spares: list[dict[str, Any]], part: str, obj: str | None) -> list[dict[str, Any]]:
    """The classifier's likeliest cluster for a part an episode lacks, from the wishes and clauses it read as
    more likely "none" (responses of other: the object's own first), marked ``fallback`` and never ``grounded``,
    so it codes the episode but never counts in the case formulation."""
    pool = [c for c in spares if c["component"] == part]
    if part == "response_of_other":
        pool = [c for c in pool if c.get("object") == obj] or pool
    best = max(pool, key=lambda c: c["confidence"], default=None)
    return [best | {"fallback": True, "grounded": False}] if best else []


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One component per span: of overlapping matches keep the longest ("didn't argue" over "argu")."""
    kept: list[dict[str, Any]] = []
    for c in sorted(items, key=lambda c: c["span"][0] - c["span"][1]):
        if not any(k["span"][0] < c["span"][1] and c["span"][0] < k["span"][1] for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c["span"])


def _primary(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most frequent cluster (weighted by the classifier's confidence where it coded them); ties go to the
    one that comes first in the text."""
    if not items:
        return None
    counts: Counter[str] = Counter()
    for c in items:
        counts[c["cluster"]] += c.get("confidence", 1.0)
    best = max(counts.values())
    return next(c for c in items if counts[c["cluster"]] == best)


def _names_setting(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    pairs = [p.split("=", 1) for p in (raw or "").split(",") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs if k.strip() and v.strip() in lex.OBJECTS}


def _code(part: Any) -> str:
    return f"{part['cluster']} {part['label']}" if part else ""


def _ccrt_row(summary: Any) -> list[Any] | None:
    """A session's row of the CCRT panel: its episodes, figures, most pervasive W / RO / RS and the replays."""
    if not summary.get("episodes"):
        return None
    ccrt = summary.get("ccrt") or {}
    replays = "; ".join(f"{r['pattern']} with {', '.join(r['objects'])}" for r in summary.get("replays") or [])
    return [summary["episodes"], ", ".join(sorted(summary.get("objects") or {})),
            *(_code(ccrt.get(p)) for p in _PARTS), replays]


def _replay_moments(summary: Any, annotated: Any) -> list[dict[str, Any]]:
    """The replays a session's episodes take part in, with its quoted episodes; transference hypotheses first."""
    out = []
    for r in sorted(summary.get("replays") or [], key=lambda r: not r.get("transference")):
        told = "; ".join(f"{b['object']}: " + " … ".join(f"“{q}”" for q in b.get("quotes") or [])
                         for b in r["episodes"])
        out.append({"kind": "transference hypothesis" if r.get("transference") else "relational replay",
                    "text": f"{r['note']}. Here: {told}"})
    return out


def _episode_chip(values: Any) -> str | None:
    """Only figures the text names (guesses are settled per case); a turn with two episodes shows both."""
    named = [p for p in values.get("episodes") or [] if p.get("object_basis") in ("word", "name", "you")]
    if len(named) > 1:
        return "episodes: " + ", ".join(p["object"] for p in named)
    if values.get("episode") and values.get("object") and values.get("object_basis") in ("word", "name"):
        return f"episode: {values['object']}"
    return None


DISPLAY = Display(
    title="Relationship episodes",
    explanation=("Stories of an interaction with a specific other, with the wish, the response of the other and "
                 "the response of the self where the text names them (Luborsky's CCRT clusters). Across sessions "
                 "they suggest a recurring relational pattern: a hypothesis for the clinician to test, never a "
                 "formulation. A replay is the same response of the other and of the self told with several "
                 "figures; with the therapist among them it is a transference hypothesis to explore."),
    evidence="the words that name the other person and each component",
    chips=(Chip(_episode_chip, "relational"),),
    panels=(Panel("Relational patterns (CCRT) by session",
                  ("episodes", "figures", "wish", "response of other", "response of self", "replays"), _ccrt_row),),
    hidden=("ccrt", "replays"),
    moments=_replay_moments,
)


@register
class RelationalAnalyzer(BaseAnalyzer):
    """Relationship episodes with Wish, Response of Other and Response of Self (CCRT, edition-3 clusters)."""

    name: ClassVar[str] = "relational"
    version: ClassVar[str] = "7"
    description: ClassVar[str] = (
        "Finds relationship episodes (an interaction told with a specific other) in client speech and journal "
        "text and codes the wish, response of other and response of self in the CCRT edition-3 clusters, with "
        "the words that decided each; the case summary gives the CCRT and patterns replayed with several figures."
    )
    level: ClassVar[str] = "utterance"
    roles: ClassVar[frozenset[str]] = frozenset({"client"})
    infers_mental_state: ClassVar[bool] = True
    display: ClassVar[Display] = DISPLAY
    fields: ClassVar[dict[str, str]] = {
        "episode": "true when the text tells an interaction with a specific other",
        "object": "mother, father, parent, partner, sibling, child, friend, boss, colleague, therapist, self, other",
        "object_basis": "how the object was found: word, name, guess (an unintroduced name), you, cue",
        "object_name": "the name the object was found by, if any",
        "wish": "the wish component (cluster W1-W8, label, valence, quote, span), or None",
        "response_of_other": "the response of other (RO1-RO8, ...), or None",
        "response_of_self": "the response of self (RS1-RS8, ...), or None",
        "components": "every component found, in text order",
        "figures": "every object mentioned",
        "names": "names this text introduces with a role (name -> object)",
        "name_guesses": "other names, with the object guessed from work, home or visiting words (settled across the case)",
        "episodes": "the separate episodes when the text clearly tells more than one with different figures (each "
                    "with object, object_basis, object_name, wish, response_of_other, response_of_self, components "
                    "and its span), else empty; the fields above then describe the text as a whole",
    }
    settings_spec: ClassVar[tuple[Setting, ...]] = (
        Setting("names", "", "known figures as NAME=OBJECT pairs, comma-separated (e.g. 'Margaret=boss,Jonah=partner')"),
        Setting("therapist_names", "", "names of the therapist, comma-separated (e.g. 'Ruth,Dr Adler')"),
        Setting("model", True, "code the components with the trained classifier over the MiniLM encoder "
                               "(relational_model); off: the word lists alone, as relational.v2"),
    )

    def __init__(self, **settings: Any):
        super().__init__(**settings)
        self._names = _names_setting(self.settings["names"])
        raw = self.settings["therapist_names"] or ""
        self._therapist = tuple(n.strip() for n in (raw.split(",") if isinstance(raw, str) else raw) if n.strip())

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]:
        """All units at once: with the classifier, their clauses are encoded in one batch (``relational_model``)."""
        if not self.settings["model"] or len(units) < 2:
            return [self.annotate_one(u) for u in units]
        from reverie.analysis import relational_model
        with relational_model.batch(lambda: [self.annotate_one(u) for u in units]):
            return [self.annotate_one(u) for u in units]

    def annotate_one(self, unit: TextUnit) -> Annotation:
        text = unit.text or ""
        names = dict(self._names)
        for turn in unit.context:  # names introduced in the turns just before count too
            names = {**learn_names(turn.text), **names}
        values = analyse_text(text, unit, names, self._therapist, bool(self.settings["model"]))
        evidence = sorted({tuple(c["span"]) for c in [*values["components"],
                                                      *(c for p in values["episodes"] for c in p["components"])]})
        return Annotation(self.name, self.version, unit.id, values, [tuple(e) for e in evidence])

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        from reverie.analysis.relational_case import episodes_of, formulate, names_of, session_view
        summary = Summary()
        per_session = {s.session_id: episodes_of(s) for s in sessions}
        names, guesses = names_of([a.values for s in sessions for a in s.annotations])
        summary.case = formulate([e for eps in per_session.values() for e in eps], names, guesses)
        for sid, eps in per_session.items():  # after the case settled guessed names
            summary.sessions[sid] = {"episodes": len(eps), "objects": dict(Counter(e["object"] for e in eps)),
                                     **session_view(eps, summary.case)}
        return summary
