"""Logging in and out of the web app: passwords, lockout, sessions, CSRF and security headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import reverie.workspace.accounts as accounts
from tests.web_support import PASSWORD, csrf, login, make_workspace, web_app


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("web"))


@pytest.fixture
def app(folder: Path):
    return web_app(folder)


def test_pages_need_a_login_and_send_the_browser_to_it(app) -> None:
    client = TestClient(app)
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/account"


def test_login_with_the_right_password_opens_the_caseload(app) -> None:
    client = login(TestClient(app), "ruth")
    page = client.get("/")
    assert page.status_code == 200 and "anna" in page.text and "bob" not in page.text


def test_wrong_password_gives_a_clear_error_and_no_session(app) -> None:
    client = TestClient(app)
    response = client.post("/login", data={"login": "ruth@test.local", "password": "not it at all",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 401 and "wrong login or password" in response.text
    assert "reverie_session" not in client.cookies


def test_an_account_locks_after_repeated_failures_even_with_the_right_password(folder: Path) -> None:
    app = web_app(folder, lock_after=3)
    client = TestClient(app)
    token = csrf(client)
    for _ in range(3):
        client.post("/login", data={"login": "sam@test.local", "password": "guess guess", "csrf_token": token})
    response = client.post("/login", data={"login": "sam@test.local", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401 and "locked until" in response.text
    from reverie.store.tables import AccountRow, UserRow
    ws = app.state.web.ws
    ws.db.transaction(lambda s: setattr(s.scalar(select(AccountRow).join(UserRow, UserRow.id == AccountRow.user_id)
                                                 .where(UserRow.name == "sam")), "locked_until", None))


def test_many_failures_from_one_address_are_refused_with_429(folder: Path) -> None:
    app = web_app(folder)
    app.state.web.throttle.limit = 2
    client = TestClient(app)
    token = csrf(client)
    codes = [client.post("/login", data={"login": "nobody", "password": "x" * 12, "csrf_token": token}).status_code
             for _ in range(3)]
    assert codes == [401, 401, 429]


def test_a_post_without_its_csrf_token_is_refused(app) -> None:
    client = TestClient(app)
    csrf(client)  # the pre-login cookie is set, but the form does not repeat it
    response = client.post("/login", data={"login": "ruth@test.local", "password": PASSWORD})
    assert response.status_code == 403 and "reverie_session" not in client.cookies
    logged_in = login(TestClient(app), "ruth")
    assert logged_in.post("/logout", data={}).status_code == 403
    assert logged_in.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert logged_in.get("/").status_code == 200  # still logged in


def test_logout_kills_the_session_on_the_server(app) -> None:
    client = login(TestClient(app), "ruth")
    cookie = client.cookies["reverie_session"]
    assert client.post("/logout", data={"csrf_token": csrf(client, "/")}).status_code == 200
    replay = TestClient(app, cookies={"reverie_session": cookie})
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_an_idle_session_is_logged_off(app, monkeypatch: pytest.MonkeyPatch) -> None:
    client = login(TestClient(app), "ruth")
    assert client.get("/", follow_redirects=False).status_code == 200
    later = accounts.now() + accounts.IDLE + accounts.timedelta(minutes=1)
    monkeypatch.setattr(accounts, "now", lambda: later)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_cookies_are_httponly_and_samesite_strict_and_secure_when_asked(folder: Path) -> None:
    client = TestClient(web_app(folder, secure_cookies=True), base_url="https://testserver")
    response = client.post("/login", data={"login": "ruth@test.local", "password": PASSWORD,
                                           "csrf_token": csrf(client)}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "reverie_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie


def test_security_headers_on_every_page(app) -> None:
    client = TestClient(app)
    for path in ("/login", "/static/style.css", "/nowhere"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"


def test_head_is_answered_as_get_without_the_body(app) -> None:
    client = TestClient(app)
    get, head = client.get("/login"), client.head("/login")
    assert head.status_code == get.status_code == 200 and head.content == b"" and len(get.content) > 0
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-security-policy"] == get.headers["content-security-policy"]
    page = client.head("/account", follow_redirects=False)  # a page that needs a login still sends you to it
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/account"
    login(client, "ruth")
    assert client.head("/clients/anna").status_code == 200
    assert client.head("/clients/bob").status_code == 404  # another therapist's client, as for GET


def test_login_and_failures_are_audited_without_the_typed_text(app) -> None:
    client = TestClient(app)
    client.post("/login", data={"login": "my secret password", "password": "x" * 12, "csrf_token": csrf(client)})
    login(client, "ruth")
    rows = app.state.web.ws.store.audit_rows(None)
    actions = [(r["action"], r["resource"]) for r in rows]
    assert ("login_failed", "user:unknown") in actions and ("login", "user:ruth") in actions
    assert not any("my secret password" in str(r) for r in rows)


def test_totp_enrolment_then_login_needs_the_code(folder: Path) -> None:
    import pyotp
    app = web_app(folder)
    client = login(TestClient(app), "sam")
    page = client.get("/account").text
    import re
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page).group(1)
    token = csrf(client, "/account")
    bad = client.post("/account/totp", data={"secret": secret, "code": "000000", "csrf_token": token})
    assert bad.status_code == 400
    ok = client.post("/account/totp", data={"secret": secret, "code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert "second factor is on" in ok.text
    fresh = TestClient(app)
    no_code = fresh.post("/login", data={"login": "sam@test.local", "password": PASSWORD, "csrf_token": csrf(fresh)})
    assert no_code.status_code == 401 and "authenticator" in no_code.text
    code = pyotp.TOTP(secret).now()
    with_code = fresh.post("/login", data={"login": "sam@test.local", "password": PASSWORD, "csrf_token": csrf(fresh),
                                          "code": code})
    assert with_code.status_code == 200
    replayed = TestClient(app)
    again = replayed.post("/login", data={"login": "sam@test.local", "password": PASSWORD,
                                          "csrf_token": csrf(replayed), "code": code})
    assert again.status_code == 401 and "reused" in again.text  # a code works once
    from reverie.store.tables import AccountRow, UserRow
    app.state.web.ws.db.transaction(lambda s: setattr(s.scalar(select(AccountRow).join(
        UserRow, UserRow.id == AccountRow.user_id).where(UserRow.name == "sam")), "totp_enc", None))


def test_a_page_left_idle_leaves_the_screen_when_its_session_ends(folder: Path) -> None:
    from datetime import timedelta
    client = login(TestClient(web_app(folder, idle=timedelta(minutes=10))), "ruth")
    assert '<meta http-equiv="refresh" content="605; url=/login">' in client.get("/account").text
    assert 'http-equiv="refresh"' not in TestClient(web_app(folder)).get("/login").text
