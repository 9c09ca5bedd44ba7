"""Free text at rest: hold reasons, consent details and the audit log's clinical detail are sealed under the
client's key, readable while the client exists, and shredded by erasure."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.cli import main
from reverie.errors import LegalHoldError
from tests.conftest import workspace_bytes

HOLD = "subpoena from the harbour court, case 77-kestrel"
CONSENT = "case conference at Larkfield, spring term"


def _rows(db: Path) -> str:
    """Every row of every table, as text."""
    with sqlite3.connect(db) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        text = repr([conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables])
    conn.close()
    return text


def _audit_details(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["audit", "show", "--client", "c1", "--json"]) == 0
    return " ".join(r["detail"] or "" for r in json.loads(capsys.readouterr().out))


def test_store_erase_shreds_hold_reason_consent_detail_and_risk_category(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    assert main(["init", "--user", "ruth"]) == 0
    with rw.open(tmp_path / "ws") as ws:  # a safety task as the risk screen opens one (without loading its model)
        ws.add_client("c1")
        ws.store.add_safety_task("c1", "entry", "1", "self_harm_plan", "imminent", {"quotes": []})
    category = "self_harm_plan/imminent"
    assert main(["hold", "--client", "c1", "--reason", HOLD]) == 0
    assert main(["hold", "--client", "c1", "--release"]) == 0
    assert main(["consent", "grant", "--client", "c1", "--scope", "sharing", "--detail", CONSENT]) == 0
    # while the client exists, the audit log and the consent list show the detail...
    shown = _audit_details(capsys)
    assert HOLD in shown and CONSENT in shown and category in shown
    assert main(["consent", "list", "--client", "c1", "--json"]) == 0
    assert CONSENT in [c["detail"] for c in json.loads(capsys.readouterr().out)]
    # ...but the database holds none of it in the clear
    assert not any(t.encode() in workspace_bytes(tmp_path / "ws") for t in (HOLD, CONSENT, category))
    assert main(["erase", "--client", "c1", "--yes"]) == 0
    data, rows = workspace_bytes(tmp_path / "ws"), _rows(tmp_path / "ws" / "reverie.db")
    for text in (HOLD, CONSENT, category, "kestrel", "Larkfield"):
        assert text.encode() not in data and text not in rows
    # the erasure itself stays on record, and the chain still verifies over the shredded rows
    capsys.readouterr()
    assert main(["audit", "show", "--client", "c1", "--json"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert log[-1]["action"] == "erase" and any(r["detail_shredded"] for r in log)
    assert main(["audit", "verify"]) == 0


def test_store_hold_reason_is_sealed_yet_named_when_it_blocks_erasure(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1")
    ws.hold("c1", HOLD)
    with pytest.raises(LegalHoldError, match="77-kestrel"):
        ws.erase("c1")
    assert ws.clients()[0]["hold"] is True


def test_store_withdrawal_matches_a_sealed_consent_detail(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1")
    ws.grant_consent("c1", "analysis", "session:7")
    ws.grant_consent("c1", "analysis", "session:8")
    assert ws.withdraw_consent("c1", "analysis", "session:7") == 1
    active = {(c["scope"], c["detail"]) for c in ws.consents("c1") if c["active"]}
    assert ("analysis", "session:8") in active and ("analysis", "session:7") not in active
    assert ws.withdraw_consent("c1", "analysis", None) == 1  # the scope-wide consent the import attested


def test_store_migration_seals_hold_reasons_and_consent_details_of_an_older_workspace(tmp_path: Path,
                                                                                      session_file: Path) -> None:
    """A workspace before revision 0004 kept the hold reason and consent detail in clear columns."""
    ws = rw.init(tmp_path / "ws", user="ruth")
    ws.import_transcript(session_file, "c1")
    ws.close()
    db = tmp_path / "ws" / "reverie.db"
    with sqlite3.connect(db) as conn:  # put the database back in the shape revision 0003 gave it
        conn.execute("ALTER TABLE clients ADD COLUMN hold_reason TEXT")
        conn.execute("ALTER TABLE clients DROP COLUMN hold_enc")
        conn.execute("UPDATE clients SET hold_reason = ?", (HOLD,))
        conn.execute("ALTER TABLE consents ADD COLUMN detail VARCHAR(120)")
        conn.execute("ALTER TABLE consents DROP COLUMN detail_enc")
        conn.execute("UPDATE consents SET detail = ? WHERE scope = 'analysis'", (CONSENT,))
        conn.execute("ALTER TABLE audit_log DROP COLUMN detail_enc")
        for table in ("note_drafts", "assignments", "entry_drafts", "invitations", "login_sessions", "accounts"):  # from later revisions
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute("UPDATE alembic_version SET version_num = '0003'")
    conn.close()
    assert HOLD.encode() in workspace_bytes(tmp_path / "ws")
    ws = rw.open(tmp_path / "ws", user="ruth")
    with pytest.raises(LegalHoldError, match="77-kestrel"):  # the hold survived the migration
        ws.erase("c1")
    assert CONSENT in [c["detail"] for c in ws.consents("c1")]
    ws.close()
    with sqlite3.connect(db) as conn:
        conn.execute("VACUUM")
    conn.close()
    assert HOLD not in _rows(db) and CONSENT not in _rows(db)
