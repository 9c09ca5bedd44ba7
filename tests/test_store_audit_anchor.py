"""Adversarial checks of the audit chain and its anchor outside the database: every tampering is found,
and `reverie audit verify` says what it found and exits 6."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from reverie.cli import main

TEXT = "T: Where shall we start?\nC: With the train I nearly missed on Monday.\nT: Go on.\n"
VERIFY_FAILED = 6


@pytest.fixture
def wsdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with a dozen audit rows: an import, reads and a consent."""
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["init", "--user", "ruth"]) == 0
    assert main(["import", "transcript", str(f), "--client", "c1"]) == 0
    for _ in range(3):
        assert main(["show", "session", "1", "--json"]) == 0
    assert main(["consent", "grant", "--client", "c1", "--scope", "sharing"]) == 0
    return tmp_path / "ws"


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    """What the command wrote to stderr, with rich's line wrapping undone."""
    return " ".join(capsys.readouterr().err.split())


def _sql(db: Path, *statements: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for sql in statements:
            conn.execute(sql)
    conn.close()


def _drop_and_recreate(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        (create,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log'").fetchone()
    conn.close()
    _sql(db, "DROP TABLE audit_log", create, "DELETE FROM meta WHERE key IN ('audit_head', 'audit_anchored')")


def _rewind_head(db: Path) -> None:
    """Cut the tail and move the head in meta back with it, so the chain alone looks whole."""
    _sql(db, "DELETE FROM audit_log WHERE id > 5",
         "UPDATE meta SET value = CAST((SELECT id || ':' || mac FROM audit_log WHERE id = 5) AS BLOB) "
         "WHERE key = 'audit_head'")


TAMPERING: dict[str, tuple[Callable[[Path], None], str]] = {
    "change a row": (lambda db: _sql(db, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3"),
                     "audit row 3: its contents were changed"),
    "delete a row": (lambda db: _sql(db, "DELETE FROM audit_log WHERE id = 3"), "rows 3..3 are missing"),
    "insert a row": (lambda db: _sql(db, "INSERT INTO audit_log (id, at, actor, action, resource, client_code, origin, "
                                         "detail, prev_mac, mac) SELECT 1000, at, actor, action, resource, client_code, "
                                         "origin, detail, prev_mac, mac FROM audit_log WHERE id = 2"), "audit row 1000"),
    "truncate the tail": (_rewind_head, "the log ends at row 5, but the anchor outside the database records"),
    "cut the head": (lambda db: _sql(db, "DELETE FROM audit_log WHERE id <= 3"), "rows 1..3 are missing"),
    "wipe the table": (lambda db: _sql(db, "DELETE FROM audit_log",
                                       "DELETE FROM meta WHERE key IN ('audit_head', 'audit_anchored')"),
                       "the log is empty (wiped"),
    "drop and recreate the table": (_drop_and_recreate, "the log is empty (wiped, or its table dropped and recreated)"),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_store_audit_verify_finds_tampering_and_exits_nonzero(wsdir: Path, capsys: pytest.CaptureFixture[str],
                                                              name: str) -> None:
    tamper, finding = TAMPERING[name]
    assert main(["audit", "verify"]) == 0
    tamper(wsdir / "reverie.db")
    capsys.readouterr()
    assert main(["audit", "verify"]) == VERIFY_FAILED
    assert finding in _said(capsys)
    # the JSON face says the same and exits the same way
    assert main(["audit", "verify", "--json"]) == VERIFY_FAILED
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and any(finding in p for p in result["problems"])


def test_store_audit_verify_finds_an_older_copy_of_the_database_put_back(wsdir: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = wsdir / "reverie.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copy(db, wsdir.parent / "older.db")
    assert main(["show", "session", "1", "--json"]) == 0  # the log grows past the copy
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(wsdir.parent / "older.db", db)
    capsys.readouterr()
    assert main(["audit", "verify"]) == VERIFY_FAILED
    assert "an older copy of the database was put back" in _said(capsys)


def _anchor(wsdir: Path) -> Path:
    """The workspace's anchor file, in the key folder (the tests' XDG_CONFIG_HOME)."""
    workspace_id = json.loads((wsdir / "workspace.json").read_text())["workspace_id"]
    return Path(os.environ["XDG_CONFIG_HOME"]) / "reverie" / f"{workspace_id}.audit-anchor"


@pytest.mark.parametrize("damage, finding", [
    (lambda p: p.unlink(), "is missing"),
    (lambda p: p.write_text(p.read_text().replace('"head_id": ', '"head_id": 1')), "was altered"),
])
def test_store_audit_verify_finds_a_missing_or_altered_anchor(wsdir: Path, capsys: pytest.CaptureFixture[str],
                                                              damage: Callable[[Path], None], finding: str) -> None:
    anchor = _anchor(wsdir)
    assert anchor.parent != wsdir and wsdir not in anchor.parents  # kept beside the key, outside the workspace
    damage(anchor)
    capsys.readouterr()
    assert main(["audit", "verify"]) == VERIFY_FAILED
    assert finding in _said(capsys)


def test_store_audit_anchor_follows_the_log(wsdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["ok"] is True and first["anchored_rows"] == first["rows"]
    assert main(["show", "session", "1", "--json"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["anchored_rows"] == second["rows"] == first["rows"] + 1
