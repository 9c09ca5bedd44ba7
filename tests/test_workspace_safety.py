"""Crisis safety through the workspace: journal and questionnaire flags become therapist tasks; acknowledgement is audited."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.domain import Entry
from reverie.errors import InputError
from reverie.safety import NOT_WATCHED_NOTE


def test_workspace_risky_entry_opens_task_and_returns_fixed_message(ws: rw.Workspace) -> None:
    ws.add_client("c1", locale="en-GB")
    result = ws.add_entries("c1", [
        Entry("c1", datetime(2026, 4, 4, 23, 0), "reflection",
              "Long day. Honestly I keep thinking everyone would be better off without me.", "", False),
        Entry("c1", datetime(2026, 4, 5, 9, 0), "moment", "This deadline is killing me, ha.", "", True),
    ])
    assert len(result["safety"]) == 1
    flag = result["safety"][0]
    assert flag["category"] == "passive_ideation"
    assert any("better off without me" in q for q in flag["quotes"])
    message = result["safety_message"]
    assert any("116 123" in c["number"] for c in message["contacts"])  # Samaritans for en-GB
    assert NOT_WATCHED_NOTE in str(message)
    # the task is at the top of the therapist's list, with the evidence, even though the entry was not shared
    tasks = ws.safety_tasks()
    assert [t["source"] for t in tasks] == ["entry"]
    assert "better off without me" in tasks[0]["evidence"]["text"]


def test_workspace_same_entry_twice_opens_one_task(ws: rw.Workspace) -> None:
    e = Entry("c1", datetime(2026, 4, 4), "reflection", "I want to kill myself tonight.", "", True)
    ws.add_entries("c1", [e])
    again = ws.add_entries("c1", [e])
    assert again["safety"] == [] and again["imported"] == 0
    assert len(ws.safety_tasks()) == 1


def test_workspace_phq9_item9_raises_flag_whatever_the_total(ws: rw.Workspace) -> None:
    low_total = [0, 0, 0, 0, 0, 0, 0, 0, 1]  # total 1: minimal symptoms, yet item 9 answered
    result = ws.record_response("c1", "phq9", low_total, session=3)
    assert result["total"] == 1
    assert "phq9_item9" in result["flags"]
    (task,) = ws.safety_tasks()
    assert task["source"] == "questionnaire" and task["category"] == "passive_ideation"
    none = ws.record_response("c1", "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], session=4)
    assert none["safety"] == [] and len(ws.safety_tasks()) == 1


def test_workspace_acknowledgement_is_kept_and_audited(ws: rw.Workspace) -> None:
    ws.record_response("c1", "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 2], session=1)
    (task,) = ws.safety_tasks()
    done = ws.acknowledge_task(task["id"], "Dr Ruth Adler")
    assert done["acknowledged_by"] == "Dr Ruth Adler"
    assert ws.safety_tasks() == []
    (kept,) = ws.safety_tasks(open_only=False)
    assert kept["acknowledged_by"] == "Dr Ruth Adler" and kept["acknowledged_at"]
    rows = [r for r in ws.audit_show("c1") if r["action"] == "acknowledge"]
    assert rows and rows[0]["resource"] == f"safety_task:{task['id']}" and "Dr Ruth Adler" in rows[0]["detail"]
    with pytest.raises(InputError, match="already acknowledged"):
        ws.acknowledge_task(task["id"], "someone else")


def test_workspace_safety_plan_round_trip_and_client_can_read_it(ws: rw.Workspace) -> None:
    ws.add_client("c1")
    plan = {"warning_signs": ["not sleeping", "cancelling plans"], "internal_coping": ["walk by the river"],
            "people_to_ask": ["Jonah"], "professionals_and_lines": ["GP", "Samaritans 116 123"],
            "environment_safety": ["pills kept by Jonah"]}
    ws.set_safety_plan("c1", plan)
    stored = ws.safety_plan("c1")
    assert stored["warning_signs"] == ["not sleeping", "cancelling plans"]
    assert stored["updated_by"] == "ruth"
    ws.add_user("sam", "client", client="c1")
    client = rw.open(ws.settings.workspace, db=ws.settings.db, user="sam")
    assert client.safety_plan("c1")["people_to_ask"] == ["Jonah"]
    client.close()


def test_workspace_risk_in_session_utterance_opens_task(ws: rw.Workspace, tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_text("T: How has the week been?\nC: Bad. I've started saving up my pills, just in case.\n", encoding="utf-8")
    ws.import_transcript(f, "c1")
    result = ws.analyze(client="c1", analyzers=["risk"])
    assert [s["source"] for s in result["safety"]] == ["utterance"]
    assert ws.safety_tasks()[0]["category"] == "preparation"


def test_workspace_caseload_lists_clients_with_open_safety_tasks_first(ws: rw.Workspace) -> None:
    ws.add_client("a1")
    ws.add_client("z9")
    ws.record_response("z9", "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2], session=1)
    rows = ws.clients()
    assert [(r["code"], r["open_safety_tasks"]) for r in rows] == [("z9", 1), ("a1", 0)]
    ws.acknowledge_task(ws.safety_tasks()[0]["id"], "ruth")
    assert [r["code"] for r in ws.clients()] == ["a1", "z9"]
