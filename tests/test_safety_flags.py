"""One risk-flag type (domain.RiskFlag) from the risk analyser and the questionnaires to the therapist's task."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from reverie.safety import tasks as safety_service
from reverie.domain import Entry, Response, RiskFlag


class Store:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def add_safety_task(self, client: str, source: str, ref: str, category: str, severity: str,
                        evidence: dict[str, Any]) -> tuple[int, bool]:
        self.calls.append((source, ref, category, severity, evidence))
        return len(self.calls), True


@pytest.fixture
def workspace() -> Any:
    return SimpleNamespace(store=Store(), settings=SimpleNamespace(jurisdiction="none"))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[RiskFlag]:
    """The flags the service opens tasks from (it must hand over a RiskFlag)."""
    seen: list[RiskFlag] = []
    real = safety_service._open_task

    def spy(workspace: Any, client: str, flag: Any, evidence: dict[str, Any]) -> dict[str, Any]:
        assert isinstance(flag, RiskFlag)
        seen.append(flag)
        return real(workspace, client, flag, evidence)

    monkeypatch.setattr(safety_service, "_open_task", spy)
    return seen


def test_safety_flags_one_type_in_domain_and_safety() -> None:
    from reverie.safety import RiskFlag as SafetyRiskFlag
    assert SafetyRiskFlag is RiskFlag
    flag = RiskFlag("entry", "3", "plan", "plan", ["a plan"], [(0, 6)], "why", "high", ["quoted"])
    assert RiskFlag.from_dict(flag.to_dict()) == flag and flag.to_dict()["discounted"] == ["quoted"]


def test_safety_flags_journal_entry_task_is_made_from_the_flag(workspace: Any, opened: list[RiskFlag]) -> None:
    entry = Entry(id=41, client="c1", written_at=datetime(2026, 3, 2, 21, 0), kind="reflection",
                  text="The walk was fine. Honestly, I want to kill myself.")
    [task] = safety_service.screen_entries(workspace, "c1", [entry])
    [flag] = opened
    source, ref, category, severity, evidence = workspace.store.calls[0]
    assert (source, ref, category, severity) == ("entry", "41", flag.category, flag.severity) == \
        (flag.source_kind, flag.source_id, flag.category, flag.severity)
    assert evidence["quotes"] == flag.evidence and evidence["urgency"] == flag.urgency != ""
    assert evidence["discounted"] == flag.discounted and "The walk was fine" not in evidence["text"]
    assert (task["source"], task["source_ref"], task["category"]) == ("entry", "41", flag.category)


def test_safety_flags_session_and_questionnaire_tasks_are_made_from_flags(workspace: Any,
                                                                          opened: list[RiskFlag]) -> None:
    from reverie.analysis.risk import assess
    text = "I have been saving up my pills, just in case."
    analysis = {"sessions": [{"id": 7, "number": 3, "date": "2026-03-02", "utterances": [
        {"index": 12, "text": text, "annotations": {"risk": assess(text)}},
        {"index": 13, "text": "We had a lovely walk.", "annotations": {"risk": assess("We had a lovely walk.")}}]}]}
    safety_service.screen_analysis(workspace, "c1", analysis)
    safety_service.screen_response(workspace, "c1", Response("c1", "phq9", [1] * 8 + [2], session=3, id=5))
    assert [(f.source_kind, f.source_id) for f in opened] == [("utterance", "session:7:12"),
                                                              ("questionnaire", "phq9:5")]
    assert [c[:2] for c in workspace.store.calls] == [("utterance", "session:7:12"), ("questionnaire", "phq9:5")]
    assert workspace.store.calls[1][4]["quotes"] == opened[1].evidence and opened[1].reason
