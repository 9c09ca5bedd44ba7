"""Affect words: densities, negation rule, evidence spans."""

import pytest

from reverie.analysis.affect import AffectAnalyzer
from reverie.analysis.base import SessionUnits, TextUnit


def _one(text, role="client"):
    return AffectAnalyzer().annotate([TextUnit.of(text, role=role)])[0]


def test_affect_negated_positive_counts_as_negative():
    text = "I'm not happy about it"
    ann = _one(text)
    start = text.index("happy")
    assert ann.values["negative"] == pytest.approx(20.0)  # 1 of 5 words
    assert ann.values["positive"] == 0.0
    assert ann.values["negated"] == 1
    assert ann.evidence == [(start, start + len("happy"))]
    assert ann.values["terms"] == [[start, start + 5, "negated_positive"]]


def test_affect_negated_negative_is_not_counted_as_negative():
    ann = _one("I'm not sad, just tired of the traffic")
    assert ann.values["negative"] == 0.0 and ann.values["positive"] == 0.0
    assert ann.values["negated"] == 1
    assert ann.values["terms"][0][2] == "negated_negative"


def test_affect_positive_and_negative_words_are_found_with_spans():
    text = "I felt so proud of her, and then furious with him."
    ann = _one(text)
    words = [text[s:e] for s, e in ann.evidence]
    assert words == ["felt", "proud", "furious"]  # DAAP lists "felt" as a non-valenced affect word (AZ)
    assert ann.values["neutral"] == pytest.approx(100 / 11, abs=1e-3)
    assert ann.values["positive"] == pytest.approx(100 / 11, abs=1e-3)
    assert ann.values["negative"] == pytest.approx(100 / 11, abs=1e-3)


def test_affect_comma_ends_the_negation_scope():
    ann = _one("No, I was happy there")
    assert ann.values["positive"] == pytest.approx(20.0) and ann.values["negated"] == 0


def test_affect_multiword_entry_matches_as_one_term():
    text = "He was really pissed off with me"
    ann = _one(text)
    start = text.index("pissed")
    assert ann.evidence == [(start, start + len("pissed off"))]
    assert ann.values["negative"] == pytest.approx(100 / 7, abs=1e-3)


def test_affect_non_valenced_word_is_neutral():
    ann = _one("I was surprised by the letter")
    assert ann.values["neutral"] > 0 and ann.values["positive"] == ann.values["negative"] == 0.0


@pytest.mark.parametrize("text", ["", "  ", "..."])
def test_affect_empty_unit_has_the_same_fields_with_none(text):
    ann = _one(text)
    assert set(ann.values) == set(AffectAnalyzer.fields)
    assert all(v is None for v in ann.values.values()) and ann.evidence == []


def test_affect_one_word_unit_is_scored():
    ann = _one("Sad.")
    assert ann.values["negative"] == 100.0 and ann.evidence == [(0, 3)]


def test_affect_non_ascii_text_keeps_spans():
    text = "Ça va. I was angry at the café"
    ann = _one(text)
    assert [text[s:e] for s, e in ann.evidence] == ["angry"]


def test_affect_session_summary_means_per_role():
    units = [TextUnit("a", "I am happy today", role="client"),
             TextUnit("b", "I am angry today", role="client"),
             TextUnit("c", "Go on", role="therapist")]
    az = AffectAnalyzer()
    summary = az.summarize([SessionUnits("s1", units, az.annotate(units))])
    client = summary.sessions["s1"]["client"]
    assert client["positive"] == pytest.approx(12.5) and client["negative"] == pytest.approx(12.5)
    assert summary.sessions["s1"]["therapist"]["positive"] == 0.0


def test_affect_declares_mental_state_inference():
    assert AffectAnalyzer.infers_mental_state is True
