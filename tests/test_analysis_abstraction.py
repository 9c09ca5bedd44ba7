"""Abstraction: mean concreteness, abstract share, coverage and the abstract words' spans."""

import pytest

from reverie.analysis.abstraction import AbstractionAnalyzer, is_content
from reverie.analysis.base import SessionUnits, TextUnit


def _one(text, **settings):
    return AbstractionAnalyzer(**settings).annotate([TextUnit.of(text)])[0]


def test_abstraction_abstract_talk_has_low_concreteness_and_spans_on_abstract_words():
    text = "I suppose the reason is a kind of logic about efficiency and theory."
    ann = _one(text)
    assert ann.values["mean_concreteness"] < 2.5
    assert [text[s:e] for s, e in ann.evidence] == ["suppose", "reason", "kind", "logic", "efficiency", "theory"]
    assert ann.values["abstract_share"] == 1.0


def test_abstraction_concrete_talk_has_high_concreteness_and_no_abstract_words():
    ann = _one("We drove the car to the beach and put the towels on the sand by the boat.")
    assert ann.values["mean_concreteness"] > 4.0
    assert ann.values["abstract_share"] == 0.0 and ann.evidence == []


def test_abstraction_function_words_are_skipped():
    assert not is_content("the") and not is_content("i'm") and not is_content("wouldn't") and not is_content("42")
    ann = _one("and then it was there")
    assert ann.values["content_words"] == 0 and ann.values["mean_concreteness"] is None


def test_abstraction_inflected_words_are_found_through_their_lemma():
    ann = _one("towels worries running")  # norms hold towel, worry, run
    assert ann.values["coverage"] == 1.0


def test_abstraction_coverage_counts_words_missing_from_the_norms():
    ann = _one("the zorblax kitchen")
    assert ann.values["coverage"] == 0.5 and ann.values["content_words"] == 2


def test_abstraction_two_word_expression_counts_once():
    text = "ice cream"
    ann = _one(text)
    assert ann.values["content_words"] == 1


def test_abstraction_cut_is_a_setting():
    text = "I was happy"  # happy is rated 2.56
    assert _one(text).values["abstract_share"] == 0.0
    assert _one(text, abstract_cut=3.0).values["abstract_share"] == 1.0


@pytest.mark.parametrize("text", ["", "?!"])
def test_abstraction_empty_unit_has_none_values(text):
    ann = _one(text)
    assert set(ann.values) == set(AbstractionAnalyzer.fields) and all(v is None for v in ann.values.values())


def test_abstraction_one_word_and_non_ascii_units():
    assert _one("Kitchen.").values["mean_concreteness"] > 4.5
    text = "Der Kühlschrank, café"
    ann = _one(text)
    assert ann.values["content_words"] == 3 and ann.values["mean_concreteness"] is not None  # café is rated


def test_abstraction_session_summary_per_role():
    units = [TextUnit("a", "the theory of efficiency", role="client"),
             TextUnit("b", "the kitchen table", role="therapist")]
    az = AbstractionAnalyzer()
    s = az.summarize([SessionUnits("s1", units, az.annotate(units))]).sessions["s1"]
    assert s["client"]["abstract_share"] == 1.0 and s["therapist"]["abstract_share"] == 0.0
