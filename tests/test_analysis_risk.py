"""The risk analyser: each kind of risk is flagged, each kind of hard negative is discounted in its clause."""

import contextlib

import pytest

from reverie.analysis.base import REGISTRY, ContextTurn, SessionUnits, TextUnit, run
import numpy as np

from reverie.analysis import risk_semantic
from reverie.analysis.risk import LADDER, RiskAnalyzer, assess, assess_many, find_risk


@pytest.mark.parametrize("text, category", [
    ("I wish I could go to sleep and not wake up.", "passive_ideation"),
    ("Honestly everyone would be better off without me.", "passive_ideation"),
    ("I want to disappear for a while.", "passive_ideation"),
    ("I've been thinking about ending my life.", "active_ideation"),
    ("I worked out how many tablets it would take.", "plan"),
    ("I've been stockpiling my sleeping tablets in the wardrobe.", "preparation"),
    ("I wrote goodbye letters to my sisters.", "preparation"),
    ("Last night I swallowed all my pills.", "attempt"),
    ("I cut my arms again after the phone call.", "self_harm"),
    ("I burned myself with a lighter.", "self_harm"),
    ("I keep hitting myself when I make mistakes.", "self_harm"),
    ("I want to kill my neighbour.", "harm_to_others"),
])
def test_analysis_risk_flags_each_kind_of_risk(text, category):
    result = assess(text)
    assert result["risk"] is True
    assert result["category"] == category
    assert result["quotes"], "the evidence words must be quoted"


@pytest.mark.parametrize("text, severity, urgency", [
    ("I wish I had never been born.", "wish_to_be_dead", "moderate"),
    ("I want to kill myself.", "active_thoughts", "high"),
    ("I keep thinking about jumping off the bridge near work.", "thoughts_with_method", "high"),
    ("I want to kill myself and I'm going to do it, I've made up my mind.", "intent", "imminent"),
    ("I have a plan to end my life on Sunday.", "plan", "imminent"),
    ("I've been stockpiling my sleeping tablets in the wardrobe.", "preparatory_behaviour", "imminent"),
    ("I tried to kill myself on Saturday.", "past_attempt", "imminent"),
    ("I cut my arms again after the phone call.", "self_harm", "high"),
    ("I want to kill my neighbour.", "harm_to_others", "high"),
])
def test_analysis_risk_severity_is_a_step_of_the_columbia_ladder(text, severity, urgency):
    result = assess(text)
    assert (result["severity"], result["urgency"]) == (severity, urgency)
    assert result["severity_label"] == LADDER[severity]


@pytest.mark.parametrize("text, frame", [
    ("I would never hurt myself.", "negation"),
    ("Killing myself is not something I have considered.", "negation"),
    ("My sister said she wanted to die after the breakup.", "reported_speech"),
    ('"I want to die," she shouted, then laughed.', "quoted"),
    ("Years ago I used to cut myself, but that is long behind me.", "past"),
    ("When I was 15 I tried to overdose; I'm well now.", "past"),
    ("In the film the hero wants to kill everyone.", "fiction"),
    ("There was an article about suicide rates on the news.", "fiction"),
    ("I'd die of embarrassment if anyone read this, I want to die of embarrassment.", "idiom"),
    ("I burned myself on the oven tray.", "accident"),
])
def test_analysis_risk_discounts_each_hard_negative(text, frame):
    result = assess(text)
    assert result["risk"] is False
    assert frame in result["discounted"]


@pytest.mark.parametrize("text", [
    "This commute is killing me.",
    "I could kill for a coffee.",
    "I'm dying to see it.",
    "Another meeting? Shoot me now.",
])
def test_analysis_risk_idioms_are_not_risk(text):
    result = assess(text)
    assert result["risk"] is False and result["discounted"] == ["idiom"]


@pytest.mark.parametrize("text, present", [
    ("I would never hurt myself, but lately I've been thinking everyone would be better off without me.",
     "better off without me"),
    ("My brother said he wanted to die; now I'm the one who wants to die.", "wants to die"),
    ("Years ago I cut myself and thought that was over, but I did it again last night.", "did it again"),
    ("This commute is killing me, and some mornings I wish I wouldn't wake up.", "wish I wouldn't wake up"),
    ("In the film the character jumps off a bridge, and I keep thinking I should do the same.", "do the same"),
])
def test_analysis_risk_a_discount_governs_only_its_clause(text, present):
    result = assess(text)
    assert result["risk"] is True
    assert result["discounted"], "the negative frame is still reported"
    assert present in result["quotes"]


def test_analysis_risk_evidence_spans_point_at_the_words():
    text = "Work was fine. Then I cut myself in the bathroom."
    ann = RiskAnalyzer(semantic=False).annotate([TextUnit.of(text)])[0]
    assert [text[a:b] for a, b in ann.evidence] == ["cut myself"]
    assert set(ann.values) == set(RiskAnalyzer.fields)


def test_analysis_risk_ordinary_text_and_empty_text_have_no_risk():
    for text in ("", "   ", "We went to the park and I felt calmer afterwards."):
        result = assess(text)
        assert result["risk"] is False and result["severity"] == "none" and result["category"] is None


def test_analysis_risk_is_registered_and_safety_critical():
    cls = REGISTRY.get("risk")
    assert cls is RiskAnalyzer
    assert cls.safety_critical is True and cls.infers_mental_state is False
    assert {"utterance", "free_association", "dream", "reflection", "moment", "answer"} <= cls.kinds
    assert not cls().applies(TextUnit.of("I want to die", role="therapist"))


def test_analysis_risk_summary_lists_flags_per_session():
    units = [TextUnit(id="s1:0", text="I want to end it all.", session="s1"),
             TextUnit(id="s1:1", text="The weather was lovely.", session="s1", position=1)]
    result = run([RiskAnalyzer(semantic=False)], [("s1", units)])
    summary = result.summaries["risk"]
    flags = summary.sessions["s1"]["flags"]
    assert [f["unit_id"] for f in flags] == ["s1:0"]
    assert flags[0]["quotes"] == ["to end it all"]  # "to end it" and "end it all" overlap: one merged span
    assert summary.case == {"n_flags": 1, "max_severity": "active_thoughts", "max_urgency": "high",
                            "sessions_with_flags": ["s1"], "n_review": 0}


def test_analysis_risk_summary_of_a_quiet_session_is_empty():
    summary = RiskAnalyzer().summarize([SessionUnits("s2", [], [])])
    assert summary.sessions["s2"] == {"flags": [], "n_flags": 0, "max_severity": "none", "max_urgency": "none",
                                      "n_review": 0, "review": []}


def test_analysis_risk_matches_are_explained():
    matches = find_risk("I would never hurt myself.")
    assert [(m.category, m.discounted_by) for m in matches] == [("self_harm", "negation")]


def _bag_of_words(texts):
    """A tiny deterministic stand-in for the encoder: hashed word counts, unit length (no model)."""
    out = np.zeros((len(texts), 512), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().replace(".", " ").replace(",", " ").split():
            out[i, sum(map(ord, w)) * 31 % 512] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture
def stub_encoder():
    risk_semantic.set_encoder(_bag_of_words)
    yield
    risk_semantic.set_encoder(None)


@contextlib.contextmanager
def stub_bank(monkeypatch, risk: dict[str, list[str]]):
    """The semantic layer with only these risk prototypes (and one everyday negative), read by the bag-of-words
    encoder, so a test sees which sentences reach it and what corroborates a hit."""
    monkeypatch.setattr(risk_semantic, "prototypes",
                        lambda: {"risk": risk, "negative": {"everyday": ["We had toast and tea."]}})
    risk_semantic.set_encoder(_bag_of_words)
    try:
        yield
    finally:
        risk_semantic.set_encoder(None)


def test_analysis_risk_semantic_flags_a_sentence_the_rules_miss(stub_encoder):
    # Word for word a preparation prototype, so the stub finds it; the rules have no pattern for it.
    text = "Work was quiet. I've been visiting all the places I love one last time."
    assert assess(text)["risk"] is False
    [result] = assess_many([text], semantic=True)
    assert result["risk"] is True and result["method"] == "semantic"
    assert result["corroboration"] == "plan_or_means"  # "one last time" marks a plan
    # a semantic-only hit keeps its category and ladder step but is capped at "moderate" urgency
    assert (result["category"], result["severity"], result["urgency"]) == ("preparation", "preparatory_behaviour",
                                                                           "moderate")
    assert result["quotes"] == ["I've been visiting all the places I love one last time."]  # the span, not "Work was quiet."


@pytest.fixture
def plain_bank(monkeypatch):
    """One risk prototype with no risk word in it but "away": only the context can corroborate a hit on it."""
    with stub_bank(monkeypatch, {"passive_ideation": ["My blue kettle hums away quietly."]}):
        yield "My blue kettle hums away quietly."


def test_analysis_risk_semantic_alone_is_a_quiet_review_marker(plain_bank):
    text = plain_bank  # word for word a prototype, and nothing in the turn or its context corroborates it
    [result] = assess_many([text], semantic=True)
    assert result["similarity"] == pytest.approx(1.0, abs=1e-3)
    assert result["risk"] is False and result["review"] is True
    assert result["review_quotes"] == [text] and result["quotes"] == [] and result["severity"] == "none"


def test_analysis_risk_summary_collects_review_markers_per_session(plain_bank):
    # s1: a bare resemblance (for review) beside a real flag; s2: the same resemblance after a risk question (a flag)
    s1 = [TextUnit(id="s1:1", text=plain_bank, session="s1", position=1),
          TextUnit(id="s1:3", text="I want to end it all.", session="s1", position=3),
          TextUnit(id="s1:5", text="We had a walk by the canal.", session="s1", position=5)]
    s2 = [TextUnit(id="s2:1", text=plain_bank, session="s2", position=1,
                   context=(ContextTurn("therapist", "Have you been having thoughts of ending your life?"),))]
    summary = run([RiskAnalyzer(semantic=True)], [("s1", s1), ("s2", s2)]).summaries["risk"]
    assert summary.sessions["s1"]["review"] == [{"unit_id": "s1:1", "kind": "utterance", "quotes": [plain_bank]}]
    assert summary.sessions["s1"]["n_review"] == 1 and [f["unit_id"] for f in summary.sessions["s1"]["flags"]] == ["s1:3"]
    assert summary.sessions["s2"]["review"] == [] and summary.sessions["s2"]["n_flags"] == 1  # corroborated: a flag
    assert summary.case["n_review"] == 1


@pytest.mark.parametrize("context, corroboration", [
    ((("client", "I took an overdose last month."), ("therapist", "Go on.")), "prior_flag"),
    ((("therapist", "Have you been having thoughts of ending your life?"),), "question"),
    ((("therapist", "How was the weekend?"),), None),
])
def test_analysis_risk_context_corroborates_a_resemblance(plain_bank, context, corroboration):
    [result] = assess_many([plain_bank], semantic=True, contexts=[context])
    assert result["corroboration"] == corroboration and result["risk"] is (corroboration is not None)
    if corroboration:
        assert result["quotes"] == [plain_bank] and result["method"] == "semantic"


def test_analysis_risk_semantic_respects_the_margin_to_hard_negatives(stub_encoder):
    # Word for word a hard-negative prototype: closer to it than to any risk prototype.
    [result] = assess_many(["I'd do anything for my children."], semantic=True)
    assert result["risk"] is False and result["method"] is None


def test_analysis_risk_semantic_keeps_rule_discounts(stub_encoder):
    # A risk prototype inside a negation the rules discount: the frame governs its clause.
    [result] = assess_many(["Killing myself isn't an option for me."], semantic=True)
    assert result["risk"] is False and "negation" in result["discounted"]


def test_analysis_risk_both_layers_report_method_both_and_rule_spans(stub_encoder):
    text = "I want to kill myself."  # a rule match and word for word a risk prototype
    ann = RiskAnalyzer(semantic=True).annotate([TextUnit.of(text)])[0]
    assert ann.values["method"] == "both"
    assert [text[a:b] for a, b in ann.evidence] == ["kill myself"]  # the rules' words, not the whole sentence


def test_analysis_risk_semantic_setting_off_uses_rules_only(monkeypatch):
    def boom(texts):
        raise AssertionError("the encoder must not run with semantic=False")
    risk_semantic.set_encoder(boom)
    try:
        ann = RiskAnalyzer(semantic=False).annotate([TextUnit.of("I've been visiting all the places I love one last time.")])[0]
    finally:
        risk_semantic.set_encoder(None)
    assert ann.values["risk"] is False and ann.values["method"] is None


@pytest.mark.parametrize("text, spans", [
    ("One. Two three four!\nFive six seven?", ["One.", "Two three four!", "Five six seven?"]),
    ("no end mark here", ["no end mark here"]),
    ("", []),
])
def test_analysis_risk_sentences_split_on_ends_and_lines(text, spans):
    assert [text[a:b] for a, b in risk_semantic.sentences(text)] == spans


@pytest.mark.slow
def test_analysis_risk_semantic_flags_indirect_wording_with_the_model():
    text = "I've started giving my records away to friends who'll appreciate them more than I will soon."
    assert assess(text)["risk"] is False, "the rules alone miss it: this tests the semantic layer"
    ann = RiskAnalyzer().annotate([TextUnit.of(text)])[0]
    assert ann.values["risk"] is True and ann.values["method"] == "semantic"


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "This spreadsheet is killing me, honestly.",
    "I could murder a curry after that shift.",
])
def test_analysis_risk_semantic_does_not_flag_idioms_with_the_model(text):
    ann = RiskAnalyzer().annotate([TextUnit.of(text)])[0]
    assert ann.values["risk"] is False


@pytest.mark.slow
def test_analysis_risk_semantic_flags_despair_without_risk_words_with_the_model():
    text = "Honestly, my family would cope so much better if I just wasn't part of it anymore."
    ann = RiskAnalyzer().annotate([TextUnit.of(text)])[0]
    assert ann.values["risk"] is True and ann.values["category"] == "passive_ideation"


# ----- issue 15: words in their context (texts written for these tests) ------------------------------------------
FALSE_ALARM_KINDS = {
    "medication": ["I have to swallow all my tablets before breakfast or the blood pressure goes up.",
                   "My doctor doubled the dose of my heart pills and I feel tired."],
    "plans_goals": ["We've picked a date for the christening, the ninth of May.",
                    "I've got my affairs in order for the accountant, finally."],
    "stop_cut_habit": ["I just want it all to stop, the betting, the lying to my wife.",
                       "I'm cutting back on the beer, four nights off a week now."],
    "sleep": ["I could sleep forever on a Sunday if the baby let me.",
              "I don't want to wake up on Mondays, I dread the office."],
    "hospital_physical": ["I was in hospital for a fortnight with my heart and thought I was dying.",
                          "After the operation I nearly died of an infection, the surgeon said."],
    "accident": ["I was gutting a mackerel and cut my finger, nothing serious.",
                 "I fell off the ladder and cut my leg on the paving."],
    "goodbye": ["Thanks, see you next week, goodbye.", "I won't be here next week, we're in Devon."],
}


@pytest.mark.parametrize("kind, text", [(k, t) for k, ts in FALSE_ALARM_KINDS.items() for t in ts])
def test_analysis_risk_ordinary_talk_of_each_false_alarm_kind_opens_no_task(kind, text):
    result = assess(text)
    assert result["risk"] is False, (kind, result["quotes"])


@pytest.mark.slow
def test_analysis_risk_ordinary_talk_of_each_false_alarm_kind_opens_no_task_with_the_model():
    texts = [t for ts in FALSE_ALARM_KINDS.values() for t in ts]
    results = RiskAnalyzer().annotate([TextUnit.of(t, unit_id=str(i)) for i, t in enumerate(texts)])
    assert [t for t, a in zip(texts, results) if a.values["risk"]] == []


@pytest.mark.parametrize("text, frame", [
    ("I have to swallow all my tablets before breakfast or the blood pressure goes up.", "medical"),
    ("I just want it all to stop, the betting, the lying to my wife.", "habit"),
    ("I was gutting a mackerel and cut my finger, nothing serious.", "idiom"),
])
def test_analysis_risk_names_the_object_that_made_the_words_ordinary(text, frame):
    assert frame in assess(text)["discounted"]


@pytest.mark.parametrize("text", [
    "I want to stop drinking and I want to die.",
    "I take my blood pressure tablets every morning, and last night I took all of them because I wanted to die.",
])
def test_analysis_risk_an_ordinary_object_does_not_hide_risk_beside_it(text):
    assert assess(text)["risk"] is True


@pytest.mark.parametrize("question, answer, category", [
    ("Have you had thoughts of ending your life?", "Yes. Most nights this week.", "active_ideation"),
    ("Have you hurt yourself since we last met?", "Yeah, on Sunday, my arms.", "self_harm"),
    ("Do you ever wish you were dead?", "Sometimes, when I wake up.", "passive_ideation"),
])
def test_analysis_risk_a_yes_to_the_therapists_risk_question_is_a_finding(question, answer, category):
    [result] = assess_many([answer], semantic=False, contexts=[(("therapist", question),)])
    assert result["risk"] is True and result["category"] == category and result["method"] == "context"
    assert result["quotes"] and result["quotes"][0].startswith(answer.split(".")[0].split(",")[0])


@pytest.mark.parametrize("question, answer", [
    ("Have you had thoughts of ending your life?", "No, never, that's not me."),
    ("How was the weekend?", "Yes, lovely, we went to the coast."),
])
def test_analysis_risk_a_no_or_an_ordinary_question_is_not(question, answer):
    [result] = assess_many([answer], semantic=False, contexts=[(("therapist", question),)])
    assert result["risk"] is False


def test_analysis_risk_context_comes_from_the_units_turns():
    from reverie.analysis.base import ContextTurn
    unit = TextUnit(id="s1:3", text="Yes, a lot lately.", position=3,
                    context=(ContextTurn("therapist", "Are you having thoughts of suicide?"),))
    ann = RiskAnalyzer(semantic=False).annotate([unit])[0]
    assert ann.values["risk"] is True and ann.evidence == [(0, len(unit.text))]


def test_analysis_risk_weak_cue_needs_corroboration_in_the_turn():
    alone = assess("We've picked the date now.")
    assert alone["risk"] is False and alone["review"] is True and alone["review_quotes"] == ["picked the date"]
    corroborated = assess("I've picked the date. After that I won't be alive to see another winter.")
    assert corroborated["risk"] is True and corroborated["corroboration"] == "rules"


def test_analysis_risk_evidence_is_the_span_that_carried_the_risk(stub_encoder):
    # the neighbouring sentences stay out of the evidence; the risk sentence is quoted whole
    text = "I was cutting my fish. I'd like to disappear for a while. That's the end of the story."
    ann = RiskAnalyzer().annotate([TextUnit.of(text)])[0]
    assert ann.values["risk"] is True
    assert [text[a:b] for a, b in ann.evidence] == ["like to disappear"]
    assert all("fish" not in text[a:b] and "story" not in text[a:b] for a, b in ann.evidence)


def test_analysis_risk_task_evidence_names_the_session_date_and_turn():
    from reverie.safety.tasks import screen_analysis

    class Store:
        def __init__(self):
            self.calls = []

        def add_safety_task(self, client, source, ref, category, severity, evidence):
            self.calls.append((source, ref, category, severity, evidence))
            return len(self.calls), True

    class Workspace:
        store = Store()

    text = "Honestly, I want to kill myself."
    risk = assess(text)
    analysis = {"sessions": [{"id": 7, "number": 3, "date": "2026-03-02", "utterances": [
        {"index": 12, "text": text, "annotations": {"risk": risk}}]}]}
    [flag] = screen_analysis(Workspace(), "c1", analysis)
    source, ref, category, severity, evidence = Workspace.store.calls[0]
    assert (source, ref, severity) == ("utterance", "session:7:12", "active_thoughts")
    assert (evidence["session_date"], evidence["session_number"], evidence["turn"]) == ("2026-03-02", 3, 12)
    assert evidence["quotes"] == ["kill myself"] and evidence["severity_label"] == LADDER["active_thoughts"]


def test_analysis_risk_session_view_shows_the_step_and_quiet_review_markers():
    from reverie.cli.views import _chips
    flagged = assess("I wish I had never been born.")
    assert _chips({"risk": flagged}) == [("RISK Wish to be dead", "risk")]
    assert _chips({"risk": assess("We've picked the date now.")}) == [("for review (risk screen)", "review")]
    assert _chips({"risk": assess("We had a lovely walk.")}) == []


@pytest.mark.parametrize("evidence, said", [
    ({"session_number": 10, "session_date": "2026-04-06", "turn": 9}, "session 10 of 2026-04-06, turn 9"),
    ({"entry_date": "2026-04-04T23:40:00"}, "journal entry 16 written 2026-04-04T23:40"),
    ({}, "entry 16"),
])
def test_analysis_risk_task_line_says_when_the_words_were_said(evidence, said):
    from reverie.cli.safety import _said_when
    assert _said_when({"source": "entry", "source_ref": "16", "evidence": evidence}) == said


@pytest.mark.parametrize("text, risk", [
    ("If anyone reading this feels low, please call the suicide hotline, they were kind to me.", False),
    ("Suicide prevention week starts on Monday at the college.", False),
    ("I rang the suicide helpline last night because I wanted to die.", True),
])
def test_analysis_risk_help_and_information_about_suicide_is_not_the_writers_risk(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, category", [
    ("Honestly, what's the point of sticking around when nothing changes.", "passive_ideation"),
    ("I keep hoping my heart will just give out in my sleep.", "passive_ideation"),
    ("I'd like to go to sleep and just never have to face any of this again.", "passive_ideation"),
    ("I can't see a future where I'm still alive, not even next spring.", "passive_ideation"),
    ("I want to kil myself, I mean it.", "active_ideation"),
    ("Lately I think about just swerving into the oncoming lorry.", "active_ideation"),
    ("I scratched the word ugly into my forearm with a pin.", "self_harm"),
    ("My thighs are covered in new cuts and I wear jeans in summer.", "self_harm"),
    ("I'm counting my sleeping pills every evening now.", "preparation"),
    ("I fantasise about hurting the people in my old team.", "harm_to_others"),
    ("I could smash my fist into my stepdad's face.", "harm_to_others"),
    ("I swallowed a whole strip of my sleeping tablets on Friday.", "attempt"),
])
def test_analysis_risk_rules_take_up_indirect_wording(text, category):
    result = assess(text)  # rules only: each of these was missed before rules version 2 of the pattern file
    assert result["risk"] is True and category in result["categories"]


@pytest.mark.parametrize("text", [
    "Is there any point sticking around at the party after the speeches?",
    "I lull myself to sleep with a podcast most nights.",
    "I scratched my name into the desk at school and got detention.",
    "I put my fist through the wall last week and broke a knuckle.",
    "I was counting the tablets the pharmacist gave me to check the dose.",
    "I can't picture a future where I'm still in this job.",
    "There's no point in my social life if I'm always working late.",
    "I'm hoping my car doesn't give up on the motorway again.",
])
def test_analysis_risk_near_misses_of_the_widened_rules_stay_quiet(text):
    assert assess(text)["risk"] is False


@pytest.mark.parametrize("text", [
    "I've cut down on drinking and I'm hoping my body just gives up anyway.",  # "drinking": a habit
    "With all my debt they'd be relieved if I was gone.",  # "debt": a habit
])
def test_analysis_risk_the_self_gone_is_not_an_ordinary_object(text):
    # the habit frame used to discount these (stopping a habit); the self ceasing to be is not a habit
    result = assess(text)
    assert result["risk"] is True and result["category"] == "passive_ideation" and "habit" not in result["discounted"]


@pytest.mark.parametrize("text, risk", [
    ("I see no point in this mess some people call life. There's no light at the end of it.", True),
    ("I see no point in this whole office life.", False),
])
def test_analysis_risk_weak_cues_open_a_task_only_when_corroborated(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("tail, corroboration", [
    (" Maybe my body will just give out.", "risk_words"),
    (" I'd fall asleep and never wake.", "risk_words"),
    (" My knees give out on the stairs.", None),
])
def test_analysis_risk_the_body_giving_out_corroborates_a_resemblance(plain_bank, tail, corroboration):
    [result] = assess_many([plain_bank + tail], semantic=True)
    assert result["corroboration"] == corroboration and result["risk"] is (corroboration is not None)


@pytest.mark.parametrize("text, risk, review", [
    ("I've had enough of all of it. I'm just so done.", True, False),  # the cue, corroborated by hopelessness
    ("Honestly? I'm done.", False, True),  # a cue alone: a quiet marker
    ("I'm done for today, see you next week.", False, False),  # done with something: not the cue
    ("I'm done with the ironing, finally.", False, False),
])
def test_analysis_risk_a_bare_im_done_is_a_weak_cue(text, risk, review):
    result = assess(text)
    assert (result["risk"], result["review"]) == (risk, review)


def test_analysis_risk_a_weak_cue_and_a_resemblance_elsewhere_corroborate_each_other(plain_bank):
    [apart] = assess_many([plain_bank + " I'm done."], semantic=True)
    assert apart["risk"] is True and apart["corroboration"] == "hopelessness"
    [cue_alone] = assess_many(["I'm done."], semantic=True)  # never its own corroboration
    assert cue_alone["risk"] is False and cue_alone["review"] is True


def test_analysis_risk_semantic_layer_reads_sentences_that_put_affairs_in_order(monkeypatch):
    # A prototype with none of the older gate words: only the affairs-in-order words let the sentence be encoded.
    proto = "I have left the guitar to Sam just in case."
    with stub_bank(monkeypatch, {"preparation": [proto]}):
        hit, plain = assess_many([proto, "I have left the guitar with Sam on Sunday."], semantic=True)
    assert hit["risk"] is True and hit["method"] == "semantic" and hit["corroboration"] == "plan_or_means"
    assert plain["risk"] is False and plain["review"] is False  # no gate word: never encoded


# Version 6 (issue 15): supportive and informational talk about suicide is not the writer's own risk.
@pytest.mark.parametrize("text", [
    "Self-harm among university students has doubled since 2015, the report says.",  # a statistic
    "The leading cause of death for young men is suicide.",
    "Our support group meets on Thursdays for families bereaved by suicide.",  # grief and bereavement
    "We teach staff to ask callers directly about suicide.",  # a volunteer's or a trainer's work
    "Common signs of self-harm include long sleeves in summer and talking about being a burden.",  # weak cue too
    "If anybody here is thinking of ending it tonight, please message the mods.",  # addressed to others
])
def test_analysis_risk_talk_about_suicide_as_a_topic_or_others_is_not_the_writers(text):
    result = assess(text)
    assert result["risk"] is False and {"third_person", "fiction"} & set(result["discounted"])  # a report is news


@pytest.mark.parametrize("text, category", [
    ("Suicidal again tonight, can't stop thinking about it.", "active_ideation"),  # no subject at all: the writer's
    ("Does anyone else want to die every single day?", "active_ideation"),  # "anyone else" counts the writer in
    ("I'm a teacher and I've been self-harming since the term started.", "self_harm"),  # a role, but first person
])
def test_analysis_risk_a_topic_word_said_of_oneself_stays_a_risk(text, category):
    result = assess(text)
    assert result["risk"] is True and category in result["categories"]


@pytest.mark.parametrize("text, risk", [
    # the writer, in their own voice, says the crisis is behind them: a past-tense risk belongs to that past
    ("I took an overdose once. These days I run a peer group and I'm grateful to be alive.", False),
    ("I know how it feels to want to die. It does get better, I promise you.", False),
    # someone else saying it gets better is not recovery; a recent or present risk stays a risk
    ("My mum says it gets better, but I still want to die.", True),
    ("I tried to hang myself last week. I'm glad I'm still here, I think.", True),
    ("Things got better for a bit, but now I want to die again.", True),
])
def test_analysis_risk_a_recovery_story_puts_a_past_risk_in_the_past(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    ("I've been checking how high the multi-storey by the station is.", True),  # method research
    ("We looked up how high the castle walls are for the school project.", False),  # not a place to fall from
    ("I googled how high the Shard is before our trip.", False),
])
def test_analysis_risk_looking_up_how_high_a_place_to_fall_from_is_preparation(text, risk):
    result = assess(text)
    assert result["risk"] is risk
    if risk:
        assert result["severity"] == "preparatory_behaviour"


@pytest.mark.parametrize("text, risk", [
    ("I've been hiding my husband's sleeping tablets, saving my husband's pills in a sock.", True),  # a possessive
    ("I'm saving my daughter's drawings in a folder.", False),
])
def test_analysis_risk_saving_someone_elses_pills_is_preparation(text, risk):
    assert assess(text)["risk"] is risk


def test_analysis_risk_means_words_let_a_sentence_reach_the_semantic_layer(monkeypatch):
    # A prototype whose only risk-adjacent word is a place to fall from: the sentence must be encoded and the
    # means word corroborates the resemblance; the same sentence with an ordinary place is never encoded.
    proto = "I picture my body at the bottom of the stairwell."
    with stub_bank(monkeypatch, {"active_ideation": [proto]}):
        hit, plain = assess_many([proto, "I picture my body at the bottom of the garden."], semantic=True)
    assert hit["risk"] is True and hit["corroboration"] == "plan_or_means"
    assert plain["risk"] is False and plain["review"] is False


@pytest.mark.parametrize("text, risk", [
    ("I think this is goodbye. I'm sorry for everything.", True),  # a final goodbye: not leave-taking, a plan cue
    ("Right, goodbye then, I'll see you next week.", False),
])
def test_analysis_risk_a_final_goodbye_is_not_leave_taking(monkeypatch, text, risk):
    proto = "I think this is goodbye. I'm sorry for everything."
    with stub_bank(monkeypatch, {"preparation": [proto, "Right, goodbye then, I'll see you next week."]}):
        [result] = assess_many([text], semantic=True)
    assert result["risk"] is risk
    if not risk:
        assert "leave_taking" in result["discounted"]


@pytest.mark.parametrize("text, risk", [
    ("I've lost two cousins to suicide and I think about them every Christmas.", False),  # someone else's death
    ("I understand wanting to die, I really do. Please ring the helpline tonight.", False),  # empathy, a feeling in general
    ("I remember sitting on the stairs wishing I wouldn't wake up. That was a long road ago.", False),  # a memory
    ("I read your post about wanting to end it and I'm sending love.", False),  # the reader's words, not the writer's
    ("I remember that night and I keep wishing I wouldn't wake up.", True),  # a memory, then the present
    ("My cousin died by suicide in June and now I keep thinking I should go the same way.", True),  # takes up the loss
])
def test_analysis_risk_grief_and_empathy_are_not_the_writers_risk_but_a_taken_up_loss_is(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    ("My mate overdosed at a festival last summer, that's why I'm careful now.", False),  # a mate is someone else
    ("When the ambulance came I honestly thought I was going to die, my chest was so tight.", False),  # fear of dying
    ("Most nights I drink hoping I won't wake up.", True),  # the habit is the means, the hope is to die
    ("I don't care if the drinking kills me any more.", True),
    ("I'd be relieved if the cigarettes finished me off.", True),
    ("My GP says the cigarettes will kill me if I don't stop.", False),  # a doctor's warning
])
def test_analysis_risk_health_behaviour_talk_and_a_wish_to_die_through_it(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    ("I've got the tablets all lined up on the bedside table.", True),
    ("My tablets are sorted out in the weekly box by the pharmacist.", False),
    ("I gave my jewellery to my niece, I won't be needing it.", True),
    ("I gave my old clothes to the charity shop, I won't be needing them now I've lost weight.", False),
    ("I've made a list of who gets what, just in case.", True),  # a weak cue, corroborated by "just in case"
    ("My sisters argued about who gets what from Gran's house.", False),
    ("Some mornings I wish I hadn't woken up after the overdose.", True),
    ("I just want my sister to know that tonight is the night.", True),  # the clause after "that" is the writer's
])
def test_analysis_risk_preparation_and_wishes_in_new_words(text, risk):
    assert assess(text)["risk"] is risk


def test_analysis_risk_someone_elses_death_does_not_corroborate_a_resemblance(plain_bank):
    [other] = assess_many([plain_bank + " My grandad died in the spring."], semantic=True)
    [own] = assess_many([plain_bank + " I'd rather be dead."], semantic=True)
    assert other["risk"] is False and other["review"] is True
    assert own["risk"] is True and own["corroboration"] in ("rules", "risk_words")


def _after(question: str, answer: str) -> dict:
    unit = TextUnit(id="u", text=answer, context=(ContextTurn("therapist", question),))
    return RiskAnalyzer(semantic=False).annotate([unit])[0].values


@pytest.mark.parametrize("question, answer, risk", [
    ("Have you had any thoughts of suicide lately?", "Only a couple of times. When it gets really bad.", True),
    ("Do you ever think about ending your life?", "Not for ages, but on Sunday it crossed my mind again.", True),
    ("Have you thought about how you might do it?", "The car. Driving off the road somewhere quiet.", True),
    ("Have you been hurting yourself?", "My legs. Where nobody sees.", True),
    ("Do you sometimes wish you could just not wake up?", "Honestly? Part of me does.", True),
    ("Have you had any thoughts of suicide lately?", "Not for ages. I'm in a much steadier place.", False),
    ("Do you ever think about ending your life?", "Goodness, no. I've been stressed, that's all.", False),
    ("Have you had any thoughts of hurting yourself?", "Nothing like that, it's more that I can't switch off.", False),
    # the turn asks leave to ask: a yes to that is not an answer about risk
    ("You ticked the item about hurting yourself. I'd like to ask about it, if that's okay.", "Oh. Yes, fine.", False),
    ("How often are you waking in the night?", "Most nights, around three.", False),  # not a risk question
])
def test_analysis_risk_an_answer_to_the_risk_question_without_a_yes(question, answer, risk):
    assert _after(question, answer)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    ("I held the pills in my hand for an hour last night. It was so close.", True),  # how close it came
    ("I had the tablets in my hand before I remembered I'd taken my dose.", False),
    ("I keep picturing stepping off the kerb in front of a lorry.", True),
    ("I'd love to go to sleep and not have to deal with any of it anymore.", True),
    ("I want to go to sleep and not think about the deadline for one night.", False),
    ("Work would cope fine without me for a fortnight, I've handed everything over.", False),
    ("Work would cope fine without me, nobody would notice I'd gone.", True),
])
def test_analysis_risk_aborted_attempts_and_wishes_in_everyday_words(text, risk):
    assert assess(text)["risk"] is risk


# Version 7 (issue 15): a post read whole, and words that corroborate only from outside their own sentence.
def test_analysis_risk_a_weak_cue_and_a_resemblance_converge_without_other_words(plain_bank):
    # "set a date" is a weak cue with no word of death, hopelessness or a means: before version 7 a review marker
    [both] = assess_many([plain_bank + " I've set a date."], semantic=True)
    assert both["risk"] is True and both["corroboration"] == "convergence"
    assert both["quotes"] == [plain_bank, "set a date"]
    [cue_alone] = assess_many(["I've set a date."], semantic=True)
    assert cue_alone["risk"] is False and cue_alone["review"] is True


def test_analysis_risk_two_weak_cues_alone_do_not_converge():
    text = "I'm scared of hurting him. I'm afraid that I will hurt him."  # one fear said twice
    assert assess(text)["risk"] is False and assess(text)["review"] is True


@pytest.mark.parametrize("tail, corroboration", [
    (" I've stopped caring.", "hopelessness"),
    (" The only thing keeping me going is my dog.", "hopelessness"),  # "... keeping me here" is a rule since v9
    (" I really don't think I can keep going like this.", "hopelessness"),
    (" Honestly the world would not even notice.", "hopelessness"),
    (" I won't be a problem for much longer.", "risk_words"),
    (" Yesterday I stood at the edge of the platform for an hour.", "plan_or_means"),
    (" I drove up to the cliffs again.", "plan_or_means"),
    (" I stopped caring about the garden years ago.", None),  # caring about something: not the cue
    (" I'm tired of living paycheck to paycheck.", None),  # tired of living *like that*: not the cue
    (" I just want this week to be over.", None),
])
def test_analysis_risk_more_words_of_hopelessness_and_means_corroborate(plain_bank, tail, corroboration):
    [result] = assess_many([plain_bank + tail], semantic=True)
    assert result["corroboration"] == corroboration and result["risk"] is (corroboration is not None)


@pytest.fixture
def mood_bank(monkeypatch):
    """Risk prototypes whose only gate words are words of mood (hopelessness) or of a means."""
    with stub_bank(monkeypatch, {"passive_ideation": ["Lately I have felt so hopeless."],
                                 "attempt": ["I stood on the chair with the belt round my neck."]}):
        yield


def test_analysis_risk_a_sentence_let_in_by_its_mood_words_is_not_corroborated_by_them(mood_bank):
    alone, with_means = assess_many(["Lately I have felt so hopeless.",
                                     "Lately I have felt so hopeless. I keep thinking about the bridge."], semantic=True)
    assert alone["risk"] is False and alone["review"] is True  # its own "hopeless" let it in: no corroboration
    assert with_means["risk"] is True and with_means["corroboration"] == "plan_or_means"


def test_analysis_risk_a_means_in_the_sentence_corroborates_it(mood_bank):
    [result] = assess_many(["I stood on the chair with the belt round my neck."], semantic=True)
    assert result["risk"] is True and result["corroboration"] == "plan_or_means" and result["category"] == "attempt"


@pytest.mark.parametrize("text, risk", [
    ("I wish I could fall asleep and never wake up.", True),  # falling asleep is no accident
    ("I fell off my bike and thought I'd die, it hurt so much.", False),
    ("I'm a paramedic and I've been to too many suicides this year.", False),  # plural: other people's
])
def test_analysis_risk_falling_asleep_and_plural_suicides(text, risk):
    assert assess(text)["risk"] is risk


# Version 8 (issue 15): whose risk it is and when, in posts about suicide by people not at risk themselves.
@pytest.mark.parametrize("text, risk", [
    # single quotes round a phrase are a quote, unless the writer quotes their own thought
    ("Reminder that the 'better off without me' voice is a liar.", False),
    ("My son's browser history had 'how many tablets to overdose' in it.", False),
    ("I keep thinking 'everyone would be better off without me'.", True),
    ("I don't think I can keep going, I really want to kill myself.", True),  # apostrophes are not quotes
    # someone lost to suicide, with no word between "lost" and "to"
    ("I'm writing for my cousin who we lost to suicide in May.", False),
    # a role that meets other people's crises
    ("I'm a paramedic and we had another overdose on the night shift.", False),
    ("I'm a paramedic and I took an overdose last week.", True),
    # a milestone: what the writer is free of
    ("Three years self-harm free as of today.", False),
    # a laugh after a threat to someone else
    ("My flatmate ate my leftovers again, I'm going to strangle him lol", False),
    ("My flatmate ate my leftovers again, I'm going to strangle him.", True),
    # slow harm by a habit, not by a means
    ("I know I'm killing myself with these energy drinks, so I'm cutting back.", False),
    ("I'm killing myself with these pills tonight.", True),
    # "still here" in a recovery story is a survivor's word, not a present marker
    ("Three years in recovery. I overdosed twice back then and honestly I don't know how I'm still here.", False),
])
def test_analysis_risk_whose_risk_and_when_in_supportive_and_recovery_posts(text, risk):
    assert assess(text)["risk"] is risk


@pytest.fixture
def burden_bank(monkeypatch):
    """Risk prototypes for a burden and a near death, to see which sentences reach the encoder at all."""
    with stub_bank(monkeypatch, {"passive_ideation": ["feeling like a burden to everyone"],
                                 "attempt": ["nearly died last year"]}):
        yield


def test_analysis_risk_a_feeling_toward_you_is_not_the_writers_risk(burden_bank):
    to_you, own = assess_many(["I'm so sorry you're feeling like a burden to everyone.",
                               "I'm so sorry, I'm feeling like a burden to everyone."], semantic=True)
    assert to_you["similarity"] is None and to_you["review"] is False  # governed: never encoded
    assert own["similarity"] is not None  # the writer's own: encoded and compared


def test_analysis_risk_nearly_dying_in_an_accident_is_not_a_resemblance(burden_bank):
    crash, overdose = assess_many(["I nearly died in a car crash last year.",
                                   "I nearly died last year after my overdose."], semantic=True)
    assert crash["similarity"] is None and crash["risk"] is False
    assert overdose["similarity"] is not None


def test_analysis_risk_other_peoples_overdoses_do_not_corroborate(plain_bank):
    others, own = assess_many([plain_bank + " I see overdoses every week at work.",
                               plain_bank + " I keep thinking about the bridge."], semantic=True)
    assert others["risk"] is False and others["review"] is True
    assert own["risk"] is True and own["corroboration"] == "plan_or_means"


# Version 9 (issue 15): whose risk a whole post is about, and the writer's own risk in indirect words.
@pytest.fixture
def razors_bank(monkeypatch):
    """One preparation prototype naming a means, so a sentence word for word like it is a corroborated hit."""
    with stub_bank(monkeypatch, {"preparation": ["the razors are in the loft now"]}):
        yield


def test_analysis_risk_a_carers_post_gives_their_sentences_to_the_other(razors_bank):
    carer, own, mixed = assess_many([
        "My son said he has been cutting again. We know the razors are in the loft now.",
        "I have been low again. I know the razors are in the loft now.",
        "My son said he has been low. I know the razors are in the loft now.",
    ], semantic=True)
    assert carer["risk"] is False and "third_person" in carer["discounted"]  # the parents' "we" is not the writer's risk
    assert own["risk"] is True and own["corroboration"] == "plan_or_means"
    assert mixed["risk"] is True  # the writer's own "I" in a carer's post is still the writer's


@pytest.mark.parametrize("text, risk", [
    ("How do I help my daughter? She told me she wants to die and I'm terrified.", False),
    ("My mum doesn't know I want to die. She thinks I'm just tired.", True),  # the writer's own, beside another
])
def test_analysis_risk_a_carers_question_and_a_first_person_post_that_names_others(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # recovery told in more words: stable for years, free of the thoughts, happy now, "it's been N years"
    ("I tried to end my life in my twenties. I've been stable for four years now.", False),
    ("I tried to end my life on Friday. I've been stable for four years, until now.", True),
    ("At uni I wanted to kill myself. I haven't had those thoughts in years.", False),
    ("I overdosed at 19 and survived. It's been eleven years.", False),
    ("I overdosed and survived. I'm scared, it was eleven days ago.", True),
    # an anniversary names the distant past
    ("Three years ago today I took an overdose. I'm so glad I'm still here.", False),
    ("Three years ago I was fine, but today I took an overdose.", True),
    # a feeling named as a noun, in a recovery post
    ("I'm doing well now. The feeling of wanting to die does pass, I promise.", False),
    ("The feeling of wanting to die is with me every day.", True),
    # a hypothetical, advice about what might come
    ("My GP said if I get any thoughts of harming myself I should ring her.", False),
    ("I keep getting thoughts of harming myself at night.", True),
    # by accident
    ("With all these new meds I'm scared of overdosing by accident.", False),
    ("I'm thinking of overdosing on all these new meds.", True),
    # the topic of a made thing
    ("I'm making a poster about self-harm for our health week.", False),
    # a list of warning signs, gerunds with no writer in them
    ("Warning signs include withdrawing from friends, giving things away and saying goodbye.", False),
    ("This week I've been giving things away.", True),
    # a reported screening question answered no
    ("The nurse asked the usual questions, including whether I'd thought about hurting myself, and I said no.", False),
    # a last post in a recovery post is leaving the site
    ("This is my last post here, I'm in a much better place now. Goodbye and thank you!", False),
    ("This is my last post here. Goodbye and thank you.", True),
])
def test_analysis_risk_recovery_anniversaries_hypotheticals_and_lists_are_not_present_risk(text, risk):
    assert assess(text)["risk"] is risk


def test_analysis_risk_a_match_inside_a_discounted_one_takes_its_frame():
    result = assess("In the novel the hero is planning to jump off the bridge at dawn.")
    assert result["risk"] is False and "fiction" in result["discounted"]
    assert assess("I am planning to jump off the bridge at dawn.")["risk"] is True


@pytest.mark.parametrize("text, risk, category", [
    # medicines by name: hoarded, counted in dozens, swallowed in dozens, a lethal dose researched
    ("I've been stockpiling my quetiapine since the summer.", True, "preparation"),
    ("I've been stockpiling tins for the winter.", False, None),
    ("There are 40 of my gabapentin stashed in a sock.", True, "preparation"),
    ("I took about 40 of my sertraline last night.", True, "attempt"),
    ("I took 2 of my sertraline this morning with breakfast.", False, None),
    ("I swallowed 30 of my dad's sleeping tablets on Friday.", True, "attempt"),
    ("I looked up how many of my tablets it would take.", True, "plan"),  # method research
    ("I asked the pharmacist how many tablets I should take for the pain.", False, None),
    # the means ready, things not needed where one is going
    ("The rope is tied and ready in the shed.", True, "preparation"),
    ("The rope is tied to the boat.", False, None),
    ("Gave my bike to my cousin. I won't need it where I'm going.", True, "preparation"),
    # a relapse named by the act
    ("I relapsed on the cutting last night.", True, "self_harm"),
    ("I relapsed on the cigarettes last night.", False, None),
    # picturing violence against someone
    ("I keep picturing stabbing my boss when he shouts.", True, "harm_to_others"),
    ("I keep picturing hugging my boss when he retires.", False, None),
    ("If he touches my sister again I'll put him in the hospital.", True, "harm_to_others"),
    # waiting to die; not waking as relief; sleep with no return; others moving on
    ("I'm just waiting to die at this point.", True, "passive_ideation"),
    ("My nan is just waiting to die, bless her.", False, None),
    ("Honestly if I didn't wake up tomorrow I'd be relieved.", True, "passive_ideation"),
    ("If I don't wake up tomorrow, ring me at nine.", False, None),
    ("I just want to sleep and not come back.", True, "passive_ideation"),
    ("Everyone would move on pretty fast if I wasn't around.", True, "passive_ideation"),
    ("The team would cope if I wasn't around for a week.", False, None),
])
def test_analysis_risk_indirect_first_person_behaviour_in_general_rules(text, risk, category):
    result = assess(text)
    assert result["risk"] is risk, result["quotes"]
    assert result["category"] == category


@pytest.mark.parametrize("text, risk", [
    # weak cues: each alone is a review marker; two of different kinds in different sentences, or a cue, corroborate
    ("I have the day picked.", False),
    ("I have the day picked. I've got enough of my dad's sleeping pills.", True),
    ("I've set a date.", False),
    ("I've set a date. I'm not going to say when.", True),
    ("I don't see a future.", False),
    ("I don't see a future. What's the point.", True),
    ("I don't see a future with him. What's the point of arguing.", False),
    ("I've been skipping my insulin on purpose, hoping it'll finish me off.", True),
    ("I skipped my insulin on purpose before the fasting blood test, the nurse said to.", False),
    ("I wrote letters to my mum and my sister.", False),
    ("I wrote letters to my mum and my sister. I feel weirdly calm now.", True),
])
def test_analysis_risk_weak_cues_need_a_second_signal(text, risk):
    result = assess(text)
    assert result["risk"] is risk, result
    if not risk and result["quotes"] == [] and any(w in text for w in ("picked", "date.", "future.", "letters")):
        assert result["review"] is True  # seen, quietly, for review


@pytest.fixture
def kettle_and_point_bank(monkeypatch):
    """Two prototypes: one with no cue word, one with hopelessness in it."""
    with stub_bank(monkeypatch, {"passive_ideation": ["My blue kettle hums away quietly.",
                                                      "There is no point to anything anymore."]}):
        yield


def test_analysis_risk_a_resemblance_is_corroborated_by_cues_in_another_resembling_sentence(kettle_and_point_bank):
    both, alone = assess_many(["My blue kettle hums away quietly. There is no point to anything anymore.",
                               "My blue kettle hums away quietly."], semantic=True)
    assert both["risk"] is True and both["corroboration"] == "hopelessness"
    assert alone["risk"] is False and alone["review"] is True


MI_COUNSELLING = [  # motivational-interviewing talk near the new v9 rules, written for this test
    "I stopped taking my statins on purpose, the muscle aches were awful, I'll tell the GP.",
    "I've got enough tablets to get me through the holiday, the pharmacist sorted it.",
    "I gave my old bike to my nephew, I won't be needing it now with my knees.",
    "We changed my will when the grandchildren came along.",
    "I wait for my wife to leave for work and then I have the first cigarette.",
    "I don't know when exactly, maybe after Christmas, but I do want to stop drinking.",
    "Drinking was my way out of every awkward conversation.",
    "I took about twenty of my nicotine gums yesterday and felt sick.",
]


@pytest.mark.parametrize("text", MI_COUNSELLING)
def test_analysis_risk_mi_counselling_talk_near_the_new_rules_opens_no_task(text):
    assert assess(text)["risk"] is False


def test_analysis_risk_in_a_carers_post_me_is_the_writer_unless_told_to_me(razors_bank):
    told, own = assess_many([
        "My son said he has been cutting again. He told me the razors are in the loft now.",
        "My son said he has been low. My wife hid them from me, the razors are in the loft now.",
    ], semantic=True)
    assert told["risk"] is False  # what the other tells me is theirs
    assert own["risk"] is True


@pytest.mark.parametrize("text, risk", [
    ("I've been hoping something happens to me, like a car accident.", True),
    ("I've been hoping something happens with the job in Leeds.", False),
    ("Honestly the only thing keeping me here is my dog.", True),
    ("The only thing keeping me here at work is the pension.", False),
])
def test_analysis_risk_hoping_for_harm_and_one_reason_left(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # found in risk_tune_v9's errors, written again here in other words
    ("Every new year I hope is the last one for me.", True),
    ("I hope this is the last one of these meetings.", False),
    ("I honestly can't see myself still here by the spring.", True),
    ("I wish I could be done with all of it. There's no point.", True),
    ("I wish I could be done with all of it, the paperwork, I mean.", False),
    ("I was looking up how long it takes to drown last night.", True),
    ("I was looking up how long it takes to drive to Leeds.", False),
    ("I've been looking up the train times. The express ones don't stop here.", True),
    ("I've been looking up the train times for my trip to York.", False),
    ("I bought two boxes of paracetamol from different chemists this morning.", True),
    ("I've been drafting goodbye messages to my friends.", True),
    ("I've been drafting goodbye cards for my colleagues, I leave on Friday.", False),
    ("I've got the date planned. I know how and I know where.", True),
    # not the writer's: the topic of a made thing, the teens as the past, a last-straw hyperbole with a laugh
    ("She wrote a poem about wanting to disappear for her English class.", False),
    ("I self harmed for most of my teens. I'm 34 now and a mum of two.", False),
    ("If my landlord sends one more passive aggressive email I'm walking off the roof lol.", False),
    ("I'm walking off the roof tonight lol.", True),
])
def test_analysis_risk_more_plain_wordings_and_their_near_misses(text, risk):
    assert assess(text)["risk"] is risk


# Version 10 (issue 15): a user's history read whole — several posts joined, most of them supportive or ordinary.
def test_analysis_risk_in_a_carers_post_what_i_found_of_theirs_is_theirs(razors_bank):
    found, own = assess_many([
        "My son said he has been cutting again. I found out his razors are in the loft now.",
        "My son said he has been low. I know my razors are in the loft now.",
    ], semantic=True)
    assert found["risk"] is False and "third_person" in found["discounted"]  # the finding is mine, the razors his
    assert own["risk"] is True


@pytest.mark.parametrize("text, risk", [
    # advice to the one addressed, in the second person conditional, is not the writer's
    ("If you've taken too many tablets, please go to A&E even if you feel fine.", False),
    ("I've taken too many tablets, I don't feel fine.", True),
    # means another person had with them (a professional's or volunteer's report)
    ("Spoke to a caller on the night shift with a rope ready.", False),
    ("I'm sitting in the car with a rope ready.", True),
    # someone the writer helped through it
    ("I've walked three friends through suicidal times.", False),
    ("My flatmate helped me through a suicidal patch and it's back again now.", True),
    # the topic of asking or talking, with no "I" in the clause
    ("Training tip: ask about suicide directly, it does not plant the idea.", False),
    ("I keep thinking about suicide, every night.", True),
    # a past age set against the writer's age now
    ("I was suicidal at seventeen and I'm thirty-two now, with two kids.", False),
    ("I was suicidal at seventeen and I'm suicidal again now.", True),
])
def test_analysis_risk_supporters_words_in_a_users_history(text, risk):
    assert assess(text)["risk"] is risk


def test_analysis_risk_a_reply_post_gives_its_sentences_without_i_to_the_one_addressed():
    reply = ("Reading your post, you sound exhausted. Depression makes it feel like there's no way out, "
             "but that is the illness talking.")
    own = "There's no way out. Nothing is going to change."
    mixed = "Reading your post, you sound exhausted.\n\nThere's no way out for me. Nothing is going to change."
    assert assess(reply)["risk"] is False
    assert assess(own)["risk"] is True
    assert assess(mixed)["risk"] is True  # a reply is read per post: the writer's own post beside it stays theirs


@pytest.mark.parametrize("text, risk", [
    # the risk in one post among ordinary ones (posts joined with blank lines), found through a second signal
    ("Any tips for a cheap meal?\n\nI don't think I'll be around by the summer. I've sorted out who gets my guitar.\n\n"
     "Thanks for the recipes.", True),
    ("Any tips for a cheap meal?\n\nI don't think I'll be around by the summer, I'm moving to Spain.\n\n"
     "Thanks for the recipes.", False),
    ("I'm at peace with what I'm going to do.", True),
    ("I'm at peace with what I'm going to do about the job, I'll hand in my notice.", False),
])
def test_analysis_risk_indirect_cues_in_a_users_history(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # in one post, a death word corroborates a weak cue (as before); in an unrelated post of the history it does not
    ("I've set a date. My sourdough starter is dead.", True),
    ("My sourdough starter is dead, any tips?\n\nI've set a date.", False),
    # a mood is the writer's in any post: hopelessness in another post still corroborates
    ("Any bread tips?\n\nI've set a date.\n\nWhat's the point of any of it.", True),
    # the depth of a cut is a plan cue beside a means, not on its own
    ("I've been sitting in the bath with a razor, trying to work out how deep.", True),
    ("I've been trying to work out how deep the pond is for the fish.", False),
])
def test_analysis_risk_a_post_with_no_signal_corroborates_only_by_mood(text, risk):
    assert assess(text)["risk"] is risk


def test_analysis_risk_posts_are_blocks_between_blank_lines():
    from reverie.analysis.risk import posts
    text = "first post.\n\n  second post.\n \nthird"
    assert [text[a:b] for a, b in posts(text)] == ["first post.", "second post.", "third"]
    assert posts("one post, no blank line.\nA second line.") == [(0, 39)]


@pytest.mark.parametrize("text, risk", [
    # v11: a generic "you" the writer then owns is the writer; without that, it is a question about someone else
    ("is it wrong if you just don't want to wake up anymore? asking because i'm there right now. asking for myself", True),
    ("does it make you a bad person when you want everything to stop for good? that's me right now", True),
    ("is it wrong if you just don't want to wake up anymore? my brother asked me that and i didn't know what to say", False),
    ("if you don't want to wake up anymore, please tell someone tonight, you matter", False),
])
def test_analysis_risk_a_generic_you_the_writer_owns_is_the_writer(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # v11: leaving the forum for good is a goodbye; a break with a reason, or after a recovery, is leave-taking
    ("you've all been kind to me. i won't be posting anymore. look after yourselves", True),
    ("i won't be on here anymore, thanks for everything and take care of each other", True),
    ("i won't be posting anymore, my exams are in two weeks and i need to focus. look after yourselves", False),
    ("i'm in a much better place now, so i won't be posting anymore. thank you all", False),
])
def test_analysis_risk_a_farewell_to_the_forum_and_a_break_from_it(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # v11: medicines mixed with drink beside "don't care if I wake up" are a means, not a habit
    ("had my tablets with half a bottle of rum again, don't really care if i wake up tomorrow", True),
    ("swallowed my codeine with a few beers, hoping it's enough this time", True),
    ("took my codeine with my dinner, hoping it's enough to get me through the night shift", False),
    ("i always have my tablets with a glass of wine, my GP says i shouldn't", False),
])
def test_analysis_risk_medicines_with_drink_are_a_means_not_a_habit(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # v11: another's suicide told plainly is taken up by the writer's "the same", never by someone else's
    ("my cousin hanged himself two years ago and lately i keep thinking about doing the same", True),
    ("my cousin hanged himself two years ago and i'm terrified my aunt will do the same", False),
    ("my dad took his own life when i was small and i did the same apprenticeship he did", False),
])
def test_analysis_risk_the_writer_taking_up_anothers_suicide(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # v11: two weak cues of different kinds side by side in one sentence are two signals; one alone is not
    ("i've written them both a letter and i don't plan on being around by the spring", True),
    ("i've written them both a letter for when they leave for university", False),
    ("i don't plan on being around by the spring, we're moving to Leeds", False),
])
def test_analysis_risk_two_weak_cues_of_different_kinds_in_one_sentence(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # v11: the topic raised with someone else in a carer's "how do I" is theirs; the writer's own in that clause stays
    ("my boyfriend has scratches all up his arms. how do i bring up self harm with him", False),
    ("how do i bring up self harm with her when i'm the one who's been doing it for months", True),
])
def test_analysis_risk_the_topic_raised_with_another(text, risk):
    assert assess(text)["risk"] is risk


@pytest.mark.parametrize("text, risk", [
    # v11 (weak cues): deciding whether to jump, beside a means; staying there, beside the engine running in the garage
    ("been going up to the multi-storey roof after my shifts, deciding whether to jump", True),
    ("still deciding whether to jump at the promotion, it means moving to Glasgow", False),
    ("sat in the car in the garage with the engine running and thought about just staying there", True),
    ("the cottage was so quiet we thought about just staying there for the whole summer", False),
])
def test_analysis_risk_deciding_to_jump_and_staying_there(text, risk):
    assert assess(text)["risk"] is risk
