"""Every main page in Chromium, as its user sees it: it loads, logs no console error (the fixture checks), and axe-core
finds no serious or critical accessibility violation. The client's pages are checked on a phone-sized screen, where
nothing may be wider than the screen."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import CLIENT, PHONE, THERAPIST, accessibility_problems, login

THERAPIST_PAGES = ["/", "/clients/demo", "/clients/demo/sessions/{session}", "/import", "/safety",
                   "/clients/demo/safety-plan", "/clients/demo/questionnaire", "/clients/demo/report", "/account"]
CLIENT_PAGES = ["/portal", "/portal/write/free_association", "/portal/write/dream", "/portal/write/moment",
                "/portal/write/reflection", "/portal/entries/{entry}", "/portal/checkins/{checkin}",
                "/portal/safety-plan", "/account"]


def _visit_all(page: Any, paths: list[str], phone: bool = False) -> list[str]:
    problems = []
    for path in paths:
        response = page.goto(path)
        if response is None or response.status != 200:
            problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
            continue
        page.wait_for_load_state("networkidle")
        if page.locator("h1").count() != 1:
            problems.append(f"{path}: {page.locator('h1').count()} level-one headings")
        if phone and not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            problems.append(f"{path}: wider than a phone's screen")
        problems += accessibility_problems(page)
    return problems


def test_browser_pages_login_page_is_accessible(page) -> None:
    assert _visit_all(page, ["/login"]) == []


def test_browser_pages_therapist_pages_are_accessible(page, demo_site) -> None:
    with demo_site.open_as() as ws:
        session = ws.sessions("demo")[0]["id"]
    login(page, THERAPIST)
    assert _visit_all(page, [p.format(session=session) for p in THERAPIST_PAGES]) == []


def test_browser_pages_client_pages_are_accessible_on_a_phone(new_page, demo_site) -> None:
    with demo_site.open_as() as ws:
        checkin = ws.assign("demo", "phq9")["id"]
    with demo_site.open_as(CLIENT) as ws:
        entry = ws.journal()[0].id
    phone = new_page(viewport=PHONE)
    login(phone, CLIENT)
    assert _visit_all(phone, [p.format(checkin=checkin, entry=entry) for p in CLIENT_PAGES], phone=True) == []
