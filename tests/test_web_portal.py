"""The client portal's pages: permissions, CSRF, the invitation, autosave, sharing, check-ins, the safety message."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import reverie.workspace as rw
from reverie.safety import NOT_WATCHED_NOTE
from reverie.store import portal as store_portal
from tests.portal_support import no_model  # noqa: F401 (a fixture)
from tests.web_support import PASSWORD, csrf, login, make_workspace, web_app

RISKY = "The day was long. I want to kill myself tonight."


@pytest.fixture(autouse=True)
def _no_model(no_model: None) -> None:
    """The risk screen runs with a stand-in encoder: no model in these tests."""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """``make_workspace`` (ruth with client anna, account anna.user; sam with bob) plus ruth's client cleo
    (account cleo.user, locale en-GB), and dana, who has no account yet."""
    ws_folder = make_workspace(tmp_path)
    with rw.open(ws_folder, key_file=tmp_path / "ws.key", user="ruth") as ws:
        ws.add_client("cleo", locale="en-GB")
        ws.add_client("dana")
        ws.add_user("cleo.user", "client", "cleo")
        ws.set_password("cleo.user", PASSWORD, login="cleo.user@test.local")
    return ws_folder


@pytest.fixture
def app(folder: Path):
    return web_app(folder)


def _as(app, name: str) -> rw.Workspace:
    """The app's workspace acting as a user, to look at what the pages did."""
    from reverie.store import meta
    ws = app.state.web.ws
    return ws.acting_as(meta.account(ws.db, name))


def _token(client: TestClient, path: str = "/portal") -> str:
    return csrf(client, path)


def _write(client: TestClient, kind: str, fields: dict[str, str], share: bool = False):
    data = {**fields, "csrf_token": _token(client, f"/portal/write/{kind}")}
    if share:
        data["share"] = "yes"
    return client.post(f"/portal/write/{kind}", data=data, follow_redirects=False)


def test_portal_pages_carry_the_notice_and_the_safety_plan_and_no_inline_script(app) -> None:
    client = login(TestClient(app), "cleo.user")
    for path in ("/portal", "/portal/write/free_association", "/portal/write/dream", "/portal/write/moment",
                 "/portal/write/reflection", "/portal/safety-plan"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert NOT_WATCHED_NOTE in page.text and "116 123" in page.text  # Samaritans: cleo's locale is en-GB
        assert 'href="/portal/safety-plan"' in page.text
        assert all('src="' in tag for tag in re.findall(r"<script[^>]*>", page.text))  # the CSP allows no inline script
        assert not re.search(r"\son[a-z]+=", page.text)
    dream = client.get("/portal/write/dream").text
    for heading in ("The dream", "The feelings in it", "The day before", "What comes to mind"):
        assert heading in dream
    quiet = client.get("/portal/write/free_association").text
    assert 'id="fa-keep"' in quiet and 'id="fa-timer"' in quiet and "/static/portal.js" in quiet
    assert client.get("/static/portal.js").status_code == 200
    assert client.get("/portal/write/poem").status_code == 400


def test_a_client_opening_another_clients_entry_gets_404(app) -> None:
    anna = login(TestClient(app), "anna.user")
    done = _write(anna, "reflection", {"text": "Anna's own words."}, share=True)
    entry_path = done.headers["location"].split("?")[0]
    assert "Anna&#39;s own words." in anna.get(entry_path).text
    cleo = login(TestClient(app), "cleo.user")
    assert cleo.get(entry_path).status_code == 404
    token = _token(cleo)
    assert cleo.post(entry_path + "/share", data={"shared": "no", "csrf_token": token}).status_code == 404
    assert _as(app, "anna.user").entry(int(entry_path.rsplit("/", 1)[1])).shared_with_therapist is True


def test_a_client_cannot_open_therapist_pages_nor_a_therapist_the_portal(app) -> None:
    cleo = login(TestClient(app), "cleo.user")
    token = _token(cleo)
    assert cleo.post("/clients/cleo/invite", data={"csrf_token": token}).status_code == 404
    assert cleo.post("/clients/cleo/assign", data={"instrument": "phq9", "csrf_token": token}).status_code == 404
    assert cleo.get("/clients/anna").status_code == 404
    ruth = login(TestClient(app), "ruth")
    for path in ("/portal", "/portal/write/dream", "/portal/safety-plan"):
        assert ruth.get(path).status_code == 404, path
    token = _token(ruth, "/")
    # ruth administers the workspace, yet sam's client bob is not hers to invite or to assign to
    assert ruth.post("/clients/bob/invite", data={"csrf_token": token}).status_code == 404
    assert ruth.post("/clients/bob/assign", data={"instrument": "phq9", "csrf_token": token}).status_code == 404
    assert _as(app, "sam").assignments("bob") == [] and _as(app, "sam").invitations("bob") == []


def test_portal_posts_without_their_csrf_token_are_refused(app) -> None:
    client = login(TestClient(app), "cleo.user")
    assert client.post("/portal/draft/dream", data={"dream": "a draft"}).status_code == 403
    assert client.post("/portal/write/reflection", data={"text": "an entry"}).status_code == 403
    assert client.post("/portal/draft/dream", data={"dream": "a draft"},
                       headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert _as(app, "cleo.user").drafts() == [] and _as(app, "cleo.user").journal() == []


def test_the_autosaved_draft_survives_a_closed_tab_and_becomes_the_entry(app) -> None:
    tab = login(TestClient(app), "cleo.user")
    token = _token(tab)
    saved = tab.post("/portal/draft/dream", data={"dream": "A lighthouse with no stairs.", "feelings": "calm"},
                     headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert saved.status_code == 200 and saved.text.startswith("Draft saved at")
    page = tab.get("/portal/write/dream").text
    assert 'hx-trigger="keyup changed delay:2s"' in page and 'hx-post="/portal/draft/dream"' in page
    again = login(TestClient(app), "cleo.user")  # the tab was closed: a new login
    page = again.get("/portal/write/dream").text
    assert "A lighthouse with no stairs." in page and "Unfinished" in again.get("/portal").text
    done = _write(again, "dream", {"dream": "A lighthouse with no stairs.", "feelings": "calm"})
    assert done.status_code == 303 and "safety=1" not in done.headers["location"]
    entry = again.get(done.headers["location"]).text
    assert "The dream\nA lighthouse with no stairs." in entry and "Only you can read this entry." in entry
    assert "Unfinished" not in again.get("/portal").text
    assert _as(app, "ruth").entries("cleo") == []  # private by default


def test_share_shows_the_entry_to_the_therapist_and_unshare_hides_it(app) -> None:
    cleo = login(TestClient(app), "cleo.user")
    done = _write(cleo, "moment", {"happened": "The bus left as I got there.", "felt": "Furious, then small."})
    path = done.headers["location"].split("?")[0]
    entry_id = int(path.rsplit("/", 1)[1])
    ruth = login(TestClient(app), "ruth")
    assert "The bus left as I got there." not in ruth.get("/clients/cleo").text
    shared = cleo.post(path + "/share", data={"shared": "yes", "csrf_token": _token(cleo, path)})
    assert "Your therapist can read this entry." in shared.text
    timeline = ruth.get("/clients/cleo").text
    assert "What happened\nThe bus left as I got there." in timeline and "read the shared entry" in timeline
    assert [e.id for e in _as(app, "ruth").entries("cleo")] == [entry_id]
    home = cleo.get("/portal").text  # the journal's list has the same control, one tap per entry
    assert f'action="{path}/share"' in home and 'name="shared" value="no"' in home
    cleo.post(path + "/share", data={"shared": "no", "csrf_token": _token(cleo, path)})
    assert "The bus left as I got there." not in ruth.get("/clients/cleo").text
    assert "Only you can read this entry." in cleo.get(path).text
    assert 'name="shared" value="yes"' in cleo.get("/portal").text


def test_a_risky_entry_shows_the_safety_message_and_opens_a_task(app) -> None:
    cleo = login(TestClient(app), "cleo.user")
    done = _write(cleo, "free_association", {"text": RISKY})
    assert "safety=1" in done.headers["location"]
    page = cleo.get(done.headers["location"]).text
    assert "Please reach out now" in page and "116 123" in page and "immediate danger" in page
    (task,) = _as(app, "ruth").safety_tasks()
    assert task["client"] == "cleo" and "kill myself" in task["evidence"]["text"]
    calm = _write(cleo, "reflection", {"text": "A quiet evening with a book."})
    assert "Please reach out now" not in cleo.get(calm.headers["location"]).text
    ruth = login(TestClient(app), "ruth")
    assert "1 open safety task" in ruth.get("/").text


def test_an_invitation_opens_the_account_once(app) -> None:
    ruth = login(TestClient(app), "ruth")
    shown = ruth.post("/clients/dana/invite", data={"csrf_token": _token(ruth, "/")})
    assert shown.status_code == 200
    link = re.search(r"<code>([^<]+)</code>", shown.text).group(1)
    path = link.split("testserver", 1)[1]
    assert path.startswith("/portal/invite/")
    guest = TestClient(app)
    form = guest.get(path)
    assert form.status_code == 200 and "dana" in form.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    differ = guest.post(path, data={"password": PASSWORD, "again": PASSWORD + "!", "csrf_token": token})
    assert differ.status_code == 400 and "differ" in differ.text
    opened = guest.post(path, data={"password": PASSWORD, "again": PASSWORD, "csrf_token": token})
    assert opened.status_code == 200 and opened.url.path == "/portal", opened.text  # logged in, in the journal
    again = TestClient(app)
    used = again.get(path)
    assert used.status_code == 410 and "already been used" in used.text
    token = csrf(again)
    replay = again.post(path, data={"password": "someone else's", "again": "someone else's", "csrf_token": token})
    assert replay.status_code == 410
    fresh = TestClient(app)  # the password set through the link works (login by account name)
    assert fresh.post("/login", data={"login": "dana", "password": PASSWORD, "csrf_token": csrf(fresh)}).url.path == "/portal"


def test_an_expired_invitation_is_refused_with_a_clear_page(app, monkeypatch: pytest.MonkeyPatch) -> None:
    token = _as(app, "ruth").invite("dana", hours=1)["token"]
    later = store_portal.now() + timedelta(hours=2)
    monkeypatch.setattr(store_portal, "now", lambda: later)
    page = TestClient(app).get(f"/portal/invite/{token}")
    assert page.status_code == 410 and "expired" in page.text and "ask your therapist" in page.text.lower()
    assert TestClient(app).get("/portal/invite/not-a-token").status_code == 410


def test_a_check_in_one_question_per_screen(app) -> None:
    ruth = login(TestClient(app), "ruth")
    case = ruth.get("/clients/cleo").text
    assert 'action="/clients/cleo/invite"' in case and '<option value="gad7">' in case
    assert ruth.post("/clients/cleo/assign", data={"instrument": "gad7", "csrf_token": _token(ruth, "/")},
                     follow_redirects=False).status_code == 303
    cleo = TestClient(app)
    cleo.headers["user-agent"] = "a phone"
    login(cleo, "cleo.user")
    home = cleo.get("/portal").text
    path = re.search(r'href="(/portal/checkins/\d+)"', home).group(1)
    for number in range(1, 8):
        screen = cleo.get(path).text
        assert f"Question {number} of 7" in screen and len(re.findall(r'type="radio"', screen)) == 4
        cleo.post(path + "/answer", data={"item": number, "value": 1, "csrf_token": _token(cleo, path)})
    assert "Send my answers" in cleo.get(path).text
    unchosen = cleo.post(path + "/answer", data={"item": 2, "csrf_token": _token(cleo, path)})
    assert "Question 2 of 7" in unchosen.text and unchosen.status_code == 200
    done = cleo.post(path + "/complete", data={"csrf_token": _token(cleo, path)})
    assert "Thank you" in done.text and "Please reach out now" not in done.text
    (response,) = _as(app, "ruth").responses("cleo")
    assert response.instrument == "gad7" and response.answers == [1] * 7
    assert "/portal/checkins/" not in cleo.get("/portal").text


def test_a_check_in_with_a_critical_answer_shows_the_safety_message(app) -> None:
    assignment = _as(app, "ruth").assign("cleo", "phq9")
    cleo = login(TestClient(app), "cleo.user")
    path = f"/portal/checkins/{assignment['id']}"
    for number in range(1, 10):
        cleo.post(path + "/answer", data={"item": number, "value": 2 if number == 9 else 0,
                                          "csrf_token": _token(cleo, path)})
    done = cleo.post(path + "/complete", data={"csrf_token": _token(cleo, path)})
    assert "Please reach out now" in done.text
    assert [t["source"] for t in _as(app, "ruth").safety_tasks()] == ["questionnaire"]


def test_markup_a_client_writes_is_shown_as_text_to_both_sides(app) -> None:
    """What a client types is text: a script tag in an entry reaches neither their page nor the therapist's as markup."""
    cleo = login(TestClient(app), "cleo.user")
    typed = '<script>alert("x")</script><img src=x onerror=alert(1)> {{ 7*7 }}'
    done = _write(cleo, "moment", {"happened": typed, "felt": "=HYPERLINK(\"http://x\")"})
    path = done.headers["location"].split("?")[0]
    cleo.post(path + "/share", data={"shared": "yes", "csrf_token": _token(cleo, path)})
    for page in (cleo.get(path).text, login(TestClient(app), "ruth").get("/clients/cleo").text):
        assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
        assert "<img src=x" not in page and "{{ 7*7 }}" in page  # escaped, and no template evaluation
