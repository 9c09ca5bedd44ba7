"""Risk language: suicidal ideation, plans, preparations, attempts, self-harm and harm to others.

A safety net, not a marker of process: the analyser looks for words that a clinician
must see soon, and it favours recall (a missed crisis costs far more than a false alarm).
Two layers: rules (regular expressions, ``resources/risk/patterns.yaml``) and a semantic
layer (``risk_semantic``: sentences compared with prototype sentences by a small encoder)
that catches indirect wording. Each risk match is checked against the frames that make
such words harmless *in the clause they govern*: negation ("I would never hurt myself"),
other people's words ("my sister said she wanted to die"), quoted text, idioms ("this
commute is killing me"), distant past marked as past ("years ago", with no present marker),
fiction and news ("in the film"), other people as the subject, accidents, and ordinary
objects (pills for an illness, stopping a habit, a goodbye). A frame never reaches beyond
its clause, so a negated clause cannot hide a present risk in the next one.

A clear rule finding is a risk. A weak cue ("I'm a burden") or a semantic resemblance is a
risk only when the turn or its context corroborates it (words of death or harm,
hopelessness, a means or plan, the therapist's risk question just before, an earlier flag in
the session); otherwise it is a quiet ``review`` marker and opens no task. A "yes" to the
therapist's risk question is itself a finding. ``severity`` is a step of the Columbia
(C-SSRS) ladder (``LADDER``); ``urgency`` orders the therapist's tasks.

``safety_critical = True``: a practice keeps this analyser on even where analysers that
infer mental states are switched off; it infers nothing about the person, it only
surfaces their words for a clinician.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar


from reverie.analysis import risk_semantic
from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Chip, Column, Display
from reverie.domain import Annotation
from reverie.analysis.lexicons import resource_yaml

URGENCIES: tuple[str, ...] = ("none", "low", "moderate", "high", "imminent")
SEVERITIES = URGENCIES  # the urgency scale kept under its old name for existing callers
# The Columbia (C-SSRS) ladder, least to most severe for suicide risk, then the two other kinds of risk:
# each step's id (the ``severity`` value) and the words a clinician recognises.
LADDER: dict[str, str] = {
    "wish_to_be_dead": "Wish to be dead",
    "active_thoughts": "Non-specific active suicidal thoughts",
    "thoughts_with_method": "Active suicidal thoughts with a method (no intent or plan)",
    "intent": "Active suicidal thoughts with intent (no specific plan)",
    "plan": "Active suicidal thoughts with a specific plan and intent",
    "preparatory_behaviour": "Preparatory behaviour",
    "past_attempt": "Suicide attempt (actual, interrupted or aborted)",
    "self_harm": "Self-harm without suicidal intent",
    "harm_to_others": "Thoughts of harming others",
}
# How soon a clinician must look (orders the task list): a step's default urgency.
LADDER_URGENCY: dict[str, str] = {
    "wish_to_be_dead": "moderate", "active_thoughts": "high", "thoughts_with_method": "high", "intent": "imminent",
    "plan": "imminent", "preparatory_behaviour": "imminent", "past_attempt": "imminent", "self_harm": "high",
    "harm_to_others": "high",
}
_CATEGORY_STEP = {"passive_ideation": "wish_to_be_dead", "active_ideation": "active_thoughts", "plan": "plan",
                  "preparation": "preparatory_behaviour", "attempt": "past_attempt", "self_harm": "self_harm",
                  "harm_to_others": "harm_to_others"}
_METHOD = re.compile(
    r"\b(?:pills?|tablets?|paracetamol|overdos\w*|meds|insulin|hang\w*|rope|noose|ligature|jump\w*|bridge|roof|"
    r"ledge|cliff|balcony|heights?|trains?|tracks|railway|motorway|traffic|gun|rifle|shoot\w*|knife|blade|razor|"
    r"wrists?|drown\w*|river|reservoir|sea|gas|charcoal|car\s+(?:crash|off)|crash\w*|swerv\w*|suffocat\w*|"
    r"driv\w*\s+(?:into|off)|scissors|lighter)\b",
    re.IGNORECASE)
_INTENT = re.compile(
    r"\b(?:I'?m\s+going\s+to|I\s+am\s+going\s+to|I'?m\s+gonna|I'?ll|I\s+will|I\s+intend\s+to|I\s+mean\s+to|"
    r"I'?ve\s+decided\s+to|I\s+have\s+decided\s+to)\s+(?:\w+\s+){0,2}?(?:do\s+it|kill\s+myself|end\s+(?:it|my\s+life|things)|"
    r"take\s+my\s+(?:own\s+)?life|go\s+through\s+with\s+it|act\s+on\s+it)\b|\b(?:going\s+to|will)\s+act\s+on\b",
    re.IGNORECASE)
# Words of death, dying, not being here and harm: a resemblance or a weak cue is corroborated by one of them.
_DEATH = re.compile(
    r"\b(?:die|dies|died|dying|dead(?!\s+inside)|death|suicid\w*|kill(?:ing)?\s+myself|end(?:ing)?\s+(?:it\s+all|my\s+life)|"
    r"take\s+my\s+(?:own\s+)?life|(?:not|never)\s+(?:to\s+)?(?:be\s+)?(?:here|alive|around)|(?:be|being|stay|staying)\s+alive|"
    r"(?:not|never)\s+(?:to\s+)?wak(?:e|ing)(?:\s+up)?|(?:won|wouldn|didn)'?t\s+wake(?:\s+up)?|"
    r"not\s+having\s+to\s+(?:wake\s+up|be\s+(?:here|alive|around)|exist|live|go\s+on)|woke\s+up\s+anyway|disappear\w*|stop\s+existing|not\s+exist|"
    r"cease\s+to\s+exist|without\s+me(?!\s+(?:for\s+(?:a|an|the|one|two|a\s+few|\d+)\s+\w+|this\s+\w+|tonight|today|while|when\s+I))|(?:hurt|harm|cut|cutting|burn)\s+myself|self[- ]?harm\w*|bleed|"
    r"never\s+been\s+born|won'?t\s+be\s+(?:here|around|a\s+(?:problem|burden))\s+(?:for\s+)?(?:much|"
    r"very)\s+longer|being\s+around\s+(?:next|much|for)|survive|for\s+good|already\s+gone|end\s+to\s+myself|"
    r"stop\s+my\s+heart|finish(?:es)?\s+me\s+off|time\s+for\s+me\s+to\s+go|carry\s+on\s+living|disappointed\s+(?:that\s+)?I\s+woke|"
    r"blood(?!\s+(?:pressure|tests?|sugars?|results|work|count|donor|bank|thinners?))|"
    r"hurt(?:ing)?\s+my\s+(?:body|arms?|legs?)|around\s+my\s+neck|revenge|run\s+\w+\s+over|"
    r"(?:hurting|hurt|killing|kill)\s+(?:the\s+people|them\s+all|everyone)|"
    # the self gone, the body giving out, sleep with no return: not being here, in other words
    r"if\s+I\s+(?:just\s+)?(?:was|were|am|'m)\s+(?:gone|no\s+longer\s+(?:here|around))|my\s+(?:body|heart)\s+(?:will\s+|would\s+)?"
    r"(?:just\s+)?(?:gives?\s+(?:up|out)|packs?\s+in|shuts?\s+down)|(?:fall\s+asleep|go\s+to\s+sleep)\s+and\s+(?:just\s+)?never\s+"
    r"(?:wake|have\s+to\s+(?:deal\s+with|face|feel)\s+(?:any\s+of\s+)?(?:it|this|anything|everything)\s+(?:ever\s+)?again))\b",
    re.IGNORECASE)
# Hopelessness, and a method or means, and the marks of a plan: one of these corroborates a resemblance.
_HOPELESS = re.compile(
    r"\b(?:hopeless\w*|no\s+point|no\s+light\s+at\s+the\s+end|pointless|(?:don'?t|can'?t)\s+see\s+the\s+point|what'?s\s+the\s+point|"
    r"no\s+way\s+out|no\s+future|can'?t\s+(?:go\s+on|carry\s+on|do\s+this)|burden|worthless|waste\s+of\s+(?:space|oxygen)|"
    r"trapped|nothing\s+left|nothing\s+(?:\w+\s+){0,2}(?:gets?|got|gotten|getting)\s+better|never\s+gets?\s+better|"
    r"(?:can'?t|cannot|can\s+not)\s+keep\s+(?:doing\s+(?:this|it)|going)\s+(?:much|any)\s+longer|no\s+reason|give\s+up|gives\s+up|given\s+up|can'?t\s+face|had\s+enough|want\s+out|"
    r"want\s+it\s+(?:all\s+)?over|finally\s+(?:stop|rest|be\s+free)|(?:no\s*one|nobody)\s+would\s+(?:even\s+)?(?:care|notice|miss)|better\s+off|"
    r"relieved\s+if|"
    # exhaustion, not caring, nothing mattering, no reasons left: the weak cues of a post read whole
    r"(?:stopped|stop)\s+caring(?!\s+(?:about|what|for|if|whether))|(?:don'?t|do\s+not)\s+(?:really\s+|"
    r"even\s+)?care\s+any\s*more|won'?t\s+matter|"
    r"(?:doesn'?t|does\s+not)\s+matter\s+any\s*more|nothing\s+matters|nowhere\s+(?:to\s+go|left\s+to\s+turn)|"
    r"(?:ran|run|running)\s+out\s+of\s+reasons|(?:tired|sick|exhausted)\s+of\s+(?:everything|it\s+all|existing|living|"
    r"fighting|pretending|being\s+(?:alive|me|here))(?!\s+(?!any\s*more|like\s+this)\w)|"
    r"(?:don'?t\s+think\s+I\s+can|can'?t|cannot)\s+keep\s+(?:going|doing\s+this)|"
    r"only\s+(?:thing|one|reason)\s+(?:keeping|that\s+keeps)\s+me\s+(?:here|alive|going|around)|"
    r"(?:no\s*one|nobody|the\s+world|anyone)\s+would\s+(?:\w+\s+){0,2}(?:care|notice|miss)|"
    r"(?:have|want|make)\s+it\s+all\s+(?:to\s+)?be\s+over|if\s+I\s+(?:just\s+)?(?:wasn'?t|weren'?t|was\s+not|"
    r"were\s+not)\s+(?:\w+\s+){0,3}"
    r"(?:any\s*more|around|here|in\s+the\s+picture)|I'?m\s+(?:(?:so|just|really)\s+){0,2}done(?!\s+with))\b", re.IGNORECASE)
# Means other than medicine (a pill is an everyday object; quantities and hoarding are plan cues below).
_MEANS = re.compile(
    r"\b(?:overdos(?!es\b)\w*|hang\w*\s+myself|rope|noose|ligature|bridges?|roofs?|ledges?|cliffs?|shotgun|pistol|firearm|"
    r"windowsill|window\s+ledge|\d+(?:st|nd|rd|th)\s+floor|door\s+hinge|hinge|engine\s+running|exhaust\s+pipe|hosepipe|edge\s+of\s+(?:the\s+|a\s+)?"
    r"(?:platform|roof|cliff|bridge|building)|balcony|somewhere\s+high|"
    r"railway|tracks|platform\s+edge|stairwell|railing|guns?|rifle|blades?|razors?|knife|wrists?|reservoir|charcoal|lethal|"
    r"(?:fast|express|non-?stop(?:ping)?)\s+(?:trains?|ones)|multi-?storey|top\s+(?:floor\s+)?of\s+(?:the|a|that)\s+"
    r"(?:car\s+park|parking\s+(?:garage|structure)|building|tower|block|cliff|bridge)|crash(?:ing)?\s+(?:my|the)\s+car\s+into|(?:trains?|ones?)\s+(?:that|which)\s+(?:don'?t|doesn'?t|do\s+not|does\s+not)\s+stop|"
    r"barriers?|belt\s+(?:a)?round|(?:a)?round\s+my\s+neck|in\s+front\s+of\s+(?:a|the)\s+(?:train|bus|lorry|"
    r"truck|car)|high\s+enough|something\s+high|(?:about|imagining|of)\s+jumping|jump(?:ing)?\s+(?:off|from|"
    r"in\s+front|under))\b",
    re.IGNORECASE)
_PLAN_CUE = re.compile(
    r"\b(?:tonight|(?:goodbye|farewell|last|final)\s+(?:letters?|notes?)|(?:letters?|notes?)\s+(?:to\s+\w+\s+)?for\s+after|"
    r"to\s+be\s+opened|swallowed\s+(?:everything|the\s+lot|the\s+whole)|goodbyes?|sorted\s+out\s+who|(?:give|"
    r"gave|given|giving)\s+(?:(?:my|all|of|the)\s+)*\w*\s*away|"
    r"won'?t\s+need\s+(?:it|them)(?!\s+(?:now|since|because|as|any\s*more\s+(?:now|since|because)))|stockpil\w*|hoard\w*|researched|looked\s+up\s+how|last\s+(?:entry|post|message)|(?:one|the)\s+last\s+time|"
    r"who\s+gets\s+(?:what|my)|won'?t\s+be\s+needing(?!\s+(?:it|them|that|those)\s+(?:now|since|because|as))|just\s+in\s+case|if\s+anything\s+happens\s+to\s+me|"
    r"paid\s+off|deleted\s+(?:all\s+)?my|opened\s+after|how\s+many\s+(?:pills|tablets)|wait\w*\s+for\s+the\s+right\s+(?:night|day|time|moment)|"
    r"nobody\s+(?:is|will\s+be)\s+(?:home|back)|I'?ve\s+(?:planned|timed)\s+it|the\s+plan\s+is\s+set|scouting|"
    r"after\s+the\s+kids\s+are\s+asleep|hid(?:ing|den|e)?\s+(?:the\s+|my\s+|some\s+)?(?:tablets|pills)|"
    r"so\s+no\s+one\s+has\s+to|where\s+I\s+can\s+reach|after\s+my\s+birthday|all\s+(?:of\s+)?(?:my|the|them)\s+"
    r"(?:pills|tablets)|(?:a\s+lot|loads|lots)\s+of\s+(?:them|pills|tablets)|whole\s+(?:packet|box|bottle|strip)|"
    r"for\s+the\s+(?:last|final)\s+time|this\s+is\s+goodbye|sorry\s+for\s+everything|take\s+everything\s+I\s+(?:have|'ve\s+got)|"
    r"(?:letters?|notes?)\s+(?:for|to)\s+(?:everyone|everybody|each\s+of)|my\s+passwords|looking\s+up\s+how|"
    r"it\s+was\s+(?:so\s+|really\s+|too\s+)?close|I\s+(?:nearly|almost)\s+(?:did|went|took|swallowed)|"
    # v9: intent without a date ("I don't know when, but soon"), nerve, readiness, a means at hand by name
    r"(?:haven'?t|have\s+not|not)\s+(?:done|tried)\s+(?:it|anything)\s+yet|(?:weirdly|strangely|oddly|eerily)\s+(?:calm|peaceful|"
    r"at\s+peace|light)|made\s+(?:my\s+)?peace\s+with\s+it|everything'?s\s+sorted|(?:not\s+going\s+to|won'?t|not\s+gonna)\s+say\s+when|"
    r"counted\s+(?:them|the\s+\w+|my\s+\w+)\s+out|(?:don'?t|dont)\s+know\s+if\s+I(?:'?d|\s+would|'?ll|\s+will)\s+stop|(?:work|working|worked)\s+up\s+the\s+(?:nerve|courage)|"
    r"(?:work\w*|figur\w*)\s+out\s+how\s+deep\b|"  # v10: the depth of a cut ("trying to work out how deep")
    r"(?:courage|nerve)\s+to\s+(?:do\s+it|go\s+through)|I\s+(?:don'?t|do\s+not|dont)\s+know\s+(?:exactly\s+)?when\b(?!\s+(?:I'?ll|I\s+will|to|the|my|it\s+(?:started|happened)))|"
    r"(?:had|have|got)\s+everything\s+ready|waiting\s+for\s+(?:\w+\s+){1,3}to\s+(?:leave|go\s+away|be\s+away|be\s+out|be\s+empty)|"
    r"everything'?s\s+(?:set|ready|in\s+place)|I\s+know\s+(?:exactly\s+)?how\s+and\s+(?:I\s+know\s+)?(?:where|when)|"
    r"delet(?:ed|ing)\s+(?:all\s+|most\s+)?(?:my|of\s+my)\s+(?:accounts?|social\s+media|profiles?|messages|photos)|"
    r"(?:emptying|emptied|clearing|cleared)\s+(?:out\s+)?my\s+(?:flat|room|house|apartment)|"
    r"(?:bank\s+(?:login|details)|passwords?|pin)\s+(?:\w+\s+){0,4}for\s+my\s+\w+|so\s+(?:nobody|no\s+one)\s+would\s+(?:ask|notice|question)|"
    r"scared\s+of\s+(?:myself|what\s+I(?:'?ll|\s+might|\s+could|'?d|\s+would)\s+do)|"
    r"enough\s+(?:of\s+)?(?:my\s+|the\s+|\w+'s\s+)*(?:\w+\s+)?(?:pills|tablets|meds)|a\s+way\s+out|"
    r"all\s+(?:of\s+)?(?:my|the|them|\w+'?s)\s+(?:\w+\s+){1,3}?(?:pills|tablets|meds)|"
    r"(?:keep|kept|been|sat|sit|sitting)\s+(?:looking|staring)\s+at\s+(?:the|my|a|that)\s+(?:\w+\s+){0,3}?"
    r"(?:pills|tablets|rope|knife|blade|razor|bridge|tracks|edge|drop|belt|hinge|gun|shotgun|bottle\s+of\s+\w+))\b", re.IGNORECASE)
# A goodbye meant as the last one: never the end of a session or a holiday, and a plan cue.
_FINAL_GOODBYE = re.compile(
    r"\b(?:for\s+the\s+(?:last|final)\s+time|this\s+is\s+(?:my\s+)?goodbye|goodbye\s+(?:forever|for\s+good)|"
    r"(?:say|said|saying)\s+goodbye\s+(?:properly|for\s+good|forever)|sorry\s+for\s+everything)\b", re.IGNORECASE)
# A therapist's question about risk, and an answer that takes it up.
_RISK_QUESTION = re.compile(
    r"\b(?:suicid\w*|kill(?:ing)?\s+yourself|end(?:ing)?\s+your\s+(?:own\s+)?life|take\s+your\s+(?:own\s+)?life|"
    r"(?:hurt|hurting|harm|harming|cut|cutting)\s+yourself|(?:wish|wished|wishing)\s+you\s+(?:were|was)\s+dead|"
    r"better\s+off\s+dead|(?:thoughts?|thinking)\s+(?:of|about)\s+(?:death|dying|not\s+being\s+(?:here|alive))|"
    r"how\s+you\s+(?:would|might|could|'d|will)\s+do\s+it|hurt(?:ing)?\s+(?:someone|anyone|him|her)|"
    r"wish\w*\s+you\s+(?:could\s+)?(?:just\s+)?(?:not\s+wake|didn'?t\s+wake|weren'?t\s+(?:here|alive|around)|"
    r"(?:could\s+)?disappear|(?:could\s+)?go\s+to\s+sleep\s+and\s+not))\b", re.IGNORECASE)
_AFFIRMATIVE = re.compile(
    r"^\W*(?:yes|yeah|yep|I\s+have|I\s+do|I\s+did|I\s+am|I'?ve\s+thought|sometimes|often|a\s+lot|lately|recently|"
    r"most\s+(?:days|nights|mornings)|every\s+(?:day|night|morning)|on\s+and\s+off|a\s+bit|a\s+little|kind\s+of|"
    r"sort\s+of|maybe|probably|more\s+than|the\s+(?:tablets|pills|bridge|train|rope)|I\s+(?:think|guess)\s+so)\b",
    re.IGNORECASE)
_NEGATIVE_ANSWER = re.compile(
    r"^\W*(?:no|nope|nah|never|not\s+(?:really|at\s+all|now|me|since|for\s+(?:a\s+(?:long\s+)?)?while|any\s*more|lately|"
    r"recently|that)|I\s+(?:haven'?t|don'?t|wouldn'?t|won'?t|never|have\s+not|do\s+not)|nothing\s+like\s+that|"
    r"(?:god|goodness|gosh|oh|gosh),?\s+no|(?:definitely|absolutely|certainly|of\s+course)\s+not)\b", re.IGNORECASE)
# Words in an answer that take up the therapist's risk question even without a "yes" first ("Only once or twice",
# "Part of me does", "My arms", "The car"): frequency, admission, a means or the body.
_AFFIRMATIVE_ANYWHERE = re.compile(
    r"\b(?:sometimes|occasionally|once\s+or\s+twice|a\s+(?:few|couple\s+of)\s+times|(?:it\s+)?"
    r"cross(?:es|ed)\s+my\s+mind|I\s+think\s+about\s+it|part\s+of\s+me|on\s+and\s+off|now\s+and\s+then|"
    r"more\s+than\s+(?:once|I'?d)|(?:most|some)\s+(?:days|nights|mornings)|every\s+(?:day|night|morning)|"
    r"my\s+(?:arms?|legs?|wrists?|thighs?|stomach|skin|hips?))\b", re.IGNORECASE)
# A denial that turns ("Not for a while, but last night it crossed my mind again") is no denial.
_TURN = re.compile(r"\b(?:but|though|except|until)\b", re.IGNORECASE)
CATEGORIES: tuple[str, ...] = (  # most urgent first: breaks severity ties
    "attempt", "plan", "preparation", "active_ideation", "harm_to_others", "self_harm", "passive_ideation",
)
FRAMES: tuple[str, ...] = (
    "idiom", "quoted", "accident", "negation", "reported_speech", "fiction", "third_person", "past",
    "medical", "habit", "leave_taking",
)

_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# Clause boundaries: sentence ends, semicolons, dashes, and contrastive or coordinating links.
_CLAUSE_BREAK = re.compile(
    r"[.!?;:\n\u2014]+|\s-\s|,\s*(?=(?:and|but|so|yet|though|although|while|now|also|then|except|whereas)\b)"
    r"|\b(?=(?:but|however|although|though|whereas)\b)",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"[\"\u201c\u201d]([^\"\u201c\u201d]{1,300})[\"\u201c\u201d]")
# Single quotes round a phrase ("the 'better off without me' voice", "it had 'how many pills to overdose'"): the opening
# quote follows a space and the closing one precedes a non-letter, so an apostrophe in "don't" is neither.
_SINGLE_QUOTES = re.compile(r"(?:(?<=^)|(?<=[\s(\[:]))['\u2018](?=\w)([^\n'\u2018\u2019]*(?:\w['\u2019]\w[^\n'\u2018\u2019]*)*)"
                            r"(?<=\S)['\u2019](?!\w)")
_SELF_QUOTE = re.compile(
    r"\b(?:I|I've|I'm)\s+(?:\w+\s+){0,2}(?:think|thinking|thought|tell|telling|told|say|saying|said|wrote|write|"
    r"hear|hearing)\b[^\"\u201c]{0,20}$|\bmy\s+head\b[^\"\u201c]{0,20}$",
    re.IGNORECASE,
)
_POST_NEGATION = re.compile(
    r"^\W*(?:(?:is|was|are|were|'s)\s+(?:not|never|no\s+longer)\b|isn't|wasn't|aren't|"
    r"(?:is|was)\s+(?:out\s+of\s+the\s+question|the\s+last\s+thing))",
    re.IGNORECASE,
)
_NEG_WORDS = frozenset({"not", "never", "no", "none", "nothing", "nobody", "neither", "nor", "dont", "cant",
                        "wont", "didnt", "wouldnt", "couldnt", "isnt", "wasnt", "havent", "hasnt", "aint"})
_NEG_EXCEPT_NEXT = frozenset({"stop", "help", "longer", "sure", "wait", "only", "just", "even", "one"})
_SCOPE_STOP = frozenset({"i", "i'm", "i've", "i'd", "i'll", "im", "and", "but", "so", "because", "cause",
                         "though", "although"})
_FIRST = frozenset({"i", "i'm", "i've", "i'd", "i'll", "im", "ive", "me", "my", "myself", "we", "we're", "we've"})
_OTHER = frozenset({
    "he", "she", "they", "he's", "she's", "they're", "he'd", "she'd", "they'd", "he'll", "she'll", "they'll",
    "him", "her", "his", "them", "their", "you", "you're", "someone", "somebody", "people", "person", "patient",
    "friend", "colleague", "sister", "brother", "mum", "mom", "dad", "mother", "father", "cousin", "aunt",
    "uncle", "roommate", "flatmate", "partner", "husband", "wife", "boyfriend", "girlfriend", "son", "daughter",
    "kid", "child", "toddler", "grandma", "grandmother", "grandad", "grandpa", "grandfather", "gran", "nan", "man", "woman", "guy", "girl", "boy", "character", "villain", "hero", "heroine",
    "protagonist", "narrator", "teacher", "client", "doctor", "neighbour", "neighbor", "stranger", "article",
    "documentary", "film", "movie", "show", "book", "novel", "story", "podcast", "news", "report", "song",
    "episode", "game", "series", "play",
    # groups and roles a supportive or informational text speaks about ("patients after suicide attempts")
    "op", "men", "women", "students", "pupils", "patients", "clients", "teens", "teenagers", "kids", "children",
    "youth", "survivors", "callers", "veterans", "victims", "others", "those", "folks", "members", "users",
    "anyone", "anybody",  # but "anyone else" counts the writer in (_subject)
    "mate", "mates", "pal", "buddy", "bestie", "bf", "gf", "ex", "fiance", "fiancee", "nephew", "niece", "stepdad",
    "stepmum", "stepmom", "boss", "manager", "coworker", "lad", "lads",
    "your", "yours", "yourself", "daddy", "mummy", "mommy", "papa", "mama", "granny", "grandparents", "parents",
})
# Nouns that name suicide or self-harm as a topic: with no first person in the clause and other people (or
# information, prevention, statistics) around them, they are not the writer's own ("suicide is the biggest killer
# of men", "survivors of suicide loss", "pupils who are self-harming").
_TOPIC_MATCH = re.compile(r"^(?:suicid\w*|self[- ]?(?:harm\w*|injur\w*|mutilat\w*)|overdos(?:e|es|ing))$", re.IGNORECASE)
_TOPIC_FRAME = re.compile(
    r"\b(?:signs?|rates?|risk\s+factors?|statistics|stats|research|stud(?:y|ies)|prevention|awareness|training|charity|"
    r"campaign|leading\s+cause|killer\s+of|loss|bereave\w*|survivors?|memory|memorial|lost\s+(?:\w+\s+)?to|died\s+by|"
    r"information|resources?|hotline|helpline|support\s+group|suicide\s+(?:is|isn't|is\s+not|is\s+never|was\s+never)\s+"
    r"(?:a|an|the|never|not|selfish|cowardly|preventable))\b", re.IGNORECASE)
# Someone else's death by suicide, even in the writer's own sentence ("I've lost two friends to suicide").
_OTHERS_SUICIDE = re.compile(
    r"\b(?:lost|losing|lose)\s+(?:\w+\s+){0,4}to\s+$|\b(?:died|death|deaths|dead)\s+(?:by|from|of|through)\s+$|"
    r"\b(?:his|her|their|(?:my|our|a)\s+(?:\w+\s+)?(?:friend|brother|sister|son|daughter|dad|father|mum|mom|mother|"
    r"cousin|uncle|aunt|partner|husband|wife|colleague|classmate|student|patient)'s)\s+$", re.IGNORECASE)
# Empathy of one who has been there: "I understand wanting to die" speaks of a feeling in general.
_EMPATHY = re.compile(r"\b(?:understand|know|get|relate\s+to|been\s+through)\s+(?:the\s+feeling\s+of\s+|exactly\s+)?$|"
                      r"\bremember(?:ed)?\s+(?:(?!(?:I|and|but|now)\b)[\w']+\s+){0,4}$", re.IGNORECASE)
_OBJECT_ONLY = frozenset({"him", "them"})  # never a subject: "paid off my debts so nobody gets stuck with them"
_FIRST_IN_MATCH = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself|kms)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RiskMatch:
    """One risk phrase in a text: where, what kind, how severe, and the frame that discounted it (if any)."""

    category: str
    severity: str
    start: int
    end: int
    text: str
    discounted_by: str | None = None
    weak: bool = False  # a cue that opens a task only when the turn or its context corroborates it

    @property
    def present(self) -> bool:
        return self.discounted_by is None


@dataclass(frozen=True)
class _Pattern:
    category: str
    severity: str
    regex: re.Pattern[str]
    gate: frozenset[str] | None = None  # one of these strings must occur in the text for a match
    weak: bool = False


def _literal_prefixes(items: Any, limit: int = 64) -> tuple[set[str], bool] | None:
    """Literal strings one of which starts any match of a parsed sequence; ``complete`` if it is all literal."""
    import re._parser as sre  # the stdlib's own regex parser: only used to derive speed gates

    prefixes, complete = {""}, True
    for op, arg in items:
        if op is sre.LITERAL:
            prefixes = {p + chr(arg).lower() for p in prefixes}
        elif op is sre.SUBPATTERN:
            sub = _literal_prefixes(arg[-1], limit)
            if sub is None:
                return (prefixes, False) if prefixes != {""} else None
            prefixes = {p + q for p in prefixes for q in sub[0]}
            if not sub[1]:
                return prefixes, False
        elif op is sre.BRANCH:
            alts = [_literal_prefixes(b, limit) for b in arg[1]]
            if any(a is None or "" in a[0] for a in alts):
                return (prefixes, False) if prefixes != {""} else None
            prefixes = {p + q for p in prefixes for a in alts for q in a[0]}
            if not all(a[1] for a in alts):
                return prefixes, False
        else:
            return (prefixes, False) if prefixes != {""} else None
        if len(prefixes) > limit:
            return None
    return prefixes, complete


def _gate(pattern: str) -> frozenset[str] | None:
    """The most selective set of literal strings that every match must contain (None: always run)."""
    import re._parser as sre

    try:
        parsed = list(sre.parse(pattern, re.IGNORECASE))
    except Exception:  # pragma: no cover - the gate is an optimisation only
        return None
    best: set[str] | None = None
    for i in range(len(parsed)):
        op = parsed[i][0]
        if op is sre.AT:
            continue
        found = _literal_prefixes(parsed[i:])
        if found and found[0] and min(map(len, found[0])) >= 3:
            if best is None or min(map(len, found[0])) > min(map(len, best)):
                best = found[0]
    return frozenset(best) if best else None


@dataclass(frozen=True)
class _Rules:
    patterns: tuple[_Pattern, ...]
    idioms: tuple[tuple[re.Pattern[str], frozenset[str] | None], ...]
    frames: dict[str, re.Pattern[str]]
    severity: dict[str, str]
    literals: tuple[str, ...] = ()  # every gate string of the patterns and idioms, tested once per text
    by_literal: dict[str, tuple[int, ...]] | None = None  # gate string -> the patterns (by index) it opens
    ungated: tuple[int, ...] = ()  # patterns with no gate: always run

    def candidates(self, present: frozenset[str]) -> list[_Pattern]:
        """The patterns whose gate the text opens, in file order (the first pattern to match a span names it)."""
        index = self.by_literal or {}
        return [self.patterns[i] for i in sorted({i for g in present for i in index.get(g, ())} | set(self.ungated))]

    def present_literals(self, lowered: str) -> frozenset[str]:
        """The gate strings found in a lower-cased text: one pass instead of one per pattern."""
        return frozenset(g for g in self.literals if g in lowered)


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The compiled pattern file, loaded on first use."""
    spec = resource_yaml("risk", "patterns.yaml")
    persons = re.sub(r"\s+", "", spec["persons"])
    drugs = re.sub(r"\s+", "", spec["drugs"])
    patterns = []
    for category, items in spec["patterns"].items():
        for item in items:
            item = item if isinstance(item, dict) else {"re": item}
            regex = re.compile(item["re"].replace("{P}", persons).replace("{D}", drugs), re.IGNORECASE)
            severity = item.get("severity") or spec["severity"][category]
            weak = bool(item.get("weak")) or severity == "low"  # "low" cues ("I'm a burden") need corroboration
            patterns.append(_Pattern(category, severity, regex, _gate(regex.pattern), weak))
    idioms = tuple((re.compile(p, re.IGNORECASE), _gate(p)) for p in spec["idioms"])
    frames = {k: re.compile(v, re.IGNORECASE) for k, v in spec["frames"].items()}
    literals = tuple(sorted({g for p in patterns if p.gate for g in p.gate} | {g for _, gate in idioms if gate for g in gate}))
    by_literal: dict[str, list[int]] = {}
    for i, p in enumerate(patterns):
        for g in p.gate or ():
            by_literal.setdefault(g, []).append(i)
    return _Rules(tuple(patterns), idioms, frames, dict(spec["severity"]), literals,
                  {g: tuple(v) for g, v in by_literal.items()}, tuple(i for i, p in enumerate(patterns) if p.gate is None))


def _clauses(text: str) -> list[tuple[int, int]]:
    return list(_clauses_cached(text))


@lru_cache(maxsize=2048)
def _clauses_cached(text: str) -> tuple[tuple[int, int], ...]:
    """The clause spans of a text (cached: one text is cut several times by the rules and the semantic layer)."""
    return tuple(_cut_clauses(text))


def _cut_clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = max(start, m.end())
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text.replace("\u2019", "'"))]


def _is_negation(token: str) -> bool:
    return token in _NEG_WORDS or token.endswith("n't")


def _negated(before: str, after: str) -> bool:
    """A negation cue at most five words before the match, in the same stretch of clause."""
    if _POST_NEGATION.search(after):
        return True
    window = re.split(r",|\band\b|\bbut\b|\bso\b|\bbecause\b", before, flags=re.IGNORECASE)[-1]
    toks = _tokens(window)
    for i in range(len(toks) - 1, -1, -1):
        if not _is_negation(toks[i]):
            continue
        following = toks[i + 1:]
        if len(following) > 5:
            return False
        nxt = following[0] if following else ""
        if nxt in _NEG_EXCEPT_NEXT or (nxt in {"going", "gonna"} and "lie" in following[:3]):
            return False
        if toks[i] == "not" and nxt == "that":  # "it's not that I want to die"
            return True
        return not any(t in _SCOPE_STOP for t in following)
    return False


def _subject(before: str) -> str:
    """'first', 'other' or 'unknown': the nearest person word before the match (up to eight words back)."""
    toks = _tokens(before)[-8:]
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        if tok in _FIRST or (tok in {"anyone", "anybody"} and toks[i + 1:i + 2] == ["else"]):  # "does anyone else want to die"
            return "first"
        if tok == "that" and i and toks[i - 1] not in _OTHER:  # "I want someone to know that tonight is the night"
            return "unknown"  # a clause of its own after a verb; "someone that wants to die" is still someone
        if tok in _OTHER:
            return "other"
    return "unknown"


def _reported(rules_: _Rules, before: str, match_text: str) -> bool:
    """A speech verb governs the match, and what follows it is about someone else."""
    verbs = list(rules_.frames["speech_verbs"].finditer(before))
    if not verbs or _FIRST_IN_MATCH.search(match_text):
        return False
    verb = verbs[-1]
    content = re.sub(r"^\s*(?:me|us|him|her|them|my\s+\w+)\b", "", before[verb.end():], flags=re.IGNORECASE)
    content_subject = _subject(content)
    if content_subject == "first":
        return False
    speaker = _subject(before[:verb.start()])
    return content_subject == "other" or speaker == "other"


def _quoted(text: str, start: int, end: int) -> bool:
    for q_start, q_end, self_quote in _quotes_in(text):
        if q_start <= start and end <= q_end and q_end - q_start <= 302:
            return not self_quote
    return False


@lru_cache(maxsize=2048)
def _quotes_in(text: str) -> tuple[tuple[int, int, bool], ...]:
    """The quoted stretches of a text, each with whether the writer quotes their own thought (found once per text)."""
    return tuple((q.start(), q.end(), bool(_SELF_QUOTE.search(text[max(0, q.start() - 60):q.start()])))
                 for q in [*_QUOTES.finditer(text), *_SINGLE_QUOTES.finditer(text)])


# Wanting, meaning or doing it to oneself: words of dying near a hospital are about illness only without these.
_WISH = re.compile(
    r"\b(?:want\w*|wish\w*|hop(?:e|ed|ing)|rather|long(?:ing)?\s+to|tempted|thinking\s+(?:about|of)|plan\w*|going\s+to|"
    r"tr(?:y|ied|ying)\s+to|kill\w*\s+myself|end\s+(?:it|my\s+life)|suicid\w*|overdos\w*|(?:hurt|harm\w*|cut)\s+myself|"
    r"on\s+purpose|deliberately|myself)\b", re.IGNORECASE)
_PILLS = re.compile(r"\b(?:pills?|tablets?|meds|medication|insulin|paracetamol|painkillers|capsules)\b", re.IGNORECASE)
_THIRD_SUBJECT = frozenset({"he", "she", "they", "he's", "she's", "they're", "he'd", "she'd", "they'd"})


# "How do you stop wanting to die?": the generic you of one asking about their own feeling.
_GENERIC_YOU = re.compile(r"\bhow\s+(?:do|does|did|can|could|would|should)\s+(?:you|one|people|anyone)\s+(?:ever\s+)?"
                          r"(?:stop|cope\s+with|deal\s+with|handle|live\s+with|get\s+(?:rid\s+of|past|over)|not\s+keep)\s+$",
                          re.IGNORECASE)
_KILLS_ME = re.compile(r"\b(?:kills?|killed|finish(?:es|ed)?)\s+me\b", re.IGNORECASE)  # "glad if the smoking kills me"
# Fear of dying is not a wish to die: "I thought I was going to die" in the ambulance is about the illness.
_FEAR_OF_DYING = re.compile(r"\b(?:thought|felt\s+like|was\s+sure|was\s+convinced|scared|afraid|terrified)\s+"
                            r"(?:that\s+)?I\s+(?:was\s+going\s+to|would|might|could)\s+die\b", re.IGNORECASE)


def _object_frame(rules_: _Rules, chunk: str, words: str, category: str) -> str | None:
    """The object or time that makes risk words ordinary here: pills for an illness, stopping a habit, goodbye.

    Never when the chunk also holds words of death or dying ("I want to stop drinking and die").
    """
    if _DEATH.search(chunk) and _DEATH.search(words):
        return None
    if category in ("active_ideation", "plan", "preparation", "attempt") and _PILLS.search(words) \
            and not re.search(r"hoard|stockpil|sav|stash|collect|lethal|enough|on\s+purpose", words, re.IGNORECASE) \
            and rules_.frames["medical"].search(chunk) and not _DEATH.search(chunk):
        return "medical"
    # medicines mixed with the drink are a means, not a habit ("my pills with wine, don't care if I wake up")
    if category in ("passive_ideation", "active_ideation") and not _DEATH.search(words) and not _KILLS_ME.search(words) \
            and rules_.frames["habit"].search(chunk) and not _PILLS.search(chunk):
        return "habit"
    return None


# The writer says the crisis is behind them ("I'm so glad I'm still here", "it does get better"), not someone telling
# them so ("people keep telling me it gets better"): a risk told in the past tense then belongs to that past.
_RECOVERY = re.compile(
    r"\b(?:(?:I'?m|I\s+am)\s+(?:so\s+|really\s+|just\s+)?(?:glad|grateful|thankful|happy)\s+(?:that\s+)?(?:I'?m\s+|I\s+am\s+|to\s+be\s+)?"
    r"(?:still\s+)?(?:here|alive)|(?:I'?m|I\s+am)\s+(?:in\s+)?(?:a\s+)?(?:much\s+|far\s+|so\s+much\s+)?better\s+place|"
    r"(?:things|it|life)\s+(?:does\s+|did\s+|can\s+|will\s+)?(?:got|get|gets)\s+better|recovery\s+is\s+possible|"
    r"(?:years?|months?)\s+(?:in\s+recovery|clean|free)|glad\s+I\s+(?:didn'?t|failed|survived|reached\s+out|stayed)|"
    r"I\s+made\s+it\s+through|hang\s+in\s+there|"
    # v9: stable or well for a stretch of time, free of the thoughts for years, happy now
    r"(?:been|I'?m|I\s+am)\s+(?:\w+\s+)?(?:stable|well|sober|clean)\s+for\s+(?:\w+\s+){0,2}(?:years?|months?)|"
    r"(?:haven'?t|have\s+not|hasn'?t)\s+(?:had|felt|hurt|cut|harmed|self[- ]?harmed|attempted|thought)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:in|for|since)\s+(?:\w+\s+){0,2}?(?:years?|months?|a\s+long\s+time|ages)|"
    r"(?:I'?m|I\s+am)\s+(?:genuinely\s+|really\s+|actually\s+|finally\s+)?(?:happy|happier|okay|ok|doing\s+(?:well|okay|ok|good|great))"
    r"\s+(?:most\s+days\s+)?now|it'?s\s+been\s+(?:\d+|a|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|many|"
    r"several|a\s+few|a\s+couple\s+of)\s+years?"
    r"(?=\s+since\b|\s*[.!]))\b", re.IGNORECASE)
_HEARSAY = re.compile(r"\b(?:says?|said|saying|tell\w*|told|supposed\s+to|keep\s+hearing|but|if|hope)\W+(?:\w+\W+){0,4}$",
                      re.IGNORECASE)
_PAST_VERB = re.compile(r"\b(?:tried|attempted|wanted|survived|overdosed|took|swallowed|cut|was|were|used\s+to|once)\b|"
                        r"\bsince\s+my\s+last\b|"  # "a year since my last self harm"
                        r"\b(?:know|understand)\s+(?:exactly\s+)?(?:how|what)\s+it(?:'s|\s+is|\s+feels?)(?:\s+like)?\s+to\b",
                        re.IGNORECASE)  # or the empathy of one who has been there: "I know how it feels to ..."
_RECENT = re.compile(r"\blast\s+(?:week|month|weekend|year|night)\b|\b(?:days?|weeks?)\s+ago\b|"
                     r"\b(?:on|this|last)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)


# "Five years ago this week", "a year ago today": an anniversary names the distant past, not a present marker.
_ANNIVERSARY = re.compile(r"\b(ago|since)\s+(?:this\s+(?:week|month)|today|tonight)\b", re.IGNORECASE)
# The writer's age now set against an age then ("I'm forty now"): a contrast with the past, not a present marker.
_AGE_NOW = re.compile(r"\b(?:I'?m|I\s+am)\s+(?:\d{2}|twenty|thirty|forty|fifty|sixty|seventy|eighty)(?:[-\s](?:one|two|three|four|five|"
                      r"six|seven|eight|nine))?(?:\s+years\s+old)?\s+now\b", re.IGNORECASE)
# A feeling named as a noun ("the feeling of wanting to die is real"): in a recovery post, a feeling in general.
_FEELING_NOUN = re.compile(r"\b(?:the|that|this)\s+(?:feelings?|urges?|thoughts?|wish|desire)\s+(?:of|to)\s+$", re.IGNORECASE)
# A hypothetical ("if I get any thoughts of harming myself, call"): advice about what might come, not what is.
_HYPOTHETICAL = re.compile(r"\bif\s+(?:I|you|they|he|she)\s+(?:ever\s+)?(?:get|gets|have|has|start\s+(?:having|getting)|notice|"
                           r"experience|feel)\s+any\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# The topic as what a made thing is about ("the poster about self-harm", "a training on suicide").
_TOPIC_OBJECT = re.compile(r"\b(?:poster|leaflet|essay|poem|story|song|article|documentary|podcast|video|lesson|module|training|course|talk|"
                           r"presentation|assembly|campaign|research|study|book|novel|film|show|episode|thread|week|day|month|"
                           r"workshop|policy|project|paper|thesis|dissertation|session|chapter|scene)s?\s+(?:about|on|around|"
                           r"regarding)\s+(?:the\s+(?:topic\s+of\s+)?)?$", re.IGNORECASE)
# A conditional hyperbole on a trivial last straw ("if X does one more Y, I'm ..."), told with a laugh.
_ONE_MORE = re.compile(r"\bif\s+(?:\w+\s+){1,6}?one\s+more\b", re.IGNORECASE)
# Advice to the one addressed, in the second person conditional ("if you've taken too many tablets, come in").
_IF_YOU = re.compile(r"\bif\s+you(?:'ve|'re|'d|\s+have|\s+are|\s+had|\s+were)?\s+(?:ever\s+|already\s+|just\s+|really\s+)?$",
                     re.IGNORECASE)
# The topic as what one asks, talks or learns about ("ask about suicide directly", "talking about self-harm").
_TOPIC_VERB = re.compile(r"\b(?:ask|asks|asking|asked|talk|talks|talking|talked|speak|speaks|speaking|spoke|learn|learning|"
                         r"learned|learnt|teach|teaching|taught|educate|educating)\s+(?:\w+\s+){0,2}?(?:about|on)\s+"
                         r"(?:the\s+(?:topic|subject)\s+of\s+)?$", re.IGNORECASE)
# The topic raised with someone else ("how do I bring up self harm with her", "mention suicide to him"): theirs.
_RAISE_WITH = re.compile(r"\b(?:bring|brought|bringing|raise|raised|raising|broach\w*|mention\w*|talk\w*|ask\w*)\s+"
                         r"(?:up\s+)?(?:(?:the\s+(?:topic|subject)\s+of|about)\s+)?$", re.IGNORECASE)
_HOW_DO_I = re.compile(r"\bhow\s+(?:do|can|should|could|would)\s+(?:I|we)\b", re.IGNORECASE)
_WITH_THEM = re.compile(r"\s+(?:up\s+)?(?:with|to)\s+(?:him|her|them)\b", re.IGNORECASE)
# Means someone else has with them ("had a caller last night with a rope ready"): theirs, not the writer's.
_ANOTHERS_MEANS = re.compile(r"\b(?:a|an|the|one|this|that|another|our)\s+(?:\w+\s+)?(?:caller|patient|client|man|woman|lad|"
                             r"guy|girl|boy|kid|person|student|customer|member|teen|teenager|bloke|someone)\s+(?:[\w']+\s+){0,4}?"
                             r"with\s+$", re.IGNORECASE)
# Someone the writer helped through it ("I've supported two friends through suicidal periods"): the crisis is theirs.
_THROUGH_THEIRS = re.compile(r"\b(?:support\w*|help\w*|got|get|getting|walk\w*|guid\w*|nurs\w*|car(?:ed|ing)\s+for|sat\s+with)"
                             r"\s+(?!me\b|myself\b)(?:\w+\s+){1,4}?through\s+(?!my\b)(?:\w+\s+){0,2}$", re.IGNORECASE)
# A reply to someone's post ("reading your post", "you said you don't see a future"): a risk word in a sentence of it
# with no first person ("it feels like there's no way out, but that's the illness") is the addressee's or general.
_REPLY = re.compile(r"\b(?:(?:reading|read|saw|seen|about)\s+your\s+(?:post|message|comment|words|story)|"
                    r"you\s+(?:said|wrote|say|mentioned|asked|posted|describe|described)\b)", re.IGNORECASE)
_LAST_POST = re.compile(r"\b(?:last|final)\s+(?:post|entry|message)\b|\bgoodbye\b|"
                        r"\bbe\s+(?:posting|on\s+here|around\s+here|logging\s+on|coming\s+back\s+here)\s+(?:anymore|any\s+more|again)\b",
                        re.IGNORECASE)
_LEAVING_FORUM = re.compile(r"\bbe\s+(?:posting|on\s+here|around\s+here|logging\s+on|coming\s+back\s+here)\b", re.IGNORECASE)
# A break from the forum with a reason ("exams start monday", "for a while", "taking a break"): leaving, not a farewell.
_BREAK_REASON = re.compile(r"\b(?:for\s+a\s+(?:while|bit|few\s+(?:weeks|months))|(?:taking|take|need)\s+a\s+break|exams?|busy|new\s+job|"
                           r"uni|university|school|work|moving|holiday|detox|screen\s+time|focus|deleting\s+the\s+app|"
                           r"(?:doing|feeling)\s+(?:much\s+)?better|better\s+place|recovered)\b", re.IGNORECASE)
# The writer owns a generic "you" ("is it selfish if you just don't want to be here anymore? asking because I am"):
# the "you" of that post is the writer, not someone addressed.
_OWNS_YOU = re.compile(r"\basking\s+(?:for|because|cos|cause|as)\s+(?:(?:it'?s|that'?s|this\s+is)\s+)?(?:myself|me\b|I\s+(?:am|do|have)\b|I'?m\b)|"
                       r"\b(?:that'?s|that\s+is|this\s+is)\s+me\s+(?:right\s+now|now|lately|at\s+the\s+moment|these\s+days)\b|"
                       r"\basking\s+for\s+a\s+friend\W+(?:the\s+friend\s+is|it'?s)\s+me\b", re.IGNORECASE)


@lru_cache(maxsize=2048)
def _owns_you(text: str) -> bool:
    """The post owns its generic "you" (cached: asked once per sentence and clause of a text)."""
    return bool(_OWNS_YOU.search(text))


_YOU = frozenset({"you", "you're", "your", "yourself", "you've", "you'd", "you'll"})
# Who a generic question is about ("does it make you a bad person when you ..."): the writer, once they own it.
_GENERIC_PERSON = _YOU | {"person", "people", "someone", "somebody", "anyone", "anybody", "one"}
_BY_ACCIDENT = re.compile(r"\s+(?:by\s+accident|accidentally|by\s+mistake)\b", re.IGNORECASE)


def _recovered(text: str) -> bool:
    """The writer says, in their own voice, that the crisis is behind them."""
    return any(not _HEARSAY.search(re.split(r"[.!?\n]", text[max(0, m.start() - 40):m.start()])[-1])
               for m in _RECOVERY.finditer(text))  # hearsay in the recovery words' own sentence


def _in_reply(text: str, pos: int) -> bool:
    """The sentence at ``pos`` has no first person and its post (a block between blank lines) replies to someone."""
    sentence = next(((a, b) for a, b in risk_semantic.sentences(text) if a <= pos < b), None)
    if sentence is None or set(_tokens(text[sentence[0]:sentence[1]])) & (_FIRST | {"us", "our", "ours"}):
        return False
    start = max(text.rfind("\n\n", 0, pos), 0)
    end = text.find("\n\n", pos)
    return bool(_REPLY.search(text, start, end if end >= 0 else len(text)))


def _told_as_past(r: _Rules, clause: str) -> bool:
    """A clause in the past tense with no present or recent marker ("I tried to kill myself once")."""
    clause = _ANNIVERSARY.sub(r"\1", _STILL_HERE.sub(" ", clause))
    return bool(_PAST_VERB.search(clause)) and not r.frames["present"].search(clause) and not _RECENT.search(clause)


def _not_the_writers(clause: str) -> bool:
    """A clause with no first person that speaks of other people, or of suicide as a topic (signs, prevention)."""
    toks = _tokens(clause)
    if set(toks) & _FIRST or any(a in {"anyone", "anybody"} and b == "else" for a, b in zip(toks, toks[1:])):
        return False
    return bool(set(toks) & _OTHER or _TOPIC_FRAME.search(clause))


# A laugh or a joke marker straight after a threat to someone else: "i'm going to strangle her lol".
_JOKE = re.compile(r"\W*(?:\w+\W+){0,3}?(?:lol|lmao|lmfao|haha\w*|hehe|jk|j/k|/s)\b|\s*[\U0001F602\U0001F923\U0001F605]")
# The topic named as what one is now free of: "5 years self harm free", "a year overdose-free".
_MILESTONE = re.compile(r"[\s-]*(?:free|clean)\b", re.IGNORECASE)
# "Still here / alive" is a survivor's word, not a present marker of risk.
_STILL_HERE = re.compile(r"\bstill\s+(?:here|alive|around|standing|breathing)\b", re.IGNORECASE)


# The writer speaking in a role that meets other people's crises: the topic words there are the patients'.
_ROLE = re.compile(r"\b(?:I'?m|I\s+am|as|work\s+as|I\s+work\s+as)\s+(?:a|an)\s+(?:[\w&]+\s+)?(?:nurse|doctor|GP|paramedic|"
                   r"medic|EMT|therapist|counsell?or|volunteer|teacher|psychiatrist|psychologist|pharmacist|social\s+worker|"
                   r"police\s+officer|cop|firefighter|chaplain|carer|support\s+worker|responder|dispatcher)\b", re.IGNORECASE)
_FIRST_SINGULAR = frozenset({"i", "i'm", "i've", "i'd", "i'll", "im", "ive", "me", "my", "myself"})


def _frame(rules_: _Rules, text: str, clause: tuple[int, int], m: re.Match[str], category: str,
           idiom_spans: list[tuple[int, int]]) -> str | None:
    """The hard-negative frame that discounts this match in its clause, or None (a present risk)."""
    start, end = m.start(), m.end()
    if any(s < end and start < e for s, e in idiom_spans):
        return "idiom"
    if _quoted(text, start, end):
        return "quoted"
    ctext = text[clause[0]:clause[1]]
    before, after = text[clause[0]:start], text[end:clause[1]]
    if category == "self_harm" and rules_.frames["accident"].search(ctext):
        return "accident"
    if category == "harm_to_others" and _JOKE.match(after):  # "i'm going to strangle her lol"
        return "idiom"
    if _JOKE.match(after) and _ONE_MORE.search(before):  # "if my manager books one more 7am meeting i'm walking off the roof lol"
        return "idiom"
    if _TOPIC_MATCH.match(m.group(0)) and _MILESTONE.match(after):  # "5 years self harm free"
        return "past"
    if _BY_ACCIDENT.match(after):  # "scared of overdosing by accident"
        return "accident"
    if _HYPOTHETICAL.search(before):  # "if I get any thoughts of harming myself I should call"
        return "negation"
    if not _FIRST_IN_MATCH.search(m.group(0)):
        if _IF_YOU.search(before) or _ANOTHERS_MEANS.search(before) or _THROUGH_THEIRS.search(before):
            return "third_person"  # "if you've taken too many tablets", "a caller with a rope ready"
        if _TOPIC_MATCH.match(m.group(0)) and _RAISE_WITH.search(before) and _WITH_THEM.match(after) \
                and not set(_tokens(_HOW_DO_I.sub(" ", ctext))) & _FIRST_SINGULAR:
            return "third_person"  # "how do I bring up self harm with her": the topic raised with the other
        if _TOPIC_MATCH.match(m.group(0)) and _TOPIC_VERB.search(before) \
                and not set(_tokens(ctext)) & _FIRST_SINGULAR:  # "ask about suicide directly"
            return "third_person"
    if (_TOPIC_MATCH.match(m.group(0)) or re.match(r"[a-z]+ing\b", m.group(0), re.IGNORECASE)) \
            and _TOPIC_OBJECT.search(before):  # "the poster about self-harm", "an essay about wanting to disappear"
        return "fiction" if rules_.frames["fiction"].search(ctext) else "third_person"
    object_frame = _object_frame(rules_, ctext, m.group(0), category)
    if object_frame:
        return object_frame
    if _negated(before, after) or (rules_.frames["question"].search(before) and rules_.frames["denial"].search(text)):
        return "negation"
    if category != "harm_to_others" and _THIRD_SUBJECT & set(_tokens(m.group(0))) and not _FIRST_IN_MATCH.search(m.group(0)):
        return "third_person"
    if _reported(rules_, before, m.group(0)):
        return "reported_speech"
    if _TOPIC_MATCH.match(m.group(0)) and _OTHERS_SUICIDE.search(text[max(0, start - 50):start]):
        return "third_person"
    if re.fullmatch(r"suicides|overdoses", m.group(0), re.IGNORECASE):  # "been to too many suicides": other people's
        return "third_person"
    empathy = _EMPATHY.search(before)
    if empathy and re.match(r"[a-z]+ing\b", m.group(0), re.IGNORECASE):  # "I remember wishing I wouldn't wake up"
        return "past" if empathy.group(0).lower().startswith("remember") else "third_person"
    if _TOPIC_MATCH.match(m.group(0)) and _ROLE.search(text) \
            and not set(_tokens(_ROLE.sub(" ", ctext))) & _FIRST_SINGULAR:  # "I'm a nurse and we had another overdose"
        return "third_person"
    if _TOPIC_MATCH.match(m.group(0)) and _not_the_writers(ctext):
        return "fiction" if rules_.frames["fiction"].search(ctext) else "third_person"
    anchored = bool(_FIRST_IN_MATCH.search(m.group(0))) or bool(_GENERIC_YOU.search(before))
    subject = "first" if anchored else _subject(before)
    if subject == "other":
        return "fiction" if rules_.frames["fiction"].search(ctext) else "third_person"
    dated = _AGE_NOW.sub(" ", _ANNIVERSARY.sub(r"\1", ctext))  # "I was suicidal at nineteen and I'm forty now"
    if rules_.frames["past"].search(dated) and not rules_.frames["present"].search(dated):
        return "past"
    return None


def idioms_in(text: str, lowered: str | None = None) -> list[tuple[int, int]]:
    """Character spans of the idioms in ``text`` ("this commute is killing me")."""
    return list(_idioms_cached(text))


@lru_cache(maxsize=2048)
def _idioms_cached(text: str) -> tuple[tuple[int, int], ...]:
    present = rules().present_literals(text.lower().replace("\u2019", "'"))
    return tuple((m.start(), m.end()) for rx, gate in rules().idioms
                 if gate is None or not gate.isdisjoint(present) for m in rx.finditer(text))


def find_risk(text: str) -> list[RiskMatch]:
    """Every risk phrase in ``text``, each either present or discounted by a named frame."""
    r = rules()
    if not text or not text.strip():
        return []
    clauses = _clauses(text)
    lowered = text.lower().replace("\u2019", "'")
    idiom_spans = idioms_in(text)
    present = r.present_literals(lowered)
    recovered = _recovered(text)
    owns_you = _owns_you(text)
    found: list[RiskMatch] = []
    seen: set[tuple[str, int, int]] = set()
    for p in r.candidates(present):
        for m in p.regex.finditer(text):
            if (p.category, m.start(), m.end()) in seen or m.end() == m.start():
                continue
            seen.add((p.category, m.start(), m.end()))
            clause = next((c for c in clauses if c[0] <= m.start() < c[1]), (0, len(text)))
            frame = _frame(r, text, clause, m, p.category, idiom_spans)
            ctext = text[clause[0]:clause[1]]
            if frame is None and (p.weak or re.match(r"[a-z]+ing\b", m.group(0), re.IGNORECASE)) \
                    and _not_the_writers(ctext) and (p.weak or _TOPIC_FRAME.search(ctext)):
                frame = "third_person"  # "signs of suicide include talking about being a burden, giving things away"
            if frame is None and not _FIRST_IN_MATCH.search(m.group(0)) and _in_reply(text, m.start()):
                frame = "third_person"  # "(Reading your post ...) it feels like there's no way out, but that's the illness"
            if frame == "third_person" and owns_you and not (set(_tokens(ctext)) & (_OTHER - _GENERIC_PERSON)):
                frame = None  # "is it selfish if you just don't want to wake up? asking because I am": the writer
            if frame is None and p.category == "preparation" and _LAST_POST.search(m.group(0)) \
                    and (recovered or (_LEAVING_FORUM.search(m.group(0)) and _BREAK_REASON.search(text))):
                frame = "leave_taking"  # "This is my last post ... I'm in a much better place now. Goodbye!"
            if frame is None and recovered and _FEELING_NOUN.search(text[clause[0]:m.start()]):
                frame = "past"  # "(I'm happy now.) The feeling of wanting to die is real but it passes"
            if frame is None and recovered and _told_as_past(r, text[clause[0]:clause[1]]):
                frame = "past"  # "I tried to kill myself once. I'm in a much better place now"
            found.append(RiskMatch(p.category, p.severity, m.start(), m.end(), m.group(0), frame, p.weak))
    found = _inherit(text, clauses, found)
    found.extend(_echoes(r, text, clauses, found))
    return sorted(found, key=lambda x: (x.start, x.end))


_INHERITED = frozenset({"fiction", "third_person", "reported_speech", "quoted", "past"})


def _inherit(text: str, clauses: list[tuple[int, int]], found: list[RiskMatch]) -> list[RiskMatch]:
    """A present match overlapping a match its clause discounts, with no first person of its own, is discounted too.

    "The main character ... after planning to jump off the bridge": "jump off the bridge" is the character's.
    """
    out = []
    for f in found:
        if f.present and not _FIRST_IN_MATCH.search(f.text):
            other = next((g for g in found if not g.present and g.discounted_by in _INHERITED
                          and g.start < f.end and f.start < g.end), None)
            if other is not None:
                f = RiskMatch(f.category, f.severity, f.start, f.end, f.text, other.discounted_by, f.weak)
        out.append(f)
    return out


# Someone else's suicide told plainly ("my best friend killed herself", "since my brother died by suicide"): no risk
# phrase of the writer's, but an antecedent the writer's own "I think about doing the same" takes up.
_ANOTHERS_SUICIDE = re.compile(
    r"\b(?:killed|hanged|hung|shot|drowned|gassed)\s+(?:him|her|them)sel(?:f|ves)\b|\btook\s+(?:his|her|their)\s+own\s+li(?:fe|ves)\b|"
    r"\b(?:died|death)\s+(?:by|from)\s+suicide\b|\b(?:committed|completed)\s+suicide\b", re.IGNORECASE)
# What may follow an echo that takes up a death: an end, not an object ("did the same course she did").
_ECHO_END = re.compile(r"\s*(?:$|[.,;:!?]|(?:thing|too|as\s+(?:him|her|them)|one\s+day|someday|soon|now|and|but|so)\b)",
                       re.IGNORECASE)


def _echoes(r: _Rules, text: str, clauses: list[tuple[int, int]], found: list[RiskMatch]) -> list[RiskMatch]:
    """'I did it again', 'I should do the same': a present clause that takes up a discounted risk.

    Another's suicide told plainly is an antecedent too, taken up only by the writer ("ever since I think about doing
    the same"), never by someone else ("I'm scared my brother will do the same").
    """
    discounted = [f for f in found if not f.present]
    deaths = [RiskMatch("active_ideation", "high", d.start(), d.end(), d.group(0), "third_person")
              for d in _ANOTHERS_SUICIDE.finditer(text)]
    out = []
    for m in r.frames["echo"].finditer(text):
        prior = [f for f in discounted if f.end <= m.start()]
        clause = next((c for c in clauses if c[0] <= m.start() < c[1]), (0, len(text)))
        if not prior and any(d.end <= m.start() for d in deaths) and _subject(text[clause[0]:m.start()]) == "first" \
                and _ECHO_END.match(text, m.end()):
            prior = [d for d in deaths if d.end <= m.start()]
        if not prior or any(f.present and f.start <= m.start() < f.end for f in found):
            continue
        if m.group(0).lower().endswith("same") and not _ECHO_END.match(text, m.end()):
            continue  # "I did the same course she did": the same object, not the same act
        if _negated(text[clause[0]:m.start()], text[m.end():clause[1]]):
            continue
        ante = prior[-1]
        category, severity = ante.category, ante.severity
        if category == "attempt" and not m.group(0).lower().startswith("did"):
            category, severity = "active_ideation", "high"
        out.append(RiskMatch(category, severity, m.start(), m.end(), m.group(0), None))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


# "I'm so sorry you ...", "I hope you ...", "I know you ...": the first person only as a feeling toward "you".
_TOWARD_YOU = re.compile(r"\b(?:I'?m|I\s+am)\s+(?:so\s+|really\s+|very\s+|truly\s+)?sorry\s+(?:that\s+)?(?=you|to\s+hear|for\s+your)|"
                         r"\bI\s+(?:really\s+|truly\s+|do\s+)?(?:hope|know|understand|hear|believe|promise|see)\s+(?:that\s+)?"
                         r"(?=you\b|you're\b|your\b)", re.IGNORECASE)
_NEAR_DEATH = re.compile(r"\b(?:nearly|almost)\s+(?:died|killed\s+me|lost\s+my\s+life)\b", re.IGNORECASE)
_CRASH = re.compile(r"\b(?:crash|collision|accident|fire|flood|earthquake|attack|illness|infection|virus|covid)\b", re.IGNORECASE)


def _governing_frame(r: _Rules, text: str, span: tuple[int, int], matches: list[RiskMatch],
                     idiom_spans: list[tuple[int, int]]) -> str | None:
    """The frame that governs a sentence or clause for the semantic layer, or None (it may be flagged).

    A span is governed when the rules discounted risk words in it (and found none present), when an idiom
    overlaps it, when it is quoted, when it has another person and no first person as its subject
    (fiction or third person), or when it marks the past with no present marker.
    """
    s, e = span
    inside = [m for m in matches if s <= m.start < e]
    if any(m.present for m in inside):
        return None
    if inside:
        return inside[0].discounted_by
    if any(a < e and s < b for a, b in idiom_spans):
        return "idiom"
    if _quoted(text, s, e):
        return "quoted"
    chunk = text[s:e]
    # the writer's feeling toward the one addressed ("I'm so sorry you're feeling like a burden") is not their risk
    toks = set(_tokens(_TOWARD_YOU.sub(" you ", chunk)))
    if _owns_you(text):  # the generic "you" the writer owns is the writer
        toks = (toks - _GENERIC_PERSON) | {"i"} if toks & _YOU else toks
    if not toks & (_FIRST - {"my"}) and toks & (_OTHER - _OBJECT_ONLY):  # "my toddler wants her daddy to die"
        return "fiction" if r.frames["fiction"].search(chunk) else "third_person"
    if _NEAR_DEATH.search(chunk) and (r.frames["accident"].search(chunk) or r.frames["medical"].search(chunk)
                                      or _CRASH.search(chunk)) and not _WISH.search(chunk):
        return "accident"  # "i nearly died in a car crash last year": survived, not wished
    if r.frames["past"].search(chunk) and not r.frames["present"].search(chunk):
        return "past"
    if r.frames["medical"].search(chunk) and not _WISH.search(_FEAR_OF_DYING.sub(" ", chunk)):  # "in hospital with my heart, I thought I was dying"
        return "medical"
    if not _DEATH.search(chunk):  # an ordinary object or occasion: a habit, an accident, goodbye
        for frame in ("habit", "accident", "leave_taking"):
            if frame == "leave_taking" and _FINAL_GOODBYE.search(chunk):  # not "see you next week"
                continue
            if r.frames[frame].search(chunk):
                return frame
    return None


def _semantic_spans(r: _Rules, text: str, matches: list[RiskMatch],
                    sentence_frames: dict[tuple[int, int], str | None] | None = None,
                    ) -> tuple[list[tuple[int, int]], set[str]]:
    """Sentences free of a governing frame; a governed sentence is cut into clauses and each is tried alone.

    ``sentence_frames``, when given, receives each sentence's governing frame (reused by ``_combine``).
    """
    idiom_spans = idioms_in(text)
    spans, frames = [], set()
    for sent in risk_semantic.sentences(text):
        frame = _governing_frame(r, text, sent, matches, idiom_spans)
        if sentence_frames is not None:
            sentence_frames[sent] = frame
        if frame is None:
            spans.append(sent)
            continue
        frames.add(frame)
        clauses = [(max(a, sent[0]), min(b, sent[1])) for a, b in _clauses(text) if a < sent[1] and sent[0] < b]
        if len(clauses) < 2:
            continue
        for c in clauses:
            c_frame = _governing_frame(r, text, c, matches, idiom_spans)
            if c_frame is None:
                spans.append(c)
            else:
                frames.add(c_frame)
    return spans, frames


SEMANTIC_SEVERITY_CAP = "moderate"
_NOT_THE_WRITERS_NOW = frozenset({"third_person", "fiction", "past", "quoted", "reported_speech", "negation", "idiom",
                                  "medical"})
Context = Sequence[tuple[str, str]]  # the turns before a text, oldest first: (role, text)


def step_of(category: str, text: str) -> str:
    """The Columbia ladder step of a finding of ``category``: active thoughts rise with a method, then with intent."""
    step = _CATEGORY_STEP[category]
    if step == "active_thoughts":
        if _INTENT.search(text):
            return "intent"
        if _METHOD.search(text):
            return "thoughts_with_method"
    return step


def severity_label(step: str | None) -> str:
    """The clinician's words for a ladder step (an unknown value, e.g. an old urgency word, is returned as is)."""
    return LADDER.get(step or "", step or "")


def _urgency(pattern_urgency: str, step: str) -> str:
    """A rule finding's urgency: its pattern's, raised to its ladder step's ("intent" is imminent)."""
    return max(pattern_urgency, LADDER_URGENCY[step], key=URGENCIES.index)


def _urgency_rank(urgency: str, step: str) -> tuple[int, int]:
    steps = list(LADDER)
    return URGENCIES.index(urgency), steps.index(step) if step in steps else -1


@lru_cache(maxsize=4096)
def _strong_risk(text: str) -> bool:
    """An earlier turn holds a present risk the rules found on their own (a prior flag in the session)."""
    return any(m.present and not m.weak for m in find_risk(text))


def _question_category(question: str) -> str:
    q = question.lower()
    if re.search(r"\b(?:hurt|hurting|harm|harming)\s+(?:someone|anyone|him|her)\b", q):
        return "harm_to_others"
    if re.search(r"\b(?:hurt|hurting|harm|harming|cut|cutting)\s+yourself\b", q):
        return "self_harm"
    if re.search(r"\b(?:wish\w*\s+you|better\s+off\s+dead|thoughts?\s+(?:of|about)|thinking\s+about)\b", q) \
            and not re.search(r"suicid|kill|end(?:ing)?\s+your|take\s+your", q):
        return "passive_ideation"
    return "active_ideation"


def _asked(turn: str) -> str:
    """What a therapist's turn asks last: its last question, or its last sentence when it asks none.

    "You marked the item about hurting yourself. I'd like to ask about it, if that's all right." asks leave to
    ask; a "yes" to it is not an answer about risk.
    """
    sents = [turn[a:b] for a, b in risk_semantic.sentences(turn)]
    questions = [x for x in sents if x.rstrip().endswith("?")]
    return (questions or sents or [turn])[-1]


def _answer(text: str, context: Context) -> RiskMatch | None:
    """The client's 'yes' to the therapist's question about risk just before: the answer is the evidence."""
    if not context or context[-1][0] == "client" or not _RISK_QUESTION.search(_asked(context[-1][1])):
        return None
    sents = risk_semantic.sentences(text)[:2]
    if not sents:
        return None
    head = text[sents[0][0]:sents[-1][1]]
    if _NEGATIVE_ANSWER.search(text):
        turn = _TURN.search(head)
        if not turn or not (_AFFIRMATIVE_ANYWHERE.search(head[turn.end():]) or _DEATH.search(head[turn.end():])
                            or rules().frames["present"].search(head[turn.end():])):
            return None
    elif not (_AFFIRMATIVE.search(text) or _AFFIRMATIVE_ANYWHERE.search(head) or _METHOD.search(head)
              or _MEANS.search(head)):
        return None
    category = _question_category(context[-1][1])
    return RiskMatch(category, rules().severity[category], sents[0][0], sents[-1][1], text[sents[0][0]:sents[-1][1]])


def _context_support(context: Context) -> str | None:
    """'question' when the therapist just asked about risk, 'prior_flag' when an earlier client turn holds one."""
    if context and context[-1][0] != "client" and _RISK_QUESTION.search(context[-1][1]):
        return "question"
    if any(role == "client" and _strong_risk(t) for role, t in context):
        return "prior_flag"
    return None


def _corroboration(text: str, blank: list[tuple[int, int]], strong: bool, context: Context,
                   elsewhere: Sequence[tuple[int, int]] = ()) -> str | None:
    """What, besides a resemblance or a weak cue, says a turn is about risk (None: nothing does).

    Words the rules discounted, idioms and the weak cues themselves are blanked first, so that "I would
    never kill myself" or "thinking about death" cannot corroborate themselves. ``elsewhere`` (the posts of a
    user's history that hold no signal) is blanked too, except for hopelessness: a mood is the writer's in any
    post, while a death, a means or a plan word there may be anyone's ("my starter is dead", "a woman on a bridge").
    """
    if strong:
        return "rules"
    support = _context_support(context)
    if support:
        return support
    def blanked(spans: Sequence[tuple[int, int]]) -> str:
        chars = list(text)
        for s, e in spans:
            chars[s:e] = " " * (e - s)
        return "".join(chars)

    mood_text = blanked(blank)
    near_text = blanked(list(blank) + list(elsewhere)) if elsewhere else mood_text

    def said(rx: re.Pattern[str]) -> bool:  # a cue the client says, not one they negate ("I don't mean ... a burden")
        plain = mood_text if rx is _HOPELESS else near_text
        clauses = _clauses(plain)
        for m in rx.finditer(plain):
            c = next((c for c in clauses if c[0] <= m.start() < c[1]), (0, len(plain)))
            if _negated(plain[c[0]:m.start()], plain[m.end():c[1]]):
                continue
            if rx is _DEATH and not _FIRST_IN_MATCH.search(m.group(0)) \
                    and _subject(" ".join(_tokens(plain[c[0]:m.start()])[-3:])) == "other":
                continue  # someone else's death ("if daddy dies", "since my brother died") is not the writer's
            return True
        return False

    if said(_DEATH):
        return "risk_words"
    if said(_HOPELESS):
        return "hopelessness"
    if said(_MEANS) or said(_PLAN_CUE):
        return "plan_or_means"
    return None


def assess_many(texts: Sequence[str], semantic: bool = True, threshold: float = risk_semantic.DEFAULT_THRESHOLD,
                margin: float = risk_semantic.DEFAULT_MARGIN,
                contexts: Sequence[Context] | None = None) -> list[dict[str, Any]]:
    """The analyser's fields for each raw string, plus its evidence spans (``evidence``).

    The rules always run; with ``semantic`` the sentences of all texts are also embedded in one batch
    and compared with the prototype bank. ``contexts`` (one per text) are the turns before each text:
    the therapist's question and earlier client turns corroborate, or turn a "yes" into a finding.
    """
    r = rules()
    contexts = contexts if contexts is not None else [()] * len(texts)
    all_matches = [find_risk(t) if t else [] for t in texts]
    sem_hits: list[list[risk_semantic.SemanticHit]] = [[] for _ in texts]
    sem_frames: list[set[str]] = [set() for _ in texts]
    sentence_frames: list[dict[tuple[int, int], str | None]] = [{} for _ in texts]
    if semantic:
        todo = []
        for i, (t, ms) in enumerate(zip(texts, all_matches)):
            spans, sem_frames[i] = _semantic_spans(r, t, ms, sentence_frames[i]) if t and t.strip() else ([], set())
            todo.append((t or "", spans))
        sem_hits = risk_semantic.hits(todo, threshold, margin, admit=_near_risk)
    return [_combine(t or "", ms, hs, fs, tuple(c), sf) for t, ms, hs, fs, c, sf
            in zip(texts, all_matches, sem_hits, sem_frames, contexts, sentence_frames)]


_CUES = (_DEATH, _HOPELESS, _MEANS, _PLAN_CUE)  # the words that corroborate a resemblance


def _concrete(sentence: str) -> bool:
    """The gate's own words, a means or the marks of a plan: a resemblance here may be corroborated by itself."""
    return bool(risk_semantic.near_risk(sentence) or _MEANS.search(sentence) or _PLAN_CUE.search(sentence))


def _near_risk(sentence: str) -> bool:
    """The semantic layer's word gate, widened to every word that could corroborate a resemblance."""
    return risk_semantic.near_risk(sentence) or any(rx.search(sentence) for rx in _CUES)


def assess(text: str, semantic: bool = False, **options: Any) -> dict[str, Any]:
    """One raw string; rules only unless ``semantic`` (the analyser itself runs both by default)."""
    return assess_many([text], semantic=semantic, **options)[0]


def _apart(cue: RiskMatch, sem: list[risk_semantic.SemanticHit]) -> bool:
    """A semantic hit outside the weak cue's sentence: each is independent evidence for the other."""
    return any(not (h.start <= cue.start < h.end) for h in sem)


def _converge(text: str, weak: list[RiskMatch], sem: list[risk_semantic.SemanticHit]) -> bool:
    """Two signals in different sentences (weak cues or resemblances) corroborate each other: a post read whole.

    "I'm going to do it this weekend when everyone's away." and "I've got it all worked out." are each weak;
    together they are a plan.
    """
    sents = risk_semantic.sentences(text)

    def sentence(pos: int) -> int:
        return next((k for k, (a, b) in enumerate(sents) if a <= pos < b), -1)

    # A weak rule cue and any other signal elsewhere; resemblances alone never converge (in a long text several
    # sentences resemble risk a little: "I really don't know what to do anymore." beside "I'm miserable.").
    # Two weak cues alone repeat one thought ("I'm scared of hurting him ... afraid I will hurt him").
    if bool(weak and sem) and len({sentence(p) for p in [m.start for m in weak] + [h.start for h in sem]}) >= 2:
        return True
    # Two weak cues of different kinds are two signals, in different sentences ("i have the date picked" and "i've got
    # enough of my mum's sleeping pills") or, since v11, side by side in one ("i've written them each a letter and i
    # don't plan on being here by christmas"); two of one kind may repeat one thought.
    return any(a.category != b.category and (a.end <= b.start or b.end <= a.start) for a in weak for b in weak)


_KIN = (r"(?:son|daughter|kid|child|teen|teenager|boy|girl|friend|best\s+friend|mate|husband|wife|partner|boyfriend|"
        r"girlfriend|bf|gf|brother|sister|mum|mom|mother|dad|father|flatmate|roommate|housemate|colleague|student|"
        r"client|patient|cousin|nephew|niece|fianc[eé]e?)")
# A post about someone else's risk: the writer asks how to help, worries about, or reports what a named other did or said.
_CARER = re.compile(
    r"\bhow\s+(?:do|can|should|could|would)\s+(?:I|we)\s+(?:\w+\s+){0,2}?(?:help|support|talk\s+to|reach|approach|get\s+through\s+to)"
    r"\s+(?:him|her|them|my|our)\b|"
    r"\b(?:I'?m|I\s+am|we'?re|we\s+are)\s+(?:so\s+|really\s+|very\s+|just\s+)?(?:worried|scared|terrified|concerned|frightened)"
    r"\s+(?:about|for)\s+(?:him|her|them|my|our)\b|"
    r"\b(?:my|our)\s+(?:\d+\s*(?:yo|y/o|year[- ]old)\s+|little\s+|older\s+|younger\s+|teenage\s+)?" + _KIN +
    r"\s*(?:\(\w+\)\s*)?(?:has|had|is|was|said|says|told|tells|keeps|kept|came|tried|attempted|cuts?|took|texted|posted|"
    r"wants|wanted|mentioned|admitted|confided|showed|seems|seemed|started|stopped)\b", re.IGNORECASE)
_SINGULAR_SUBJECT = frozenset({"i", "i'm", "i've", "i'd", "i'll", "im", "ive", "me", "myself"})
_TOLD_ME = re.compile(r"\b(?:told|tells|tell|asked|asks|texted|texts|showed|shows|messaged|sent|gave|said\s+to|to|with|at)\s+me\b",
                      re.IGNORECASE)


# The writer finding or seeing the other's things ("I found the blades in his pencil case"): the finding is the
# writer's, what was found is the other's, so this "I" does not make the sentence the writer's own.
_FOUND_THEIRS = re.compile(r"\bI\s+(?:just\s+|also\s+|then\s+|finally\s+)?(?:found|find|saw|see|noticed|notice|discovered|"
                           r"spotted|caught\s+(?:him|her|them))\b", re.IGNORECASE)


def _about_another(text: str, matches: list[RiskMatch]) -> bool:
    """The post is about someone else's risk: a carer's question or report, or risk words the rules gave to another."""
    return bool(_CARER.search(text)) or any(m.discounted_by in ("third_person", "reported_speech")
                                           and not _TOPIC_MATCH.match(m.text) for m in matches)


_POST_BREAK = re.compile(r"\n[ \t]*\n\s*")  # a blank line: where one post of a joined history ends


def posts(text: str) -> list[tuple[int, int]]:
    """Character spans of the posts of ``text``: blocks between blank lines (the whole text when there is none)."""
    spans, start = [], 0
    for m in _POST_BREAK.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def _others_sentence(chunk: str) -> bool:
    """A sentence of a post about another's risk that speaks of them and has no "I" as subject: theirs, not the writer's.

    Parents write "we" ("We've locked up the knives and his razors"), so only the first person singular counts here;
    "me" counts ("nobody would miss me, not even my mum") unless the other tells or shows it to me ("he told me").
    """
    toks = set(_tokens(_FOUND_THEIRS.sub(" ", _TOLD_ME.sub(" ", chunk))))
    return not toks & _SINGULAR_SUBJECT and bool(toks & (_OTHER | {"we", "we're", "we've", "our"}))


def _combine(text: str, matches: list[RiskMatch], sem: list[risk_semantic.SemanticHit],
             sem_frames: set[str], context: Context = (),
             sentence_frames: dict[tuple[int, int], str | None] | None = None) -> dict[str, Any]:
    present = [m for m in matches if m.present]
    strong = [m for m in present if not m.weak]
    answer = _answer(text, context) if not strong else None
    weak = [m for m in present if m.weak]
    discounted = {m.discounted_by for m in matches if not m.present} | sem_frames
    if (sem or weak) and _about_another(text, matches):  # a resemblance or weak cue in their sentences is theirs
        sents = risk_semantic.sentences(text)
        kept_sem = [h for h in sem if not _others_sentence(h.text)]
        kept_weak = [m for m in weak if not any(a <= m.start < b and _others_sentence(text[a:b]) for a, b in sents)]
        if len(kept_sem) < len(sem) or len(kept_weak) < len(weak):
            discounted.add("third_person")
        sem, weak = kept_sem, kept_weak
    idiom_spans = idioms_in(text) if text else []
    if idiom_spans:
        discounted.add("idiom")
    corroboration = None
    if weak or sem:
        # A weak cue never corroborates itself, but it may corroborate a resemblance in another sentence (two signals)
        blank = [(m.start, m.end) for m in matches if not m.present or (m.weak and not _apart(m, sem))] + idiom_spans
        # A sentence let through the semantic gate only by its own words of mood or death ("I've been upset for no
        # reason", "not sure how to survive") is not corroborated by them: the words must come from elsewhere.
        # A means or the marks of a plan are concrete enough to let a sentence corroborate itself.
        own_words_only = not weak and not any(_concrete(h.text) for h in sem)
        # In a user's history (posts joined by blank lines) a post with no signal of its own corroborates nothing:
        # a paramedic's "a woman on a bridge" does not back a resemblance in another post.
        signals = [h.start for h in sem] + [m.start for m in weak]
        elsewhere = [p for p in posts(text) if not any(p[0] <= x < p[1] for x in signals)]
        frames = sentence_frames or {}
        blank += [sent for sent in risk_semantic.sentences(text)  # other people's words, the past, fiction
                  if (frames[sent] if sent in frames else _governing_frame(rules(), text, sent, matches, idiom_spans))
                  in _NOT_THE_WRITERS_NOW]
        if own_words_only:  # each resemblance is corroborated only by words outside its own sentence (v9)
            corroboration = next((c for h in sem for c in [_corroboration(text, blank + [(h.start, h.end)],
                                                                          bool(strong or answer), context, elsewhere)]
                                  if c), None)
        else:
            corroboration = _corroboration(text, blank, bool(strong or answer), context, elsewhere)
    if corroboration is None and _converge(text, weak, sem):
        corroboration = "convergence"
    if strong or answer:
        corroboration = "rules" if strong else "question"
    confirmed = strong + ([answer] if answer else []) + (weak if corroboration else [])
    sem_ok = sem if corroboration else []
    # (urgency, step, category) per finding; a semantic-only hit is a resemblance, never above "moderate"
    ranked = [(_urgency(m.severity, step), step, m.category)
              for m in confirmed for step in [step_of(m.category, text)]]
    ranked += [(min(LADDER_URGENCY[step], SEMANTIC_SEVERITY_CAP, key=URGENCIES.index), step, h.category)
               for h in sem_ok for step in [step_of(h.category, h.text)]]
    top = max(ranked, key=lambda x: _urgency_rank(x[0], x[1])) if ranked else None
    spans = [(m.start, m.end) for m in confirmed]
    # Semantic evidence: the whole sentence, unless the rules already point at words inside it.
    spans += [(h.start, h.end) for h in sem_ok if not any(h.start <= s < h.end for s, _ in spans)]
    spans = _merge(spans)
    review = [] if top else _merge([(m.start, m.end) for m in weak] + [(h.start, h.end) for h in sem])
    rules_found = bool(strong or (weak and corroboration))
    method = ("both" if rules_found and sem_ok else "rules" if rules_found else "semantic" if sem_ok
              else "context" if answer else None)
    return {
        "risk": top is not None,
        "category": top[2] if top else None,
        "severity": top[1] if top else "none",
        "severity_label": severity_label(top[1]) if top else "",
        "urgency": top[0] if top else "none",
        "categories": sorted({c for _, _, c in ranked}, key=CATEGORIES.index),
        "discounted": [f for f in FRAMES if f in discounted],
        "quotes": [text[s:e] for s, e in spans],
        "method": method,
        "similarity": max((h.similarity for h in sem), default=None),
        "corroboration": corroboration if top else None,
        "review": bool(review),
        "review_quotes": [text[s:e] for s, e in review],
        "evidence": spans,
    }


def for_review(summary: Any) -> str | None:
    """The screen's "for review" markers as one quiet line: words to glance at, not an alarm (no task)."""
    markers = summary.get("review") or []
    if not markers:
        return None
    quotes = " \u2026 ".join(f"\u201c{q}\u201d" for m in markers for q in m.get("quotes") or [])
    turns = ", ".join(str(m.get("unit_id", "")).rsplit(":", 1)[-1] for m in markers)
    return (f"For review, no task: {len(markers)} uncorroborated resemblance{'s' if len(markers) != 1 else ''} "
            f"to risk language (turn {turns}): {quotes}")


DISPLAY = Display(
    title="Risk screen",
    explanation=("A screen for language of suicide, self-harm or harm to others, placed on the Columbia ladder "
                 "with how soon a clinician should look. A flag opens a safety task; an uncorroborated resemblance "
                 "is only marked for review. It screens words, it does not assess a person: a clinician decides."),
    evidence="the risk words themselves, and the frames (quoting, negation, hypotheticals) that were discounted",
    chips=(Chip(lambda a: f"RISK {a.get('severity_label') or a['severity']}" if a.get("risk") else None, "risk"),
           Chip(lambda a: "for review (risk screen)" if a.get("review") and not a.get("risk") else None, "review")),
    columns=(Column("risk flags", lambda s: str(s.get("n_flags") or 0)),),
    hidden=("review",),
    note=for_review,
    rank=90,
)


@register
class RiskAnalyzer(BaseAnalyzer):
    """Risk language in client utterances, journal entries and free-text answers (rules + semantic, recall first)."""

    name: ClassVar[str] = "risk"
    version: ClassVar[str] = "11"
    description: ClassVar[str] = (
        "Risk language (suicidal ideation, plans, preparations, attempts, self-harm, harm to others) with "
        "severity and the evidence words; negation, other people's words, idioms, marked past and fiction are "
        "discounted only in the clause they govern. A safety net for a clinician, not an assessment."
    )
    level: ClassVar[str] = "utterance"
    roles: ClassVar[frozenset[str]] = frozenset({"client"})
    kinds: ClassVar[frozenset[str]] = frozenset(
        {"utterance", "free_association", "dream", "reflection", "moment", "answer"})
    display: ClassVar[Display] = DISPLAY
    fields: ClassVar[dict[str, str]] = {
        "risk": "True when the text holds a present risk that needs a clinician's attention",
        "category": "the most urgent category found: " + ", ".join(CATEGORIES) + " (None without risk)",
        "severity": "the Columbia ladder step of the most urgent finding: " + ", ".join(LADDER) + " (none without risk)",
        "severity_label": "the ladder step in a clinician's words (empty without risk)",
        "urgency": "how soon a clinician must look: none | moderate | high | imminent (orders the task list)",
        "categories": "every risk category present in the text, most urgent first",
        "discounted": "hard-negative frames found and discounted: " + ", ".join(FRAMES),
        "quotes": "the risk words themselves (the text of the evidence spans; a whole sentence for semantic hits)",
        "method": "which layer found the risk: rules | semantic | both (None without risk)",
        "similarity": "cosine similarity of the closest semantic hit to its risk prototype (None without one)",
        "corroboration": "what confirmed a weak cue or a resemblance: rules | question | prior_flag | risk_words | "
                         "hopelessness | plan_or_means | convergence (None when nothing needed it)",
        "review": "True when a resemblance or weak cue was found but not corroborated: a quiet marker, no task",
        "review_quotes": "the sentences or words of those uncorroborated cues",
    }
    settings_spec: ClassVar[tuple[Setting, ...]] = (
        Setting("semantic", True, "also compare sentences with the prototype bank (MiniLM encoder); "
                                  "False: rules only, no model"),
        Setting("threshold", risk_semantic.DEFAULT_THRESHOLD,
                "semantic layer: minimum cosine similarity to a risk prototype"),
        Setting("margin", risk_semantic.DEFAULT_MARGIN,
                "semantic layer: how much closer to a risk prototype than to any hard negative"),
    )
    infers_mental_state: ClassVar[bool] = False
    safety_critical: ClassVar[bool] = True  # kept on in every jurisdiction profile

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]:
        """All units at once, so that the semantic layer encodes their sentences in one batch."""
        results = assess_many([u.text or "" for u in units], semantic=bool(self.settings["semantic"]),
                              threshold=float(self.settings["threshold"]), margin=float(self.settings["margin"]),
                              contexts=[tuple((c.role, c.text) for c in u.context) for u in units])
        out = []
        for unit, result in zip(units, results):
            spans = result.pop("evidence")
            out.append(Annotation(self.name, self.version, unit.id, result, spans))
        return out

    def annotate_one(self, unit: TextUnit) -> Annotation:
        return self.annotate([unit])[0]

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        """Per session the flags with their evidence; for the case the most severe flag and the count.

        ``max_severity`` is the ladder step of the most urgent flag, ``max_urgency`` its urgency.
        """
        summary = Summary()
        total, n_review, worst = 0, 0, ("none", "none")
        for s in sessions:
            by_id = {u.id: u for u in s.units}
            flags = []
            for ann in s.annotations:
                if not ann.values.get("risk"):
                    continue
                unit = by_id.get(ann.unit_id)
                flags.append({
                    "unit_id": ann.unit_id,
                    "kind": unit.kind if unit else None,
                    "category": ann.values.get("category"),
                    "severity": ann.values.get("severity"),
                    "urgency": ann.values.get("urgency"),
                    "quotes": list(ann.values.get("quotes") or []),
                    "evidence": [list(sp) for sp in ann.evidence],
                })
            top = max(((f["urgency"] or "none", f["severity"]) for f in flags), default=("none", "none"),
                      key=lambda x: _urgency_rank(x[0] if x[0] in URGENCIES else "none", x[1]))
            review = _review_markers(s.annotations, by_id)
            summary.sessions[s.session_id] = {"flags": flags, "n_flags": len(flags), "max_severity": top[1],
                                              "max_urgency": top[0], "n_review": len(review), "review": review}
            total += len(flags)
            n_review += len(review)
            worst = max(worst, top, key=lambda x: _urgency_rank(x[0] if x[0] in URGENCIES else "none", x[1]))
        summary.case = {"n_flags": total, "max_severity": worst[1], "max_urgency": worst[0],
                        "sessions_with_flags": [k for k, v in summary.sessions.items() if v["n_flags"]],
                        "n_review": n_review}
        return summary


def _review_markers(annotations: Sequence[Annotation], by_id: dict[str, TextUnit]) -> list[dict[str, Any]]:
    """The session's quiet "for review" markers (a resemblance or weak cue nothing corroborated): never a task.

    Collected so that a clinician reads them in the session summary, not only beside each utterance.
    """
    return [{"unit_id": a.unit_id, "kind": by_id[a.unit_id].kind if a.unit_id in by_id else None,
             "quotes": list(a.values.get("review_quotes") or [])}
            for a in annotations if a.values.get("review")]
