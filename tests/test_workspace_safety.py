"""Crisis safety through the workspace: journal and questionnaire flags become therapist tasks; acknowledgement is audited."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.domain import Entry
from reverie.errors import InputError
from reverie.safety import NOT_WATCHED_NOTE
from reverie.safety.tasks import GAP, flagged_sentences
from tests.conftest import workspace_bytes


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


def test_workspace_questionnaire_tasks_speak_the_ladder_and_keep_their_urgency(ws: rw.Workspace) -> None:
    ws.record_response("c1", "core10", [0, 0, 0, 0, 0, 1, 0, 0, 0, 0], session=1)  # plan, answered "occasionally"
    ws.record_response("c1", "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1], session=2)  # wish to be dead
    ws.record_response("c1", "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 3], session=3)  # nearly every day
    ws.record_response("c1", "core10", [0, 0, 0, 0, 0, 3, 0, 0, 0, 0], session=4)  # plan, "often"
    tasks = ws.safety_tasks()
    assert [(t["severity"], t["evidence"]["urgency"], t["evidence"]["session"]) for t in tasks] == [
        ("plan", "imminent", 4), ("plan", "high", 1), ("active_thoughts", "high", 3),
        ("wish_to_be_dead", "moderate", 2)]
    assert tasks[-1]["evidence"]["severity_label"] == "Wish to be dead"
    assert tasks[0]["evidence"]["severity_label"] == "Active suicidal thoughts with a specific plan and intent"


def test_workspace_acknowledgement_is_kept_and_audited(ws: rw.Workspace) -> None:
    ws.record_response("c1", "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 2], session=1)
    (task,) = ws.safety_tasks()
    done = ws.acknowledge_task(task["id"])
    assert done["acknowledged_by"] == "ruth"
    assert ws.safety_tasks() == []
    (kept,) = ws.safety_tasks(open_only=False)
    assert kept["acknowledged_by"] == "ruth" and kept["acknowledged_at"]
    rows = [r for r in ws.audit_show("c1") if r["action"] == "acknowledge"]
    assert rows and rows[0]["resource"] == f"safety_task:{task['id']}" and rows[0]["actor"] == "ruth"
    with pytest.raises(InputError, match="already acknowledged"):
        ws.acknowledge_task(task["id"])


def test_workspace_acknowledgement_records_the_acting_user_not_a_typed_name(ws: rw.Workspace) -> None:
    ws.record_response("c1", "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 2], session=1)
    (task,) = ws.safety_tasks()
    done = ws.acknowledge_task(task["id"], "Dr Somebody Else")
    assert done["acknowledged_by"] == "ruth" and "not 'Dr Somebody Else'" in done["note"]
    (kept,) = ws.safety_tasks(open_only=False)
    assert kept["acknowledged_by"] == "ruth"
    assert not any("Somebody" in str(r) for r in ws.audit_show("c1"))


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


BEFORE = "My sister came round on Sunday and we argued about the allotment."
RISKY = "Honestly I keep thinking everyone would be better off without me."
AFTER = "The cat was sick again and the vet bill frightened me."


def _cli_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> object:
    from reverie.cli import main
    capsys.readouterr()
    assert main(args + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _evidence_blob(db: Path, task_id: int) -> bytes:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT evidence_enc FROM safety_tasks WHERE id = ?", (task_id,)).fetchone()[0]


def test_workspace_task_keeps_only_the_flagged_sentence_and_erasure_removes_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reverie.cli import main
    folder = tmp_path / "ws"
    ws = rw.init(folder, user="ruth")
    ws.add_entries("c1", [Entry("c1", datetime(2026, 4, 4, 23, 0), "reflection", f"{BEFORE} {RISKY} {AFTER}", "",
                                False)])
    ws.close()
    w = ["--workspace", str(folder)]
    (task,) = _cli_json(capsys, ["safety", "list", *w])
    assert task["evidence"]["text"] == RISKY
    assert [task["evidence"]["text"][a:b] for a, b in task["evidence"]["spans"]] == task["evidence"]["quotes"]
    listed = json.dumps(task)
    assert "allotment" not in listed and "vet bill" not in listed
    assert main(["safety", "ack", str(task["id"]), *w]) == 0
    blob = _evidence_blob(folder / "reverie.db", task["id"])

    assert main(["erase", "--client", "c1", "--journal-only", "--yes", *w]) == 0
    (kept,) = _cli_json(capsys, ["safety", "list", "--all", *w])
    assert (kept["id"], kept["category"], kept["acknowledged_by"]) == (task["id"], task["category"], "ruth")
    assert kept["evidence"]["text"] == "" and kept["evidence"]["quotes"] == [] and kept["evidence"]["erased"] == "entry"
    assert "better off" not in json.dumps(kept)
    assert blob not in workspace_bytes(folder)  # the old ciphertext is gone too, not only its key

    assert main(["erase", "--client", "c1", "--yes", *w]) == 0
    assert _cli_json(capsys, ["safety", "list", "--all", *w]) == []
    audit = _cli_json(capsys, ["audit", "show", "--client", "c1", *w])
    # the task's existence and acknowledgement stay in the audit trail, without its words
    assert {(r["action"], r["resource"]) for r in audit} >= {("write", f"safety_task:{task['id']}"),
                                                             ("acknowledge", f"safety_task:{task['id']}")}
    assert "better off" not in json.dumps(audit)


@pytest.mark.parametrize("text, quotes, kept", [
    (f"{BEFORE} {RISKY} {AFTER}", ["better off without me"], [RISKY]),
    ("One. I want to die. Two! I have the pills.\nThree", ["want to die", "have the pills"],
     ["I want to die.", "I have the pills."]),
    ("Alone. Cannot go on. Really cannot. End", ["go on. Really"], ["Cannot go on. Really cannot."]),  # across an end
    ("no punctuation at all but i want to die", ["want to die"], ["no punctuation at all but i want to die"]),
    ("Ça va. Je veux mourir… Non.", ["veux mourir"], ["Je veux mourir…"]),
    ("", [], [""]),
])
def test_safety_tasks_flagged_sentences(text: str, quotes: list[str], kept: list[str]) -> None:
    spans = [(text.index(q), text.index(q) + len(q)) for q in quotes]
    excerpt, moved = flagged_sentences(text, spans)
    assert excerpt == GAP.join(kept)
    assert [excerpt[a:b] for a, b in moved] == quotes
