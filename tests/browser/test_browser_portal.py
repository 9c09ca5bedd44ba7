"""The client portal's journeys in Chromium, each with the therapist on the other side in a browser of their own:
an invitation accepted and a free-association entry shared onto the therapist's timeline; a check-in completed on
a phone; a risky entry answered by the safety message and a task for the therapist."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from reverie.safety import SAFETY_INTRO
from tests.browser.conftest import CLIENT, PHONE, THERAPIST, assert_accessible, login

NEW_PASSWORD = "a new password for the test"


def test_browser_client_accepts_an_invitation_writes_and_shares_a_free_association(new_page, demo_site) -> None:
    with demo_site.open_as() as ws:
        ws.add_client("BR-INVITE")
    therapist, client = new_page(), new_page()
    login(therapist, THERAPIST)
    therapist.goto("/clients/BR-INVITE")
    therapist.get_by_role("button", name="Invite to the portal").click()
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Invitation for BR-INVITE")
    link = therapist.locator("p.key code").inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/portal/invite/\S+", link), link

    # the client opens the one-time link, chooses a password and lands in their journal
    client.goto(link)
    expect(client.get_by_role("heading", level=1)).to_have_text("Welcome to your journal")
    assert_accessible(client)
    client.get_by_label(re.compile(r"^Password")).fill(NEW_PASSWORD)
    client.get_by_label("The same password again").fill(NEW_PASSWORD)
    client.get_by_role("button", name="Open my account").click()
    expect(client).to_have_url(re.compile(r"/portal$"))
    expect(client.get_by_role("heading", level=1)).to_have_text("My journal")
    expect(client.get_by_role("link", name="My safety plan")).to_be_visible()

    # free association in "just keep writing" mode: finished words move out of sight into the entry itself
    client.get_by_role("link", name=re.compile("free association", re.I)).click()
    expect(client).to_have_url(re.compile(r"/portal/write/free_association$"))
    client.get_by_label("Just keep writing").check()
    entry, typing = client.locator("#f-text"), client.locator("#fa-typing")
    expect(entry).to_be_hidden()
    typing.press_sequentially("the lighthouse keeper from my grandmother's stories, the smell of tar ", delay=5)
    expect(typing).to_have_value("")
    expect(entry).to_have_value(re.compile(r"the lighthouse keeper from my grandmother's stories, the smell of tar"))
    # autosave: closing the tab loses nothing
    expect(client.locator("#autosave-status")).to_contain_text("Draft saved", timeout=15_000)
    tab = client.context.new_page()
    client.close()
    tab.goto("/portal/write/free_association")
    expect(tab.locator("#f-text")).to_have_value(re.compile("the lighthouse keeper"))
    tab.locator("#f-text").press("ControlOrMeta+End")
    tab.locator("#f-text").press_sequentially("and the boat I was never allowed to row.", delay=5)
    tab.get_by_role("button", name="Save entry").click()

    # private by default: the therapist's timeline does not show it until the client shares it
    expect(tab.get_by_role("status")).to_have_text("Your entry is saved.")
    expect(tab.get_by_text("Only you can read this entry.")).to_be_visible()
    therapist.goto("/clients/BR-INVITE")
    expect(therapist.locator("main")).not_to_contain_text("lighthouse keeper")
    tab.get_by_role("button", name="Share with my therapist").click()
    expect(tab.get_by_text("Your therapist can read this entry.")).to_be_visible()
    assert_accessible(tab)

    therapist.reload()
    shared = therapist.locator(".timeline li").filter(has_text="free association")
    expect(shared).to_have_count(1)
    shared.get_by_text("read the shared entry").click()
    expect(shared.locator("p.entry")).to_contain_text("the lighthouse keeper from my grandmother's stories, "
                                                      "the smell of tar and the boat I was never allowed to row.")


def test_browser_client_completes_a_check_in_on_a_phone(new_page, demo_site) -> None:
    therapist = new_page()
    login(therapist, THERAPIST)
    therapist.goto("/clients/demo")
    therapist.get_by_label("Ask for a check-in").select_option("gad7")
    therapist.get_by_role("button", name="Assign").click()
    expect(therapist).to_have_url(re.compile(r"/clients/demo\?assigned=gad7$"))

    with demo_site.open_as() as ws:  # the one just assigned (the client may have others open)
        assigned = [a["id"] for a in ws.assignments("demo") if a["instrument"] == "gad7"][-1]

    phone = new_page(viewport=PHONE)
    login(phone, CLIENT)
    phone.locator(f'a[href="/portal/checkins/{assigned}"]').click()
    expect(phone).to_have_url(re.compile(r"/portal/checkins/\d+$"))
    assert_accessible(phone)
    for number in range(1, 8):  # GAD-7: one question per screen
        expect(phone.get_by_text(f"Question {number} of 7", exact=True)).to_be_visible()
        assert _fits_the_screen(phone), f"question {number} is wider than the phone"
        phone.get_by_label("Several days").check()
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("You have answered every question.")).to_be_visible()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert _fits_the_screen(phone)

    with demo_site.open_as() as ws:
        with_answers = [r for r in ws.responses("demo") if r.instrument == "gad7" and r.answers == [1] * 7]
    assert with_answers, "the check-in's answers were not stored"
    therapist.reload()
    expect(therapist.locator(".timeline li").filter(has_text="GAD7").first).to_be_visible()


def test_browser_risky_entry_shows_the_safety_message_and_opens_a_task(new_page) -> None:
    client = new_page(viewport=PHONE)
    login(client, CLIENT)
    client.goto("/portal/write/reflection")
    client.locator("textarea").first.fill("Since the weekend I keep thinking that I want to kill myself, "
                                          "and last night I looked up how.")  # written for the test
    client.get_by_role("button", name="Save entry").click()
    message = client.locator(".safety-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text(SAFETY_INTRO.split("\n")[0])
    expect(message.get_by_role("link", name="Open my safety plan")).to_be_visible()
    assert_accessible(client)
    message.get_by_role("link", name="Open my safety plan").click()
    expect(client).to_have_url(re.compile(r"/portal/safety-plan$"))

    therapist = new_page()
    login(therapist, THERAPIST)
    banner = therapist.get_by_role("alert", name="Open safety tasks")
    expect(banner).to_be_visible()
    therapist.get_by_role("navigation", name="Main").get_by_role("link", name="Safety").click()
    task = therapist.locator("article").filter(has_text="From a journal entry").filter(has_text="want to kill myself")
    expect(task).to_have_count(1)
    expect(task).to_contain_text("demo")
    assert_accessible(therapist)
    task.get_by_role("button", name="Acknowledge").click()
    acknowledged = therapist.locator("table tbody tr").filter(has_text="ruth.adler")
    expect(acknowledged.first).to_be_visible()
    expect(therapist.locator("article").filter(has_text="want to kill myself")).to_have_count(0)


def _fits_the_screen(page) -> bool:  # noqa: ANN001
    """Nothing on the page is wider than its viewport (no sideways scrolling on a phone)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

