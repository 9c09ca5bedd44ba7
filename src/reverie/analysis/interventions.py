"""Therapist intervention classes, by ordered surface rules with evidence spans.

One therapist utterance gets exactly one class. The rules are tried in a fixed
order and the first that fires wins, because the classes overlap: "How is it to
tell me this?" is a question, but what makes it clinically distinct is that it is
about the here-and-now, so here-and-now is tried before the open question.

Order: encourager, interpretation, confrontation, here_and_now, clarification,
open prompts, affirmation, advice, reflection, question_open, question_closed,
other. A turn is read with the client turn before it: a reflection restates or
extends what the client just said, even when it is said with a rising "?". Each
class has a place on Gabbard's expressive-supportive continuum (``CONTINUUM``).
Each rule returns the character spans of the words that decided it, so a
clinician can see why. The rules are described,
with their known failure modes, in ``docs/analysers/dialogue.md``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

INTERVENTIONS: tuple[str, ...] = (
    "question_open", "question_closed", "reflection", "clarification",
    "interpretation", "here_and_now", "encourager", "other",
    "confrontation", "advice", "affirmation",
)

# Gabbard's expressive-supportive continuum: interpretation, confrontation (and remarks on the
# relationship in the room) are expressive; clarification, encouragement to elaborate (open
# questions, encouragers), empathic reflection and closed questions sit between; advice, praise,
# information and affirmation are supportive. ``other`` (greetings, scheduling) has no place.
CONTINUUM: dict[str, str | None] = {
    "interpretation": "expressive", "confrontation": "expressive", "here_and_now": "expressive",
    "clarification": "intermediate", "question_open": "intermediate", "encourager": "intermediate",
    "reflection": "intermediate", "question_closed": "intermediate",
    "advice": "supportive", "affirmation": "supportive", "other": None,
}

# Patterns are written in any case and matched against the text with ASCII capitals lowered
# (``_LOWER``: same length, so spans still index the original). That is about twice as fast as
# re.IGNORECASE, and the reader runs on every therapist turn.
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_LOWER_QUOTE = str.maketrans(string.ascii_uppercase + "\u2019", string.ascii_lowercase + "'")


def _ci(pattern: str) -> re.Pattern[str]:
    """Compile for lowered text, with the top-level alternatives that start at a word boundary
    gathered under one ``\\b(?:...)``: the engine then tests the boundary once per position
    instead of once per alternative (several times faster on long lists of phrases)."""
    alternatives, depth, start, i = [], 0, 0, 0
    pattern = pattern.lower()
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif ch == "[":
            i = pattern.index("]", i + 2)
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
        i += 1
    alternatives.append(pattern[start:])
    bounded = [a[2:] for a in alternatives if a.startswith("\\b")]
    if len(bounded) < 2:
        return re.compile(pattern)
    rest = [a for a in alternatives if not a.startswith("\\b")]
    return re.compile("|".join([r"\b(?:" + "|".join(bounded) + ")", *rest]))

# -- encourager: the whole utterance is a short backchannel -----------------------------
_BACKCHANNEL = _ci(
    r"^\s*(?:(?:m+|m+-?hm+|mhm+|hm+|uh-?huh|yes|yeah|yep|right|okay|ok|i see|go on|carry on|sure"
    r"|and|so|ah|oh|indeed|of course|please go on|please|i know|yes,? go on|take your time|and then)"
    r"[\s,.!?\u2026-]*)+$",
)

# -- interpretation: a link word AND a past / other-relationship referent -----------------
_LINK = _ci(
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
    r"|\bjust as\b|\bthe same (?:thing |feeling )?(?:as|that)\b"
    r"|\bmuch as\b|\b(?:the way|like) your\b|\byou learned early\b"
    r"|\bwhat you (?:did|used to do|were told|were taught|learned)\b"
    r"|\b(?:a|your|the) way (?:of|to)\b|\bprotect(?:s|ing)? you\b|\btouch(?:es)? the\b|\bstir(?:s)? up\b",
)
_REFERENT = _ci(
    r"\byour\s+(?:(?:late|own)\s+)?(?:father|mother|dad|mum|mom|parents?|grandmother|grandfather|nana|gran|granny"
    r"|grandma|grandpa|brother|sister|family|childhood|father's|mother's|dad's|mum's|mom's|parents'|teachers?)"
    r"|\bat home\b|\bin your family\b"
    r"|\bwhen you were (?:a |an |very |still )?(?:child|kid|little|small|young|girl|boy|teenager"
    r"|growing up|at school|twelve|\w+ years old)\b"
    r"|\bas a (?:child|kid|girl|boy|teenager)\b|\bchildhood\b|\bgrowing up\b|\bback then\b"
    r"|\b(?:a long time|long|years) ago\b|\bat (?:the age of )?(?:\d{1,2}|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen)\b",
)
# The relationship with the therapist set beside one with a parent ("we've been able to disagree...
# With your father, there was no room..."): a statement naming both.
# A hedged statement of what a feeling or act is for ("Perhaps ... is a way of", "may protect you
# from"): the defence-function form of interpretation, with or without a past figure.
_HEDGE_WEAK = _ci(r"\b(?:may|might|could|I think|it seems)\b")
_HEDGE = _ci(r"\b(?:perhaps|maybe|I wonder (?:if|whether)|(?:may|might|could) (?:be|have)|could it be|it may be)\b")
_FUNCTION = _ci(
    r"\b(?:a|the) way (?:of|to) (?:\w+ing|keep|stay|avoid|get|manage)\b|\bprotect(?:s|ing)? you\b|\bspares? you\b"
    r"|\b(?:easier|safer) (?:than|to)\b|\bthe price of\b|\bkeep(?:s|ing)? (?:you|one foot|\w+) (?:from|out|at)\b"
    r"|\bpart of you (?:feels|doesn't|does not|wants)\b|\bbecause (?:as a child|you were)\b"
    r"|\b(?:the )?(?:old )?message\b|\bguilt\b|\bbetrayal\b|\blonging\b",
)
_ME_ANCHOR = _ci(r"\b(?:with me|towards me|between us|you and I|we(?:'ve| have| can| could)|in here)\b")
_WITH_FIGURE = _ci(r"\bwith your (?:father|mother|dad|mum|mom|parents|family)\b")

# -- here and now: what is happening between them, in the room, now -----------------------
_HERE_AND_NOW = _ci(
    r"\bbetween (?:us|you and me|the two of us)\b"
    r"|\bin this room\b|\bin the room (?:with me|now|right now|here)\b|\bas we (?:sit|talk|speak)\b|\bat this moment\b"
    r"|\b(?:imagine|think) I(?:'m| am)?\b|\babout me\b|\bI(?:'m| am) feeling\b|\bin here\b|\bhere with me\b"
    r"|\bwith me (?:right )?now\b|\bto me (?:right )?now\b"
    r"|\bI(?:'m| am)? notic(?:e|ed|ing)\b|\bI can see (?:that )?you\b"
    r"|\bas you (?:say|said|tell|told|talk|speak|spoke|describe|described) (?:that|this|it|me)\b"
    r"|\bhow (?:is|was|does|did) it (?:feel )?(?:for you )?to (?:tell|say|talk|hear|be here|sit|share)\b"
    r"|\bwhat(?:'s| is) it like,? (?:for you,? )?(?:to (?:tell|say|talk|hear|be here|sit|share)|saying|telling)\b"
    r"|\b(?:what|how) (?:are|do) you feel(?:ing)? (?:right )?now\b"
    r"|\bwhat(?:'s| is) happening (?:for you |in you |between us )?(?:right )?now\b"
    r"|\bjust now\b|\bin this moment\b|\bright here\b"
    r"|\byou(?:'re| are) (?:smiling|laughing|crying|tearful|going quiet|looking away)\b"
    r"|\b(?:with|of|at|towards?|from) me\b|\bmy time\b",
)

# -- clarification: checking meaning ----------------------------------------------------
_CLARIFY = _ci(
    r"\b(?:do |did )?you mean\b|\bwhen you say\b|\bare you saying\b|\byou(?:'re| are) saying\b[^.?!]*\?"
    r"|\bis that (?:right|what you mean|it)\s*\?|\bhave I (?:got|understood) (?:that|it|you|this) right\b"
    r"|\b(?:do|did) I (?:understand|get) (?:that|it|you) right\b|\bif I understand\b|\bjust to be clear\b"
    r"|\b(?:was|is|were|did|does|do)\s+(?:it|that|this)\b[^.?!]*?\bor\b[^.?!]*\?",
)

# -- reflection: restating without a question --------------------------------------------
_REFLECT_FRAME = _ci(
    r"\b(?:it |that )?sounds? (?:like|as if|as though)\b"
    r"|\bso you(?:'re| are| were| felt| feel| had| didn't| don't| couldn't)\b"
    r"|\byou(?:'re| are| were)? feel(?:ing)?\b|\byou felt\b|\byou(?:'re| are) (?:telling me|saying)\b"
    r"|\bwhat I(?:'m)? hear(?:ing)?\b|\byou seem(?:ed)?\b|\bit seems (?:like|as if) you\b"
    r"|\b(?:it|that) must have (?:been|felt)\b",
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

# -- confrontation: a discrepancy, an avoidance or a repetition set before the client --------
_CONFRONT = _ci(
    r"\byou (?:say|said|tell me|told me)\b[^.?!]*?(?:,\s*|\s)(?:but|yet|and yet)\b|^\s*(?:and )?yet\b"
    r"|,\s*(?:and )?yet\b"
    r"|\b(?:earlier|last week|before) you (?:said|told me|mentioned)\b|\byou (?:said|told me) (?:the same|that)\b"
    r"[^.?!]*\b(?:before|last|in (?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december))\b"
    r"|\bthe (?:second|third|fourth|fifth|sixth|\w+th) (?:time|week|session)\b|\bin a row\b"
    r"|\b(?:two|three|four|five|six|several|\d+) times\b|\bfor something that\b"
    r"|\byou keep (?:changing|avoiding|handing|saying|telling|putting|blaming|coming)\b"
    r"|\bchang(?:e|ed|ing) the subject\b|\bhurrying (?:us|me|past)\b|\bwhile (?:telling|talking|saying)\b"
    r"|\b(?:every|each) (?:problem|time) (?:we|you)\b[^.?!]*\b(?:ends?|turns?) up\b"
    r"|\byou(?:'ve| have)(?:n't| not) (?:done|signed|started|stopped)\b",
)

# -- advice: suggestions, information, praise of what to keep doing ------------------------------
_ADVICE = _ci(
    r"^\s*(?:(?:so|okay|ok|well|and|but|maybe|perhaps|now|next time|this week|tonight|for now),?\s+)*"
    r"(?:try|make sure|start|remember|write|check|keep|take|don't|do not|let yourself|give yourself|avoid|aim"
    r"|practise|practice|notice|wait|stop|call|ring|go|bring|ask|stick|set|plan|please)\b"
    r"|\byou (?:could|might|should|may want to|need to|have to|don't have to|can always)"
    r"(?! (?:die|be|have|feel|lose|not|never|think|fail|end|get))\b"
    r"|\b(?:it|this) (?:can|could|might|may|would|will|often|usually)"
    r" (?:help (?:to|you)|be (?:useful|helpful|worth|good))\b"
    r"|\b(?:it'?s|it is|it would be) (?:worth|a good idea|important|ok|okay|fine|normal|common|best)\b"
    r"|\b(?:some|many|most|lots of|a lot of) (?:\w+ )?(?:people|parents|clients|of us)\b"
    r"|\b(?:is|are) often\b|\ba good (?:place|way) to start\b"
    r"|\b(?<!what )(?<!which )have you (?:tried|thought about|considered|thought of)"
    r"(?! (?:how|what|why|when|where|who|whether|if|it|that))\b"
    r"|\bwhy (?:not|don't you)\b|\bhow about\b|\b(?:something )?we could (?:try|look at|work on)\b"
    r"|\bwhat about (?:\w+ing)\b|\bwould it help to\b|\b(?:could|would|can) you (?:try|ask|consider|call|bring)\b"
    r"|\bI(?:'d)? (?:suggest|recommend|advise|would like you to|'d like you to)\b|\bI'd like you to\b"
    r"|\bshall I (?:give|send|find)\b|\bplease\b"
    r"|\b(?:is|are) (?:a |an )?(?:normal|common|usual|natural)\b|\busually\b|\btends? to\b|\bcan be dangerous\b"
    r"|\b(?:peak|subside)s?\b|\bno more than\b|\bcan (?:\w+ly )?(?:cause|lead to|increase|affect|lower|reduce|raise|improve)\b|\bwe know (?:that )?\b"
    r"|\b(?:increases?|raises?|reduces?|lowers?) (?:the|your) (?:risk|chances?)\b"
    r"|\bis (?:linked|associated) (?:with|to)\b"
    r"|\b(?:research|studies|the evidence|guidelines?|experts?|doctors) (?:shows?|suggests?|says?|recommends?)\b"
    r"|\bwell done\b|\bgood (?:job|work)\b|\bbrilliant\b|\bexcellent\b|^\s*keep (?:going|it up)\b"
    r"|\.\s*keep (?:going|it up)\b",
)

# -- affirmation: brief support for the client, their feelings, effort or strengths -----------
_AFFIRM = _ci(
    r"\btook (?:real |a lot of |some )?courage\b|\bbrave\b|\bcourageous\b"
    r"|\b(?<!n't )(?<!not )makes? (?:complete |total |a lot of |perfect )?sense\b"
    r"|\bunderstandable\b|\banyone would\b|\bof course you (?:would|feel)\b"
    r"|\byou(?:'ve| have) (?:worked|shown|done|come|been) (?:so |really |very )?(?:hard|a lot|well|far|brave|strong)\b"
    r"|\byou(?:'re| are) (?:doing (?:the best|well|really well|so well)|a (?:devoted|caring|good|loving)"
    r"|really putting)\b"
    r"|\b(?:I'm|I am) glad\b|\bproud\b|\bstrength\b|\bnothing to (?:apologi[sz]e|be ashamed)\b"
    r"|\bdoesn't sound (?:silly|stupid)\b|\bnothing wrong with\b|\byou care\b|\byou got through\b"
    r"|\bbig (?:realisation|realization|step)\b|\bI can see how much\b|\byou kept (?:your|going)\b"
    r"|\b(?:welcome|allowed|fine|okay|ok) (?:here|to (?:say|feel|cry))\b|\b(?:real|important) (?:step|thing to do)\b"
    r"|\bthat was (?:important|a big)\b|\byou took a step\b|\byou were honest\b|\bgood for you\b",
)

_THANKS = _ci(r"\bthank(?:s| you) (?:so much |very much )?for (?:sharing|telling|being|trusting|your honesty)\b")

# -- other: greetings, scheduling and the frame of the session ------------------------------------
_ADMIN = _ci(
    r"\b(?:good (?:morning|afternoon|evening)|come in|have a seat|see you|next (?:week|session|time)"
    r"|(?:stop|finish|end) (?:there|here|at)|for today|minutes? left|our (?:next )?session|thank(?:s| you)"
    r"|let(?:'s| us) (?:begin|start|stop)|worksheet|questionnaire|diary|my notes|I'm away|I'll be away)\b",
)

_ABOUT_CLIENT = _ci(r"\b(?:you|your|yours|yourself)\b")

# -- a declarative "?" that restates the client's inner world is a reflection, not a question ------
_INNER = _ci(
    r"\b(?:feel|feels|felt|feeling|want|wanted|wants|wish|rather|afraid|scared|alone|lonely|hurt|angry|sad"
    r"|invisible|lost|worried|ashamed|guilty|guilt|carrying|empty|stuck|like|seems?|part of you|not sure|think|thinking"
    r"|considering|wondering|ready|kind of|sort of)\b",
)
_DOUBLE = _ci(
    r"\b(?:and|but) (?:at the same time|also|yet)\b|\bpart of you\b|\banother part\b|\bboth\b|\bon the one hand\b"
    r"|,\s*and you\b|,\s*but you\b",
)
_CLARIFY_MORE = _ci(
    r"\bin what sense\b|\bas in\b|\bwhat do you mean\b|\bwhich (?:\w+ )?do you mean\b|\bjust so I'm clear\b"
    r"|\blet me (?:check|make sure)\b|\bif I've understood\b|\bhelp me with that\b|\bI'm not sure I do\b"
    r"|\bexactly\s*\?|\bin the sense of\b"
    r"|^(?!\s*(?:are|is|was|were|do|does|did|have|has|can|could|would|will)\b)[^?.!]*,\s*or\b[^?]*\?"
    r"|^\s*\w+(?: \w+){0,3}\?\s*(?:or|\w+\? or)\b",
)
_WONDER_CLOSED = _ci(r"\bI(?:'m| am)? (?:wonder(?:ing)?|(?:'d|would) like to know) (?:if|whether)\b")
_OPEN_MORE = _ci(
    r"\bwhatever (?:comes|is on your mind)\b|\bwalk me through\b|\bI'd (?:like|love) to hear\b"
    r"|\bwherever (?:feels|you)\b|\bhelp me understand\b|^\s*(?:in )?what ways?\s*\?",
)

# -- questions --------------------------------------------------------------------------
_SENTENCE = re.compile(r"[^.?!\u2026]+(?:[.?!\u2026]+|$)")
# Spoken lead-ins before a question word: discourse markers and fillers ("So, um, what ...").
_PREFIX = (r"^\s*(?:(?:and|but|so|well|mm+|m+-?hm+|okay|ok|alright|all right|right|now|then|hm+|i see|yes|yeah"
           r"|oh|um+|uh+|er+m?|you know|i mean|just|i'm (?:just )?(?:curious|wondering))[,.]?\s+)*")
_WH_START = _ci(_PREFIX + r"(what|how|why|where|when|who|whom|whose|which)\b")
_WH_END = _ci(r"\b(what|how|why|where|who)\s*\?+\s*$")
# A wh-word opening the last clause of a question ("On a scale of one to ten, how important ...?").
_WH_CLAUSE = _ci(r",\s+(what|how|why|where|when|who|which)\b[^,]*\?\s*$")
# Unpunctuated speech (transcripts without "?"): a wh- or auxiliary opening still asks.
_ASKS_UNMARKED = _ci(_PREFIX + r"(?:(what|how|why|where|when|who|which)\s+(?:is|are|was|were|do|does|did|would|could"
                     r"|can|will|has|have|had|made|makes|brings|happened|else|about|kind|sort|might|should)\b"
                     r"|(?:do|does|did|is|are|was|were|have|has|can|could|would|will)\s+(?:you|it|that|he|she|they)\b)")
_OPEN_PROMPT = _ci(
    r"\btell me\b|\bsay (?:a (?:bit|little|little bit) )?more\b|\bwhat comes (?:to|into) (?:your )?mind\b"
    r"|\bI(?:'m)? wonder(?:ing)? (?:what|how|why|where|who)\b"
    r"|\b(?:can|could|would) you (?:tell|say|describe|talk|put|help me understand)\b",
)
_AUX_START = _ci(
    _PREFIX + r"((?:do|does|did|is|are|was|were|have|has|had|can|could|would|will|should|shall|may|might|must|am"
    r"|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|hasn't|hadn't|won't|wouldn't|couldn't|can't"
    r"|shouldn't)\s+(?:i|you|he|she|it|they|we|that|this|there|your|anyone|anything|something|someone)\b)",
)
_TAG = _ci(
    r",\s*((?:(?:is|are|was|were|do|does|did|have|has|had|could|would|should)n't|won't|can't|aren't)"
    r"\s+(?:it|you|he|she|they|we|that|there|i)|right|yes|no|okay|ok|yeah|isn't it)\s*\?+\s*$",
)


@dataclass(frozen=True)
class Intervention:
    """The class of one therapist utterance, the spans of the words that decided it and, for a
    reflection, whether it is ``simple`` (restates) or ``complex`` (adds meaning or feeling)."""

    label: str | None
    evidence: tuple[tuple[int, int], ...] = ()
    rule: str = ""
    depth: str | None = None

    @property
    def continuum(self) -> str | None:
        """The class's place on the expressive-supportive continuum (None for ``other`` or no class)."""
        return CONTINUUM.get(self.label) if self.label else None


def content_words(text: str) -> dict[str, tuple[int, int]]:
    """Lower-cased content words (not function words) with the span of their first occurrence."""
    out: dict[str, tuple[int, int]] = {}
    for m in _WORD.finditer(text.translate(_LOWER_QUOTE)):  # same length: spans index ``text``
        w = m.group().strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) > 1 and w not in _STOP and w not in out:
            out[w] = m.span()
    return out


def _word_set(text: str) -> set[str]:
    """The words of ``text`` as ``content_words`` normalises them, without spans (the client's side)."""
    words = {w.strip("'-") for w in _WORD.findall(text.translate(_LOWER_QUOTE))}
    return {w[:-2] if w.endswith("'s") else w for w in words}


def _spans(pattern: re.Pattern[str], text: str, limit: int = 4) -> list[tuple[int, int]]:
    return [m.span() for _, m in zip(range(limit), pattern.finditer(text))]


def _group_span(m: re.Match[str]) -> tuple[int, int]:
    """The span of the last non-empty group, else the whole match (skips the discourse prefix)."""
    for g in range(m.re.groups, 0, -1):
        if m.group(g):
            return m.span(g)
    return m.span()


@lru_cache(maxsize=64)  # the same pair is asked for by more than one rule
def _overlap(text: str, previous_client: str | None) -> tuple[tuple[tuple[int, int], ...], int, int]:
    """Spans of the therapist's content words the client used, the number shared and the number new."""
    mine = content_words(text)
    theirs = _word_set(previous_client) if previous_client else frozenset()
    shared = tuple(span for w, span in mine.items() if w in theirs)
    return shared, len(shared), len(mine) - len(shared)


def _reflection(text: str, previous_client: str | None, rule: str,
                evidence: tuple[tuple[int, int], ...]) -> Intervention:
    """A reflection, simple when it adds at most one new content word and no two-sided frame."""
    _, _, new = _overlap(text, previous_client)
    depth = "complex" if new > 1 or _DOUBLE.search(text) or not previous_client else "simple"
    return Intervention("reflection", evidence, rule, depth)


def classify(text: str, previous_client: str | None = None, overlap: float = 0.5,
             encourager_max_words: int = 4) -> Intervention:
    """Class one therapist utterance; ``previous_client`` is the client's last turn, for reflections."""
    text = text.translate(_LOWER)  # spans are unchanged; see _ci
    stripped = text.strip()
    if not stripped or not any(ch.isalnum() for ch in stripped):
        return Intervention(None)
    start = text.index(stripped[0])
    if len(stripped.split()) <= encourager_max_words and _BACKCHANNEL.match(stripped):
        return Intervention("encourager", ((start, start + len(stripped)),), "backchannel")
    asks = "?" in text

    links, refs = _spans(_LINK, text), _spans(_REFERENT, text)
    if links and refs:
        return Intervention("interpretation", tuple(sorted(links[:2] + refs[:2])), "link+referent")
    if not asks:
        anchor, figure = _spans(_ME_ANCHOR, text, 1), _spans(_WITH_FIGURE, text, 1)
        if anchor and figure:
            return Intervention("interpretation", tuple(sorted(anchor + figure)), "therapist+figure")
    hedge = _spans(_HEDGE, text, 1) or _spans(_HEDGE_WEAK, text, 1)
    if hedge:
        why = refs[:1] or _spans(_FUNCTION, text, 1)
        if why:
            return Intervention("interpretation", tuple(sorted(hedge + why)), "hedged_link")

    confront = _spans(_CONFRONT, text, 2)
    if confront:
        return Intervention("confrontation", tuple(confront), "discrepancy")

    thanks = None if asks else _THANKS.search(text)
    if thanks:  # "Thank you for sharing that with me" is support, not a remark on the relationship
        return Intervention("affirmation", (thanks.span(),), "affirmation")
    here = _spans(_HERE_AND_NOW, text)
    if here:
        return Intervention("here_and_now", tuple(here), "here_and_now")

    clar = _spans(_CLARIFY, text) or _spans(_CLARIFY_MORE, text)
    if clar:
        return Intervention("clarification", tuple(clar), "checking_meaning")

    prompt = _spans(_OPEN_MORE, text, 1) or (_spans(_OPEN_PROMPT, text, 1) if not asks else [])
    if prompt:
        return Intervention("question_open", tuple(prompt), "open_prompt")
    affirm = _spans(_AFFIRM, text, 2)
    if affirm:
        return Intervention("affirmation", tuple(affirm), "affirmation")
    advice = _spans(_ADVICE, text, 2)
    if advice:
        return Intervention("advice", tuple(advice), "advice")

    if not asks:
        frame = _spans(_REFLECT_FRAME, text, 1)
        if frame:
            return _reflection(text, previous_client, "reflection_frame", tuple(frame))
        shared, n_shared, n_new = _overlap(text, previous_client)
        if shared and n_shared / (n_shared + n_new) >= overlap:
            return _reflection(text, previous_client, "word_overlap", tuple(shared[:6]))
        wonder = _WONDER_CLOSED.search(text)
        if wonder:
            return Intervention("question_closed", (wonder.span(),), "wondering")
        last = [m for m in _SENTENCE.finditer(text) if m.group().strip()][-1]
        unmarked = None if last.group().rstrip()[-1:] in ".!\u2026" else _ASKS_UNMARKED.match(last.group())
        if unmarked:
            a, b = last.start(), last.start() + len(last.group().rstrip())
            return Intervention("question_open" if unmarked.group(1) else "question_closed", ((a, b),),
                                "unpunctuated_question")

    sentences = [m for m in _SENTENCE.finditer(text) if m.group().strip()]
    questions = [m for m in sentences if "?" in m.group()]
    # The last question decides (it is what the client answers); with no question, an open prompt
    # ("Tell me more.", "I wonder what comes to mind.") anywhere makes it an open question.
    for m in questions[-1:] or sentences:
        s, base = m.group(), m.start()
        wh = _WH_START.match(s) if questions else None
        if wh:
            a, b = wh.span(1)
            return Intervention("question_open", ((base + a, base + b),), "wh_question")
        prompt = _OPEN_PROMPT.search(s)
        if prompt:
            a, b = prompt.span()
            return Intervention("question_open", ((base + a, base + b),), "open_prompt")
        if questions and _AUX_START.search(s):
            break
        wh = _WH_CLAUSE.search(s) if questions else None
        if wh:
            a, b = wh.span(1)
            return Intervention("question_open", ((base + a, base + b),), "wh_question")
        wh = _WH_END.search(s) if questions else None
        if wh:
            a, b = wh.span(1)
            return Intervention("question_open", ((base + a, base + b),), "wh_question")
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
        span = ((base + lead, base + len(s.rstrip())),)
        # A statement said with a rising "?" that speaks of the client's inner world, or restates
        # most of what they said, is a reflection; a bare check of a fact stays a closed question.
        inner = _INNER.search(s)
        shared, n_shared, n_new = _overlap(s, previous_client)
        if len(s.split()) >= 3 and (inner or (n_shared >= 2 and n_shared >= n_new)):
            hits = [inner.span()] if inner else shared[:6]
            return _reflection(text, previous_client, "rising_reflection",
                               tuple((base + a, base + b) for a, b in hits))
        return Intervention("question_closed", span, "declarative_question")
    if _ADMIN.search(text) is None and (_ABOUT_CLIENT.search(text) or _INNER.search(text)):
        return _reflection(text, previous_client, "about_client", ())
    return Intervention("other", (), "statement")
