"""Word lists for the ``relational`` analyser: the figures (objects) and the CCRT edition-3 clusters.

Data only, so the rules in ``relational`` stay short. Each component list maps a
cluster id to regular-expression fragments; the fragments are matched inside one
clause, after the analyser has decided whose clause it is (the other's or the
self's). Wishes are matched on what follows "I wanted / needed / hoped...".
"""

from __future__ import annotations

OBJECTS: tuple[str, ...] = ("mother", "father", "parent", "partner", "sibling", "child", "friend", "boss", "colleague",
                            "therapist", "self", "other")

# object id -> (pattern, gender: "f", "m" or "")
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("boss", r"senior partner|(?:line |my |the |our )manager|boss|supervisor|head of (?:department|team)"
             r"|(?:managing |the |my |our )director|team leader|foreman|gaffer|sergeant|corporal|head chef", ""),
    ("mother", r"mother|mum|mom|mummy|mommy|mam|stepmother", "f"),
    ("father", r"father|dad|daddy|stepfather|papa|(?:my|me|our) old man", "m"),
    ("parent", r"parents|folks|mum and dad|mom and dad|dad and mum|(?:my|our) family", ""),
    ("partner", r"husband|wife|boyfriend|girlfriend|fianc[eé]e?|spouse|other half|missus|missis|hubby"
                r"|(?:my|our) partner|(?:my|our) ex\b", ""),
    ("sibling", r"brother|sister|siblings?|twin|our kid\b(?!s)", ""),
    ("child", r"son|daughter|(?:my|the) kids?|our kids|(?:my|our|the) (?:child|children|baby)|little (?:boy|girl)"
              r"|(?:my|our) (?:eldest|youngest|middle one|little one)|my (?:lad|boy)", ""),
    ("friend", r"(?:best |old |close )?friends?|mates?|pals?|buddy|flatmate|housemate|roommate", ""),
    ("colleague", r"colleagues?|co-?workers?|teammates?|(?:the|my|our) (?:new )?team|people at work"
                  r"|(?:the )?others (?:on|in) (?:my|the|our) team|workmates?"
                  r"|(?:the )?(?:lads|guys|girls|others|blokes) (?:at|on|from)"
                  r" (?:work|the site|the job|the shop floor|the line|the ward|(?:the |my )?(?:\w+ )?shift)", ""),
    ("therapist", r"(?:my|the) therapist|(?:my|the) analyst|my counsell?or", "f"),
    ("other", r"doctor|gp|nurse|teacher|neighbou?r|landlord|landlady|stranger|receptionist|uncle|aunt"
              r"|consultant|specialist|surgeon|vicar|priest|social worker|solicitor|policem[ae]n|cousin|nephew|niece"
              r"|grandmother|grandfather|gran|granny|grandma|grandpa|grandad|granddad|nana|in-laws?|mother-in-law|father-in-law"
              r"|(?:the )?(?:man|woman|guy|lady|people|couple|family|chap|bloke|fella|lad|girl)"
              r" (?:next door|upstairs|downstairs|across the road)", ""),
)
# A relative clause or role phrase that introduces a name: "a woman called Helen who runs our department".
ROLE_PHRASES: tuple[tuple[str, str], ...] = (
    ("boss", r"runs (?:our|the|my) (?:department|team|office|unit|ward|section|practice)|(?:is|was) in charge of"
             r"|(?:my|our) (?:line )?manager|(?:my|our) boss|heads? (?:up )?(?:our|the) (?:team|department)"),
    ("colleague", r"works? (?:with me|next to me|on my team|in (?:my|our) (?:team|office))"
                  r"|sits? (?:next to|opposite) me|from (?:work|the office)|(?:in|on) (?:my|our) team"),
    ("friend", r"(?:I've|I have|I've been) (?:known|been friends with) (?:him|her|them|since)"
               r"|known (?:him|her) (?:since|for)"
               r"|from (?:school|uni|university|college)|my (?:best |oldest |closest )?friend"),
    ("partner", r"(?:I've been|I'm|I am|I was) (?:seeing|going out with|with) (?:him|her)|(?:my|our) (?:partner|ex)\b"
                r"|(?:been|got) (?:together|married)"),
)
FEMALE_WORDS = r"mother|mum|mom|mummy|mommy|mam|stepmother|wife|missus|missis|girlfriend|sister|daughter" \
               r"|little girl|fianc[eé]e" \
               r"|aunt|grandmother|gran|granny|grandma|nana|landlady|mother-in-law"
MALE_WORDS = r"father|dad|daddy|stepfather|papa|my old man|me old man|our old man|foreman|husband|hubby" \
             r"|boyfriend|brother|son|little boy|uncle|grandfather|grandpa|my lad|my boy" \
             r"|father-in-law"

# Names of places, days and months that look like names but are never a figure.
NOT_NAMES = frozenset(
    "I I'm I'd I've I'll The A An And But So Then When Which What Why How Who Where Yes No Oh Well Okay OK It It's"
    " This That There They He She We You My Our His Her Their Just Even Only Maybe Perhaps Sorry God Christmas"
    " Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August"
    " September October November December Leeds London Dr Mr Mrs Ms Not All Part In On At After Before Last Next"
    " Mum Dad Mom Mummy Daddy Seriously Honestly Still Because If Or Nobody Everyone Something Nothing Was"
    " One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Fifteen Twenty Thirty Forty Fifty Sixty Seventy"
    " Eighty Ninety Hundred Half Both Twice Once First Second Third Every Each".split())
HOME_CUES = (r"\b(?:home|sofa|dinner|bed|kiss|wedding|love[sd]?|together|kitchen|risotto|breakfast|toast|soup|holiday"
             r"|pregnant|anniversary|engaged|married|moved in|our (?:flat|house|place|bedroom)|date night|washing up|laundry)\b")
WORK_CUES = (r"\b(?:meeting|office|team|desk|report|project|client|deadline|work|valuation|rota|memo|pitch|shift"
             r"|spreadsheet|slides|presentation|appraisal|the directors|conference call|payroll|draft|schedule|promotion)\b")
# Someone who visits or is met, not someone who lives with the client: a name with these is guessed a friend.
FRIEND_CUES = (r"\b(?:came (?:round|over)|popped (?:round|over|in)|(?:met|meet|meeting) (?:up|for)|for (?:a )?(?:coffee|drink)"
               r"|the pub|catch(?:ing)? up|from school|from uni|(?:a|her|his) party|(?:her|his) place)\b")

# ----- components ---------------------------------------------------------------------------------------------
# since v6 also "I didn't want", "I'd been hoping", "I'd have loved", "I was looking forward to", "I'd rather"
WISH_VERB = (r"\b(?:I|me)(?:'d|\u2019d)?\s+(?:(?!felt|feel|feeling|was|am|been)\w+(?:n['\u2019]t)?\s+){0,2}?"
             r"(?:just\s+|really\s+|only\s+|so\s+|badly\s+|desperately\s+)?"
             r"(?:want(?:ed|s|ing)?|wish(?:ed)?|need(?:ed)?|hoped|was hoping|longed|long|was desperate|would love"
             r"|'d love|was dying)\b|\b(?:just |really |always |kept |keep )wanting\b|\ball I (?:ever )?want(?:ed)?\b|\bpart of me want(?:s|ed)?\b"
             r"|\bI(?:'d|\u2019d| had| have|'ve| was| am|'m)? (?:been |so |really |just )*(?:hoping|longing|wanting|dying)\b"
             r"|\bI(?:'d|\u2019d| would) (?:have |really |so )*(?:loved|liked)\b"
             r"|\bI(?:'d|\u2019d| had| was|'m| am)? (?:been |really |so )*looking forward to\b"
             r"|\bI(?:'d|\u2019d| would) (?:much )?rather\b")

WISHES: dict[str, tuple[str, ...]] = {
    "W2": (r"hurt (?:him|her|them|you)|get (?:back at|even)|punish|pay (?:him|her|them) back|make (?:him|her|them) suffer"
           r"|tell (?:him|her|them) what (?:he|she|they)'d done|put (?:him|her|them) in (?:his|her|their) place"),
    "W3": (r"(?:her|him|them|someone|somebody|you) (?:to )?(?:decide|choose|take over|tell me what)|be told what"
           r"|not (?:to )?have to decide|take care of everything"),
    "W1": (r"say no|\bchoose\b|decide (?:for )?myself|my own|stand up|for myself|independen|make my (?:own )?point"
           r"|take the job|stop working|cut down|say what I|do (?:it|things) my way|be free|\bart\b|move the deadline"
           r"|speak up|assert|put my foot down|a say\b|without having to answer"),
    "W4": (r"stay out|keep (?:my head down|out|away|it light|the peace)|out of (?:it|the way|his way|her way|their way)"
           r"|(?:some )?space|skip|avoid|be left alone|left in peace|get away|not (?:to )?(?:talk|think) about"
           r"|any argument|disappear|swallow me|hide"),
    "W5": (r"\bclose\b|closer|\bnear\b|together|\bhug\b|spend (?:time|sunday|the day|an evening)|an evening with|with (?:him|her|them|you),"
           r"|connect|sit with me|be with (?:him|her|them|you)|feel close|be friends|belong|fit in|beside me"
           r"|still needs? me|accept (?:me|what I|who I)"),
    "W8": (r"get it right|\bhelp\b|impress(?!ed)|do (?:well|a good job)|achieve|succeed|prove|be good at|win|make partner"
           r"|be the best"),
    "W7": (r"unwind|relax|quiet (?:evening|night|day)|feel safe|comfortable|\brest\b|a break|sleep|be calm|feel good"),
    "W6": (r"notice|\bsee\b|pleased|proud|like (?:it|me)|praise|well done|approv|understand|get it|listen|interested"
           r"|take (?:it|me) seriously|care|acknowledg|on my side|think (?:well of me|I'd done well|I'm doing)"
           r"|hear (?:that|it)|love|ask about|respect|appreciat|be there|\bthere\b|recogni[sz]|be kind|thank|be happy for"
           r"|think I|value|be (?:nice|kind|proud)|impressed"),
}

NEGATION = r"\b(?:not|never|no|n't|didn't|doesn't|don't|wouldn't|couldn't|won't|hardly|barely)\b"

# Responses of the other: matched in a clause whose subject is a figure (not "I").
RESPONSES_OF_OTHER: dict[str, tuple[str, ...]] = {
    "RO6": (r"help(?:ed|s)? me|sat with me|walked me through|drove|carried|came round|brought|let me\b|didn't push"
            r"|support(?:ed|s|ive)|said of course|offered|made (?:me )?(?:tea|dinner|soup)|helped",
            r"put the kettle on|held me|turned up (?:at|with)",),
    "RO7": (r"proud of me|loved? me|missed me|hugg?(?:ed|s)?|(?:said|told me) I was (?:the best|great|good|brilliant)"
            r"|glad to have me|asked for me|arms round|pleased (?:with|for) me|praised|said well done|said (?:he|she) was proud"
            r"|kind to me|was kind|warm|smiled",
            r"told me (?:my|I|it) (?:\w+ ){0,3}(?:was|were) (?:the best|great|brilliant|amazing)",),
    "RO8": (r"listened|understood|understands|understanding|got it|(?:made|makes) sense|been there|thinking the same"
            r"|didn't try to fix|took (?:it|me) seriously|respect(?:ed|s)|glad I had|said it was (?:okay|ok|normal)"
            r"|said (?:he|she|they) underst",),
    "RO2": (r"told me (?:what|to|it was expected|I had to|I should|I'd be)|decided for me|made me\b|without asking"
            r"|push(?:ing|ed|es) me|kept on|won't let|wouldn't let|(?:tells|told) me what|filled in|insist|demand"
            r"|picked (?:the|my)|dumping|announced|always decides|call(?:ed|s)? me in|ordered|took over|booked"
            r"|controls?|checks? (?:up )?on me|expects?|expected",
            r"decided (?:we|that|I|on)|without (?:even )?asking|(?:phoned|rang|called|texted) (?:\w+ )?(?:times|again and again)"
            r"|check(?:ed|s)? my|tear out|(?:keeps?|kept) telling me (?:to|what|I should)",),
    "RO3": (r"upset|crying|cried|in a state|angry|furious|shout(?:ed|ing)|(?:his|her|their|a|one of his|one of her) "
            r"(?:foul |bad )?moods?|slamm|meltdown|scream|argu(?:e|ed|ing)|anxious|panick|worried|lost (?:his|her) temper"
            r"|snapped|yell|in tears|got (?:really |so )?(?:angry|cross|upset)",),
    "RO4": (r"forg[eo]t(?:ten)?|(?:was|were|came|turned up|always) late|missed (?:my|the|our)|didn't (?:turn up|come|show|ring|call)|never (?:came|rang|called|turned up|there)"
            r"|cancell?ed|let me down|wasn't there|away|absent|stayed empty|lied|broke (?:his|her|a) promise|only sent"
            r"|no message|went out with|never came out|door shut|not there|left (?:me|us)\b|was always (?:at work|away)",
            r"never once (?:came|rang|called|visited|asked)|(?:always|never) had (?:a reason|an excuse)|borrowed money"
            r"|(?:won't|wouldn't|doesn't|didn't) (?:answer|reply to) my",),
    "RO5": (r"asked what (?:had )?happened|why (?:didn't|haven't|hadn't|did|have) you|asked (?:me )?why|wanted to know why|\bwhy the\b|wrong|critici[sz]|dismiss|brushed (?:it|me) off|laughed|talked over"
            r"|ignored|(?:didn't|doesn't|don't|never|wouldn't) (?:really |even )?(?:say|answer|notice|reply|ask|look|listen|care)|walked past|overreact|ridiculous|make a fuss|waste of"
            r"|barely looked|stop interfering|pull(?:s|ed)? away|won't let me|embarrassing|without (?:asking|inviting) me"
            r"|unimpressed|bored|sighed|everyone else|nothing (?:else|more)|fine,? nothing|reject|too busy|disapprov"
            r"|said (?:it was|I was) (?:probably|just|only)|everyone gets|didn't understand|don't understand|not good enough"
            r"|what about|couldn't care|turned away|not interested|told me off|looked (?:bored|away)|mocked|sneered"
            r"|tutted|frowned|not looking up|didn't look up",
            r"rolled (?:her|his|their) eyes|went straight to|point(?:ed|ing) out|(?:made|making) (?:a joke|jokes|fun) (?:about|of)"
            r"|joked about|(?:keeps?|kept) telling me I'm|cut me off|ended (?:the|our) session|wasting",),
    "RO1": (r"in control|commanding|\bsharp\b|unshakeable|took charge|powerful|so (?:capable|confident|certain)"
            r"|answered every|knew (?:exactly|everything)|strong",),
}
NEGATED_POSITIVE_RO = "RO5"  # "he didn't listen", "she never helped": a positive response, negated, rejects
# ... and the converse (since v6): a negative response negated is told as the other's patience or acceptance, RO8
# ("never once made me feel stupid", "she didn't judge", "he never raised his voice", "didn't bat an eyelid")
NEGATED_NEGATIVE_RO = (
    r"\b(?:never|didn't|doesn't|don't|wasn't|weren't|isn't|not|no)\s+(?:once\s+|even\s+|ever\s+|at all\s+)?"
    r"(?:(?:made|make|makes|making)\s+me\s+feel\s+(?:stupid|thick|small|silly|daft|useless|a fool|an idiot|bad|guilty"
    r"|a nuisance|a burden|awkward)|judg\w*|rais\w+ (?:his|her|their|a) voice|(?:get|got|gets|getting) (?:cross|angry"
    r"|annoyed|impatient)|rush\w*|lectur\w*|tell me off|told me off|shout\w*|critici[sz]\w*|complain\w*|mind\w*"
    r"|hold it against|make a (?:fuss|thing)|bat an eyelid|jump in|interrupt\w*|cross|angry|annoyed|shocked)")
NEGATED_NEGATIVE_CLUSTER = "RO8"

# Responses of self: matched in a clause whose subject is "I" (or a feeling word after felt/feel/feeling).
RESPONSES_OF_SELF: dict[str, tuple[str, ...]] = {
    "RS8": (r"ashamed|embarrass|humiliat|guilty|sorry|apologi[sz]|felt sick|stupid|panick|anxious|heart (?:going|racing)"
            r"|nervous|redid|stayed (?:until|till|late)|replay|dread|shame|scared|afraid|frightened|terrified|shaking"
            r"|worked (?:all|through|until)|over-?work|messed (?:it |things )?up|got it wrong|my fault",
            r"went red|blushed|wanted the (?:floor|ground) to",),
    "RS2": (r"went quiet|go quiet|shut down|without talking|changed the subject|didn't reply|stopped (?:talking|replying)"
            r"|went blank|went upstairs|headphones|didn't go|withdr[ae]w|kept away|almost didn't come|closed off"
            r"|said (?:it was|I was) fine|walked away|went to bed|didn't say (?:anything|a word)|kept (?:it|quiet) to myself"
            r"|pulled back|switched off|went to my room|avoid",
            r"didn't mention|never mentioned|stopped (?:\w+ing)|(?:barely|hardly|haven't) (?:spoken|speak|talked)"
            r"|don't go (?:home|round|there)|switched my phone off",),
    "RS4": (r"snapped|shout|lost my temper|slamm|told (?:him|her|them) exactly|argu|control freak|yell|furious|angry"
            r"|swore|hung up|stormed",
            r"(?:was|got) short with|shouted back",),
    "RS6": (r"couldn't (?:think|do|move|speak|say)|didn't argue|went along|just stood|froze|frozen|powerless|useless"
            r"|helpless|no say|did what (?:he|she|they) said|did it anyway|signed it|nine years old|stuck|gave in"
            r"|no choice|sat there",),
    "RS7": (r"\bflat\b|hopeless|\blow\b|let down|\bsad\b|miserable|alone|cried|gave up|disappointed|(?:felt|feel|so) down"
            r"|\bempty"
            r"|awful|lonely|worthless|not worth",
            r"felt (?:about|like) (?:a )?(?:twelve|ten|eight|child|kid)|felt (?:small|tiny)",),
    "RS1": (r"calm(?:ing|ed)? (?:her|him|them) down|made (?:her|him|them) (?:tea|dinner)|cooked|look(?:ed)? after (?:her|him|them)"
            r"|listened to (?:her|him|them)|help(?:ed)? (?:her|him|them)|comforted|reassured|promis",),
    "RS3": (r"accepted|understood|respected|felt (?:so )?(?:loved|wanted|cared for|looked after|close)|belong|relieved"
            r"|relaxed|felt good|good at|safe|loved",
            r"lighter|felt warm|ten feet tall|laughed properly",),
    "RS5": (r"calmly|proud of myself|confident|steady|on top of|decide for myself|carried on|easier|stood my ground"
            r"|said no|held my ground|asked (?:her|him|them) to|managed to",),
}

POSITIVE = frozenset({"RO6", "RO7", "RO8", "RS1", "RS3", "RS5"})

LABELS: dict[str, str] = {
    "W1": "to assert self and be independent", "W2": "to oppose, hurt and control others",
    "W3": "to be controlled, hurt and not responsible", "W4": "to be distant and avoid conflicts",
    "W5": "to be close and accepting", "W6": "to be loved and understood", "W7": "to feel good and comfortable",
    "W8": "to achieve and help others",
    "RO1": "strong", "RO2": "controlling", "RO3": "upset", "RO4": "bad", "RO5": "rejecting and opposing",
    "RO6": "helpful", "RO7": "likes me", "RO8": "understanding",
    "RS1": "helpful", "RS2": "unreceptive", "RS3": "respected and accepted", "RS4": "oppose and hurt others",
    "RS5": "self-controlled and self-confident", "RS6": "helpless", "RS7": "disappointed and depressed",
    "RS8": "anxious and ashamed",
}
