"""Restore goes only into a new workspace, keeps its own audit anchor, and never brings back an erased client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.cli import main
from tests.conftest import workspace_bytes

SECRET = "the lighthouse keeper's green notebook"


def _two_clients(tmp_path: Path, session_file: Path, **init: str) -> rw.Workspace:
    ws = rw.init(tmp_path / "a", user="ruth", **init)
    dream = tmp_path / "dream.txt"
    dream.write_text(f"T: And then?\nC: I dreamt of {SECRET}.\n", encoding="utf-8")
    ws.import_transcript(dream, "c1")
    ws.import_transcript(session_file, "c2")
    return ws


def test_store_restore_refuses_a_workspace_that_holds_data(tmp_path: Path, session_file: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    _two_clients(tmp_path, session_file).close()
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "a"))
    assert main(["backup", "--out", str(tmp_path / "b.rvb")]) == 0
    assert main(["erase", "--client", "c1", "--yes"]) == 0
    capsys.readouterr()
    assert main(["audit", "show", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main(["restore", str(tmp_path / "b.rvb")]) == 2
    assert "already holds data" in " ".join(capsys.readouterr().err.split())
    # nothing changed: the log is not rewound and the erased client stays erased
    assert main(["audit", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == before
    assert main(["clients", "--json"]) == 0
    assert [c["code"] for c in json.loads(capsys.readouterr().out)] == ["c2"]
    assert main(["audit", "verify"]) == 0


def test_store_restore_never_resurrects_an_erased_client(tmp_path: Path, session_file: Path,
                                                         backend: str | None) -> None:
    a = _two_clients(tmp_path, session_file)
    a.backup(tmp_path / "b.rvb")  # taken before the erasure
    a.erase("c1")
    a.close()
    b = rw.init(tmp_path / "b", db=backend, key_file=a.key_path, user="ruth")
    result = b.restore(tmp_path / "b.rvb")
    assert [c["code"] for c in b.clients()] == ["c2"]
    assert result["verified"] is True and result["erased_not_restored"] == ["c1"]
    # the erasure is on record in the copy too, and the copy's own chain verifies
    assert b.audit_show("c1")[-1]["action"] == "erase"
    assert b.audit_verify()["ok"] is True
    b.close()
    if backend is None:
        assert SECRET.encode() not in workspace_bytes(tmp_path / "b")
    again = rw.open(tmp_path / "b", db=backend, key_file=a.key_path, user="ruth")
    assert again.audit_verify()["ok"] is True and len(again.sessions("c2")) == 1
    again.close()


def test_store_restore_keeps_a_client_created_again_after_an_erasure(tmp_path: Path, session_file: Path) -> None:
    a = _two_clients(tmp_path, session_file)
    a.erase("c1")
    a.import_transcript(session_file, "c1")  # the code is used again for a new client
    a.backup(tmp_path / "b.rvb")
    a.close()
    b = rw.init(tmp_path / "b", key_file=a.key_path, user="ruth")
    assert b.restore(tmp_path / "b.rvb")["erased_not_restored"] == []
    assert sorted(c["code"] for c in b.clients()) == ["c1", "c2"]
    b.close()


def test_store_restore_a_passphrase_workspace_into_a_new_one(tmp_path: Path, session_file: Path) -> None:
    a = _two_clients(tmp_path, session_file, passphrase="correct horse battery staple")
    a.backup(tmp_path / "b.rvb")
    a.close()
    b = rw.init(tmp_path / "b", passphrase="correct horse battery staple", user="ruth")
    b.restore(tmp_path / "b.rvb")
    b.close()
    again = rw.open(tmp_path / "b", passphrase="correct horse battery staple", user="ruth")
    assert SECRET in again.session(again.sessions("c1")[0]["id"]).utterances[1].text
    assert again.audit_verify()["ok"] is True
    again.close()


def test_store_restore_brings_back_no_web_login(tmp_path: Path, session_file: Path) -> None:
    """A web session is not the record: one open at backup time (and logged out since) stays gone after a restore."""
    from reverie.workspace.accounts import Accounts
    a = _two_clients(tmp_path, session_file)
    a.set_password("ruth", "a long test password")
    token, _ = Accounts(a).start_session(a.verify_login("ruth", "a long test password"))
    assert Accounts(a).session(token) is not None
    a.backup(tmp_path / "b.rvb")
    a.close()
    b = rw.init(tmp_path / "b", key_file=a.key_path, user="ruth")
    b.restore(tmp_path / "b.rvb")
    assert Accounts(b).session(token) is None and b.verify_login("ruth", "a long test password").name == "ruth"
    b.close()
