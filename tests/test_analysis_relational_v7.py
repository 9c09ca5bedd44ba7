"""relational.v7: the response of other the self answers. Components written for these tests."""

from __future__ import annotations

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
