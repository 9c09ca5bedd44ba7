"""Text a user typed is printed as typed, never read as rich markup: `[/]` in a code or a note crashes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.cli import main
from reverie.cli.common import out

CODE = "[/]c[bold]1"  # a client code: no spaces
MARK = "[/] [bold]loud[link=https://example.org]x :smile:"  # titles, notes, reasons, plan items


@pytest.fixture
def wsdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setattr(out, "width", 400)  # table cells unwrapped, so a typed text can be found whole
    monkeypatch.setattr("reverie.safety.tasks.screen_entries", lambda *a, **k: [])  # printing, not screening
    assert main(["init", "--user", "[/]Dr"]) == 0  # the acting user, named with markup
    return tmp_path / "ws"


def shown(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    capsys.readouterr()
    assert main(args) == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_cli_markup_in_every_typed_field_prints_as_text(wsdir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s1.txt"
    session.write_text("[b]Dr: What comes to mind?\nC: The kitchen and the radio.\n", encoding="utf-8")
    assert CODE in shown(capsys, ["import", "transcript", str(session), "--client", CODE,
                                  "--therapist-label", "[b]Dr"])
    journal = tmp_path / "j.jsonl"
    journal.write_text(json.dumps({"written_at": "2026-03-01", "kind": "reflection", "title": MARK,
                                   "text": f"{MARK} by the river.", "shared_with_therapist": True})
                       + "\n", encoding="utf-8")
    assert CODE in shown(capsys, ["import", "entries", str(journal), "--client", CODE])
    recorded = shown(capsys, ["measures", "record", "phq9", "--client", CODE, "--answers", "1,1,1,1,1,1,1,1,1"])
    assert "Safety task 1 opened" in recorded
    assert MARK in shown(capsys, ["entries", "--client", CODE])
    assert f"client {CODE}" in shown(capsys, ["safety", "list"])  # the open task is shown, not hidden by a crash
    assert CODE in shown(capsys, ["clients"])
    assert CODE in shown(capsys, ["sessions", "--client", CODE])
    assert "[b]Dr: What comes to mind?" in shown(capsys, ["show", "session", "1"])
    assert CODE in shown(capsys, ["notes", "add", "--client", CODE, "--text", MARK])
    notes = shown(capsys, ["notes", "list", "--client", CODE])
    assert "[/] [bold]loud" in notes and ":smile:" in notes
    assert CODE in shown(capsys, ["consent", "grant", "--client", CODE, "--scope", "sharing", "--detail", MARK])
    assert "[/] [bold]loud" in shown(capsys, ["consent", "list", "--client", CODE])
    assert CODE in shown(capsys, ["hold", "--client", CODE, "--reason", MARK])
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"warning_signs": [MARK], "people_to_ask": ["[red]Sam"]}), encoding="utf-8")
    assert MARK in shown(capsys, ["safety", "plan", "--client", CODE, "--set", str(plan)])
    assert "[red]Sam" in shown(capsys, ["safety", "plan", "--client", CODE])
    task = json.loads(shown(capsys, ["safety", "list", "--json"]))[0]["id"]
    assert "[/]Dr" in shown(capsys, ["safety", "ack", str(task)])  # recorded as the acting user
    assert "[/]Dr" in shown(capsys, ["safety", "list", "--all"])
    assert CODE in shown(capsys, ["progress", "--client", CODE])
    assert CODE in shown(capsys, ["audit", "show", "--client", CODE])
    assert "[i]sam" in shown(capsys, ["users", "add", "[i]sam", "--role", "therapist"])
    assert "[i]sam" in shown(capsys, ["users", "list"])


def test_cli_markup_in_an_error_message_prints_as_text(wsdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["sessions", "--client", "nobody[/]"]) == 2
    assert "no client with code 'nobody[/]'" in capsys.readouterr().err
