"""The web's command-line side: `reverie users passwd`, `reverie serve` refusals, the demo's accounts, and the
account rules of the Python API."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.cli import main
from reverie.errors import AccessDenied, InputError
from tests.conftest import SESSION_TEXT


def test_users_passwd_sets_a_password_the_web_login_accepts(wsdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a good long password\n"))
    assert main(["users", "passwd", "ruth", "--login", "Ruth@Example.org", "--password-stdin"]) == 0
    assert "login: ruth@example.org" in capsys.readouterr().out
    with rw.open(wsdir) as ws:
        assert ws.verify_login("ruth@example.org", "a good long password").name == "ruth"
        assert ws.verify_login("ruth", "a good long password").name == "ruth"  # the user name works too
        with pytest.raises(AccessDenied):
            ws.verify_login("ruth", "a good long passwore")
        rows = ws.audit_show()
    assert ("password", "user:ruth") in [(r["action"], r["resource"]) for r in rows]
    assert not any("a good long password" in str(r) for r in rows)


def test_users_passwd_refuses_a_short_password_with_exit_2(wsdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "passwd", "ruth", "--password-stdin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err


def test_only_an_admin_sets_staff_passwords_and_only_the_treating_therapist_a_clients(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text(SESSION_TEXT, encoding="utf-8")
    with rw.init(tmp_path / "ws", user="ruth") as ws:
        ws.add_user("sam", "therapist")
        ws.add_user("lee", "therapist")
        ws.import_transcript(tmp_path / "s.txt", "anna")
        ws.add_user("anna.user", "client", "anna")
    with rw.open(tmp_path / "ws", user="sam") as sam:
        sam.set_password("sam", "sam's own password")  # one's own: yes
        with pytest.raises(AccessDenied):
            sam.set_password("lee", "not sam's business")
        with pytest.raises(AccessDenied):
            sam.set_password("anna.user", "not sam's client")
    with rw.open(tmp_path / "ws", user="ruth") as ruth:
        ruth.set_password("anna.user", "her therapist sets it")
        with pytest.raises(InputError):
            ruth.set_password("lee", "a long password", login="anna.user")  # a login may not be another's name


def test_serve_refuses_a_missing_workspace_before_listening(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workspace", str(tmp_path / "nowhere")]) == 2
    assert "no Reverie workspace" in capsys.readouterr().err


def test_demo_accounts_log_in_as_the_demo_therapist_and_client(tmp_path: Path) -> None:
    from reverie.demo_build import add_demo_accounts, load_manifest
    manifest = load_manifest()
    (tmp_path / "s.txt").write_text(SESSION_TEXT, encoding="utf-8")
    with rw.init(tmp_path / "ws", user=manifest["therapist"]["name"]) as ws:
        ws.import_transcript(tmp_path / "s.txt", manifest["client"]["code"])
        accounts = add_demo_accounts(ws, manifest["client"]["code"], "demo password 1")
    with rw.open(tmp_path / "ws") as ws:
        therapist = ws.verify_login("therapist@demo.local", "demo password 1")
        client = ws.verify_login("client@demo.local", "demo password 1")
    assert accounts["therapist"] == "therapist@demo.local" and therapist.name == manifest["therapist"]["name"]
    assert client.role == "client" and client.client_code == manifest["client"]["code"]


def test_demo_accounts_get_a_generated_password_when_none_is_given(tmp_path: Path) -> None:
    from reverie.demo_build import add_demo_accounts
    (tmp_path / "s.txt").write_text(SESSION_TEXT, encoding="utf-8")
    with rw.init(tmp_path / "ws", user="ruth") as ws:
        ws.import_transcript(tmp_path / "s.txt", "c1")
        first = add_demo_accounts(ws, "c1")["password"]
        assert len(first) >= 16 and ws.verify_login("therapist@demo.local", first).name == "ruth"
