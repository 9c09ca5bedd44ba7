"""Hand-designed cues for DMRS defense levels, each with the character spans that fired it.

Each cue is a small phrase list read from Perry's Defense Mechanism Rating Scales
(DMRS) definitions and the PsyDefConv label descriptions: denial and minimisation
phrases, blame of others, all-good/all-bad language, intellectualised abstraction,
undoing, affiliation, self-observation, humour, help-rejecting complaints... A cue
is a *marker* that a defense may be at work, not a finding: the classifier weighs
the cues together with MiniLM's hidden states and character n-grams, and the cues
double as the evidence a clinician sees. Matching is case-insensitive on word boundaries; only the text of
the unit itself is searched (context cues are computed separately and carry no
spans in the unit).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

# name -> (DMRS level it points to, short description, phrase patterns as regex fragments)
CUES: dict[str, tuple[int, str, tuple[str, ...]]] = {
    # 0 functional talk
    "greeting_closing": (0, "greeting, thanks or farewell", (
        r"^(hi|hello|hey|hiya|good (morning|afternoon|evening))\b", r"\b(bye|goodbye|good night|take care)\b",
        r"\b(thanks?( you)?( so much)?|thank u|thx|appreciate (it|that|you))\b",
        r"\b(merry christmas|happy (holidays|new year|thanksgiving))\b", r"\bhave a (good|great|nice|wonderful) (day|night|one|evening)\b",
        r"\b(you too|same to you|nice talking|nice to meet)\b")),
    "smalltalk_question": (0, "a question about the supporter or the chat", (
        r"\bhow are you\b", r"\bhow about you\b", r"\band you\?", r"\bare you (a|an|there|okay|ok)\b",
        r"\bwhat (do you|would you) (think|suggest|recommend)\b", r"\bdo you (have|think|know)\b")),
    # 1 action
    "help_rejecting": (1, "help-rejecting complaint: a suggestion answered with 'yes, but'", (
        r"^(yes|yeah|yea|ya|yep|true|ok|okay|i know|that's true|thats true|maybe)[,.!]* but\b",
        r"\bi('ve| have)? (already )?tried( that| everything)?\b", r"\b(won't|wont|will not|doesn't|doesnt|didn't|didnt) (work|help)\b",
        r"\bnothing (works|helps|will help)\b", r"\bwhat('s| is) the point\b", r"\bno (one|body) (can|could|will) help\b")),
    "passive_aggression": (1, "passive aggression or sarcasm", (
        r"\bwhatever\b", r"\b(yeah|sure),? right\b", r"\bi guess it'?s my fault\b", r"\bthanks for nothing\b",
        r"\bif you say so\b", r"\bfine\.\s*$")),
    "acting_out": (1, "acting out: doing instead of feeling", (
        r"\b(i|we) (drank|got drunk|smashed|punched|yelled|screamed|stormed out|quit|blew up|lashed out|ran away)\b",
        r"\bself[- ]medicat\w*", r"\b(drinking|partying|binge\w*)\b")),
    # 2 major image-distorting
    "splitting": (2, "all-good / all-bad language about self or others", (
        r"\b(always|never|everyone|everybody|no ?one|nobody|nothing|everything)\b",
        r"\b(completely|totally|entirely|absolutely) (useless|worthless|evil|perfect|ruined|terrible|awful|wrong)\b",
        r"\b(all|only) (bad|good|wrong)\b", r"\bno use\b")),
    "hurt_by_others": (2, "others cast as hurting or betraying", (
        r"\b(hurt|betray\w*|use[ds]?|manipulat\w*|cheat\w*|lie[ds]?|lying|abus\w*) (me|us)\b",
        r"\b(he|she|they) (made|makes|make) me\b", r"\bso-?called\b")),
    # 3 disavowal
    "denial_minimisation": (3, "denial or minimisation", (
        r"\b(i'?m|i am|it'?s|it is|everything'?s|everything is) (fine|okay|ok|alright|all right|nothing)\b",
        r"\b(not (a|that) (big|huge) deal|no big deal|not that bad|doesn'?t (bother|matter|affect) me|i don'?t care)\b",
        r"\b(just|only) (a little|a bit|slightly|one of those)\b", r"\bit is what it is\b")),
    "external_cause": (3, "rationalising: the cause placed in circumstances", (
        r"\b(because|due to|thanks to) (of )?(the )?(covid\w*|corona\w*|virus|pandemic|lockdown|quarantine|economy|weather|holidays?)\b",
        r"\b(the )?(covid\w*|corona\w*|virus|pandemic|lockdown|quarantine)\b", r"\beveryone is\b",
        r"\bthat'?s (just )?(why|how it is|life)\b")),
    "blame_others": (3, "blame placed on others", (
        r"\b(his|her|their|your|my (boss|wife|husband|ex|mom|mum|dad|parents?|friend|teacher)'?s?) fault\b",
        r"\b(he|she|they) (always|never|doesn'?t|don'?t|won'?t|wouldn'?t|didn'?t)\b",
        r"\bblame (him|her|them)\b", r"\bbecause of (him|her|them)\b")),
    # 4 minor image-distorting
    "devaluation_other": (4, "devaluation of others", (
        r"\b(stupid|idiot\w*|dumb|jerk|mean|awful|terrible|horrible|pathetic|selfish|crazy|ridiculous|lazy|toxic|rude|fake)\b",)),
    "devaluation_self": (4, "devaluation of self", (
        r"\b(i'?m|i am|i feel like|i feel) (a |so |such a |)(failure|loser|useless|worthless|stupid|incapable|hopeless|idiot|mess|burden)\b",
        r"\bincapable\b", r"\bi (can'?t|cannot) do anything( right)?\b", r"\bi hate myself\b")),
    "idealisation": (4, "idealisation or omnipotence", (
        r"\b(perfect|the best|amazing|incredible|wonderful|awesome|genius|the greatest)\b",
        r"\b(love|loved) (her|him|them) (so|very) much\b", r"\bi (can|could) handle (anything|it all)\b",
        r"\bi don'?t need (anyone|anybody|help)\b")),
    # 5 neurotic
    "repression_forgetting": (5, "forgetting, blanking or not knowing why", (
        r"\b(i )?(don'?t|can'?t|cannot) (remember|recall)\b", r"\bi forg[eo]t\b", r"\bmy mind (goes|went) blank\b",
        r"\bdon'?t know (how|why) (to explain|i)\b")),
    "dissociation": (5, "numbness, unreality or detachment", (
        r"\b(numb|blank|detached|zoned? out|spaced out|unreal|not myself|autopilot|out of (my )?body)\b",)),
    "reaction_displacement": (5, "reaction formation or displacement", (
        r"\b(took|take|taking) it out on\b", r"\bsnapp?(ed)? at\b", r"\bproud of myself\b", r"\bi'?m (happy|glad) for (him|her|them)\b")),
    # 6 obsessional
    "intellectualisation": (6, "intellectualised, abstract or detached wording", (
        r"\b(logically|rationally|objectively|technically|theoretically|statistically|realistically|in general|generally)\b",
        r"\b(situation|circumstances?|factors?|aspects?|issues?|process|perspective|unknowns?|percent|economy|system|society|analy\w+)\b",
        r"\b(it makes sense|in theory|on paper|it'?s normal|it is normal)\b")),
    "undoing": (6, "undoing: a statement taken back or balanced away", (
        r"\bbut (then again|at the same time|on the other hand|i (also|still)|also)\b", r"\bon the other hand\b",
        r"\bi didn'?t mean\b", r"\b(take|took) it back\b", r"\bnot (that|like) i\b", r"\b(either way|anyway|anyhow)\b")),
    # 7 high-adaptive
    "self_observation": (7, "self-observation: the speaker reflects on own feelings or patterns", (
        r"\bi (feel|felt|am feeling|'m feeling|have been feeling)\b", r"\bi'?m feeling\b",
        r"\bi (realize|realise|realized|realised|notice|noticed|tend to|think i|know i|understand|learned|learnt)\b",
        r"\bi'?m (a|an) \w+ (by nature|person)\b", r"\bmakes me (feel|sad|angry|anxious|happy)\b")),
    "affiliation": (7, "affiliation: turning to others for support", (
        r"\b(talk(ed|ing)? to|reach(ed|ing)? out to|lean on|ask(ed)? for help|confide in|open up to)\b",
        r"\b(support group|counsel(l)?or|therapist|my (friends?|family|sister|brother|mom|mum|dad|partner)) (help|support|listen)\w*\b",
        r"\b(my (friends?|family) (are|is|have been) there)\b")),
    "anticipation_assertion": (7, "anticipation, planning, self-assertion or suppression", (
        r"\b(i will|i'?ll|i am going to|i'?m going to|i plan|i'?m planning|i should|i can try|i could try|i'?m trying|i am trying|i try)\b",
        r"\b(plan|schedule|prepare|goal|next time|step by step|one day at a time)\b",
        r"\bi (told|asked) (him|her|them|my)\b", r"\b(stood up for|said no)\b",
        r"\b(try not to think|focus on|put it aside|keep (myself )?busy|distract myself)\b",
        r"\b(good idea|great idea|that helps|that would help|i agree|you'?re right|your right|makes sense)\b")),
    "humour": (7, "humour", (r"\b(lol|lmao|haha\w*|hehe\w*|rofl)\b", r"[:;]-?[)dp]\B", r"\bfunny\b")),
    "altruism": (7, "altruism: helping others", (r"\b(help(ing)? (others|people|someone)|volunteer\w*|give back|donat\w*)\b",)),
    # 8 needs more information
    "dont_know": (8, "'I don't know' or too little to code", (
        r"\b(i )?(don'?t|dont|do not) (really |even )?know\b", r"\bnot sure\b", r"\bidk\b", r"\bno idea\b",
        r"\.{3,}|…", r"^(yes|yeah|yea|ya|yep|no|nope|ok|okay|hm+|um+|uh+|sure|right|maybe)[.!,]*$")),
}

EMOTION_WORDS = (
    r"\b(sad|sadness|angry|anger|mad|upset|anxious|anxiety|worried|worry|scared|afraid|fear|lonely|alone|depressed|"
    r"depression|hurt|hurts|happy|glad|excited|frustrat\w*|stress\w*|overwhelm\w*|guilty|ashamed|shame|hopeless|"
    r"miserable|nervous|panic\w*|cry|crying|cried|heartbroken|jealous|hate|love|lost|empty|tired|exhausted)\b")
NEGATIONS = r"\b(not|no|never|n't|dont|cant|wont|didnt|doesnt|isnt)\b|n't\b"
FIRST_PERSON = r"\b(i|i'm|im|me|my|myself|i've|i'll|i'd)\b"
OTHERS = r"\b(he|she|they|him|her|them|his|their|people|everyone)\b"

# Numeric features that carry no spans.
SCALARS: tuple[str, ...] = (
    "log_words", "question_only", "has_question", "exclamations", "emotion_rate", "negation_rate",
    "first_person_rate", "other_person_rate", "short_turn", "turn_position", "prev_supporter_question",
    "prev_supporter_suggestion", "prev_supporter_log_words",
)

FEATURE_NAMES: tuple[str, ...] = tuple(CUES) + SCALARS
CUE_LEVEL: dict[str, int] = {name: spec[0] for name, spec in CUES.items()}
CUE_DESCRIPTION: dict[str, str] = {name: spec[1] for name, spec in CUES.items()}


@dataclass
class Cues:
    """The feature vector of one text (same order as ``FEATURE_NAMES``) and the spans behind each cue."""

    values: list[float]
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def fired(self) -> list[str]:
        return [name for name in CUES if self.spans.get(name)]


@cache
def _compiled() -> dict[str, re.Pattern[str]]:
    """Compile the phrase lists once, on first use."""
    pats = {name: re.compile("|".join(f"(?:{p})" for p in spec[2]), re.IGNORECASE | re.MULTILINE)
            for name, spec in CUES.items()}
    for key, pattern in (("_emotion", EMOTION_WORDS), ("_negation", NEGATIONS), ("_first", FIRST_PERSON),
                         ("_others", OTHERS), ("_suggest", _SUGGESTION)):
        pats[key] = re.compile(pattern, re.IGNORECASE)
    return pats


_SUGGESTION = (r"\b(have you (tried|thought|considered)|you (could|should|might|can) (try|consider|talk|reach)|"
               r"maybe you|why don'?t you|it might help|i (suggest|recommend)|how about)\b")
_WORD = re.compile(r"[A-Za-z0-9']+")


def _normalise(text: str) -> str:
    """Typographic apostrophes as ASCII so the phrase lists match; same length, so spans stay valid."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def extract(text: str, previous_other: str = "", position: int = 0) -> Cues:
    """Cues for one client text; ``previous_other`` is the last turn of the other speaker (therapist/supporter)."""
    pats = _compiled()
    norm = _normalise(text)
    stripped = norm.strip()
    spans: dict[str, list[tuple[int, int]]] = {}
    values: list[float] = []
    for name in CUES:
        found = [(m.start(), m.end()) for m in pats[name].finditer(norm) if m.end() > m.start()]
        spans[name] = found
        values.append(math.log1p(len(found)))
    words = max(1, len(_WORD.findall(norm)))
    n_words = len(_WORD.findall(norm))
    prev = _normalise(previous_other)
    values += [
        math.log1p(n_words),
        float(stripped.endswith("?") and stripped.count(".") == 0 and n_words <= 15),
        float("?" in norm),
        math.log1p(norm.count("!")),
        len(pats["_emotion"].findall(norm)) / words,
        len(pats["_negation"].findall(norm)) / words,
        len(pats["_first"].findall(norm)) / words,
        len(pats["_others"].findall(norm)) / words,
        float(n_words <= 4),
        math.log1p(position),
        float("?" in prev),
        float(bool(pats["_suggest"].search(prev))),
        math.log1p(len(_WORD.findall(prev))),
    ]
    return Cues(values, spans)


def extract_many(texts: list[str], previous_others: list[str] | None = None,
                 positions: list[int] | None = None) -> tuple[list[list[float]], list[Cues]]:
    """Cues for many texts: the feature matrix (list of rows) and the per-text ``Cues``."""
    prevs = previous_others or [""] * len(texts)
    pos = positions or [0] * len(texts)
    cues = [extract(t, p, i) for t, p, i in zip(texts, prevs, pos)]
    return [c.values for c in cues], cues
