"""The ``transference`` analyser: the client's references to the therapist, the therapy, and links between the two.

A reference is a marker for the clinician to look at, not a finding: it says the
client spoke *to or about the therapist* ("I was afraid you'd be disappointed in
me"), *about the therapy* ("coming here", "the break"), or *linked the therapist
with an earlier figure* ("you sound like my father"). Rules are surface patterns
(second person + a predicate aimed at the listener, first-person object with the
listener as agent, questions to the listener, therapy words); matches are then
dropped when they fall inside quotation marks, after a third party's reporting
verb ("he said you should..."), in a generic-you frame ("when you're a kid you
think...", "you know"), or inside talk about other clinicians. When several
rules fire, therapist_link beats therapist beats therapy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Chip, Column, Display
from reverie.domain import Annotation

REFERENCES: tuple[str, ...] = ("therapist_link", "therapist", "therapy")
_I = re.IGNORECASE
_YOU = r"you(?:'d|'ll|'re|'ve|\u2019d|\u2019ll|\u2019re|\u2019ve)?"
_ME = r"(?:me|I(?:'m|\u2019m| am| was)?|myself)"
_FIGURE = (
    r"(?:my|our)\s+(?:(?:late|old|own)\s+)?(?:father|mother|dad|daddy|mum|mummy|mom|mommy|parents?|grandmother"
    r"|grandfather|nana|gran|granny|grandma|grandpa|grandad|brother|sister|stepfather|stepmother|teacher"
    r"|headmistress|headmaster|ex|husband|wife|aunt|uncle|family)\b"
)
_AFFECT = (
    r"(?:angry|cross|mad|annoyed|irritated|furious|disappointed|bored|tired|fed up|sick|glad|pleased|relieved"
    r"|upset|hurt|frustrated|worried|ashamed|embarrassed|happy|proud|impatient|disgusted)"
)

# rule label -> pattern, per reference type
_RULES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "therapist_link": (
        ("you_like_figure", re.compile(
            r"\b(?:you(?:'re|\u2019re)|you\s+(?:are|were|sound(?:ed)?|look(?:ed)?|seem(?:ed)?|act(?:ed)?|talk(?:ed)?"
            r"|behave[ds]?|say it|said it))\s+(?:(?:just|exactly|really|so|a bit|a little|kind of|sort of|so much)\s+)*"
            rf"like\s+{_FIGURE}", _I)),
        ("you_remind_me", re.compile(
            rf"\b{_YOU}\s+(?:really\s+|always\s+)?remind(?:s|ed)?\s+me\s+of\s+{_FIGURE}", _I)),
        ("like_figure_with_you", re.compile(
            rf"\b(?:it's|it is|it was|it feels|this feels|it felt|like|as if|as though)\b[^.?!]{{0,60}}?"
            rf"(?:{_FIGURE}|\b(?:his|her)\s+(?:study|room|office|house|kitchen)\b)[^.?!]{{0,40}}?"
            r"\b(?:with you|you and me|in here|here with you)\b", _I)),
        ("you_as_figure", re.compile(
            r"\b(?:with you|in here|here with you|talking to you|being with you)\b[^.?!]{0,40}?"
            r"\b(?:like|as if|as though|the same as|just as)\b"
            rf"[^.?!]{{0,30}}?{_FIGURE}", _I)),
    ),
    "therapist": (
        ("apology_to_listener", re.compile(
            r"\b(?:sorry|apologi[sz]e)\b[^.?!]{0,30}?\b(?:wasting|taking up|going on|rambling|boring you)"
            r"[^.?!]{0,25}?\b(?:your time|the session|the time|you)\b"
            r"|\bsorry (?:to|for) (?:bother|burden)(?:ing)? you\b"
            r"|\bI(?:'m| am) (?:wasting|taking up) (?:your|the session's) time\b|\bI(?:'m| am) boring you\b", _I)),
        ("seeking_approval", re.compile(
            r"\b(?:did|was|is|have)\s+(?:I|that|it)\s+(?:(?:say|said|do|done|doing)\s+)?(?:the\s+)?"
            r"(?:right|wrong|okay|ok|alright|what you wanted|what you meant|enough)\b[^.?!]*\?", _I)),
        ("you_think_of_me", re.compile(
            rf"\b{_YOU}\s+(?:(?:must|might|probably|already|really|secretly|just|would|will|did|do|don't|didn't"
            r"|still)\s+)*"
            r"(?:think|thought|feel|felt|find|found|see|saw|want|wanted|expect|expected|hate|like|judge|judged|mind"
            rf"|care|believe|know)\s+(?:(?:about|of|that|how|if|whether)\s+)?{_ME}\b", _I)),
        ("listener_affect", re.compile(
            rf"\b{_YOU}\s+(?:(?:must|might|would|will|could|were|are|was|be|been|be getting|seem|seemed|look|looked"
            rf"|sound|sounded|get|got|probably|really|so|a bit|getting|just)\s+)*{_AFFECT}"
            rf"(?:\s+(?:with|in|of|at|by|about|for)\s+me\b)?", _I)),
        ("listener_acts_on_me", re.compile(
            rf"\b{_YOU}\s+(?:(?:just|really|never|always|probably|must|might|would|will|did|didn't|don't|do|have|had"
            r"|could|can|were|are|going to|gonna)\s+)*(?:left|leave|leaving|abandon(?:ed)?|drop(?:ped)?|forgot|forget"
            r"|judge[ds]?|criticis(?:e|ed)|hate|dislike|understand|listen(?:ed)? to|ignore[ds]?|push(?:ed)?|rush(?:ed)?"
            r"|help(?:ed)?|let|hurt|disappoint(?:ed)?|reject(?:ed)?|believe[ds]?|trust(?:ed)?|see|saw|get rid of"
            r"|send|sent|blame[ds]?|tell|told|ask(?:ed)?|interrupt(?:ed)?|miss(?:ed)?|put up with|like)\s+me\b", _I)),
        ("you_said", re.compile(
            r"\byou\s+(?:just\s+|once\s+|also\s+)?(?:said|told me|asked me|asked|mentioned|suggested|pointed out"
            r"|were saying|wondered|noticed)\b(?!\s+(?:to\s+)?yourself)", _I)),
        ("listener_away", re.compile(
            rf"\b{_YOU}\s+(?:(?:were|are|was|will be|would be|be|going to be|being)\s+)(?:away|gone|off|on holiday)\b"
            r"|\byour\s+(?:holiday|break|week away|time away|absence|leave)\b", _I)),
        ("question_to_listener", re.compile(
            r"(?:^|[.?!]\s+|,\s*)(?:(?:so|and|but|well|then|okay|honestly)\s+)?"
            r"((?:are|were|do|did|will|would|have|can|could|won't|don't|didn't|aren't)\s+you\b[^.?!]*\?)", _I)),
    ),
    "therapy": (
        ("coming_here", re.compile(
            r"\b(?:com(?:e|es|ing)|came|be(?:ing)?|sit(?:ting)?|left|leave|leaving|walk(?:ed|ing)? out of|talk(?:ing)?)"
            r"\s+(?:in\s+)?here\b", _I)),
        ("therapy_words", re.compile(
            r"\b(?:this|these|our|the|last week's|next week's|last|next|my)\s+(?:session|sessions|therapy|treatment)\b"
            r"|\b(?:in|into|to|from|after|before|start(?:ed|ing)?|stop(?:ped|ping)?|end(?:ed|ing)?)\s+therapy\b"
            r"|\b(?:weekly|fortnightly) sessions?\b|\b(?:monday|tuesday|wednesday|thursday|friday)'s sessions?\b", _I)),
        ("our_work", re.compile(r"\bour (?:work|time|sessions?|hour)\b|\bthe work we\b", _I)),
        ("the_break", re.compile(r"\bthe break\b", _I)),
        ("frequency", re.compile(r"\b(?:come|coming) (?:fortnightly|every other week|less often|weekly)\b", _I)),
    ),
}

# Cheap prefilter: a rule is only tried when one of these lower-case substrings is in the text.
_NEEDS: dict[str, tuple[str, ...]] = {
    "you_like_figure": ("like",), "you_remind_me": ("remind",),
    "like_figure_with_you": ("with you", "you and me", "here"),
    "you_as_figure": ("here", "with you", "to you"), "apology_to_listener": ("sorry", "apologi", "boring you"),
    "seeking_approval": ("?",), "question_to_listener": ("?",), "you_said": ("you",), "listener_away": ("you",),
    "you_think_of_me": ("you",), "listener_affect": ("you",), "listener_acts_on_me": (" me",),
    "coming_here": ("here",), "therapy_words": ("session", "therap", "treatment"), "our_work": ("our ", "the work"),
    "the_break": ("the break",), "frequency": ("fortnight", "weekly", "every other", "less often"),
}

# -- exclusion zones --------------------------------------------------------------------
_QUOTED = re.compile(
    r"\"[^\"]*\"?|\u201c[^\u201d]*\u201d?|\u2018[^\u2019]*(?:\u2019(?=[\s.,!?;:)]|$)|$)"
    r"|(?:^|(?<=[\s:,(]))'(?=\w)(?:[^'\n]|'(?=\w))*'"
)
_REPORTING_VERB = (
    r"(?:said|says|say|saying|told\s+(?:me|him|her|us|them)|tells\s+(?:me|him|her|us|them)|asked|asks"
    r"|(?:goes|went|was like)\s*[,:]|shouted|yelled|wrote|writes|texted|emailed|replied|answered|warned"
    r"|reminded\s+(?:me|him|her))"
)
_REPORTED = re.compile(
    # a third party's words: "he said you should...", "my mother said you'll...", "Margaret told me you..."
    r"\b(?!(?:I|you)\b)(?:he|she|they|we|people|everyone|and|then|who|(?-i:[A-Z][a-z]+)"
    r"|(?:my|his|her|our|their)\s+\w+)\s+"
    r"(?:always\s+|would\s+|used to\s+|kept\s+|just\s+|once\s+)?" + _REPORTING_VERB + r"[^.?!\n]*"
    # the client's own words to someone else: "I said to Jonah, you never listen to me"
    r"|\bI\s+(?:said|told|asked|texted|emailed|wrote|shouted|yelled)\s+(?:to\s+)?"
    r"(?:him|her|them|(?-i:[A-Z][a-z]+)|(?:my|his|her)\s+\w+)\b[^.?!\n]*", _I)
_GENERIC = re.compile(
    r"\b(?:you know|you see|you never know|mind you|thank you|you get used to|know what I mean|can you imagine"
    r"|would you believe|can you believe|do you know what I mean|if you like|if you will|see you)\b"
    r"|\b(?:when|whenever|if|once|until|as soon as)\s+you(?:'re|\s+are|\s+is|\s+get|\s+got|\s+do|\s+have|\s+feel"
    r"|\s+think|\s+go|\s+see|\s+know|\s+want|\s+need|\s+grow|\s+become|\s+start|\s+work|\s+live|\s+try|\s+make"
    r"|\s+say|\s+hear|\s+lose|\s+were\s+(?:a|an|little|young|small|growing|kid|child))\b[^.?!;]*", _I)
_OTHER_CLINICIAN = re.compile(
    r"\b(?:my|the|a|her|his|their|old|last|previous|other)\s+(?:(?:old|last|previous|other|first)\s+)?"
    r"(?:therapist|counsel+or|doctor|gp|psychiatrist|psychologist|analyst|shrink|dr)\b[^.?!]*", _I)
_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Last|Next|This|Today|Yesterday|Tomorrow)"
_THIRD_PARTY_THERAPY = re.compile(
    # someone else's therapy: "my friend is in therapy", "Jonah's therapist", "her sessions"
    r"\b(?!(?:I|you|we)\b)(?:he|she|they|(?-i:[A-Z][a-z]+)|(?:my|his|her|our|their)\s+\w+)"
    r"(?:'s|\s+is|\s+was|\s+went|\s+goes|\s+has been|\s+had|\s+started|\s+tried)\s+(?:\w+\s+)?"
    r"(?:in|to|into|through|with)\s+therapy\b[^.?!]*"
    rf"|\b(?:his|her|their|(?!{_DAYS}'s)(?-i:[A-Z][a-z]+)'s)\s+(?:therapy|therapist|sessions?|treatment)\b[^.?!]*", _I)
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|I'm|I've|I'd|I'll|myself)\b", _I)
_HINTS = ("you", "here", "session", "therap", "break", "our ", "the work", "treatment", "sorry", "apologi", "?",
          "fortnight", "weekly", "every other", "less often", "remind", "like")
_CLINICIAN_HINTS = ("therap", "counsel", "doctor", "gp", "psych", "analyst", "shrink", "dr", "session", "treatment")


_NEEDS_FIRST_PERSON = frozenset({"listener_affect"})
_END = re.compile(r"[.?!\n]")


def _sentence(text: str, a: int, b: int) -> str:
    """The sentence around text[a:b]."""
    start = max(text.rfind(c, 0, a) for c in ".?!\n") + 1
    end = _END.search(text, b)
    return text[start:end.end() if end else len(text)]


def _zones(text: str) -> list[tuple[int, int, str]]:
    zones = [(m.start(), m.end(), "quoted") for m in _QUOTED.finditer(text)]
    zones += [(m.start(), m.end(), "reported") for m in _REPORTED.finditer(text)]
    lower = text.lower()
    if any(k in lower for k in _CLINICIAN_HINTS):
        zones += [(m.start(), m.end(), "other_clinician") for m in _OTHER_CLINICIAN.finditer(text)]
        zones += [(m.start(), m.end(), "other_clinician") for m in _THIRD_PARTY_THERAPY.finditer(text)]
    for m in _GENERIC.finditer(text) if "you" in lower else ():
        # A generic frame with a first person in it ("if you think I'm stupid") may be aimed at the listener.
        if m.group().lower().startswith(("when", "whenever", "if", "once", "until", "as soon")) and \
                _FIRST_PERSON.search(m.group()):
            continue
        zones.append((m.start(), m.end(), "generic"))
    return zones


def find_references(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """Every surviving match as (reference type, rule label, span), in text order."""
    lower = text.lower()
    if not any(k in lower for k in _HINTS):
        return []
    zones = None
    found: list[tuple[str, str, tuple[int, int]]] = []
    for ref, rules in _RULES.items():
        for label, pattern in rules:
            if not any(k in lower for k in _NEEDS[label]):
                continue
            for m in pattern.finditer(text):
                a, b = m.span(m.re.groups) if m.re.groups and m.group(m.re.groups) else m.span()
                if zones is None:
                    zones = _zones(text)
                if any(za <= a < zb for za, zb, _ in zones):
                    continue
                if label in _NEEDS_FIRST_PERSON and not _FIRST_PERSON.search(_sentence(text, a, b)):
                    continue  # "by Friday you're tired": a state with nobody in relation to it is generic
                found.append((ref, label, (a, b)))
    return sorted(found, key=lambda f: f[2])


def _therapist_links(summary: Any, annotated: Any) -> list[dict[str, Any]]:
    return [{"kind": "link between therapist and an earlier figure", "text": u.get("text", "")}
            for u, values in annotated if values.get("reference") == "therapist_link"]


DISPLAY = Display(
    title="References to the therapist",
    explanation=("Client statements that refer to the therapist or the therapy, or link the therapist with an "
                 "earlier figure ('you sound like my father'): the places where the relationship in the room may be "
                 "spoken about. A found reference is a place to reread, not an interpretation."),
    evidence="the words that refer to the therapist or the therapy",
    chips=(Chip(lambda a: a.get("reference") and f"transference: {a['reference']}", "relational"),),
    columns=(Column("transference refs", lambda s: str(sum((s.get("counts") or {}).values()))),),
    moments=_therapist_links,
    rank=20,
)


@register
class TransferenceAnalyzer(BaseAnalyzer):
    """Client references to the therapist, the therapy, and therapist-to-earlier-figure links."""

    name: ClassVar[str] = "transference"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = (
        "Marks client talk to or about the therapist, about the therapy itself, and links between the "
        "therapist and earlier figures, with generic 'you', quotations and reported speech excluded."
    )
    level: ClassVar[str] = "utterance"
    roles: ClassVar[frozenset[str]] = frozenset({"client"})
    infers_mental_state: ClassVar[bool] = False
    display: ClassVar[Display] = DISPLAY
    fields: ClassVar[dict[str, str]] = {
        "reference": "therapist_link, therapist, therapy, or None",
        "pattern": "the rule that decided the reference (first match of the winning type)",
        "count": "how many references survived the exclusions (all types; nested matches of one type count once)",
        "types": "the reference types found, in precedence order",
    }
    settings_spec: ClassVar[tuple[Setting, ...]] = (
        Setting("therapist_names", (), "names or address forms of the therapist (e.g. 'Ruth', 'Dr Adler')"),
    )

    def __init__(self, **settings: Any):
        super().__init__(**settings)
        raw = self.settings["therapist_names"] or ()
        names = [n for n in (raw.split(",") if isinstance(raw, str) else raw) if n and n.strip()]
        self._address = re.compile(r"\b(?:" + "|".join(re.escape(n.strip()) for n in names) + r")\b") if names else None

    def annotate_one(self, unit: TextUnit) -> Annotation:
        text = unit.text or ""
        found = find_references(text)
        if self._address is not None:
            zones = _zones(text)
            found += [("therapist", "address", m.span()) for m in self._address.finditer(text)
                      if not any(za <= m.start() < zb for za, zb, _ in zones)]
        if not found:
            return Annotation(self.name, self.version, unit.id,
                              {"reference": None, "pattern": None, "count": 0, "types": []}, [])
        # Two rules of one type matching nested spans are one reference: keep the outer span. Duplicates go in
        # rule order (not a set's, which varies between processes), so a tie on one span picks the same rule.
        found = [f for f in sorted(dict.fromkeys(found), key=lambda f: f[2])
                 if not any(g[0] == f[0] and g[2] != f[2] and g[2][0] <= f[2][0] and f[2][1] <= g[2][1]
                            for g in found)]
        types = [r for r in REFERENCES if any(f[0] == r for f in found)]
        winner = [f for f in found if f[0] == types[0]]
        values = {"reference": types[0], "pattern": winner[0][1], "count": len(found), "types": types}
        return Annotation(self.name, self.version, unit.id, values, sorted({f[2] for f in winner}))

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        summary = Summary()
        trajectory = []
        for s in sessions:
            texts = {u.id: u.text for u in s.units}
            counts = {r: 0 for r in REFERENCES}
            refs = []
            for a in s.annotations:
                ref = a.values.get("reference")
                if ref not in counts:
                    continue
                counts[ref] += 1
                text = texts.get(a.unit_id, "")
                refs.append({
                    "unit": a.unit_id, "reference": ref, "pattern": a.values.get("pattern"), "text": text,
                    "evidence": [list(e) for e in a.evidence], "quotes": [text[x:y] for x, y in a.evidence],
                })
            summary.sessions[s.session_id] = {"counts": counts, "total": sum(counts.values()), "references": refs}
            trajectory.append({"session": s.session_id, **counts, "total": sum(counts.values())})
        summary.case = {
            "trajectory": trajectory,
            "totals": {r: sum(t[r] for t in trajectory) for r in REFERENCES},
        }
        return summary
