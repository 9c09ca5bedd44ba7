"""Shared helpers for the web tests: a small workspace with two therapists and a client account, and logins."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import SESSION_TEXT

PASSWORD = "a long test password"


def make_workspace(root: Path) -> Path:
    """Therapists ruth (admin) and sam; ruth's client anna (one session) with the account anna.user; sam's client bob."""
    import reverie.workspace as rw
    (root / "session.txt").write_text(SESSION_TEXT, encoding="utf-8")
    key = root / "ws.key"
    with rw.init(root / "ws", key_file=key, user="ruth") as ws:
        ws.add_user("sam", "therapist")
        ws.import_transcript(root / "session.txt", "anna")
        ws.add_user("anna.user", "client", "anna")
        for name in ("ruth", "sam", "anna.user"):
            ws.set_password(name, PASSWORD, login=f"{name}@test.local")
    with rw.open(root / "ws", key_file=key, user="sam") as ws:
        ws.import_transcript(root / "session.txt", "bob")
    return root / "ws"


def web_app(folder: Path, **options: object):
    """The app over a workspace ``make_workspace`` built (its key file lies beside it)."""
    from reverie.web.app import create_app
    return create_app(folder, key_file=folder.parent / "ws.key", **options)


def csrf(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page gives its forms."""
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    response = client.post("/login", data={"login": f"{name}@test.local", "password": password,
                                           "csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303 and "reverie_session" in client.cookies, response.text
    return client
