"""The clauses of a text and their CCRT components as the trained classifier codes them (since ``relational.v3``).

``relational`` finds the figures, the subjects and the wishes; here a text is cut into clauses, each clause
given its subject, and each wish span, each clause of a figure (a response of other) and each clause of the
client (a response of self) classified by ``relational_model``. The word lists' responses serve as anchors:
a response they also place is ``grounded``, and so is one the classifier is sure of.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reverie.analysis import relational_lexicon as lex

_I = re.IGNORECASE
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
CLAUSE_BREAK = re.compile(r"[,;:\"\u201c\u201d]|\b(?:and|but|because|when|then|until|while|so that|which)\b", _I)


def component(kind: str, cid: str, text: str, span: tuple[int, int], negative: bool = False) -> dict[str, Any]:
    """One coded component with its quote and span; responses are negative unless of a positive cluster."""
    valence = "negative" if negative or (kind != "wish" and cid not in lex.POSITIVE) else "positive"
    return {"component": kind, "cluster": cid, "label": lex.LABELS[cid], "valence": valence,
            "quote": text[span[0]:span[1]], "span": list(span)}


# Words that may stand before a clause's subject ("then she", "my older sister", "last night he"); a reporting verb
# there ("said I was...") means the clause continues the subject before it
_REPORTING = re.compile(r"\b(?:said|say|says|told|tell|asked|ask|thought|think|knew|know|felt|feel|realised|realized"
                        r"|saw|heard|wondered|meant|guess|suppose|hope|wish|\w+ed)\b", _I)
_SUBJECT_REACH = 3  # words
_APOLOGY = re.compile(r"sorry|apologi", _I)
# A figure of the client's followed by a verb starts a new clause ("I told her my boss had shouted at me")
_TOLD_FIGURE = re.compile(r"(?<=[a-z] )(?:my|our) (?:\w+ )?\w+(?= (?:had|has|was|is|were|said|told|asked|kept|never"
                          r"|always|just|didn't|doesn't|wouldn't|won't|\w+ed)\b)", _I)
# A third-person subject after a noun starts a new clause ("I told her about the scan she put the kettle on")
# A sentence opening on a verb or adverb with its subject left out ("Said I'd botched it.", "Never visits.")
_SUBJECTLESS = re.compile(r"\s*(?:(?:just|never|still|always|only|even|then|so|and|but|er|um)\b[ ,]*)*"
                          r"(?:didn't|doesn't|don't|won't|wouldn't|can't|couldn't|wasn't|isn't"
                          r"|said|told|went|came|took|gave|got"
                          r"|rang|made|sat|kept|knew|left|put|lent|brought|thought|felt|slept|ran|sent|let|lost"
                          r"|\w+(?:ed|es|[^s]s))\b"
                          r"(?! (?:is|was|are|were|has|had)\b)", _I)
# What the client perceived the other do or feel ("I could tell she was bored", "I got the feeling you were fed up"):
# the clause after it is the other's, a response of other told through the client's eyes (since relational.v7); an
# opinion ("I thought he was right") is not a perception and stays the client's
_PERCEIVED = re.compile(r"\bI (?:(?:could|can|can't help but|just|already|could just) )?(?:tell|see|sense|sensed|feel"
                        r"|felt like|felt as if|feel like|noticed|could hear|got the feeling|get the feeling"
                        r"|got the sense)(?: that)?(?= (?:you|he|she|they)\b)", _I)
_NEW_SUBJECT = re.compile(r"(?<=[a-z] )(?:he|she|they)\b(?! (?:said|told|asked|thought|knew)\b)")


# A sentence that only names a figure ("My father.", "Workmate, Dave.", "Er. My boss."): what follows is about them
_TOPIC_FILLERS = frozenset("my our the a an old er um erm well so oh and now".split())


_NEGATED_NEGATIVE = re.compile(lex.NEGATED_NEGATIVE_RO, _I)
_SUBORDINATE = re.compile(r"when|because|while|until|which", _I)


def _topic(text: str, s0: int, s1: int, marks: list[Any]) -> bool:
    """True when the sentence is a figure named on its own: a figure of the client's (or a name in apposition to
    it) and nothing else but up to three fillers and determiners."""
    named = [s[2]["span"] for s in marks if s0 <= s[0] < s1 and s[1] not in (None, "I") and s[2]
             and s[2].get("span", (None,))[0] == s[0]]
    if not named:
        return False
    rest = text[s0:s1]
    for a, b in sorted(named, reverse=True):  # blank out each figure's words
        rest = rest[:a - s0] + " " * (b - a) + rest[b - s0:]
    words = re.findall(r"[A-Za-z']+", rest)
    return len(words) <= 3 and all(w.lower() in _TOPIC_FILLERS for w in words)


def clauses(text: str, marks: list[Any]) -> list[tuple[int, int, str | None]]:
    """The clauses of a text, each with its subject: "I", an object id, or None (it, we, no one named).

    A clause is cut at punctuation and at the conjunctions of ``CLAUSE_BREAK``; its subject is a subject
    marker among its first words, else the subject of the clause before it in the sentence ("he laughed and
    said I was being silly": "said..." is still his)."""
    out: list[tuple[int, int, str | None]] = []
    subject: str | None = None
    topic = False
    for sentence in SENTENCE.finditer(text):
        s0, s1 = sentence.span()
        breaks = [m.span() for m in CLAUSE_BREAK.finditer(text, s0, s1)]
        breaks += [(m.start(), m.start()) for m in _NEW_SUBJECT.finditer(text, s0, s1)
                   if not _REPORTING.search(text[max(s0, m.start() - 12):m.start()])]
        breaks += [(m.start(), m.start()) for m in _TOLD_FIGURE.finditer(text, s0, s1)
                   if any(s[0] >= m.start() and s[0] < m.end() and s[1] not in (None, "I") for s in marks)]
        breaks += [(m.end(), m.end()) for m in _PERCEIVED.finditer(text, s0, s1)]
        breaks.sort()
        # a sentence that opens on a verb with no subject keeps the last one ("Foreman called me in. Said I was
        # slow."): terse speech drops it; any other opening but a fragment of two words starts afresh, except
        # after a figure named on its own ("My father. Hit me with a belt.", "The lads at work. Take the mick.")
        if not _SUBJECTLESS.match(text, s0) and len(text[s0:s1].split()) > 2 and not topic:
            subject = None  # a fragment ("Forty.", "Every week.") keeps it too
        topic = _topic(text, s0, s1, marks)
        main: str | None = None  # the subject of the sentence's main clauses, which a next sentence may keep
        for (a, b), opener in zip(zip([s0, *(e for _, e in breaks)], [*(st for st, _ in breaks), s1]),
                                  ["", *(text[x:y] for x, y in breaks)]):
            raw = text[a:b]
            lead = len(raw) - len(raw.lstrip(" \t\"'\u201c\u2018-("))
            a += lead
            b -= len(text[a:b]) - len(text[a:b].rstrip(" \t,;:.!?\"'\u201d\u2019)"))
            if b - a < 3:
                continue
            first = next((s for s in marks if a <= s[0] < b), None)
            before = text[a:first[0]] if first else ""
            if first and len(before.split()) <= _SUBJECT_REACH and not _REPORTING.search(before):
                subject = first[1]
            if len(text[a:b].split()) >= 2 or _APOLOGY.match(text, a):
                out.append((a, b, subject))
            if not _SUBORDINATE.fullmatch(opener.strip()) and subject is not None:
                main = subject
        # "Raj covered my shift when the wife had her op. Didn't even ask.": the next sentence's left-out subject
        # is the main clause's, not the one of a "when" or "because" clause
        subject = main if main is not None else subject
    return out


def classified(text: str, marks: list[Any], wishes: list[dict[str, Any]], zones: list[tuple[int, int]],
               anchors: Sequence[tuple[str, int]] = ()
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The components as the trained classifier codes them: each wish span, each clause whose subject is a
    figure (a response of other) and each clause whose subject is the client (a response of self) gets its
    most probable cluster. A response clause is kept where the word lists found a response of that kind in it
    (``anchors``: component and start), or where the classifier alone is sure of it (``SURE``); one it reads as
    "none" is left out."""
    wishes, ro, rs, _ = classified_with_spares(text, marks, wishes, zones, anchors)
    return wishes, ro, rs


def classified_with_spares(text: str, marks: list[Any], wishes: list[dict[str, Any]], zones: list[tuple[int, int]],
                           anchors: Sequence[tuple[str, int]] = ()
                           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]],
                                      list[dict[str, Any]]]:
    """As :func:`classified`, plus the *spares*: the wishes and clauses it read as more likely "none", each
    coded with its most probable cluster (``grounded`` False). A coder who has found an episode still codes
    each component's most likely cluster; ``relational`` takes a spare only where an episode has no other
    component of that kind (since ``relational.v6``)."""
    from reverie.analysis import relational_model

    items: list[tuple[str, str]] = [("wish", w["quote"]) for w in wishes]
    where: list[tuple[str, tuple[int, int], str | None]] = []
    for a, b, who in clauses(text, marks):
        if who is None and _APOLOGY.match(text, a):
            who = "I"  # "Sorry." with no one else as its subject is the speaker's
        if who is None or any(za < b and a < zb for za, zb in zones):
            continue
        part = "response_of_self" if who == "I" else "response_of_other"
        items.append((part, text[a:b]))
        where.append((part, (a, b), who))
    probs = relational_model.classify(items)
    coded_wishes: list[dict[str, Any]] = []
    spares: list[dict[str, Any]] = []
    for w, p in zip(wishes, probs):  # "I wanted to ask you something" is no wish of the CCRT's ("none")
        cid = max((c for c in p if c != relational_model.NONE), key=p.__getitem__)
        coded = w | {"cluster": cid, "label": lex.LABELS[cid], "confidence": round(p[cid], 3)}
        if p.get(relational_model.NONE, 0.0) < relational_model.NONE_AT:
            coded_wishes.append(coded)
        else:
            spares.append(coded | {"grounded": False})
    ro: list[dict[str, Any]] = []
    rs: list[dict[str, Any]] = []
    for (part, span, who), p in zip(where, probs[len(wishes):]):
        cid = max((c for c in p if c != relational_model.NONE), key=p.__getitem__)
        if part == "response_of_other" and _NEGATED_NEGATIVE.search(text, span[0], span[1]):
            # "never once made me feel stupid": the classifier reads the negative words; the response is kind
            p = {**p, lex.NEGATED_NEGATIVE_CLUSTER: max(p[cid], p[lex.NEGATED_NEGATIVE_CLUSTER]),
                 relational_model.NONE: 0.0}
            cid = lex.NEGATED_NEGATIVE_CLUSTER
        coded = component(part, cid, text, span) | {"confidence": round(p[cid], 3)}
        if part == "response_of_other":
            coded |= {"object": who}
        if p.get(relational_model.NONE, 0.0) >= relational_model.NONE_AT:
            spares.append(coded | {"grounded": False})
            continue
        grounded = p[cid] >= relational_model.SURE or any(kind == part and span[0] <= at < span[1]
                                                          for kind, at in anchors)
        (ro if part == "response_of_other" else rs).append(coded | {"grounded": grounded})
    return coded_wishes, ro, rs, spares
