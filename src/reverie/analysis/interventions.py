"""Therapist intervention classes, by ordered surface rules with evidence spans.

One therapist utterance gets exactly one class. The rules are tried in a fixed
order and the first that fires wins, because the classes overlap: "How is it to
tell me this?" is a question, but what makes it clinically distinct is that it is
about the here-and-now, so here-and-now is tried before the open question.

Order: encourager, interpretation, here_and_now, clarification, reflection,
question_open, question_closed, other. Each rule returns the character spans of
the words that decided it, so a clinician can see why. The rules are described,
with their known failure modes, in ``docs/analysers/dialogue.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTERVENTIONS: tuple[str, ...] = (
    "question_open", "question_closed", "reflection", "clarification",
    "interpretation", "here_and_now", "encourager", "other",
)

_I = re.IGNORECASE

# -- encourager: the whole utterance is a short backchannel -----------------------------
_BACKCHANNEL = re.compile(
    r"^\s*(?:(?:m+|m+-?hm+|mhm+|hm+|uh-?huh|yes|yeah|yep|right|okay|ok|i see|go on|carry on|sure"
    r"|and|so|ah|oh|indeed|of course|please go on|please|i know|yes,? go on)"
    r"[\s,.!?\u2026-]*)+$",
    _I,
)

# -- interpretation: a link word AND a past / other-relationship referent -----------------
_LINK = re.compile(
    r"\b(?:put|puts|putting|took|takes|taking|brought|brings|bringing|sent|sends|sending)\s+you\s+"
    r"(?:right\s+|straight\s+|all the way\s+)?back\b"
    r"|\b(?:as|like)\s+(?:you|it)\s+(?:used to|(?:were|was|did|felt|had)\s+"
    r"(?:with|when|as|at|in|back|then|before|growing))"
    r"|\bthe (?:same )?way (?:you|he|she|they|it) (?:\w+\s+)?(?:did|used|were|was|learned|learnt|had|felt|have|might"
    r"|would|could|once)\b"
    r"|\b(?:ever )?since then\b|\bever since\b|\b(?:you|you've) learn(?:ed|t)\b"
    r"|\b(?:with|towards?|to|about|from)\s+me\s+(?:too|as well)\b"
    r"|\bremind(?:s|ed|ing)? you (?:of|how)\b"
    r"|\b(?:echo(?:es|ing)?|repeat(?:s|ing)?|re-?enact(?:s|ing)?|re-?creat(?:e|es|ing))\b"
    r"|\bas (?:if|though) I (?:were|was|am|might be)\b"
    r"|\bjust as\b|\bthe same (?:thing |feeling )?(?:as|that)\b",
    _I,
)
_REFERENT = re.compile(
    r"\byour\s+(?:(?:late|own)\s+)?(?:father|mother|dad|mum|mom|parents?|grandmother|grandfather|nana|gran|granny"
    r"|grandma|grandpa|brother|sister|family|childhood|father's|mother's|dad's|mum's|mom's|parents')"
    r"|\bwhen you were (?:a |an |very |still )?(?:child|kid|little|small|young|girl|boy|teenager"
    r"|growing up|at school|twelve|\w+ years old)\b"
    r"|\bas a (?:child|kid|girl|boy|teenager)\b|\bchildhood\b|\bgrowing up\b|\bback then\b"
    r"|\b(?:a long time|long|years) ago\b|\bat (?:the age of )?(?:\d{1,2}|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen)\b",
    _I,
)
# The relationship with the therapist set beside one with a parent ("we've been able to disagree...
# With your father, there was no room..."): a statement naming both.
_ME_ANCHOR = re.compile(r"\b(?:with me|towards me|between us|you and I|we(?:'ve| have| can| could)|in here)\b", _I)
_WITH_FIGURE = re.compile(r"\bwith your (?:father|mother|dad|mum|mom|parents|family)\b", _I)

# -- here and now: what is happening between them, in the room, now -----------------------
_HERE_AND_NOW = re.compile(
    r"\bbetween (?:us|you and me|the two of us)\b"
    r"|\bin (?:the|this) room\b|\bin here\b|\bhere with me\b|\bwith me (?:right )?now\b|\bto me (?:right )?now\b"
    r"|\bI(?:'m| am)? notic(?:e|ed|ing)\b|\bI can see (?:that )?you\b"
    r"|\bas you (?:say|said|tell|told|talk|speak|spoke|describe|described) (?:that|this|it|me)\b"
    r"|\bhow (?:is|was|does|did) it (?:feel )?(?:for you )?to (?:tell|say|talk|hear|be here|sit|share)\b"
    r"|\bwhat(?:'s| is) it like (?:for you )?(?:to (?:tell|say|talk|hear|be here|sit|share)|saying|telling)\b"
    r"|\b(?:what|how) (?:are|do) you feel(?:ing)? (?:right )?now\b"
    r"|\bwhat(?:'s| is) happening (?:for you |in you |between us )?(?:right )?now\b"
    r"|\bjust now\b|\bin this moment\b|\bright here\b"
    r"|\byou(?:'re| are) (?:smiling|laughing|crying|tearful|going quiet|looking away)\b"
    r"|\b(?:with|of|at|towards?|from) me\b|\bmy time\b",
    _I,
)

# -- clarification: checking meaning ----------------------------------------------------
_CLARIFY = re.compile(
    r"\b(?:do |did )?you mean\b|\bwhen you say\b|\bare you saying\b|\byou(?:'re| are) saying\b[^.?!]*\?"
    r"|\bis that (?:right|what you mean|it)\s*\?|\bhave I (?:got|understood) (?:that|it|you|this) right\b"
    r"|\b(?:do|did) I (?:understand|get) (?:that|it|you) right\b|\bif I understand\b|\bjust to be clear\b"
    r"|\b(?:was|is|were|did|does|do)\s+(?:it|that|this|you|he|she|they)\b[^.?!]*?\bor\b[^.?!]*\?",
    _I,
)

# -- reflection: restating without a question --------------------------------------------
_REFLECT_FRAME = re.compile(
    r"\b(?:it |that )?sounds? (?:like|as if|as though)\b"
    r"|\bso you(?:'re| are| were| felt| feel| had| didn't| don't| couldn't)\b"
    r"|\byou(?:'re| are| were)? feel(?:ing)?\b|\byou felt\b|\byou(?:'re| are) (?:telling me|saying)\b"
    r"|\bwhat I(?:'m)? hear(?:ing)?\b|\byou seem(?:ed)?\b|\bit seems (?:like|as if) you\b"
    r"|\b(?:it|that) must have (?:been|felt)\b",
    _I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_STOP = frozenset(
    "a an the and or but so if then of to in on at for with from by about as into over after before "
    "i me my mine we us our you your yours he him his she her hers it its they them their this that these those "
    "is am are was were be been being do does did have has had will would can could should shall may might must "
    "not no yes just really very quite like well oh mm um uh there here what which who how why when where "
    "all any some much more most also too than up down out off again still even only ever never always "
    "it's i'm you're that's don't didn't can't i've i'd you'd you've see next week today time".split()
)

# -- questions --------------------------------------------------------------------------
_SENTENCE = re.compile(r"[^.?!\u2026]+(?:[.?!\u2026]+|$)")
_PREFIX = r"^\s*(?:(?:and|but|so|well|mm+|okay|ok|right|now|then|hm+|i see|yes|oh)[,.]?\s+)*"
_WH_START = re.compile(_PREFIX + r"(what|how|why|where|when|who|whom|whose|which)\b", _I)
_WH_END = re.compile(r"\b(what|how|why|where|who)\s*\?+\s*$", _I)
_OPEN_PROMPT = re.compile(
    r"\btell me\b|\bsay (?:a (?:bit|little|little bit) )?more\b|\bwhat comes (?:to|into) (?:your )?mind\b"
    r"|\bI(?:'m)? wonder(?:ing)? (?:what|how|why|where|who)\b"
    r"|\b(?:can|could|would) you (?:tell|say|describe|talk|put|help me understand)\b",
    _I,
)
_AUX_START = re.compile(
    _PREFIX + r"((?:do|does|did|is|are|was|were|have|has|had|can|could|would|will|should|shall|may|might|must|am"
    r"|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|hasn't|hadn't|won't|wouldn't|couldn't|can't"
    r"|shouldn't)\s+(?:i|you|he|she|it|they|we|that|this|there|your|anyone|anything|something|someone)\b)",
    _I,
)
_TAG = re.compile(
    r",\s*((?:(?:is|are|was|were|do|does|did|have|has|had|could|would|should)n't|won't|can't|aren't)"
    r"\s+(?:it|you|he|she|they|we|that|there|i)|right|yes|no|okay|ok|yeah|isn't it)\s*\?+\s*$",
    _I,
)


@dataclass(frozen=True)
class Intervention:
    """The class of one therapist utterance and the spans of the words that decided it."""

    label: str | None
    evidence: tuple[tuple[int, int], ...] = ()
    rule: str = ""


def content_words(text: str) -> dict[str, tuple[int, int]]:
    """Lower-cased content words (not function words) with the span of their first occurrence."""
    out: dict[str, tuple[int, int]] = {}
    for m in _WORD.finditer(text):
        w = m.group().lower().replace("\u2019", "'").strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) > 1 and w not in _STOP and w not in out:
            out[w] = m.span()
    return out


def _spans(pattern: re.Pattern[str], text: str, limit: int = 4) -> list[tuple[int, int]]:
    return [m.span() for _, m in zip(range(limit), pattern.finditer(text))]


def _group_span(m: re.Match[str]) -> tuple[int, int]:
    """The span of the last non-empty group, else the whole match (skips the discourse prefix)."""
    for g in range(m.re.groups, 0, -1):
        if m.group(g):
            return m.span(g)
    return m.span()


def classify(text: str, previous_client: str | None = None, overlap: float = 0.5,
             encourager_max_words: int = 4) -> Intervention:
    """Class one therapist utterance; ``previous_client`` is the client's last turn, for reflections."""
    stripped = text.strip()
    if not stripped or not any(ch.isalnum() for ch in stripped):
        return Intervention(None)
    start = text.index(stripped[0])
    if len(stripped.split()) <= encourager_max_words and _BACKCHANNEL.match(stripped):
        return Intervention("encourager", ((start, start + len(stripped)),), "backchannel")

    links, refs = _spans(_LINK, text), _spans(_REFERENT, text)
    if links and refs:
        return Intervention("interpretation", tuple(sorted(links[:2] + refs[:2])), "link+referent")
    if "?" not in text:
        anchor, figure = _spans(_ME_ANCHOR, text, 1), _spans(_WITH_FIGURE, text, 1)
        if anchor and figure:
            return Intervention("interpretation", tuple(sorted(anchor + figure)), "therapist+figure")

    here = _spans(_HERE_AND_NOW, text)
    if here:
        return Intervention("here_and_now", tuple(here), "here_and_now")

    clar = _spans(_CLARIFY, text)
    if clar:
        return Intervention("clarification", tuple(clar), "checking_meaning")

    if "?" not in text:
        frame = _spans(_REFLECT_FRAME, text, 1)
        if frame:
            return Intervention("reflection", tuple(frame), "reflection_frame")
        if previous_client:
            mine = content_words(text)
            if mine:
                theirs = content_words(previous_client)
                shared = [span for w, span in mine.items() if w in theirs]
                if shared and len(shared) / len(mine) >= overlap:
                    return Intervention("reflection", tuple(shared[:6]), "word_overlap")

    sentences = [m for m in _SENTENCE.finditer(text) if m.group().strip()]
    questions = [m for m in sentences if "?" in m.group()]
    # The last question decides (it is what the client answers); with no question, an open prompt
    # ("Tell me more.", "I wonder what comes to mind.") anywhere makes it an open question.
    for m in questions[-1:] or sentences:
        s, base = m.group(), m.start()
        wh = (_WH_START.match(s) or _WH_END.search(s)) if questions else None
        if wh:
            a, b = wh.span(1)
            return Intervention("question_open", ((base + a, base + b),), "wh_question")
        prompt = _OPEN_PROMPT.search(s)
        if prompt:
            a, b = prompt.span()
            return Intervention("question_open", ((base + a, base + b),), "open_prompt")
    if questions:
        for m in reversed(questions):
            s, base = m.group(), m.start()
            for pattern, rule in ((_AUX_START, "auxiliary_first"), (_TAG, "tag_question")):
                hit = pattern.search(s)
                if hit:
                    a, b = _group_span(hit)
                    return Intervention("question_closed", ((base + a, base + b),), rule)
        s, base = questions[-1].group(), questions[-1].start()
        lead = len(s) - len(s.lstrip())
        return Intervention("question_closed", ((base + lead, base + len(s.rstrip())),), "declarative_question")
    return Intervention("other", (), "statement")
