"""The Python API over SQLite and PostgreSQL: imports, idempotency, bad input, export round trip, backups."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.domain import Entry
from reverie.errors import ConsentRequired, IngestError, InputError, VerificationError

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Dr Lee>How was the week?

00:00:09.500 --> 00:00:15.000
<v Ana>Quiet. Too quiet, maybe. I didn't call my mother.
"""


def counts(ws: rw.Workspace, client: str) -> tuple[int, int, int]:
    rows = {c["code"]: c for c in ws.clients()}
    c = rows.get(client, {"sessions": 0, "entries": 0, "responses": 0})
    return c["sessions"], c["entries"], c["responses"]


def test_workspace_import_reports_counts_and_numbers(ws: rw.Workspace, session_file: Path) -> None:
    result = ws.import_transcript(session_file, "c1", date=date(2026, 1, 12))
    assert result["duplicate"] is False
    (s,) = result["sessions"]
    assert (s["client"], s["number"], s["utterances"]) == ("c1", 1, 4)
    # therapist: "What brings you here today?" (5) + "Mm. Tell me more about the mornings." (7)
    assert s["therapist_words"] == 12
    stored = ws.session(s["id"])
    assert stored.date == date(2026, 1, 12)
    assert stored.utterances[1].markers == ["pause"]
    assert "(pause)" not in stored.utterances[1].text


def test_workspace_import_twice_stores_once(ws: rw.Workspace, session_file: Path) -> None:
    first = ws.import_transcript(session_file, "c1")
    second = ws.import_transcript(session_file, "c1")
    assert second["duplicate"] is True
    assert second["sessions"][0]["id"] == first["sessions"][0]["id"]
    assert counts(ws, "c1") == (1, 0, 0)


def test_workspace_same_file_for_two_clients_is_two_sessions(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1")
    ws.import_transcript(session_file, "c2")
    assert counts(ws, "c1")[0] == counts(ws, "c2")[0] == 1


def test_workspace_next_session_number_and_vtt_times(ws: rw.Workspace, session_file: Path, tmp_path: Path) -> None:
    ws.import_transcript(session_file, "c1")
    vtt = tmp_path / "s2.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    result = ws.import_transcript(vtt, "c1", therapist_label="Dr Lee", client_label="Ana")
    assert result["sessions"][0]["number"] == 2
    s = ws.session(result["sessions"][0]["id"])
    assert [u.role for u in s.utterances] == ["therapist", "client"]
    assert (s.utterances[1].start, s.utterances[1].end) == (9.5, 15.0)


def test_workspace_bad_file_stores_nothing(ws: rw.Workspace, session_file: Path, tmp_path: Path) -> None:
    ws.import_transcript(session_file, "c1")
    before = (counts(ws, "c1"), len(ws.audit_show()))
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> soon\n<v A>hello\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ws.import_transcript(bad, "c1")
    assert "bad.vtt" in str(info.value) and info.value.exit_code == 2
    assert (counts(ws, "c1"), len(ws.audit_show())) == before


def test_workspace_session_number_clash_is_refused_whole(ws: rw.Workspace, tmp_path: Path) -> None:
    csv_file = tmp_path / "two.csv"
    csv_file.write_text("session,turn,speaker,text\n1,1,therapist,Hello.\n1,2,client,Hi.\n"
                        "2,1,therapist,Welcome back.\n2,2,client,Thanks.\n", encoding="utf-8")
    ws.import_transcript(csv_file, "c1")
    clash = tmp_path / "clash.csv"
    clash.write_text("session,turn,speaker,text\n3,1,therapist,New one.\n3,2,client,Yes.\n"
                     "2,1,therapist,Different text.\n2,2,client,Clash.\n", encoding="utf-8")
    with pytest.raises(InputError, match="already has a session 2"):
        ws.import_transcript(clash, "c1")
    assert [s["number"] for s in ws.sessions("c1")] == [1, 2]  # session 3 did not land either


def test_workspace_withdrawn_consent_stops_analysis_and_import(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1")
    ws.withdraw_consent("c1", "analysis")
    with pytest.raises(ConsentRequired, match="analysis"):
        ws.analyze(client="c1", analyzers=["affect"])
    ws.grant_consent("c1", "analysis")
    assert ws.analyze(client="c1", analyzers=["affect"])["sessions"][0]["utterances"][1]["annotations"]["affect"]


def test_workspace_reanalysis_reuses_stored_results(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1")
    first = ws.analyze(client="c1", analyzers=["affect", "dialogue"])
    second = ws.analyze(client="c1", analyzers=["affect", "dialogue"])
    assert first["computed"] > 0 and first["reused"] == 0
    assert second["computed"] == 0 and second["reused"] == first["computed"]
    assert second["sessions"] == first["sessions"]


def test_workspace_jurisdiction_profile_switches_off_emotion_analysers(tmp_path: Path, session_file: Path) -> None:
    ws = rw.init(tmp_path / "il", user="ruth", jurisdiction="us-il")
    ws.import_transcript(session_file, "c1")
    names = {a.name for a in ws.analyzers()}
    assert "affect" not in names and "risk" in names and "dialogue" in names
    with pytest.raises(InputError, match="us-il"):
        ws.analyze(client="c1", analyzers=["affect"])
    ws.close()


def _fill(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1", date=date(2026, 1, 5))
    ws.add_entries("c1", [Entry("c1", datetime(2026, 1, 7, 22, 10), "dream", "Ein Traum: the café by the sea, ünd more.",
                                "Café", True)])
    ws.record_response("c1", "phq9", [1, 2, 1, 0, 1, 2, 1, 0, 0], session=1, date=date(2026, 1, 5))
    ws.add_note("c1", "private process note")


def test_workspace_export_round_trip_is_lossless(ws: rw.Workspace, session_file: Path, tmp_path: Path) -> None:
    _fill(ws, session_file)
    out = ws.export("c1", "json", tmp_path / "c1.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "process_notes" not in data
    ws.erase("c1")
    result = ws.import_export(out)
    assert result == {"client": "c1", "sessions": 1, "entries": 1, "responses": 1}
    again = ws.export_data("c1")
    assert again["client"] == data["client"]

    def strip(rows: list[dict]) -> list[dict]:  # row ids are the store's, not the client's content
        return [{k: v for k, v in r.items() if k != "id"} for r in rows]
    for key in ("sessions", "entries", "responses"):
        assert strip(again[key]) == strip(data[key])
    # a second import of the same export adds nothing
    assert ws.import_export(out) == {"client": "c1", "sessions": 0, "entries": 0, "responses": 0}


def test_workspace_export_process_notes_only_when_asked(ws: rw.Workspace, session_file: Path) -> None:
    _fill(ws, session_file)
    assert ws.export_data("c1", include_process_notes=True)["process_notes"][0]["text"] == "private process note"


def test_workspace_export_csv_is_reimportable(ws: rw.Workspace, session_file: Path, tmp_path: Path) -> None:
    _fill(ws, session_file)
    folder = ws.export("c1", "csv", tmp_path / "csv")
    result = ws.import_transcript(folder / "transcripts.csv", "c9")
    assert result["sessions"][0]["utterances"] == 4
    assert ws.import_entries(folder / "journal.csv", "c9")["imported"] == 1


def test_workspace_backup_restore_round_trip(ws: rw.Workspace, session_file: Path, tmp_path: Path) -> None:
    _fill(ws, session_file)
    info = ws.backup(tmp_path / "b.rvb")
    assert b"four in the morning" not in (tmp_path / "b.rvb").read_bytes()
    copy = rw.init(tmp_path / "copy", key_file=ws.key_path, user="ruth")  # a backup goes into a new workspace
    restored = copy.restore(tmp_path / "b.rvb")
    assert restored["verified"] is True and restored["rows"] == info["rows"]
    assert "four in the morning" in copy.session(copy.sessions("c1")[0]["id"]).utterances[1].text
    assert copy.audit_verify()["ok"] is True
    copy.close()


def test_workspace_damaged_backup_is_refused_and_nothing_changes(ws: rw.Workspace, session_file: Path,
                                                                 tmp_path: Path) -> None:
    _fill(ws, session_file)
    ws.backup(tmp_path / "b.rvb")
    blob = bytearray((tmp_path / "b.rvb").read_bytes())
    blob[-10] ^= 0xFF
    (tmp_path / "bad.rvb").write_bytes(bytes(blob))
    with pytest.raises(VerificationError):
        ws.restore(tmp_path / "bad.rvb")
    assert counts(ws, "c1") == (1, 1, 1)


def _everything_under(*folders: Path) -> list[str]:
    return sorted(str(p) for f in folders if f.exists() for p in f.rglob("*"))


@pytest.mark.parametrize(("case", "code"), [("key-inside-workspace", 2), ("key-readable-by-others", 4),
                                           ("workspace-is-a-file", 2)])
def test_workspace_refused_init_leaves_nothing(tmp_path: Path, case: str, code: int) -> None:
    from reverie.cli import main
    from reverie.store import crypto
    folder, key = tmp_path / "ws", None
    if case == "key-inside-workspace":
        key = folder / "k.key"
    elif case == "key-readable-by-others":
        key = tmp_path / "keys" / "k.key"
        crypto.write_key_file(key, crypto.new_key())
        key.chmod(0o644)
    else:
        folder.write_text("a file of mine\n", encoding="utf-8")
    before = _everything_under(tmp_path, crypto.default_key_dir())
    args = ["init", "--workspace", str(folder)] + (["--key-file", str(key)] if key else [])
    assert main(args) == code
    assert _everything_under(tmp_path, crypto.default_key_dir()) == before
    # and the next command says there is no workspace, without a traceback
    assert main(["clients", "--workspace", str(folder)]) == 2


def test_workspace_init_failing_part_way_removes_what_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reverie.store import crypto

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("reverie.workspace.opening.write_config", broken)
    with pytest.raises(OSError):
        rw.init(tmp_path / "a" / "ws", key_file=tmp_path / "keys" / "ws.key", user="ruth")
    with pytest.raises(OSError):
        rw.init(tmp_path / "ws2", user="ruth")
    assert _everything_under(tmp_path, crypto.default_key_dir()) == []
    monkeypatch.undo()
    ws = rw.init(tmp_path / "a" / "ws", key_file=tmp_path / "keys" / "ws.key", user="ruth")  # and then it works
    assert ws.created and ws.clients() == []
    ws.close()


def test_workspace_unfinished_init_is_reported_not_a_traceback(tmp_path: Path) -> None:
    """A schema without its key check (an init stopped by an older version) is named as such."""
    from reverie.store import Database, upgrade
    from reverie.errors import NotFoundError
    (tmp_path / "ws").mkdir()
    database = Database(f"sqlite:///{tmp_path / 'ws' / 'reverie.db'}")
    upgrade(database.engine)
    database.dispose()
    with pytest.raises(NotFoundError, match="never finished"):
        rw.open(tmp_path / "ws", user="ruth")
    ws = rw.init(tmp_path / "ws", user="ruth")  # init finishes it
    assert ws.created
    ws.close()
