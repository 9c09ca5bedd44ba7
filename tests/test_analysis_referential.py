"""Referential activity: the open-resource score, its components and evidence, and the WRAD loader."""

import pytest

from reverie.analysis.base import SessionUnits, TextUnit
from reverie.analysis.lexicons import load_wrad
from reverie.analysis.referential import ReferentialAnalyzer
from reverie.errors import InputError

NARRATIVE = ("On Tuesday I walked into the kitchen and smelled burnt toast. "
             "My hands were shaking and Jonah was standing by the window.")
REFLECTIVE = "I think I understand the reasons now, I realise it is about how I consider my beliefs and ideas."
DISFLUENT = "Well, I mean, like, it is kind of hard to say."


def _one(text, kind="utterance", **settings):
    return ReferentialAnalyzer(**settings).annotate([TextUnit.of(text, kind=kind)])[0]


def _marked(text, ann, label):
    return [text[s:e] for s, e, lab in ann.values["terms"] if lab == label]


def test_referential_vivid_narrative_scores_higher_than_reflection():
    vivid, abstract = _one(NARRATIVE), _one(REFLECTIVE)
    assert vivid.values["ra"] > 0.7 > 0.1 > abstract.values["ra"]
    assert abstract.values["reflection"] > 20 and vivid.values["reflection"] == 0.0


def test_referential_specific_times_places_and_names_are_marked():
    ann = _one(NARRATIVE)
    assert _marked(NARRATIVE, ann, "specific") == ["Tuesday", "into the kitchen", "Jonah", "by the window"]
    start = NARRATIVE.index("into the kitchen")
    assert (start, start + len("into the kitchen")) in ann.evidence


def test_referential_capital_at_sentence_start_is_not_a_name():
    text = "Mary came round. Then we talked to Mary."
    specific = [(s, e) for s, e, lab in _one(text).values["terms"] if lab == "specific"]
    assert specific == [(text.rindex("Mary"), len(text) - 1)]


def test_referential_past_tense_rule_skips_adjectives_after_be():
    text = "I am tired of it. She opened the door and I laughed."
    assert _marked(text, _one(text), "past") == ["opened", "laughed"]


def test_referential_sensory_and_disfluency_words():
    assert _marked(NARRATIVE, _one(NARRATIVE), "sensory")[:2] == ["walked", "toast"]
    ann = _one(DISFLUENT)
    assert _marked(DISFLUENT, ann, "disfluency") == ["mean", "like", "kind"]
    assert ann.values["disfluency"] == pytest.approx(300 / 11, abs=1e-3)


def test_referential_entries_are_scored_too():
    ann = _one("Last night I dreamt of the sea and a red boat.", kind="dream")
    assert ann.values["ra"] is not None


@pytest.mark.parametrize("text", ["", "Yes.", "Mm, okay"])
def test_referential_empty_and_very_short_units_give_none(text):
    ann = _one(text)
    assert set(ann.values) == set(ReferentialAnalyzer.fields)
    assert all(v is None for v in ann.values.values()) and ann.evidence == []


def test_referential_non_ascii_text():
    text = "Am Montag saß ich in the café with Zoë."
    ann = _one(text)
    assert "Zoë" in _marked(text, ann, "specific")
    assert ann.values["ra"] is not None


def test_referential_wrad_signed_file_uses_zero_as_neutral(tmp_path):
    path = tmp_path / "weights.txt"
    path.write_text("# word weight\nkitchen 1.0\n\ntoast 0.5\nthink -1\n", encoding="utf-8")
    wd = load_wrad(path)
    assert wd.neutral == 0.0 and wd.weights["think"] == -1.0
    ann = _one("the kitchen toast i think", wrad=str(path))
    assert ann.values["wrad"] == pytest.approx((1.0 + 0.5 - 1.0) / 5)


def test_referential_wrad_unit_interval_file_uses_half_as_neutral(tmp_path):
    path = tmp_path / "weights.txt"
    path.write_text("kitchen 1\ntoast 0.9\n", encoding="utf-8")
    assert load_wrad(path).neutral == 0.5
    ann = _one("the kitchen toast", wrad=str(path))
    assert ann.values["wrad"] == pytest.approx((0.5 + 1.0 + 0.9) / 3)


@pytest.mark.parametrize("content,line", [
    ("kitchen 1\ntoast\n", 2),
    ("kitchen one\n", 1),
    ("kitchen 1\n# note\ntoast 0.5 extra\n", 3),
    ("kitchen 1.5\n", 1),
])
def test_referential_wrad_malformed_file_names_the_line(tmp_path, content, line):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=f"line {line}"):
        ReferentialAnalyzer(wrad=str(path))


def test_referential_wrad_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        ReferentialAnalyzer(wrad=str(tmp_path / "absent.txt"))


def test_referential_without_wrad_the_field_is_none():
    assert _one(NARRATIVE).values["wrad"] is None


def test_referential_session_summary_lists_highest_ra_passages():
    units = [TextUnit("s1:0", REFLECTIVE), TextUnit("s1:1", NARRATIVE), TextUnit("s1:2", "Yes.")]
    an = ReferentialAnalyzer()
    s = an.summarize([SessionUnits("s1", units, an.annotate(units))]).sessions["s1"]
    assert s["units"] == 2
    assert s["passages"][0]["unit"] == "s1:1" and s["passages"][0]["text"] == NARRATIVE
    assert s["mean_ra"] == pytest.approx((s["passages"][0]["ra"] + s["passages"][1]["ra"]) / 2, abs=1e-3)
