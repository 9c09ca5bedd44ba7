"""Session labels and transcription-service files through the CLI: stored, listed, shown, in --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.cli import main
from tests.conftest import run_json

LABELLED = ("session,turn,speaker,text\nintake,1,T,What brings you here?\nintake,2,C,I can't sleep.\n"
            "P01-S03,1,T,Where are we today?\nP01-S03,2,C,Somewhere else [Bold] again.\n")
LATER = "session,turn,speaker,text\nP01-S04,1,T,And now?\nP01-S04,2,C,Better.\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_session_labels_listed_shown_and_appended(wsdir: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    imported = run_json(capsys, ["import", "transcript", write(tmp_path, "a.csv", LABELLED), "--client", "c1"])
    assert [(s["number"], s["label"]) for s in imported["sessions"]] == [(1, "intake"), (2, "P01-S03")]
    # a second export with labels is appended after the client's sessions, not refused for taken numbers
    run_json(capsys, ["import", "transcript", write(tmp_path, "b.csv", LATER), "--client", "c1"])
    listed = run_json(capsys, ["sessions", "--client", "c1"])
    assert [(s["number"], s["label"]) for s in listed] == [(1, "intake"), (2, "P01-S03"), (3, "P01-S04")]
    shown = run_json(capsys, ["show", "session", str(listed[1]["id"])])
    assert shown["label"] == "P01-S03"
    analysed = run_json(capsys, ["show", "session", str(listed[0]["id"]), "--annotations"])
    assert analysed["label"] == "intake"
    capsys.readouterr()
    assert main(["sessions", "--client", "c1"]) == 0
    assert "P01-S03" in capsys.readouterr().out


def test_cli_session_label_is_not_stored_in_the_clear(wsdir: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    text = "session,turn,speaker,text\nAnnaSchmidt-intake,1,T,Hello.\nAnnaSchmidt-intake,2,C,Hi.\n"
    run_json(capsys, ["import", "transcript", write(tmp_path, "n.csv", text), "--client", "c1"])
    assert b"AnnaSchmidt" not in (wsdir / "reverie.db").read_bytes()
    assert run_json(capsys, ["sessions", "--client", "c1"])[0]["label"] == "AnnaSchmidt-intake"


def test_cli_session_label_markup_printed_as_text(wsdir: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    text = "session,turn,speaker,text\n[b]S1[/b],1,T,Hello.\n[b]S1[/b],2,C,Hi.\n"
    run_json(capsys, ["import", "transcript", write(tmp_path, "m.csv", text), "--client", "c1"])
    capsys.readouterr()
    assert main(["sessions", "--client", "c1"]) == 0
    assert "[b]S1[/b]" in capsys.readouterr().out


def test_cli_analyze_file_json_has_labels_and_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, ["analyze", write(tmp_path, "a.csv", LABELLED), "--analyzers", "dialogue"])
    assert [s["label"] for s in data["sessions"]] == ["intake", "P01-S03"]
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v T>Hello.\n\n00:0x.000 --> 00:04.000\n<v C>Lost.\n\n" \
          "00:05.000 --> 00:06.000\n<v C>Hi.\n"
    data = run_json(capsys, ["analyze", write(tmp_path, "v.vtt", vtt), "--analyzers", "dialogue"])
    assert data["sessions"][0]["label"] is None
    assert any("the cue at line 6" in n for n in data["notes"])


def test_cli_import_otter_export_and_named_encoding(wsdir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    otter = "Speaker 1  0:03\nWhat brings you here?\n\nSpeaker 2  0:08\nI can't sleep, señor, not since the move.\n"
    path = tmp_path / "export.txt"
    path.write_bytes(otter.encode("cp1252"))
    capsys.readouterr()
    assert main(["import", "transcript", str(path), "--client", "c1"]) == 2  # not UTF-8, and not SRT: refused
    assert "--encoding" in capsys.readouterr().err
    data = run_json(capsys, ["import", "transcript", str(path), "--client", "c1", "--encoding", "cp1252"])
    assert data["format"] == "otter" and any("client" in n for n in data["notes"])
    shown = run_json(capsys, ["show", "session", str(data["sessions"][0]["id"])])
    assert shown["utterances"][1]["text"] == "I can't sleep, señor, not since the move."


def test_cli_session_label_survives_export_and_reimport(wsdir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, ["import", "transcript", write(tmp_path, "a.csv", LABELLED), "--client", "c1"])
    out = tmp_path / "c1.json"
    assert main(["export", "--client", "c1", "--format", "json", "--out", str(out)]) == 0
    assert [s["label"] for s in json.loads(out.read_text())["sessions"]] == ["intake", "P01-S03"]
    assert main(["erase", "--client", "c1", "--yes"]) == 0
    assert main(["import", "workspace-export", str(out)]) == 0
    assert [s["label"] for s in run_json(capsys, ["sessions", "--client", "c1"])] == ["intake", "P01-S03"]
