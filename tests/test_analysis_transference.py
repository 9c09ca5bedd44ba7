"""The transference analyser: references to the therapist, the therapy and therapist links, and the hard negatives.

The sentences are written for these tests; the hard negatives are the ones the brief
names (generic "you", a parent's quoted words, reported speech, other clinicians).
"""

from __future__ import annotations

import pytest

from reverie.analysis.base import REGISTRY, SessionUnits, TextUnit
from reverie.analysis.transference import TransferenceAnalyzer


def annotate(text: str, **settings):
    return TransferenceAnalyzer(**settings).annotate([TextUnit.of(text)])[0]


def quotes(text: str, evidence) -> list[str]:
    return [text[a:b] for a, b in evidence]


@pytest.mark.parametrize(
    ("text", "reference", "pattern", "evidence"),
    [
        # to or about the therapist
        ("I was afraid you'd be disappointed in me.", "therapist", "listener_affect",
         ["you'd be disappointed in me"]),
        ("Honestly, I thought you'd be glad of a rest from me.", "therapist", "listener_affect", ["you'd be glad"]),
        ("Are you angry with me?", "therapist", "question_to_listener", ["Are you angry with me?"]),
        ("You must think I'm ridiculous.", "therapist", "you_think_of_me", ["You must think I'm"]),
        ("Did I say the right thing?", "therapist", "seeking_approval", ["Did I say the right thing?"]),
        ("I'm sorry, I'm wasting your time.", "therapist", "apology_to_listener",
         ["sorry, I'm wasting your time"]),
        ("Last week you said I was angry at Margaret.", "therapist", "you_said", ["you said"]),
        ("When you were away I kept rehearsing what I'd tell you.", "therapist", "listener_away", ["you were away"]),
        ("I felt you just let me go on and on.", "therapist", "listener_acts_on_me", ["you just let me"]),
        # about the therapy
        ("Coming here is the only hour of the week I don't perform.", "therapy", "coming_here", ["Coming here"]),
        ("These sessions make me tired.", "therapy", "therapy_words", ["These sessions"]),
        ("I've never been in therapy before.", "therapy", "therapy_words", ["in therapy"]),
        ("Last week when I left here I cried in the car.", "therapy", "coming_here", ["left here"]),
        ("The break was longer than I expected.", "therapy", "the_break", ["The break"]),
        ("I think our work is changing something.", "therapy", "our_work", ["our work"]),
        ("Maybe I could come fortnightly now.", "therapy", "frequency", ["come fortnightly"]),
        # a link between the therapist and an earlier figure
        ("You sound like my father when you say that.", "therapist_link", "you_like_figure",
         ["You sound like my father"]),
        ("You're like my mother, always checking.", "therapist_link", "you_like_figure", ["You're like my mother"]),
        ("It's like being in his study again with you.", "therapist_link", "like_figure_with_you",
         ["It's like being in his study again with you"]),
        ("You remind me of my grandmother.", "therapist_link", "you_remind_me",
         ["You remind me of my grandmother"]),
    ],
)
def test_transference_references_with_evidence(text, reference, pattern, evidence):
    ann = annotate(text)
    assert ann.values["reference"] == reference
    assert ann.values["pattern"] == pattern
    assert quotes(text, ann.evidence) == evidence


@pytest.mark.parametrize(
    "text",
    [
        # generic you
        "You know, it was fine in the end.",
        "You just feel tired all the time in that job.",
        "You never know with Margaret.",
        "When you're a kid you think your parents know everything.",
        "You get used to it.",
        "By Friday you're exhausted and you just want to sleep.",
        "I think I learned that sadness was something you did alone, quietly, so nobody would be bothered.",
        "Do you know what I mean?",
        # a parent's quoted words and reported speech
        'My mother said "you\'ll upset your father".',
        "My mother said 'don't upset your father' and you just went quiet.",
        'Margaret told me "you need to step up".',
        "He said you should always finish what you start.",
        "Then Jonah goes, 'you're never here', and I froze.",
        "I said to Jonah, you never listen to me.",
        "Jonah brought me tea and said, who are you and what have you done with Sam?",
        # other clinicians and other people's therapy
        "My old therapist was bored with me, I could tell.",
        "My doctor said you should rest more.",
        "My friend is in therapy and she loves it.",
        # violent idioms and other people's words
        "This deadline is killing me.",
        "Margaret said she'd die if the deal fell through.",
        "",
        "Yes.",
    ],
)
def test_transference_hard_negatives_do_not_fire(text):
    ann = annotate(text)
    assert ann.values["reference"] is None, quotes(text, ann.evidence)
    assert ann.evidence == []
    assert set(ann.values) == set(TransferenceAnalyzer.fields)


def test_transference_first_person_turns_a_generic_conditional_into_a_reference():
    text = "If you think I'm stupid, just say so."
    ann = annotate(text)
    assert ann.values["reference"] == "therapist"
    assert quotes(text, ann.evidence) == ["you think I'm"]


def test_transference_quoted_words_are_skipped_but_the_rest_of_the_sentence_counts():
    text = "Jonah says 'you're never here'. I worried you'd be cross with me for missing Monday."
    ann = annotate(text)
    assert ann.values["reference"] == "therapist"
    assert quotes(text, ann.evidence) == ["you'd be cross with me"]


def test_transference_link_outranks_therapist_and_therapy():
    text = "Coming here, you sound like my father, and I wonder if you're disappointed in me."
    ann = annotate(text)
    assert ann.values["reference"] == "therapist_link"
    assert ann.values["types"] == ["therapist_link", "therapist", "therapy"]
    assert ann.values["count"] == 3
    assert quotes(text, ann.evidence) == ["you sound like my father"]


def test_transference_therapist_names_setting_marks_address():
    text = "Ruth, I don't know where to start."
    assert annotate(text).values["reference"] is None
    ann = annotate(text, therapist_names=("Ruth", "Dr Adler"))
    assert ann.values["reference"] == "therapist"
    assert ann.values["pattern"] == "address"
    assert quotes(text, ann.evidence) == ["Ruth"]


def test_transference_applies_to_client_utterances_and_journal_entries_only():
    analyzer = TransferenceAnalyzer()
    assert analyzer.applies(TextUnit.of("a dream about the study door", kind="dream"))
    assert analyzer.applies(TextUnit.of("Are you angry with me?"))
    assert not analyzer.applies(TextUnit.of("Are you angry with me?", role="therapist"))
    assert REGISTRY._classes["transference"] is TransferenceAnalyzer


def test_transference_summary_counts_references_per_session_and_the_trajectory():
    analyzer = TransferenceAnalyzer()
    s1 = [TextUnit(id="s1:1", text="Work was fine, you know."),
          TextUnit(id="s1:3", text="Coming here feels odd.")]
    s2 = [TextUnit(id="s2:1", text="I thought you'd be glad of a rest from me."),
          TextUnit(id="s2:3", text="You sound like my father."),
          TextUnit(id="s2:5", text="The break was long.")]
    summary = analyzer.summarize([SessionUnits("s1", s1, analyzer.annotate(s1)),
                                  SessionUnits("s2", s2, analyzer.annotate(s2))])
    assert summary.sessions["s1"]["counts"] == {"therapist_link": 0, "therapist": 0, "therapy": 1}
    refs = summary.sessions["s2"]["references"]
    assert [(r["unit"], r["reference"]) for r in refs] == [
        ("s2:1", "therapist"), ("s2:3", "therapist_link"), ("s2:5", "therapy")]
    assert refs[0]["quotes"] == ["you'd be glad"]
    assert summary.case["trajectory"] == [
        {"session": "s1", "therapist_link": 0, "therapist": 0, "therapy": 1, "total": 1},
        {"session": "s2", "therapist_link": 1, "therapist": 1, "therapy": 1, "total": 3},
    ]
    assert summary.case["totals"] == {"therapist_link": 1, "therapist": 1, "therapy": 2}
