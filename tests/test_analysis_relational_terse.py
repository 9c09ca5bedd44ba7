"""relational.v4 on terse, spoken client talk: a subject left out, older and regional figure words, and episodes
the classifier reads with moderate confidence. Texts written for these tests."""

from __future__ import annotations

import pytest

from reverie.analysis import relational as rel
from reverie.analysis.base import TextUnit
from reverie.analysis.relational_clauses import clauses


def _clauses(text: str) -> list[tuple[str, str | None]]:
    marks = rel._subjects(text, rel._mentions(text, TextUnit.of(text), {}, []))
    return [(text[a:b], who) for a, b, who in clauses(text, marks)]


def test_a_sentence_opening_on_a_verb_keeps_the_last_subject():
    got = dict(_clauses("My landlord came round on Friday. Said the rent was going up. Went on about the bins."))
    assert got["Said the rent was going up"] == "other"
    assert got["Went on about the bins"] == "other"


def test_a_sentence_opening_on_a_noun_or_pronoun_starts_afresh():
    got = dict(_clauses("My brother phoned at midnight. The dinner was cold. I said nothing."))
    assert got["The dinner was cold"] is None
    assert got["I said nothing"] == "I"


@pytest.mark.parametrize("text, figure", [
    ("The gaffer docked my pay.", "boss"),
    ("Our foreman moved me to nights.", "boss"),
    ("The missus won't speak to me.", "partner"),
    ("My old man never came to a match.", "father"),
    ("My pal drove me to the station.", "friend"),
    ("One of my workmates covered for me.", "colleague"),
    ("The lads at work hid my boots.", "colleague"),
])
def test_spoken_figure_words(text, figure):
    assert figure in rel.analyse_text(text, model=False)["figures"]


def test_an_old_man_is_not_the_father():
    assert "father" not in rel.analyse_text("I felt like an old man on the bus.", model=False)["figures"]


@pytest.mark.slow
def test_a_terse_episode_is_found_with_its_figure():
    text = "My brother-in-law, no, my brother. Borrowed the van. Brought it back with a dent. Never said sorry. " \
           "I let it go. Always do."
    v = rel.analyse_text(text)
    assert v["episode"] and v["object"] == "sibling"


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "My sister lives in Leeds now. Has two kids and a dog.",
    "The gaffer's off on holiday next week. Should be a quiet one.",
    "My old man worked at the pit for thirty years. Retired in ninety-eight.",
])
def test_plain_talk_about_a_figure_is_no_episode(text):
    assert not rel.analyse_text(text)["episode"]


def test_a_verb_or_adverb_opening_a_sentence_is_no_name():
    v = rel.analyse_text("My nephew. Never writes. Still owes me fifty quid.", model=False)
    assert v["name_guesses"] == {} and "friend" not in v["figures"]
    # a real name opening a sentence is still taken
    assert "Gordon" in rel.analyse_text("Gordon came round. He said I looked well.", model=False)["name_guesses"]


def test_a_fragment_keeps_the_subject_before_it():
    got = dict(_clauses("My uncle Ted. Eighty. Still drives to the coast every Sunday."))
    assert got["Still drives to the coast every Sunday"] == "other"


def test_a_role_of_mine_introduces_a_name():
    assert rel.learn_names("Neighbour of mine, Brenda, she keeps an eye on the house.") == {"Brenda": "other"}
    assert rel.learn_names("A colleague of ours, Tariq, covered the late shift.") == {"Tariq": "colleague"}
