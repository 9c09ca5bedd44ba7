"""The safety message (fixed text, no generated advice), crisis contacts, the safety plan and risk flags."""

import pytest

from reverie.analysis.risk import LADDER, RiskAnalyzer
from reverie.analysis.base import TextUnit
from reverie.errors import InputError, ScoringError
from reverie.safety import (
    NOT_WATCHED_NOTE, SAFETY_EMERGENCY, SAFETY_INTRO, CrisisContact, RiskFlag, SafetyPlan, crisis_contacts,
    flag_from_questionnaire, flags_from_annotation, safety_message,
)


@pytest.mark.parametrize("locale, number", [
    ("en-US", "988"), ("US", "988"), ("en-GB", "116 123"), ("en_GB", "116 123"), ("UK", "116 123"),
    ("en-IE", "116 123"), ("ga-IE", "116 123"), ("fr-FR", "112"), ("de-DE", "112"),
])
def test_safety_default_contacts_per_locale(locale, number):
    assert crisis_contacts(locale)[0].number == number


@pytest.mark.parametrize("locale", [None, "", "en", "ja-JP"])
def test_safety_unknown_locale_falls_back_to_local_emergency_services(locale):
    contacts = crisis_contacts(locale)
    assert len(contacts) == 1 and "local emergency services" in contacts[0].name


def test_safety_us_line_can_be_called_or_texted():
    assert crisis_contacts("en-US")[0].how == "call or text"


def test_safety_overrides_replace_the_defaults_for_their_locale_only():
    overrides = {"gb": [{"name": "Shout", "number": "85258", "how": "text"}],
                 "*": [CrisisContact("Practice duty line", "0100 000 000")]}
    assert [c.name for c in crisis_contacts("en-GB", overrides)] == ["Shout"]
    assert crisis_contacts("en-US", overrides)[0].number == "988"
    assert crisis_contacts("ja-JP", overrides)[0].name == "Practice duty line"


def test_safety_empty_override_is_refused():
    with pytest.raises(InputError, match="empty"):
        crisis_contacts("en-US", {"US": []})


def test_safety_message_is_the_fixed_template_plus_contacts():
    msg = safety_message("en-GB")
    expected = (SAFETY_INTRO + "\n"
                + "- Samaritans: call 116 123 (free, 24 hours a day) - https://www.samaritans.org\n"
                + "- Emergency services: call 999\n\n" + SAFETY_EMERGENCY + "\n\n" + NOT_WATCHED_NOTE)
    assert msg.render_text() == expected
    assert "not watched in real time" in msg.render_text()


def test_safety_message_holds_no_text_from_the_entry():
    # The message must never echo or respond to what was written: it is the same for any entry.
    assert safety_message("en-US").render_text() == safety_message("en-US").render_text()
    assert "988" in safety_message("en-US").to_dict()["text"]


def test_safety_message_html_is_escaped():
    msg = safety_message("xx-ZZ", {"ZZ": [{"name": "<script>alert(1)</script> & Co", "number": "1 2"}]})
    out = msg.render_html()
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; Co" in out
    assert 'href="tel:12"' in out and 'role="alert"' in out


def test_safety_plan_round_trips_and_renders_all_six_steps():
    plan = SafetyPlan.from_dict({"warning_signs": ["I stop answering messages "], "people_to_ask": ["Ana"]})
    assert SafetyPlan.from_dict(plan.to_dict()) == plan
    text = plan.render_text()
    assert "1. Warning signs" in text and "6. Making the environment safe" in text
    assert "- I stop answering messages" in text and text.count("(not filled in yet)") == 4
    assert SafetyPlan().is_empty and not plan.is_empty


@pytest.mark.parametrize("bad", [{"warnings": []}, {"warning_signs": "call Ana"}, {"people_to_ask": [3]}])
def test_safety_plan_rejects_bad_sections(bad):
    with pytest.raises(InputError):
        SafetyPlan.from_dict(bad)


def test_safety_flag_from_annotation_carries_the_evidence():
    text = "It was a long day and I want to kill myself."
    ann = RiskAnalyzer(semantic=False).annotate([TextUnit.of(text, unit_id="e7")])[0]
    [flag] = flags_from_annotation(ann, source_kind="entry", text=text)
    assert flag.source_id == "e7" and flag.category == "active_ideation" and flag.severity == "active_thoughts"
    assert flag.evidence == ["kill myself"] and text[slice(*flag.spans[0])] == "kill myself"
    assert RiskFlag.from_dict(flag.to_dict()) == flag


def test_safety_no_flag_without_risk():
    ann = RiskAnalyzer(semantic=False).annotate([TextUnit.of("This commute is killing me.")])[0]
    assert flags_from_annotation(ann) == []


@pytest.mark.parametrize("answer, category, severity, urgency", [
    (1, "passive_ideation", "wish_to_be_dead", "moderate"),
    (2, "active_ideation", "active_thoughts", "high"),
    (3, "active_ideation", "active_thoughts", "high"),
])
def test_safety_phq9_item9_above_zero_raises_a_flag_on_the_columbia_ladder(answer, category, severity, urgency):
    flag = flag_from_questionnaire("PHQ-9", [0, 1, 2, 1, 0, 1, 0, 0, answer], source_id="r3")
    assert flag is not None and flag.source_kind == "questionnaire"
    assert (flag.category, flag.severity, flag.urgency) == (category, severity, urgency)
    assert severity in LADDER  # the risk screen's own vocabulary
    assert "item 9" in flag.evidence[0] and flag.to_dict()["urgency"] == urgency


def test_safety_phq9_item9_zero_or_unanswered_raises_none():
    assert flag_from_questionnaire("phq9", [3] * 8 + [0]) is None
    assert flag_from_questionnaire("phq9", [3] * 8 + [None]) is None


def test_safety_core10_item6_raises_a_plan_flag():
    answers = [0] * 10
    assert flag_from_questionnaire("core10", answers) is None
    answers[5] = 2
    flag = flag_from_questionnaire("CORE-10", answers)
    assert (flag.category, flag.severity, flag.urgency) == ("plan", "plan", "imminent")
    answers[5] = 1  # "only occasionally": still the plan step, ordered below an imminent task
    flag = flag_from_questionnaire("CORE-10", answers)
    assert (flag.category, flag.severity, flag.urgency) == ("plan", "plan", "high")


def test_safety_questionnaire_errors_name_the_problem():
    with pytest.raises(ScoringError, match="expected 9 answers"):
        flag_from_questionnaire("phq9", [0] * 8)
    with pytest.raises(ScoringError, match="outside 0-3"):
        flag_from_questionnaire("phq9", [0] * 8 + [5])
    assert flag_from_questionnaire("gad7", [3] * 7) is None


def test_safety_risk_flag_rejects_an_unknown_source():
    with pytest.raises(InputError):
        RiskFlag("email", "1", "plan", "imminent")
