"""The `reverie` command: the contract shapes of --json output, exit statuses and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.cli import main
from tests.conftest import run_json

TEXT = "T: What comes to mind?\nC: The kitchen (long pause) and the radio my grandmother kept on.\nT: Mm.\n"


def test_cli_import_transcript_json_contract(wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    data = run_json(capsys, ["import", "transcript", str(f), "--client", "c1", "--date", "2026-02-02"])
    assert data["duplicate"] is False
    (s,) = data["sessions"]
    assert set(s) >= {"id", "client", "number", "utterances", "client_words", "therapist_words"}
    # client: "The kitchen and the radio my grandmother kept on." = 9 words; therapist: 4 + 1
    assert (s["client"], s["number"], s["utterances"], s["client_words"], s["therapist_words"]) == ("c1", 1, 3, 9, 5)
    again = run_json(capsys, ["import", "transcript", str(f), "--client", "c1"])
    assert again["duplicate"] is True


def test_cli_bad_transcript_exits_2_and_names_the_place(wsdir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "broken.srt"
    f.write_text("1\n00:00:01,000 --> 00:00:02,000\nC: hello\n\n2\n00:00:03,000 -> 00:00:04,000\nT: hi\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "transcript", str(f), "--client", "c1"]) == 2
    message = capsys.readouterr().err
    assert "broken.srt" in message and "line" in message
    assert run_json(capsys, ["clients"]) == []


def test_cli_listings_and_show_session(wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    main(["import", "transcript", str(f), "--client", "c1"])
    clients = run_json(capsys, ["clients"])
    assert [c["code"] for c in clients] == ["c1"] and clients[0]["sessions"] == 1
    sessions = run_json(capsys, ["sessions", "--client", "c1"])
    shown = run_json(capsys, ["show", "session", str(sessions[0]["id"])])
    u = shown["utterances"][1]
    assert (u["role"], u["speaker"], u["markers"]) == ("client", "C", ["long pause"])
    assert u["text"] == "The kitchen and the radio my grandmother kept on."


def test_cli_show_session_annotations_and_analyze_file_shape(wsdir: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    main(["import", "transcript", str(f), "--client", "c1"])
    capsys.readouterr()
    assert main(["show", "session", "1", "--annotations"]) == 0
    assert "[encourager]" in capsys.readouterr().out  # "Mm." beside the therapist's last turn
    result = run_json(capsys, ["analyze", str(f), "--analyzers", "dialogue,transference,affect"])
    (session,) = result["sessions"]
    therapist = session["utterances"][0]["annotations"]
    assert therapist["dialogue"]["intervention"] == "question_open"
    assert isinstance(therapist["dialogue"]["evidence"], list)
    assert "transference" not in therapist  # client-only analyser
    assert set(session["summary"]) == {"dialogue", "transference", "affect"}


def test_cli_export_and_reimport_round_trip(wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    main(["import", "transcript", str(f), "--client", "c1"])
    out = tmp_path / "c1.json"
    assert main(["export", "--client", "c1", "--format", "json", "--out", str(out)]) == 0
    assert main(["erase", "--client", "c1", "--yes"]) == 0
    assert main(["import", "workspace-export", str(out)]) == 0
    again = tmp_path / "again.json"
    main(["export", "--client", "c1", "--format", "json", "--out", str(again)])
    a, b = json.loads(out.read_text()), json.loads(again.read_text())
    assert [s["utterances"] for s in a["sessions"]] == [s["utterances"] for s in b["sessions"]]


def test_cli_erase_needs_yes(wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    main(["import", "transcript", str(f), "--client", "c1"])
    assert main(["erase", "--client", "c1"]) == 2
    assert len(run_json(capsys, ["clients"])) == 1


def test_cli_measures_score_contract(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, ["measures", "score", "gad7", "--answers", "3,3,3,3,3,3,3"])
    assert set(data) >= {"instrument", "total", "subscales", "band", "flags", "complete"}
    assert data["total"] == 21 and data["complete"] is True
    capsys.readouterr()
    assert main(["measures", "score", "gad7", "--answers", "3,3,3,3,3,3,9"]) == 2
    assert "item 7" in capsys.readouterr().err


def test_cli_progress_contract(wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = ["2,2,2,2,2,2,2,1,0", "2,2,2,2,2,2,1,1,0", "1,1,1,1,1,1,1,2,0", "1,1,1,1,1,1,1,1,0", "1,1,1,1,1,1,1,0,0"]
    # totals 15, 14, 9, 8, 7 (item 9 always 0)
    rows = ["date,session,instrument,answers"] + [f'2026-01-{n:02d},{n},phq9,"{a}"' for n, a in enumerate(answers, 1)]
    f = tmp_path / "m.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["measures", "import", str(f), "--client", "c1"]) == 0
    data = run_json(capsys, ["progress", "--client", "c1", "--plot", str(tmp_path / "p.svg")])
    assert set(data) >= {"client", "sessions", "case", "instruments", "flags"}
    assert [s["number"] for s in data["sessions"]] == [1, 2, 3, 4, 5]
    assert set(data["sessions"][0]) >= {"number", "feeling_better", "getting_better", "class", "explanation"}
    phq = data["instruments"]["phq9"]
    assert (phq["baseline"], phq["latest"]) == (15, 7)
    assert phq["reliable_change"] == "improved"  # 15 -> 7 is 8 points, past the 6-point threshold
    assert (tmp_path / "p.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


def test_cli_safety_list_and_ack(wsdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measures", "record", "phq9", "--client", "c1", "--answers", "1,1,1,1,1,1,1,1,1", "--session", "2"]) == 0
    tasks = run_json(capsys, ["safety", "list"])
    assert len(tasks) == 1 and tasks[0]["client"] == "c1"
    # --by is still accepted, but the record names the acting user, and stderr says so
    ack = run_json(capsys, ["safety", "ack", str(tasks[0]["id"]), "--by", "Dr Adler"])
    assert ack["acknowledged_by"] == "ruth"
    assert run_json(capsys, ["safety", "list"]) == []
    assert run_json(capsys, ["safety", "list", "--all"])[0]["acknowledged_by"] == "ruth"


def test_cli_safety_ack_without_by_and_notes_a_different_by(wsdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for session in ("1", "2"):
        assert main(["measures", "record", "phq9", "--client", "c1", "--answers", "1,1,1,1,1,1,1,1,1",
                     "--session", session]) == 0
    first, second = (t["id"] for t in run_json(capsys, ["safety", "list"]))
    assert main(["safety", "ack", str(first)]) == 0
    assert "acknowledged by ruth" in capsys.readouterr().out
    assert main(["safety", "ack", str(second), "--by", "Dr Adler"]) == 0
    captured = capsys.readouterr()
    assert "acknowledged by ruth" in captured.out and "not 'Dr Adler'" in captured.err


def test_cli_refuses_to_act_as_a_client_user(wsdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measures", "record", "phq9", "--client", "c1", "--answers", "0,0,0,0,0,0,0,0,0"]) == 0
    assert main(["users", "add", "sam", "--role", "client", "--client", "c1"]) == 0
    capsys.readouterr()
    assert main(["clients", "--user", "sam"]) == 2
    captured = capsys.readouterr()
    assert "is a client" in captured.err and "c1" not in captured.out


def test_cli_eval_risk_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "r.jsonl"
    # two risks (one found, the idiom-free indirect one may or may not be) and one hard negative: check the shape
    f.write_text('{"text": "I am going to kill myself tonight.", "label": 1}\n'
                 '{"text": "I could kill for a coffee.", "label": 0}\n', encoding="utf-8")
    data = run_json(capsys, ["eval", "risk", "--data", str(f)])
    assert set(data) >= {"n", "recall", "precision", "f1", "false_negatives"}
    assert (data["n"], data["recall"], data["precision"]) == (2, 1.0, 1.0)


def test_cli_audit_verify_and_wrong_key(wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify"]) == 0
    from reverie.store import crypto
    other = tmp_path / "other.key"
    crypto.write_key_file(other, crypto.new_key())
    capsys.readouterr()
    assert main(["clients", "--key-file", str(other)]) == 4
    assert "wrong key" in capsys.readouterr().err


def test_cli_analyzers_list_names_every_builtin(capsys: pytest.CaptureFixture[str]) -> None:
    names = {a["name"] for a in run_json(capsys, ["analyzers", "list"])}
    assert names >= {"affect", "abstraction", "cycles", "referential", "dialogue", "transference", "risk"}


def test_cli_measures_items_loads_licensed_text_into_workspace(wsdir: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    shipped = run_json(capsys, ["measures", "items", "phq9"])
    assert shipped["source"] == "shipped" and len(shipped["items"]) == 9 and shipped["items"][0]["text"]
    short = tmp_path / "core10.txt"
    short.write_text("\n".join(f"Practice copy of item {i}" for i in range(1, 10)) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["measures", "items", "core10", "--load", str(short)]) == 2  # nine lines for ten items
    assert "10 items" in capsys.readouterr().err
    full = tmp_path / "core10-full.txt"
    full.write_text("\n".join(f"Practice copy of item {i}" for i in range(1, 11)) + "\n", encoding="utf-8")
    loaded = run_json(capsys, ["measures", "items", "core10", "--load", str(full)])
    assert loaded["items"][9]["text"] == "Practice copy of item 10"
    again = run_json(capsys, ["measures", "items", "core10"])  # kept in the workspace
    assert again["items"] == loaded["items"] and again["source"].startswith(str(wsdir))
