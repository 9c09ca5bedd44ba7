"""The therapist's pages: each page, its permissions, the session view's markers, import, safety and the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import reverie.workspace as rw
from tests.conftest import SESSION_TEXT, workspace_bytes
from tests.web_support import csrf, login, make_workspace, web_app

FEELING_TEXT = """# written for the tests
T: How was the week?
C: I felt so sad and lonely after the call, and then angry at myself.
T: Sad, and then angry at yourself.
"""
PAGES = ["/", "/clients/anna", "/clients/anna/sessions/{sid}", "/safety", "/clients/anna/safety-plan", "/import",
         "/clients/anna/report", "/account", "/clients/anna/questionnaire?instrument=gad7"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("webws")
    folder = make_workspace(root)
    (root / "feeling.txt").write_text(FEELING_TEXT, encoding="utf-8")
    with rw.open(folder, key_file=root / "ws.key", user="ruth") as ws:
        ws.import_transcript(root / "feeling.txt", "anna")
        ws.analyze(client="anna", analyzers=["affect", "dialogue", "transference"])
        ws.record_response("anna", "phq9", [2, 2, 2, 2, 2, 2, 2, 2, 1], session=1)  # item 9: a safety task
    return folder


@pytest.fixture
def app(folder: Path):
    return web_app(folder, analyzers=["affect"])


def _session_id(app, code: str = "anna", number: int = 2) -> int:
    view = app.state.web.ws.acting_as(_ruth())
    return next(s["id"] for s in view.sessions(code) if s["number"] == number)


def test_every_therapist_page_opens_for_the_treating_therapist(app) -> None:
    client = login(TestClient(app), "ruth")
    for path in PAGES:
        response = client.get(path.format(sid=_session_id(app)))
        assert response.status_code == 200, path


def test_another_therapists_client_is_not_found_on_every_page(app) -> None:
    client = login(TestClient(app), "sam")
    sid = _session_id(app)
    for path in [p for p in PAGES if "anna" in p] + ["/clients/anna/report.pdf"]:
        assert client.get(path.format(sid=sid)).status_code == 404, path
    token = csrf(client, "/")
    assert client.post("/clients/anna/notes", data={"text": "x", "csrf_token": token}).status_code == 404
    assert client.post("/clients/anna/safety-plan", data={"warning_signs": "x", "csrf_token": token}).status_code == 404
    caseload = client.get("/").text
    assert "bob" in caseload and "anna" not in caseload


def test_an_admin_therapist_sees_only_their_own_caseload_and_not_another_s_client(app) -> None:
    client = login(TestClient(app), "ruth")  # ruth also administers the workspace
    assert "bob" not in client.get("/").text
    assert client.get("/clients/bob").status_code == 404


def test_a_client_account_cannot_open_therapist_pages(app) -> None:
    client = login(TestClient(app), "anna.user")
    for path in ("/clients/anna", "/safety", "/import", "/clients/anna/report"):
        assert client.get(path).status_code == 404, path


def test_the_session_view_shows_a_marker_with_its_evidence_and_analyser(app) -> None:
    client = login(TestClient(app), "ruth")
    page = client.get(f"/clients/anna/sessions/{_session_id(app)}").text
    assert "<summary>affect +" in page  # the affect analyser's declared chip
    assert "analyser: affect" in page and "“<mark>sad</mark>”" in page
    assert "<mark>lonely</mark>" in page  # the quiet highlight in the transcript itself


def test_the_session_view_filters_markers_per_analyser(app) -> None:
    client = login(TestClient(app), "ruth")
    sid = _session_id(app)
    only_dialogue = client.get(f"/clients/anna/sessions/{sid}?show=dialogue").text
    assert "<summary>affect +" not in only_dialogue and "analyser: dialogue" in only_dialogue


def test_the_session_view_reading_is_audited(app) -> None:
    client = login(TestClient(app), "ruth")
    sid = _session_id(app)
    client.get(f"/clients/anna/sessions/{sid}")
    rows = app.state.web.ws.store.audit_rows("anna")
    assert any(r["action"] == "read" and r["resource"] == f"session:{sid}" and r["actor"] == "ruth"
               and str(r["origin"]).startswith("web:") for r in rows)


def test_process_notes_stay_in_their_own_panel(app) -> None:
    client = login(TestClient(app), "ruth")
    sid = _session_id(app)
    response = client.post("/clients/anna/notes", data={"text": "Felt pulled to reassure her.", "session": "2",
                                                       "back": f"/clients/anna/sessions/{sid}",
                                                       "csrf_token": csrf(client, "/")})
    assert response.status_code == 200
    panel = response.text.split('id="notes-h"')[1]
    assert "Felt pulled to reassure her." in panel
    assert "Felt pulled" not in response.text.split('id="notes-h"')[0]


def test_a_note_being_typed_is_kept_for_its_writer_through_a_log_off_until_it_is_saved(app, folder: Path) -> None:
    sid = _session_id(app)
    page = f"/clients/anna/sessions/{sid}"
    client = login(TestClient(app), "ruth")
    typed = {"text": "Half a thought about the break and", "session": "2"}
    saved = client.post("/clients/anna/notes/draft", data=typed | {"csrf_token": csrf(client, "/")})
    assert saved.status_code == 200 and "Draft kept at" in saved.text
    assert client.post("/clients/anna/notes/draft", data=typed).status_code == 403  # no CSRF token
    outsider = login(TestClient(app), "sam")
    assert outsider.post("/clients/anna/notes/draft", data=typed | {"csrf_token": csrf(outsider, "/")}).status_code == 404
    assert b"Half a thought" not in workspace_bytes(folder)  # sealed like the notes
    again = login(TestClient(app), "ruth")  # logged off meanwhile: a new session finds the draft in the form
    assert "Half a thought about the break and</textarea>" in again.get(page).text
    again.post("/clients/anna/notes", data={"text": "Half a thought about the break and her silence.", "session": "2",
                                            "back": page, "csrf_token": csrf(again, "/")})
    shown = again.get(page).text
    assert "Half a thought about the break and her silence." in shown and "the break and</textarea>" not in shown
    assert ">Kept as you type.<" in shown  # saving the note ended its draft


def test_the_safety_banner_shows_until_the_task_is_acknowledged_by_the_logged_in_user(folder: Path) -> None:
    app = web_app(folder)
    client = login(TestClient(app), "ruth")
    assert "aria-label=\"Open safety tasks\"" in client.get("/account").text
    task = re.search(r'action="/safety/(\d+)/acknowledge"', client.get("/safety").text).group(1)
    outsider = login(TestClient(app), "sam")
    assert outsider.post(f"/safety/{task}/acknowledge", data={"csrf_token": csrf(outsider, "/")}).status_code == 404
    page = client.post(f"/safety/{task}/acknowledge", data={"csrf_token": csrf(client, "/")})
    assert page.status_code == 200 and "Open safety tasks" not in page.text and "No open safety tasks" in page.text
    assert re.search(r"<td>ruth</td><td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", page.text)
    assert any(r["action"] == "acknowledge" and r["actor"] == "ruth" for r in app.state.web.ws.store.audit_rows("anna"))


def test_the_safety_plan_is_edited_and_kept(app) -> None:
    client = login(TestClient(app), "ruth")
    client.post("/clients/anna/safety-plan", data={"warning_signs": "I stop answering messages\n\n",
                                                   "people_to_ask": "my sister", "csrf_token": csrf(client, "/")})
    page = client.get("/clients/anna/safety-plan").text
    assert "I stop answering messages</textarea>" in page and "my sister</textarea>" in page


def test_import_preview_shows_speakers_and_stores_nothing_until_confirmed(app, tmp_path: Path) -> None:
    client = login(TestClient(app), "ruth")
    token = csrf(client, "/import")
    preview = client.post("/import/preview", data={"client": "cara", "fmt": "auto", "csrf_token": token},
                          files={"file": ("first.txt", SESSION_TEXT.encode(), "text/plain")})
    assert preview.status_code == 200 and "therapist" in preview.text and "client" in preview.text
    assert "cara" not in [c["code"] for c in app.state.web.ws.store.clients()]
    key = re.search(r'name="key" value="([^"]+)"', preview.text).group(1)
    stored = client.post("/import/confirm", data={"key": key, "therapist_speaker": "T", "csrf_token": token})
    assert stored.status_code == 200 and "I keep waking at four" in stored.text
    again = client.post("/import/confirm", data={"key": key, "therapist_speaker": "T", "csrf_token": token})
    assert again.status_code == 400  # an upload is imported once
    preview = client.post("/import/preview", data={"client": "cara", "csrf_token": token},
                          files={"file": ("copy.txt", SESSION_TEXT.encode(), "text/plain")})
    key = re.search(r'name="key" value="([^"]+)"', preview.text).group(1)
    same = client.post("/import/confirm", data={"key": key, "therapist_speaker": "T", "analyse": "1",
                                                "csrf_token": token})
    assert "This file was imported before" in same.text  # the same content again: the session it made, no new one
    assert len(app.state.web.ws.acting_as(_ruth()).sessions("cara")) == 1


def test_import_then_analysis_progress_ends_on_the_annotated_session(app) -> None:
    client = login(TestClient(app), "ruth")
    token = csrf(client, "/import")
    preview = client.post("/import/preview", data={"client": "dora", "csrf_token": token},
                          files={"file": ("s.txt", FEELING_TEXT.encode(), "text/plain")})
    key = re.search(r'name="key" value="([^"]+)"', preview.text).group(1)
    started = client.post("/import/confirm", data={"key": key, "therapist_speaker": "T", "analyse": "1",
                                                   "csrf_token": token}, follow_redirects=False)
    status_url = started.headers["location"]
    job = app.state.web.jobs.job(status_url.rsplit("/", 1)[1], "ruth")
    job.thread.join()
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert job.state == "done" and polled.headers["HX-Redirect"].startswith("/clients/dora/sessions/")
    assert "<summary>affect +" in client.get(polled.headers["HX-Redirect"]).text


def test_another_therapist_cannot_confirm_someone_elses_upload(app) -> None:
    ruth = login(TestClient(app), "ruth")
    preview = ruth.post("/import/preview", data={"client": "erin", "csrf_token": csrf(ruth, "/import")},
                        files={"file": ("s.txt", SESSION_TEXT.encode(), "text/plain")})
    key = re.search(r'name="key" value="([^"]+)"', preview.text).group(1)
    sam = login(TestClient(app), "sam")
    assert sam.post("/import/confirm", data={"key": key, "csrf_token": csrf(sam, "/")}).status_code == 400


def test_a_broken_upload_is_refused_with_the_readers_message(app) -> None:
    client = login(TestClient(app), "ruth")
    response = client.post("/import/preview", data={"client": "fay", "fmt": "json", "csrf_token": csrf(client, "/")},
                           files={"file": ("x.json", b"{not json", "application/json")})
    assert response.status_code == 400 and "x.json" in response.text and "Traceback" not in response.text


def test_the_case_overview_carries_the_chart_data_as_json_not_script(app) -> None:
    client = login(TestClient(app), "ruth")
    page = client.get("/clients/anna").text
    block = re.search(r'<script type="application/json" id="progress-data">(.*?)</script>', page, re.S).group(1)
    import json
    data = json.loads(block)
    assert "sessions" in data and "bands" in data
    assert '<script src="/static-vendor/plotly.min.js"' in page
    assert not re.search(r"<script>(?!</script>)", page)  # no inline script anywhere


def test_plotly_and_htmx_are_served_from_the_package(app) -> None:
    client = TestClient(app)
    plotly = client.get("/static-vendor/plotly.min.js")
    assert plotly.status_code == 200 and "plotly" in plotly.text[:2000].lower()
    assert "htmx" in client.get("/static/htmx.min.js").text[:100]


def test_the_report_is_html_and_pdf(app) -> None:
    client = login(TestClient(app), "ruth")
    assert "anna" in client.get("/clients/anna/report").text
    pdf = client.get("/clients/anna/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_questionnaire_answers_entered_in_session_are_scored_and_stored(app) -> None:
    client = login(TestClient(app), "ruth")
    before = len(app.state.web.ws.acting_as(_ruth()).responses("anna"))
    answers = {f"item{n}": "1" for n in range(1, 8)}
    page = client.post("/clients/anna/questionnaire", data={"instrument": "gad7", "session": "2", **answers,
                                                            "csrf_token": csrf(client, "/")})
    assert page.status_code == 200 and "total 7" in page.text
    stored = app.state.web.ws.acting_as(_ruth()).responses("anna")
    assert len(stored) == before + 1 and stored[-1].answers == [1] * 7 and stored[-1].session == 2


def test_an_out_of_range_answer_is_refused_with_the_item_named(app) -> None:
    client = login(TestClient(app), "ruth")
    page = client.post("/clients/anna/questionnaire", data={"instrument": "gad7", "item1": "9",
                                                            "csrf_token": csrf(client, "/")})
    assert page.status_code == 400 and "item 1" in page.text.lower()


def _ruth():
    from reverie.domain import User
    return User("ruth", "therapist", is_admin=True, id=1)


VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Therapist>Where would you like to start?\n\n"
       "00:00:09.000 --> 00:00:12.000\n<v Client>With the dream about the flooded house.\n")


def test_a_timed_silence_is_drawn_as_a_gap_before_the_turn(app, tmp_path: Path) -> None:
    (tmp_path / "s.vtt").write_text(VTT, encoding="utf-8")
    ruth = app.state.web.ws.acting_as(_ruth())
    stored = ruth.import_transcript(tmp_path / "s.vtt", "hal")
    sid = stored["sessions"][0]["id"]
    ruth.analyze(session_id=sid, analyzers=["dialogue"])
    page = login(TestClient(app), "ruth").get(f"/clients/hal/sessions/{sid}").text
    gap = page.index("6 s of silence")
    assert page.index("would you like to start?") < gap < page.index("flooded house")


def test_import_reads_other_formats_by_their_content(app) -> None:
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Therapist>Where would you like to start?\n\n"
           "00:00:09.000 --> 00:00:12.000\n<v Client>With the dream about the flooded house.\n")
    client = login(TestClient(app), "ruth")
    preview = client.post("/import/preview", data={"client": "gus", "csrf_token": csrf(client, "/import")},
                          files={"file": ("session.vtt", vtt.encode(), "text/vtt")})
    assert preview.status_code == 200 and "format vtt" in preview.text and "flooded house" in preview.text
