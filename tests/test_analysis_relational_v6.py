"""relational.v6: finding the episode and its object in spoken, terse and rambling talk, and coding each component
of a found episode. Texts written for these tests."""

from __future__ import annotations

import pytest

from reverie.analysis import relational as rel
from reverie.analysis.base import TextUnit
from reverie.analysis.relational_case import pervasiveness
from reverie.analysis.relational_clauses import clauses
from tests.relational_support import stub_encoder  # noqa: F401 (a fixture)


def _clauses(text: str) -> dict[str, str | None]:
    marks = rel._subjects(text, rel._mentions(text, TextUnit.of(text), rel.learn_names(text), []))
    return {text[a:b]: who for a, b, who in clauses(text, marks)}


def test_a_contracted_pronoun_is_a_subject():
    got = _clauses("My uncle never visits. He'd rather watch the racing. She's been good though, my aunt.")
    assert got["He'd rather watch the racing"] == "other"


def test_a_figure_named_on_its_own_carries_into_the_next_sentence():
    got = _clauses("My father. Hit the roof when I failed my test. I went to my room.")
    assert got["Hit the roof"] == "father"
    got = _clauses("The lads on the night shift. Hide my flask every week. I laugh it off.")
    assert got["Hide my flask every week"] == "colleague"
    # a sentence that says more than the figure starts afresh
    assert _clauses("My father was a miner. The pit closed in eighty-five.")["The pit closed in eighty-five"] is None


def test_a_left_out_subject_is_the_main_clauses_not_a_when_clauses():
    got = _clauses("My brother covered my shift when the wife was ill. Didn't even ask for anything.")
    assert got["Didn't even ask for anything"] == "sibling"


@pytest.mark.parametrize("text, names", [
    ("My cousin's fine. My brother Keith owes me money though.", {"Keith": "sibling"}),
    ("The wife, er, Jean, she does the books.", {"Jean": "partner"}),
    ("Workmate, Dave. Lent me his van.", {"Dave": "colleague"}),
    ("Tom, a friend from school, rang me.", {"Tom": "friend"}),
    ("Pete next door fixed my gate.", {"Pete": "other"}),
    ("Nadia's my husband's cousin. She stayed a week.", {"Nadia": "other"}),
    ("Jonah's sister Beth came too.", {"Beth": "other"}),
    ("My eldest, Michael, does my shopping.", {"Michael": "child"}),
])
def test_a_name_in_apposition_to_a_role_takes_it(text, names):
    assert rel.learn_names(text) == names


def test_an_owner_or_a_figure_after_a_preposition_is_not_the_subject():
    got = _clauses("The consultant ignored me. Talked to my wife instead.")
    assert got["Talked to my wife instead"] == "other"
    # "she" is the line manager, not the daughter whose play it is
    got = _clauses("I asked my line manager for Friday off for my daughter's play. She said yes straight away.")
    assert got["She said yes straight away"] == "boss"


def test_what_someone_is_is_not_a_figure():
    assert rel.analyse_text("My father's a surgeon, so he knows about hearts.", model=False)["figures"] == ["father"]
    assert rel.analyse_text("The surgeon came round at six and shouted at the nurse.", model=False)["figures"] == \
        ["other"]


def test_things_numbers_and_places_are_not_names():
    assert rel.analyse_text("Dad taught me to drive in his old Volvo.", model=False)["name_guesses"] == {}
    assert rel.analyse_text("Three years. I'll go to the grave on Sunday.", model=False)["name_guesses"] == {}
    assert rel.analyse_text("We met my parents at the pub in Dorking.", model=False)["name_guesses"] == {}
    # a name after a determiner that acts is still a name
    assert "Lucy" in rel.analyse_text("After the funeral Lucy came round with soup.", model=False)["name_guesses"]


@pytest.mark.parametrize("text, figure", [
    ("Our kid rang me from Spain.", "sibling"),
    ("Our director cancelled the away day.", "boss"),
    ("My old sergeant made us run in the rain.", "boss"),
    ("The consultant barely looked at me.", "other"),
    ("My lad drove me to the hospital.", "child"),
])
def test_more_figure_words(text, figure):
    assert figure in rel.analyse_text(text, model=False)["figures"]


def test_the_parents_when_both_of_them_act():
    v = rel.analyse_text("I told my parents I was leaving the course. Dad shouted at me and Mum cried.", model=False)
    assert v["object"] == "parent"
    # "my parents' house" only owns the house
    v = rel.analyse_text("We were at my parents' house. My mother criticised my hair and my father laughed at me.",
                         model=False)
    assert v["object"] in ("mother", "father")


@pytest.mark.parametrize("text, negative", [
    ("I didn't want to go there with her.", True),
    ("I'd been hoping to tell her about the job.", False),
    ("I'd have loved to be asked along.", False),
    ("I was really looking forward to seeing him.", False),
    ("I'd rather choose for myself.", False),
])
def test_more_ways_of_saying_a_wish(text, negative):
    wishes, _, _ = rel._wishes(text, [])
    assert len(wishes) == 1 and (wishes[0]["valence"] == "negative") is negative


def test_the_inner_critic_is_the_self_acting():
    got = _clauses("Part of me says I'm useless. I believe it.")
    assert got["Part of me says I'm useless"] == "self"


def test_a_spare_is_the_likeliest_of_the_objects_own_and_never_grounded():
    spares = [
        {"component": "response_of_other", "cluster": "RO2", "confidence": 0.4, "object": "boss"},
        {"component": "response_of_other", "cluster": "RO6", "confidence": 0.3, "object": "mother"},
        {"component": "response_of_other", "cluster": "RO5", "confidence": 0.2, "object": "mother"},
        {"component": "response_of_self", "cluster": "RS7", "confidence": 0.35},
    ]
    (best,) = rel._best_spare(spares, "response_of_other", "mother")
    assert best["cluster"] == "RO6" and best["fallback"] is True and best["grounded"] is False
    (other,) = rel._best_spare(spares, "response_of_other", "father")  # none of the father's: the likeliest
    assert other["cluster"] == "RO2"
    assert rel._best_spare(spares, "wish", "mother") == []


def test_a_spare_does_not_count_in_the_case():
    spare = {"component": "response_of_other", "cluster": "RO6", "confidence": 0.3, "grounded": False,
             "fallback": True}
    sure = {"component": "response_of_other", "cluster": "RO5", "confidence": 0.9, "grounded": True}
    table = pervasiveness([{"components": [spare]}, {"components": [sure]}])
    assert table["response_of_other"] == {"RO5": 0.5}


def test_equal_shares_go_to_the_cluster_coded_with_more_confidence():
    def wish(cluster: str, confidence: float) -> dict:
        return {"components": [{"component": "wish", "cluster": cluster, "confidence": confidence}]}
    table = pervasiveness([wish("W4", 0.2), wish("W6", 0.9), wish("W4", 0.3), wish("W6", 0.8)])
    assert list(table["wish"]) == ["W6", "W4"]


@pytest.mark.slow
def test_a_found_episode_codes_every_component_it_tells():
    """A terse episode: the father named on his own, then what he did with the subject left out."""
    text = "My father. Belted me for losing the dog. I didn't cry. Wouldn't give him that."
    v = rel.analyse_text(text)
    assert v["episode"] and v["object"] == "father"
    assert v["response_of_other"] is not None and v["response_of_self"] is not None
    for c in v["components"]:
        assert not c.get("fallback") or c["grounded"] is False


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "My father's a retired engineer. Lives in Kent now with the dog.",
    "Three years on Thursday. I'll take flowers, same as always.",
    "My parents' house is up for sale. The estate agent says spring is best.",
])
def test_plain_talk_with_a_figure_is_still_no_episode(text):
    assert not rel.analyse_text(text)["episode"]


@pytest.mark.parametrize("text", [
    "My gran never once made me feel stupid for asking.",
    "The nurse didn't judge me at all.",
    "My dad never raised his voice, not once.",
    "My boss didn't bat an eyelid when I told her.",
])
def test_a_negative_response_negated_is_the_others_acceptance(stub_encoder, text):
    ro = _responses_of_other(text)
    assert ro and ro[0]["cluster"] == "RO8" and ro[0]["valence"] == "positive"


@pytest.mark.parametrize("clause", ["he never listens", "she didn't help", "he never once said well done",
                                    "she didn't even look up", "he wouldn't let me speak"])
def test_a_negated_positive_or_a_negative_is_not_read_as_acceptance(clause):
    from reverie.analysis.relational_clauses import _NEGATED_NEGATIVE
    assert not _NEGATED_NEGATIVE.search(clause)


def _responses_of_other(text: str) -> list[dict]:
    """Every clause of a figure as the classifier codes it, kept or spare."""
    from reverie.analysis.relational_clauses import classified_with_spares
    marks = rel._subjects(text, rel._mentions(text, TextUnit.of(text), {}, []))
    _, ro, _, spares = classified_with_spares(text, marks, [], [])
    return [*ro, *(c for c in spares if c["component"] == "response_of_other")]


def _ro(cluster: str, confidence: float, start: int) -> dict:
    return {"component": "response_of_other", "cluster": cluster, "confidence": confidence, "span": [start, start + 5],
            "quote": f"clause {cluster}", "object": "mother"}


def test_the_objects_clauses_read_together_decide_the_headline_when_sure(monkeypatch):
    from reverie.analysis import relational_model as rm
    clauses_ = [_ro("RO3", 0.6, 0), _ro("RO5", 0.4, 10), _ro("RO5", 0.3, 20)]
    seen = []

    def sure_of(cluster, p):
        def classify(items):
            seen.append(items)
            return [{**dict.fromkeys([f"RO{i}" for i in range(1, 9)], (1 - p) / 8), "none": 0.0, cluster: p}]
        return classify
    monkeypatch.setattr(rm, "classify", sure_of("RO5", 0.8))
    best = rel._headline_ro("x" * 30, clauses_, model=True)
    assert best["cluster"] == "RO5" and best["confidence"] == 0.4  # the surest clause of that cluster
    assert seen[-1] == [("response_of_other", "clause RO3 clause RO5 clause RO5")]
    # not sure: the summed confidence of the clauses decides (RO5 0.7 against RO3 0.6)
    monkeypatch.setattr(rm, "classify", sure_of("RO3", 0.4))
    assert rel._headline_ro("x" * 30, clauses_, model=True)["cluster"] == "RO5"
    # a cluster none of the clauses has is given on the first clause, ungrounded
    monkeypatch.setattr(rm, "classify", sure_of("RO8", 0.9))
    got = rel._headline_ro("x" * 30, clauses_, model=True)
    assert got["cluster"] == "RO8" and got["span"] == [0, 5] and got["grounded"] is False
    # one clause, or the word lists alone: no joint reading
    calls = len(seen)
    assert rel._headline_ro("x" * 30, clauses_[:1], model=True)["cluster"] == "RO3"
    assert rel._headline_ro("x" * 30, clauses_, model=False)["cluster"] == "RO5" and len(seen) == calls


def test_a_batch_encodes_texts_that_depend_on_the_first_codes_in_one_more_call(stub_encoder):
    """The object's clauses read together are known only once the clauses are coded: a second run of the rules
    notes them, they are encoded in one more call, and the body finds every text encoded."""
    import numpy as np

    from reverie.analysis import relational_model as rm
    calls = []

    def counting(texts):
        calls.append(list(texts))
        return stub_encoder(texts)
    rm.set_encoder(counting)

    def rules():
        first = rm.embed(["she laughed", "I went quiet"])
        if first.any():  # only with real codes is the joined text known
            return rm.embed(["she laughed she shrugged"])
        return None

    with rm.batch(rules):
        late = rules()
    assert [sorted(c) for c in calls] == [["I went quiet", "she laughed"], ["she laughed she shrugged"]]
    assert np.allclose(late, stub_encoder(["she laughed she shrugged"]))
