"""The shared tokenizer: spans, normalisation and negation scope."""

import pytest

from reverie.analysis.text import is_negator, starts_sentence, tokenize


def test_text_spans_point_at_the_original_words():
    text = "I’m NOT sure, said Mary-Ann."
    toks = tokenize(text)
    assert toks.words == ["i'm", "not", "sure", "said", "mary-ann"]
    assert [text[s:e] for s, e in zip(toks.starts, toks.ends)] == ["I’m", "NOT", "sure", "said", "Mary-Ann"]
    assert toks.span(3, 5) == (text.index("said"), len(text) - 1)


@pytest.mark.parametrize("text", ["", "   ", "...!?", "— —"])
def test_text_empty_or_punctuation_only_gives_no_words(text):
    toks = tokenize(text)
    assert len(toks) == 0 and toks.negated == []


def test_text_non_ascii_words_keep_their_spans():
    text = "Café crème, naïve İstanbul Ölçek"
    toks = tokenize(text)  # "İ" lower-cases to two characters: spans must still match the original
    assert [toks.original(i) for i in range(len(toks))] == ["Café", "crème", "naïve", "İstanbul", "Ölçek"]
    assert toks.words[0] == "café"


def test_text_negation_covers_three_words_after_the_negator():
    toks = tokenize("I am not at all happy today")
    flags = dict(zip(toks.words, toks.negated))
    assert flags["at"] and flags["all"] and flags["happy"]
    assert not flags["today"] and not flags["not"]


def test_text_negation_stops_at_punctuation():
    toks = tokenize("No, I am happy")
    assert toks.negated == [False, False, False, False]


@pytest.mark.parametrize("text,word", [
    ("I don't feel happy", "happy"),
    ("I never felt safe", "safe"),
    ("she left without saying goodbye", "goodbye"),
    ("I could hardly breathe", "breathe"),
    ("I dont want it", "want"),
])
def test_text_negators_open_a_scope(text, word):
    toks = tokenize(text)
    assert toks.negated[toks.words.index(word)]


def test_text_is_negator_knows_contractions():
    assert is_negator("didn't") and is_negator("never") and not is_negator("know")


def test_text_sentence_start_follows_full_stops_and_quotes():
    toks = tokenize('We met. Then Anna said "Go home" to Ben')
    start = {toks.original(i): starts_sentence(toks, i) for i in range(len(toks))}
    assert start["We"] and start["Then"] and start["Go"]
    assert not start["Anna"] and not start["Ben"]
