"""A therapist's journey in Chromium: log in, import a session (upload, preview the speakers, confirm), watch the
analysis and open the annotated session view."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import THERAPIST, assert_accessible, login

# written for the test: two speakers whose labels say nothing of their roles, so the therapist must choose
TRANSCRIPT = """Ada Lind: What would you like to start with today?
Rowan: I suppose it doesn't matter. I'm fine, really, it was nothing.
Ada Lind: You say it was nothing, and yet you smiled as you said it.
Rowan: (long pause) My father never listened either. I was furious with him and I never said so.
Ada Lind: I wonder whether you expect me not to listen, the way he didn't.
Rowan: Maybe. I felt so ashamed when I cried in the car afterwards.
"""


def test_browser_therapist_imports_a_session_and_opens_the_annotated_view(page, tmp_path: Path) -> None:
    upload = tmp_path / "rowan-first-session.txt"
    upload.write_text(TRANSCRIPT, encoding="utf-8")
    login(page, THERAPIST)
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    expect(page).to_have_url(re.compile(r"/import$"))
    assert_accessible(page)
    page.get_by_label("Client code").fill("BR-IMPORT")
    page.get_by_label("Transcript file").set_input_files(upload)
    page.get_by_role("button", name="Preview").click()

    # the preview: nothing stored yet; both speakers with their turn counts and first words
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview: rowan-first-session.txt")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Ada Lind")).to_contain_text("What would you like to start with")
    expect(rows.filter(has_text="Rowan")).to_contain_text("3")
    assert_accessible(page)
    page.get_by_label("Ada Lind").check()
    expect(page.get_by_label("Analyse it now")).to_be_checked()
    page.get_by_role("button", name="Import").click()

    # the analysis runs in the background; its status page sends the browser to the session when done
    expect(page).to_have_url(re.compile(r"/clients/BR-IMPORT/sessions/\d+$"), timeout=120_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Session 1"))
    ada, rowan = page.locator(".turn.therapist"), page.locator(".turn.client")
    expect(ada).to_have_count(3)
    expect(rowan).to_have_count(3)
    expect(ada.first.locator(".who")).to_contain_text("Ada Lind")
    expect(rowan.nth(2)).to_contain_text("I felt so ashamed when I cried in the car")

    # markers are quiet chips that open on their analyser and evidence
    chips = page.locator("details.marker")
    assert chips.count() > 0, "the annotated view shows no marker"
    first = chips.first
    expect(first.locator(".marker-body")).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator(".marker-body")).to_be_visible()
    expect(first.locator(".marker-body")).to_contain_text("analyser:")
    assert_accessible(page)

    # filters per analyser: unticking one hides its markers, the others stay
    groups = page.get_by_role("group", name="Show markers of").get_by_role("checkbox")
    assert groups.count() >= 2, "the annotated view offers fewer than two analysers to filter"
    hidden = groups.first.get_attribute("value")
    expect(page.locator(f'details.marker[data-group="{hidden}"]').first).to_be_visible()
    groups.first.uncheck()
    expect(page).to_have_url(re.compile(rf"show=(?!{hidden}\b)"))
    expect(page.locator(f'details.marker[data-group="{hidden}"]')).to_have_count(0)
    expect(page.locator("details.marker").first).to_be_visible()

    # the new client is on the caseload, with this session as the last one
    page.get_by_role("link", name="Caseload").click()
    expect(page.locator("main")).to_contain_text("BR-IMPORT")
