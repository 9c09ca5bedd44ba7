"""Encryption at rest, wrong keys, key rotation, erasure, legal holds and the audit chain."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.domain import Entry
from reverie.errors import LegalHoldError, WorkspaceKeyError
from tests.conftest import workspace_bytes

SECRET = "the blue heron over the reservoir at dawn"


def _sqlite_ws(tmp_path: Path) -> rw.Workspace:
    return rw.init(tmp_path / "ws", user="ruth")


def test_store_known_sentence_is_not_in_database_bytes(tmp_path: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    f = tmp_path / "s.txt"
    f.write_text(f"T: Hello.\nC: I dreamt of {SECRET}.\n", encoding="utf-8")
    ws.import_transcript(f, "c1")
    ws.add_entries("c1", [Entry("c1", datetime(2026, 1, 5), "dream", f"Again {SECRET}.", "heron")])
    # the text can be read back through the store...
    assert SECRET in ws.session(1).utterances[1].text
    ws.close()
    # ...but no file in the workspace (database, WAL, config) holds it, nor a recognisable fragment
    data = workspace_bytes(tmp_path / "ws")
    assert SECRET.encode() not in data
    assert b"blue heron" not in data


def test_store_key_file_is_private_and_outside_workspace(tmp_path: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    assert ws.key_path is not None
    assert stat.S_IMODE(ws.key_path.stat().st_mode) == 0o600
    assert tmp_path / "ws" not in ws.key_path.parents
    ws.close()


def test_store_wrong_key_is_refused_and_changes_nothing(tmp_path: Path, session_file: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    ws.import_transcript(session_file, "c1")
    ws.close()
    before = (tmp_path / "ws" / "reverie.db").read_bytes()
    other = tmp_path / "other.key"
    from reverie.store import crypto
    crypto.write_key_file(other, crypto.new_key())
    with pytest.raises(WorkspaceKeyError, match="wrong key"):
        rw.open(tmp_path / "ws", key_file=other, user="ruth")
    with sqlite3.connect(tmp_path / "ws" / "reverie.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (tmp_path / "ws" / "reverie.db").read_bytes() == before


def test_store_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    key = ws.key_path
    ws.close()
    os.chmod(key, 0o644)
    with pytest.raises(WorkspaceKeyError, match="readable by other users"):
        rw.open(tmp_path / "ws", user="ruth")


def test_store_passphrase_workspace_opens_only_with_the_passphrase(tmp_path: Path, session_file: Path) -> None:
    ws = rw.init(tmp_path / "ws", passphrase="correct horse battery staple", user="ruth")
    ws.import_transcript(session_file, "c1")
    ws.close()
    again = rw.open(tmp_path / "ws", passphrase="correct horse battery staple", user="ruth")
    assert again.sessions("c1")[0]["utterances"] == 4
    again.close()
    with pytest.raises(WorkspaceKeyError):
        rw.open(tmp_path / "ws", passphrase="wrong horse", user="ruth")


def test_store_rotate_keys_rewraps_and_old_key_no_longer_opens(tmp_path: Path, session_file: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    ws.import_transcript(session_file, "c1")
    result = ws.rotate_keys()
    assert result["clients"] == 1
    ws.close()
    reopened = rw.open(tmp_path / "ws", user="ruth")
    assert "four in the morning" in reopened.session(1).utterances[1].text
    reopened.close()
    with pytest.raises(WorkspaceKeyError):
        rw.open(tmp_path / "ws", key_file=Path(result["previous_key"]), user="ruth")


def test_store_erase_leaves_no_trace_of_client_text(tmp_path: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    f = tmp_path / "s.txt"
    f.write_text(f"T: Go on.\nC: {SECRET}, and then my father closed the door.\n", encoding="utf-8")
    ws.import_transcript(f, "c1")
    ws.add_entries("c1", [Entry("c1", datetime(2026, 2, 1), "moment", SECRET, "x", True)])
    ws.erase("c1")
    assert [c["code"] for c in ws.clients()] == []
    ws.close()
    data = workspace_bytes(tmp_path / "ws")
    assert SECRET.encode() not in data
    # the audit log keeps that an erasure happened, by code only
    audit = rw.open(tmp_path / "ws", user="ruth").audit_show("c1")
    assert audit[-1]["action"] == "erase"


def test_store_legal_hold_blocks_erasure_but_not_journal(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1")
    ws.add_entries("c1", [Entry("c1", datetime(2026, 2, 1), "reflection", "A private thought.", "", True)])
    ws.hold("c1", "subpoena 2026-17")
    with pytest.raises(LegalHoldError, match="legal hold"):
        ws.erase("c1")
    assert len(ws.sessions("c1")) == 1
    ws.erase("c1", journal_only=True)
    assert ws.entries("c1") == []
    assert len(ws.sessions("c1")) == 1
    ws.hold("c1", None)
    ws.erase("c1")
    assert ws.clients() == []


def _tamper(db: Path, sql: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        conn.execute(sql)


@pytest.mark.parametrize("sql, where, what", [
    ("UPDATE audit_log SET actor = 'mallory' WHERE id = 3", 3, "changed"),
    ("DELETE FROM audit_log WHERE id = 3", 3, "missing"),
    ("INSERT INTO audit_log (id, at, actor, action, resource, client_code, origin, detail, prev_mac, mac) "
     "SELECT 1000, at, actor, action, resource, client_code, origin, detail, prev_mac, mac FROM audit_log WHERE id = 2",
     1000, "inserted"),
    ("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)", None, "removed"),
])
def test_store_audit_verify_detects_tampering(tmp_path: Path, session_file: Path, sql: str, where: int | None,
                                              what: str) -> None:
    ws = _sqlite_ws(tmp_path)
    ws.import_transcript(session_file, "c1")
    ws.session(1)
    assert ws.audit_verify()["ok"] is True
    ws.close()
    _tamper(tmp_path / "ws" / "reverie.db", sql)
    result = rw.open(tmp_path / "ws", user="ruth").audit_verify()
    assert result["ok"] is False
    text = " ".join(result["problems"])
    assert what in text
    if where is not None:
        assert f"row {where}" in text


def test_store_audit_log_refuses_update_in_database(tmp_path: Path, session_file: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    ws.import_transcript(session_file, "c1")
    ws.close()
    with sqlite3.connect(tmp_path / "ws" / "reverie.db") as conn, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_log SET actor = 'x'")


def test_store_every_clinical_read_is_audited(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1")
    ws.session(1)
    ws.entries("c1")
    rows = ws.audit_show("c1")
    actions = [(r["action"], r["resource"]) for r in rows]
    assert ("read", "session:1") in actions
    assert ("read", "entries") in actions
    assert all(r["actor"] == "ruth" and r["origin"].startswith("cli:") for r in rows)
    # the log holds no clinical text
    assert not any("four in the morning" in (r["detail"] or "") for r in rows)


def test_store_database_and_its_journals_are_private(tmp_path: Path, session_file: Path) -> None:
    ws = _sqlite_ws(tmp_path)
    ws.import_transcript(session_file, "c1")  # the WAL and shared-memory files exist while the workspace is open
    files = sorted((tmp_path / "ws").iterdir())
    assert {"reverie.db", "reverie.db-wal", "reverie.db-shm", "workspace.json"} <= {f.name for f in files}
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}
    ws.close()


def test_store_key_file_in_the_current_folder_changes_only_the_key(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "here"
    here.mkdir()
    here.chmod(0o755)
    monkeypatch.chdir(here)
    ws = rw.init(tmp_path / "ws", key_file=Path("./x.key"), user="ruth")
    ws.close()
    assert stat.S_IMODE(here.stat().st_mode) == 0o755
    assert stat.S_IMODE((here / "x.key").stat().st_mode) == 0o600
    other = rw.init(tmp_path / "ws2", user="ruth")  # Reverie's own key folder, which it makes, is private
    other.close()
    assert stat.S_IMODE(other.key_path.parent.stat().st_mode) == 0o700
