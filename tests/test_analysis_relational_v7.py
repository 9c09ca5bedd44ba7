"""relational.v7: the response of other the self answers. Components written for these tests."""

from __future__ import annotations

import pytest

from reverie.analysis import relational as rel
from reverie.analysis.relational_clauses import component

TEXT = "My manager said of course and told me to leave early on Thursday too. I felt like a person for once."


def _ro(cid: str, quote: str, confidence: float, **extra) -> dict:
    start = TEXT.index(quote)
    return component("response_of_other", cid, TEXT, (start, start + len(quote))) | {
        "confidence": confidence, "object": "boss", **extra}


def _rs(cid: str, quote: str) -> dict:
    start = TEXT.index(quote)
    return component("response_of_self", cid, TEXT, (start, start + len(quote))) | {"confidence": 0.9}


def test_the_response_of_other_takes_the_valence_the_self_answers():
    kind = _ro("RO6", "said of course", 0.66)
    telling = _ro("RO2", "told me to leave early on Thursday too", 0.99)
    # "told me to leave early" alone reads as controlling; the client felt respected: the kind response is coded
    got = rel._answered_ro(telling, [kind, telling], _rs("RS3", "I felt like a person for once"))
    assert got["cluster"] == "RO6" and got["quote"] == "said of course"


def test_a_headline_of_the_same_valence_as_the_self_stays():
    kind = _ro("RO6", "said of course", 0.66)
    telling = _ro("RO2", "told me to leave early on Thursday too", 0.99)
    assert rel._answered_ro(telling, [kind, telling], _rs("RS8", "I felt like a person for once")) is telling
    assert rel._answered_ro(telling, [kind, telling], None) is telling


def test_with_no_response_of_that_valence_the_headline_stays():
    telling = _ro("RO2", "told me to leave early on Thursday too", 0.99)
    spare = _ro("RO6", "said of course", 0.3, fallback=True, grounded=False)
    # a spare never overrides what was found
    assert rel._answered_ro(telling, [telling, spare], _rs("RS3", "I felt like a person for once")) is telling


def _clauses(text: str) -> dict[str, str | None]:
    from reverie.analysis.base import TextUnit
    from reverie.analysis.relational_clauses import clauses
    marks = rel._subjects(text, rel._mentions(text, TextUnit.of(text), rel.learn_names(text), []))
    return {text[a:b]: who for a, b, who in clauses(text, marks)}


def test_what_the_client_perceived_the_other_do_is_the_others_clause():
    got = _clauses("I told my sister about the job and I could tell she was bored. I stopped talking.")
    assert got["she was bored"] == "sibling" and got["I could tell"] == "I"
    got = _clauses("My dad came to the match. I got the feeling he was proud of me, and I played well.")
    assert got["he was proud of me"] == "father"
    got = _clauses("My boss read my report. I could see she was annoyed. I felt sick.")
    assert got["she was annoyed"] == "boss"


def test_a_perception_of_the_client_themself_stays_the_clients():
    got = _clauses("My mum rang. I could tell I was going to cry, so I said I had to go.")
    assert "I could tell I was going to cry" in got and got["I could tell I was going to cry"] == "I"
    # an opinion is the client's own clause
    assert _clauses("My dad fixed the fence. I thought he was right about the posts.")[
        "I thought he was right about the posts"] == "I"


@pytest.mark.slow
@pytest.mark.parametrize("text, obj, quote", [
    ("I showed my husband the drawings. I could tell he was bored. I put them away and didn't mention it again.",
     "partner", "he was bored"),
    ("I could tell you were bored with me today. I wanted you to be interested. I went quiet and said it didn't "
     "matter.", "therapist", "you were bored with me today"),
])
def test_a_response_of_other_told_through_the_clients_perception_is_coded(text, obj, quote):
    v = rel.analyse_text(text)
    assert v["episode"] and v["object"] == obj
    assert v["response_of_other"]["quote"] == quote and v["response_of_other"]["valence"] == "negative"
