"""The dialogue analyser: intervention classes with their evidence, latencies, silences and the summary.

Every exchange is written here for the test; the expected labels follow the rules in
docs/analysers/dialogue.md.
"""

from __future__ import annotations

import pytest

from reverie.analysis.base import REGISTRY, ContextTurn, SessionUnits, TextUnit, run, units_from_session
from reverie.analysis.dialogue import DialogueAnalyzer, marker_duration
from reverie.analysis.interventions import classify
from reverie.domain import Utterance

PROFILE_KEYS = {"continuum_index", "continuum_position", "reflection_to_question", "complex_reflection_share"}
CLIENT_BEFORE = "I was furious with Margaret, absolutely furious, and I said nothing at all."


def therapist(text: str, previous_client: str | None = CLIENT_BEFORE, **times) -> TextUnit:
    context = (ContextTurn("client", previous_client),) if previous_client is not None else ()
    return TextUnit(id="t", text=text, role="therapist", context=context, **times)


def quotes(text: str, evidence) -> list[str]:
    return [text[a:b] for a, b in evidence]


@pytest.mark.parametrize(
    ("text", "label", "evidence"),
    [
        ("Mm.", "encourager", ["Mm."]),
        ("Mm-hm", "encourager", ["Mm-hm"]),
        ("Go on.", "encourager", ["Go on."]),
        ("Right.", "encourager", ["Right."]),
        ("I see.", "encourager", ["I see."]),
        ("Yes.", "encourager", ["Yes."]),
        ("It sounds like Margaret's email put you right back outside your father's study door.",
         "interpretation", ["put you right back", "your father"]),
        ("Perhaps with me too you expect to be found wanting, as you were with your father.",
         "interpretation", ["with me too", "as you were with", "your father"]),
        ("I wonder if you keep Jonah at arm's length the way you learned to when you were a child.",
         "interpretation", ["the way you learned", "when you were a child"]),
        ("It's as if, since then, you've been waiting outside your father's study.", "interpretation",
         ["since then", "your father"]),
        ("You kept quiet, the way you learned to at twelve.", "interpretation", ["the way you learned", "at twelve"]),
        ("We've been able to disagree today. With your father there was no room for that.", "interpretation",
         ["We've", "With your father"]),
        ("You'd rather agree with me than argue.", "here_and_now", ["with me"]),
        ("What's happening between us right now?", "here_and_now", ["What's happening between us right now"]),
        ("I notice you smiled as you said that.", "here_and_now", ["I notice", "as you said that"]),
        ("How is it to tell me this?", "here_and_now", ["How is it to tell"]),
        ("You mean the email from Margaret?", "clarification", ["You mean"]),
        ("When you say stupid, do you mean embarrassed?", "clarification", ["When you say", "do you mean"]),
        ("So was it anger, or more like fear?", "clarification", ["was it anger, or more like fear?"]),
        ("It sounds like you felt very alone with it.", "reflection", ["It sounds like"]),
        ("So you were furious.", "reflection", ["So you were"]),
        ("What comes to mind?", "question_open", ["What"]),
        ("And how did that feel?", "question_open", ["how"]),
        ("Tell me more about that.", "question_open", ["Tell me"]),
        ("Did you tell him?", "question_closed", ["Did you"]),
        ("Is it still going on at work?", "question_closed", ["Is it"]),
        ("That was hard, wasn't it?", "question_closed", ["wasn't it"]),
        ("You told him?", "question_closed", ["You told him?"]),
        ("We need to stop there for today.", "other", []),
    ],
)
def test_dialogue_intervention_classes_with_evidence(text, label, evidence):
    ann = DialogueAnalyzer().annotate([therapist(text)])[0]
    assert ann.values["intervention"] == label
    assert quotes(text, ann.evidence) == evidence


def test_dialogue_encourager_followed_by_a_question_is_the_question():
    result = classify("Mm. What comes to mind?")
    assert result.label == "question_open"
    assert result.evidence == ((4, 8),)


def test_dialogue_last_question_decides_between_open_and_closed():
    assert classify("What happened then? Did you tell him?").label == "question_closed"
    assert classify("Did you tell him? What did he say?").label == "question_open"


def test_dialogue_closed_question_evidence_is_the_auxiliary_even_before_a_fragment():
    text = "Did you tell him? About the panic?"
    result = classify(text)
    assert result.label == "question_closed"
    assert quotes(text, result.evidence) == ["Did you"]


def test_dialogue_parent_named_in_a_question_is_not_a_therapist_figure_interpretation():
    assert classify("We can come back to it. What was it like with your father?").label == "question_open"


def test_dialogue_reflection_by_word_overlap_needs_the_clients_previous_turn():
    text = "Furious with Margaret, and nothing said."  # every content word is the client's
    with_context = DialogueAnalyzer().annotate([therapist(text)])[0]
    assert with_context.values["intervention"] == "reflection"
    assert with_context.values["intervention_rule"] == "word_overlap"
    assert quotes(text, with_context.evidence) == ["Furious", "Margaret", "nothing", "said"]
    alone = DialogueAnalyzer().annotate([therapist(text, previous_client=None)])[0]
    assert alone.values["intervention"] == "other"


def test_dialogue_reflection_overlap_threshold_is_a_setting():
    text = "Margaret again, and the quarterly figures and the partners' meeting."
    assert DialogueAnalyzer().annotate([therapist(text)])[0].values["intervention"] == "other"
    loose = DialogueAnalyzer(reflection_overlap=0.1).annotate([therapist(text)])[0]
    assert loose.values["intervention"] == "reflection"


def test_dialogue_question_about_father_without_a_link_is_not_interpretation():
    assert classify("What was your father like?").label == "question_open"
    assert classify("Did your mother know?").label == "question_closed"


@pytest.mark.parametrize(
    ("text", "role", "words", "intervention"),
    [("", "therapist", 0, None), ("   ", "therapist", 0, None), ("...", "therapist", 0, None),
     ("Mm.", "therapist", 1, "encourager"), ("Yes.", "client", 1, None), ("", "client", 0, None)],
)
def test_dialogue_empty_and_one_word_units_keep_every_field(text, role, words, intervention):
    ann = DialogueAnalyzer().annotate([TextUnit(id="x", text=text, role=role)])[0]
    assert set(ann.values) == set(DialogueAnalyzer.fields)
    assert ann.values["words"] == words
    assert ann.values["intervention"] == intervention
    assert ann.values["latency"] is None and ann.values["seconds"] is None


@pytest.mark.parametrize(
    ("previous_end", "start", "latency", "silence"),
    [(10.0, 12.9, 2.9, None), (10.0, 13.0, 3.0, 3.0), (10.0, 9.5, -0.5, None), (None, 13.0, None, None),
     (10.0, None, None, None), (61.2, 105.7, 44.5, 44.5)],
)
def test_dialogue_latency_and_silence_arithmetic(previous_end, start, latency, silence):
    prev = ContextTurn("therapist", "How is it to tell me this?", 5.0 if previous_end else None, previous_end)
    unit = TextUnit(id="c", text="I don't know.", role="client", start=start,
                    end=None if start is None else start + 1.5, context=(prev,))
    ann = DialogueAnalyzer().annotate([unit])[0]
    assert ann.values["latency"] == latency
    assert ann.values["silence_before"] == silence


def test_dialogue_silence_threshold_is_a_setting():
    prev = ContextTurn("therapist", "Mm.", 0.0, 10.0)
    unit = TextUnit(id="c", text="Well.", role="client", start=12.0, end=12.5, context=(prev,))
    assert DialogueAnalyzer().annotate([unit])[0].values["silence_before"] is None
    assert DialogueAnalyzer(silence_seconds=2.0).annotate([unit])[0].values["silence_before"] == 2.0


@pytest.mark.parametrize(
    ("markers", "flag", "seconds"),
    [(("silence, about 40 seconds",), True, 40.0), (("pause 4.2 s",), True, 4.2), (("long pause",), True, None),
     (("(pause)",), True, None), (("laughs",), False, None), ((), False, None),
     (("pause, 2 s", "[silence, half a minute]"), True, 32.0)],
)
def test_dialogue_marker_silences_with_and_without_durations(markers, flag, seconds):
    unit = TextUnit(id="c", text="I suppose so.", role="client", markers=markers)
    ann = DialogueAnalyzer().annotate([unit])[0]
    assert ann.values["marker_silence"] is flag
    assert ann.values["marker_silence_seconds"] == seconds


def test_dialogue_inline_stage_direction_is_a_marker_silence_with_its_span():
    text = "I don't know. [silence, about forty seconds] Maybe it was the door."
    ann = DialogueAnalyzer().annotate([TextUnit(id="c", text=text, role="client")])[0]
    assert ann.values["marker_silence_seconds"] == 40.0
    assert quotes(text, ann.evidence) == ["[silence, about forty seconds]"]


def test_dialogue_marker_duration_ignores_words_that_only_look_like_units():
    assert marker_duration("she was silent") is None
    assert marker_duration("a moment") is None
    assert marker_duration("2 min") == 120.0


def _session() -> list[TextUnit]:
    utterances = [
        Utterance(0, "therapist", "T", "What comes to mind?", 0.0, 2.0),
        Utterance(1, "client", "C", "The study door, I think. It was always closed.", 2.5, 8.0),
        Utterance(2, "therapist", "T", "Mm.", 8.4, 9.0),
        Utterance(3, "client", "C", "I used to wait outside it with my report.", 29.0, 33.0),
        Utterance(4, "therapist", "T",
                  "Perhaps with me too you expect to be found wanting, as you were with your father.",
                  34.0, 40.0),
        Utterance(5, "client", "C", "Maybe.", 43.0, 43.5, ["long pause"]),
    ]
    return units_from_session("s1", utterances)


def test_dialogue_session_summary_talk_share_turns_and_latency():
    units = _session()
    result = run([DialogueAnalyzer()], [("s1", units)])
    s = result.summaries["dialogue"].sessions["s1"]
    assert s["turns"] == {"therapist": 3, "client": 3}
    assert s["words"] == {"therapist": 21, "client": 19}
    assert s["talk_share_words"] == {"therapist": 0.525, "client": 0.475}
    assert s["seconds"] == {"therapist": 8.6, "client": 10.0}
    assert s["talk_share_seconds"]["client"] == round(10.0 / 18.6, 4)
    # client responses: 0.5, 20.0, 3.0; therapist responses: 0.4, 1.0
    assert s["mean_response_latency"] == {"therapist": 0.7, "client": round(23.5 / 3, 3)}
    assert s["interventions"]["question_open"] == 1
    assert s["interventions"]["encourager"] == 1
    assert s["interventions"]["interpretation"] == 1
    assert s["intervention_shares"]["interpretation"] == round(1 / 3, 4)


def test_dialogue_session_summary_lists_silences_longest_first_with_turns_around():
    result = run([DialogueAnalyzer()], [("s1", _session())])
    s = result.summaries["dialogue"].sessions["s1"]
    assert [(x["source"], x["seconds"]) for x in s["silences"]] == [("gap", 20.0), ("gap", 3.0), ("marker", None)]
    longest = s["longest_silences"][0]
    assert longest["seconds"] == 20.0
    assert longest["before"] == {"id": "s1:2", "role": "therapist", "text": "Mm."}
    assert longest["after"]["text"] == "I used to wait outside it with my report."
    assert s["longest_silences"][-1]["marker"] == "long pause"
    assert s["timed_silence_seconds"] == 23.0
    case = result.summaries["dialogue"].case["sessions"][0]
    assert {k: v for k, v in case.items() if k not in PROFILE_KEYS} == {
        "session": "s1", "talk_share_words": s["talk_share_words"],
        "talk_share_seconds": s["talk_share_seconds"], "silences": 3,
        "timed_silence_seconds": 23.0, "marker_silences": 1}
    # encourager + open question (intermediate), interpretation (expressive): (1 - 0) / 3
    assert case["continuum_index"] == s["profile"]["continuum_index"] == round(1 / 3, 4)
    assert case["continuum_position"] == "intermediate"


def test_dialogue_untimed_session_has_no_seconds_share():
    units = units_from_session("s2", [Utterance(0, "therapist", "T", "Go on."),
                                      Utterance(1, "client", "C", "It was a long week.")])
    s = DialogueAnalyzer().summarize([SessionUnits("s2", units, DialogueAnalyzer().annotate(units))]).sessions["s2"]
    assert s["talk_share_seconds"] is None
    assert s["mean_response_latency"] == {"therapist": None, "client": None}
    assert s["silences"] == []


def test_dialogue_is_registered_with_its_declared_fields():
    # The class registers itself on import (REGISTRY.get would also import every other built-in module).
    cls = REGISTRY._classes["dialogue"]
    assert cls is DialogueAnalyzer
    described = cls().describe()
    assert described["infers_mental_state"] is False
    assert {"intervention", "latency", "silence_before", "marker_silence"} <= set(described["fields"])
    assert cls().applies(TextUnit.of("Mm.", role="therapist"))
    assert not cls().applies(TextUnit.of("a dream", kind="dream"))


# -- the intervention reader: new labels, hard cases, continuum and session profile ----------------------
CLIENT_DRINK = "I know I drink too much at weekends, but it's how I unwind after work."


@pytest.mark.parametrize(
    ("text", "previous", "label"),
    [
        # reflections without a stock opener, simple and complex, and with a rising "?"
        ("Drinking is how you unwind after work.", CLIENT_DRINK, "reflection"),
        ("Part of you is worried about it, and part of you needs the release.", CLIENT_DRINK, "reflection"),
        ("You'd rather not give up the one thing that lets you relax?", CLIENT_DRINK, "reflection"),
        ("It feels like the weekend is the only time that's yours?", CLIENT_DRINK, "reflection"),
        # questions, with and without "?"
        ("What do you get from those weekends?", CLIENT_DRINK, "question_open"),
        ("Walk me through a typical Saturday.", CLIENT_DRINK, "question_open"),
        ("Can you tell me more about how it helps?", CLIENT_DRINK, "question_open"),
        ("How many drinks on a Saturday?", CLIENT_DRINK, "question_open"),
        ("Do you drink on weeknights too?", CLIENT_DRINK, "question_closed"),
        ("I wonder whether your partner has said anything about it", CLIENT_DRINK, "question_closed"),
        ("Do you have a sense of why?", CLIENT_DRINK, "question_closed"),
        ("Every weekend?", CLIENT_DRINK, "question_closed"),
        # clarification
        ("Unwind in the sense of relax, or more like switch off completely?", CLIENT_DRINK, "clarification"),
        ("Too much in what sense?", CLIENT_DRINK, "clarification"),
        # advice, information and praise, including advice phrased as a question
        ("Have you thought about alternating with water?", CLIENT_DRINK, "advice"),
        ("Why not try one alcohol-free weekend this month?", CLIENT_DRINK, "advice"),
        ("How about planning something for Saturday morning?", CLIENT_DRINK, "advice"),
        ("Try keeping a note of the units for a week.", CLIENT_DRINK, "advice"),
        ("Many people find that alcohol makes sleep worse, not better.", CLIENT_DRINK, "advice"),
        ("Well done for noticing that.", CLIENT_DRINK, "advice"),
        # affirmation
        ("It makes sense that you want some release after the week you have.", CLIENT_DRINK, "affirmation"),
        ("It took courage to say that out loud.", CLIENT_DRINK, "affirmation"),
        # confrontation
        ("You say it's only at weekends, yet last week you described three evenings at the pub.",
         CLIENT_DRINK, "confrontation"),
        ("This is the third session in a row we've moved away from your drinking.", CLIENT_DRINK, "confrontation"),
        # interpretation linking past and present, and a defence named with a hedge
        ("Perhaps unwinding with a drink is what you watched your father do every Friday, and it still "
         "feels like the way a man gets through the week.", CLIENT_DRINK, "interpretation"),
        ("Maybe the drink is a way of keeping the week's anger from reaching anyone at home.",
         CLIENT_DRINK, "interpretation"),
        # here and now
        ("What are you feeling right now, as we sit here talking about it?", CLIENT_DRINK, "here_and_now"),
        ("What do you imagine I'm thinking as you tell me this?", CLIENT_DRINK, "here_and_now"),
        # encourager, other
        ("Mm. Take your time.", CLIENT_DRINK, "encourager"),
        ("We have ten minutes left today.", CLIENT_DRINK, "other"),
    ],
)
def test_dialogue_intervention_reader_labels_and_hard_cases(text, previous, label):
    assert classify(text, previous).label == label


def test_dialogue_reflection_with_a_question_mark_is_not_a_closed_question():
    text = "You felt invisible?"
    result = classify(text, "Nobody at work even noticed I was gone for two weeks.")
    assert result.label == "reflection" and result.rule == "rising_reflection"
    assert quotes(text, result.evidence) == ["felt"]
    assert classify("You told him?", CLIENT_BEFORE).label == "question_closed"  # a fact, not the inner world


def test_dialogue_information_statement_is_advice_not_a_question():
    text = "Panic usually peaks within ten minutes and then passes on its own."
    result = classify(text, "My heart was pounding and I thought I was dying.")
    assert result.label == "advice"
    assert quotes(text, result.evidence) == ["usually", "peaks"]


def test_dialogue_praise_inside_a_question_does_not_make_it_advice():
    assert classify("Did you keep it up all week?", "I cut out coffee.").label == "question_closed"
    assert classify("Have you thought about how you might end your life?",
                    "I don't want to be here any more.").label == "question_closed"


def test_dialogue_reflection_kind_simple_restates_complex_adds():
    client = "I keep replaying the argument over and over."
    simple = classify("You keep replaying the argument.", client)
    complex_ = classify("It's still going round and round, and you can't put it down.", client)
    assert (simple.label, simple.depth) == ("reflection", "simple")
    assert (complex_.label, complex_.depth) == ("reflection", "complex")
    assert classify("What was the argument about?", client).depth is None


@pytest.mark.parametrize(
    ("text", "place"),
    [("Perhaps the drink is a way of keeping the anger at your father out of sight.", "expressive"),
     ("You say it's only weekends, yet you described three weeknights.", "expressive"),
     ("What are you feeling right now, between us?", "expressive"),
     ("When you say unwind, do you mean relax?", "intermediate"),
     ("What do you get from it?", "intermediate"),
     ("Drinking is how you unwind.", "intermediate"),
     ("Try one dry weekend this month.", "supportive"),
     ("That took courage to say.", "supportive"),
     ("See you next week.", None)],
)
def test_dialogue_continuum_place_of_each_intervention(text, place):
    ann = DialogueAnalyzer().annotate([therapist(text, CLIENT_DRINK)])[0]
    assert ann.values["continuum"] == place


def test_dialogue_session_profile_shares_ratios_and_position():
    turns = [
        ("client", "I know I drink too much at weekends, but it's how I unwind."),
        ("therapist", "Drinking is how you unwind."),                                     # reflection, simple
        ("client", "Yes, and my wife hates it."),
        ("therapist", "She's worried, and you feel judged by her."),                     # reflection, complex
        ("client", "Exactly."),
        ("therapist", "What does she say?"),                                             # open question
        ("client", "That I'm turning into my dad."),
        ("therapist", "Try one dry weekend this month."),                                # advice
        ("client", "Maybe."),
        ("therapist", "That took courage to consider."),                                 # affirmation
    ]
    units = units_from_session("s1", [Utterance(i, r, r[0].upper(), t) for i, (r, t) in enumerate(turns)])
    result = run([DialogueAnalyzer()], [("s1", units)])
    profile = result.summaries["dialogue"].sessions["s1"]["profile"]
    assert profile["continuum_shares"] == {"expressive": 0.0, "intermediate": 0.6, "supportive": 0.4}
    assert profile["continuum_index"] == -0.4
    assert profile["position"] == "supportive"
    assert profile["reflection_to_question"] == 2.0
    assert profile["complex_reflection_share"] == 0.5
    assert profile["open_question_share"] == 1.0


@pytest.mark.parametrize(
    ("text", "label", "rule"),
    [("Right, right. So, um, what are some of the things you like about it?", "question_open", "wh_question"),
     ("Okay. Um, so, I'm just curious, what brings you in today?", "question_open", "wh_question"),
     ("So, on a scale of one to ten, how important is it to cut down?", "question_open", "wh_question"),
     ("uh what do you think about that", "question_open", "unpunctuated_question"),
     ("do you drink every day", "question_closed", "unpunctuated_question"),
     ("And, uh, do you drink on your own or with friends?", "question_closed", "auxiliary_first"),
     ("Great. Thank you for sharing that with me.", "affirmation", "affirmation"),
     ("The guidelines say no more than fourteen units a week.", "advice", "advice")],
)
def test_dialogue_spoken_transcripts_fillers_and_missing_question_marks(text, label, rule):
    result = classify(text, CLIENT_DRINK)
    assert (result.label, result.rule) == (label, rule)


@pytest.mark.parametrize(
    ("text", "label"),
    [("What have you tried so far for the cravings?", "question_open"),
     ("Right now, stopping doesn't make a lot of sense to you.", "reflection"),
     ("Cutting down can actually lower your blood pressure quite a bit.", "advice"),
     ("Something we could try this week is a thought record.", "advice"),
     ("Good for you.", "affirmation")],
)
def test_dialogue_wh_question_negated_sense_and_information_are_read_as_such(text, label):
    assert classify(text, CLIENT_DRINK).label == label


def test_dialogue_patterns_group_word_boundary_alternatives_and_match_lowered_text():
    from reverie.analysis.interventions import _ci

    rx = _ci(r"\bGo on\b|\b(?:tell|say) more\b|^\s*Mm|, or\b")
    assert rx.pattern == r"\b(?:go on\b|(?:tell|say) more\b)|^\s*mm|, or\b"
    text = "Mm, please SAY MORE, or go on."
    lowered = text.lower()
    assert [m.span() for m in rx.finditer(lowered)] == [(0, 2), (11, 19), (19, 23), (24, 29)]
    assert classify("SO YOU WERE FURIOUS.").label == classify("So you were furious.").label == "reflection"
