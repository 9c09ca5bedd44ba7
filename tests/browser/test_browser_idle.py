"""Inactivity log-off on screen: a page left alone leaves for the login page once its session has ended."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import THERAPIST, login
from tests.browser.live import serve


def test_browser_idle_page_leaves_the_screen_with_its_session(new_page, demo_site) -> None:
    from reverie.web.app import create_app

    app = create_app(demo_site.workspace, key_file=demo_site.key_file, idle=timedelta(seconds=3))
    with serve(app) as url:
        page = new_page(base_url=url)
        login(page, THERAPIST)
        expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
        assert page.locator('meta[http-equiv="refresh"]').count() == 0  # only inside <noscript>: JavaScript is on
        page.wait_for_url(re.compile(r"/login$"), timeout=60_000)  # nobody touched it: the page left by itself
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
        page.goto("/")  # and the session is over on the server too
        expect(page).to_have_url(re.compile(r"/login\?next=/$"))
