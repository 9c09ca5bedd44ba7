"""The risk analyser: each kind of risk is flagged, each kind of hard negative is discounted in its clause."""

import time

import pytest

from reverie.analysis.base import REGISTRY, SessionUnits, TextUnit, run
import numpy as np

from reverie.analysis import risk_semantic
from reverie.analysis.risk import RiskAnalyzer, assess, assess_many, find_risk


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


@pytest.mark.parametrize("text, severity", [
    ("I wish I had never been born.", "moderate"),
    ("I want to kill myself.", "high"),
    ("I have a plan to end my life on Sunday.", "imminent"),
    ("I tried to kill myself on Saturday.", "imminent"),
])
def test_analysis_risk_severity_follows_category(text, severity):
    assert assess(text)["severity"] == severity


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
    assert summary.case == {"n_flags": 1, "max_severity": "high", "sessions_with_flags": ["s1"]}


def test_analysis_risk_summary_of_a_quiet_session_is_empty():
    summary = RiskAnalyzer().summarize([SessionUnits("s2", [], [])])
    assert summary.sessions["s2"] == {"flags": [], "n_flags": 0, "max_severity": "none"}


def test_analysis_risk_matches_are_explained():
    matches = find_risk("I would never hurt myself.")
    assert [(m.category, m.discounted_by) for m in matches] == [("self_harm", "negation")]


def test_analysis_risk_is_fast():
    filler = "Today I went to work, talked with my manager and cooked dinner with my partner. "
    texts = [filler * 20 + "I want to end it all."] * 50
    assess(texts[0])  # load the patterns
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for t in texts:
        assess(t)
    rate = words / (time.perf_counter() - start)
    assert rate > 50_000, f"{rate:.0f} words/s"


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


def test_analysis_risk_semantic_flags_a_sentence_the_rules_miss(stub_encoder):
    # Word for word a preparation prototype, so the stub finds it; the rules have no pattern for it.
    text = "Work was quiet. I've been visiting all the places I love one last time."
    assert assess(text)["risk"] is False
    [result] = assess_many([text], semantic=True)
    assert result["risk"] is True and result["method"] == "semantic"
    # a semantic-only hit keeps its category but is capped at "moderate": a resemblance, not a finding
    assert result["category"] == "preparation" and result["severity"] == "moderate"
    assert result["quotes"] == ["I've been visiting all the places I love one last time."]  # the whole sentence


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
