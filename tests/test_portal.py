"""The client portal at the workspace level: invitations, drafts, entries and sharing, check-ins, safety."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.domain import ENTRY_KINDS
from reverie.errors import AccessDenied, InputError, InvitationError, NotFoundError
from reverie.journal import KINDS, compose
from reverie.safety import NOT_WATCHED_NOTE
from reverie.store import portal as store_portal
from reverie.store.tables import UserRow
from tests.conftest import workspace_bytes
from tests.portal_support import no_model  # noqa: F401 (a fixture)

RISKY = "Work was long. I want to kill myself tonight."
DREAM = {"dream": "A lighthouse with no stairs inside.", "feelings": "Calm, then a tightness.",
         "day_before": "My sister rang about the house.", "associations": "The summer we moved.", "title": "Lighthouse"}


@pytest.fixture(autouse=True)
def _no_model(no_model: None) -> None:
    """The risk screen runs with a stand-in encoder (``tests/portal_support.py``)."""


@pytest.fixture
def portal(ws: rw.Workspace):
    """Ruth's caseload: c1 (account sam) and c2 (account kim); yields a function that opens the workspace as a user."""
    ws.add_client("c1", locale="en-GB")
    ws.add_client("c2")
    ws.add_user("sam", "client", client="c1")
    ws.add_user("kim", "client", client="c2")
    opened: list[rw.Workspace] = []

    def as_user(name: str) -> rw.Workspace:
        opened.append(rw.open(ws.settings.workspace, db=ws.settings.db, user=name))
        return opened[-1]
    yield as_user
    for w in opened:
        w.close()


def test_portal_offers_every_entry_kind_and_composes_parts_under_headings() -> None:
    assert set(KINDS) == set(ENTRY_KINDS)
    title, text = compose("dream", {**DREAM, "day_before": "  ", "unknown": "dropped"})
    assert title == "Lighthouse"
    assert text == ("The dream\nA lighthouse with no stairs inside.\n\nThe feelings in it\nCalm, then a tightness."
                    "\n\nWhat comes to mind\nThe summer we moved.")
    assert compose("free_association", {"text": "  just this  "}) == ("", "just this")
    with pytest.raises(InputError, match="empty"):
        compose("moment", {"happened": " ", "title": "only a title"})
    with pytest.raises(InputError, match="unknown kind"):
        compose("poem", {"text": "x"})


def test_portal_draft_survives_a_closed_tab_and_becomes_the_entry(ws: rw.Workspace, portal) -> None:
    sam = portal("sam")
    sam.save_draft("dream", {"dream": "A lighthouse", "title": "Lighthouse"})
    sam.save_draft("dream", DREAM)  # autosave again: the same draft, updated
    sam.close()
    sam = portal("sam")  # a new request, as after closing the tab
    (draft,) = sam.drafts()
    assert draft["kind"] == "dream" and draft["fields"] == DREAM
    assert b"lighthouse with no stairs" not in workspace_bytes(ws.settings.workspace)  # sealed at rest
    done = sam.write_entry("dream", draft["fields"])
    assert sam.drafts() == [] and sam.draft("dream") is None
    (entry,) = sam.journal()
    assert entry.id == done["entry"] and entry.kind == "dream" and entry.title == "Lighthouse"
    assert "The day before\nMy sister rang about the house." in entry.text
    assert entry.shared_with_therapist is False and done["safety"] == [] and done["safety_message"] is None
    assert ws.entries("c1") == []  # private by default: the therapist sees nothing


def test_portal_drafts_are_their_writers_alone(ws: rw.Workspace, portal) -> None:
    sam, kim = portal("sam"), portal("kim")
    sam.save_draft("moment", {"happened": "The bus left without me."})
    assert kim.drafts() == []
    kim.save_draft("moment", {"happened": "Something else."})
    assert [d["fields"]["happened"] for d in sam.drafts()] == ["The bus left without me."]
    with pytest.raises(AccessDenied):
        ws.drafts()  # the therapist reads no drafts
    with pytest.raises(AccessDenied):
        ws.save_draft("moment", {"happened": "x"})


def test_portal_client_cannot_open_another_clients_entry_or_assignment(ws: rw.Workspace, portal) -> None:
    sam, kim = portal("sam"), portal("kim")
    entry_id = sam.write_entry("reflection", {"text": "Only mine."}, share=True)["entry"]
    assignment = ws.assign("c1", "gad7")
    assert sam.entry(entry_id).text == "Only mine."
    with pytest.raises(NotFoundError):
        kim.entry(entry_id)
    with pytest.raises(NotFoundError):
        kim.assignment(assignment["id"])
    with pytest.raises(NotFoundError):
        kim.answer_item(assignment["id"], 1, 0)
    with pytest.raises(NotFoundError):
        kim.assignments("c1")
    assert kim.assignments() == []


def test_portal_share_then_withdraw_hides_the_entry_from_the_therapist(ws: rw.Workspace, portal) -> None:
    sam = portal("sam")
    entry_id = sam.write_entry("reflection", {"text": "About the silence last week."})["entry"]
    with pytest.raises(NotFoundError):
        ws.entry(entry_id)  # private: not even its existence shows
    assert sam.share_entry(entry_id, True).shared_with_therapist is True
    assert [e.text for e in ws.entries("c1")] == ["About the silence last week."]
    assert ws.entry(entry_id).id == entry_id
    sam.share_entry(entry_id, False)
    assert ws.entries("c1") == []
    with pytest.raises(NotFoundError):
        ws.entry(entry_id)
    sharing = [c for c in ws.consents("c1") if c["scope"] == "sharing"]
    assert [(c["detail"], c["active"]) for c in sharing] == [(f"entry:{entry_id}", False)]  # a record, withdrawn
    with pytest.raises(AccessDenied):
        ws.share_entry(entry_id, True)  # sharing is the client's choice only


def test_portal_risky_entry_opens_a_task_and_returns_the_fixed_message(ws: rw.Workspace, portal) -> None:
    sam = portal("sam")
    done = sam.write_entry("free_association", {"text": RISKY})
    assert done["safety"] and done["safety"][0]["source"] == "entry"
    message = done["safety_message"]
    assert message["note"] == NOT_WATCHED_NOTE
    assert any(c["number"] == "116 123" for c in message["contacts"])  # Samaritans for en-GB
    (task,) = ws.safety_tasks()
    assert task["source_ref"] == str(done["entry"]) and "kill myself" in task["evidence"]["text"]
    assert "Work was long" not in task["evidence"]["text"]  # only the flagged sentence, the entry stays private
    sam.share_entry(done["entry"], True)
    sam.share_entry(done["entry"], False)
    assert ws.entries("c1") == [] and "kill myself" in ws.safety_tasks()[0]["evidence"]["text"]  # safety keeps it


def test_portal_safety_notice_has_the_locales_contacts(portal) -> None:
    notice = portal("sam").safety_notice()
    assert notice["note"] == NOT_WATCHED_NOTE and any(c["number"] == "116 123" for c in notice["contacts"])
    assert any(c["number"] == "988" for c in portal("kim").safety_notice()["contacts"])  # no locale: en-US default


PASSWORD = "a long test password"


def test_portal_invitation_works_once(ws: rw.Workspace) -> None:
    ws.add_client("c3")
    inv = ws.invite("c3")
    assert inv["user"] == "c3" and any(u.name == "c3" and u.role == "client" for u in ws.store.users())
    stored = workspace_bytes(ws.settings.workspace)
    assert inv["token"].encode() not in stored and store_portal.token_hash(inv["token"]).encode() in stored
    assert ws.invitation(inv["token"])["user"] == "c3"  # looking does not use it
    with pytest.raises(InputError, match="at least"):
        ws.accept_invitation(inv["token"], "short")  # refused: the link stays unused
    assert ws.accept_invitation(inv["token"], PASSWORD) == {"user": "c3", "client": "c3"}
    assert ws.verify_login("c3", PASSWORD).client_code == "c3"
    with pytest.raises(InvitationError, match="already been used"):
        ws.accept_invitation(inv["token"], "another long password")
    with pytest.raises(InvitationError, match="already been used"):
        ws.invitation(inv["token"])
    with pytest.raises(AccessDenied):
        ws.verify_login("c3", "another long password")
    assert any(r["action"] == "accept" and r["actor"] == "c3" for r in ws.audit_show("c3"))


def test_portal_expired_or_replaced_invitation_is_refused(ws: rw.Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.add_client("c3")
    first = ws.invite("c3", hours=1)
    second = ws.invite("c3", hours=1)  # a new link replaces the unused one
    with pytest.raises(InvitationError, match="not valid"):
        ws.accept_invitation(first["token"], PASSWORD)
    later = store_portal.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(store_portal, "now", lambda: later)
    with pytest.raises(InvitationError, match="expired"):
        ws.accept_invitation(second["token"], PASSWORD)
    with pytest.raises(AccessDenied):
        ws.verify_login("c3", PASSWORD)  # no password was set
    with pytest.raises(InputError):
        ws.invite("c3", hours=0)


def test_portal_only_the_treating_therapist_invites(ws: rw.Workspace, portal) -> None:
    ws.add_user("mira", "therapist")
    with pytest.raises(NotFoundError):
        portal("mira").invite("c1")
    with pytest.raises(AccessDenied):
        portal("sam").invite("c1")
    with pytest.raises(AccessDenied, match="another client"):
        ws.invite("c1", user="kim")  # kim's account is bound to c2
    assert ws.invite("c1")["user"] == "sam"  # the client's existing account


def test_portal_invitation_of_an_erased_client_is_refused(ws: rw.Workspace) -> None:
    ws.add_client("c3")
    inv = ws.invite("c3")
    ws.erase("c3")
    with pytest.raises(InvitationError):
        ws.accept_invitation(inv["token"], PASSWORD)


def test_portal_check_in_one_item_at_a_time_then_scored_with_safety(ws: rw.Workspace, portal) -> None:
    sam = portal("sam")
    assigned = ws.assign("c1", "phq9")
    (listed,) = sam.assignments()
    assert listed["id"] == assigned["id"] and listed["instrument"] == "phq9"
    a = sam.assignment(assigned["id"])
    assert a["next"] == 1 and len(a["items"]) == 9 and a["items"][8]["text"].startswith("Thoughts that you would")
    for number in range(1, 9):
        a = sam.answer_item(assigned["id"], number, 0)
    assert a["next"] == 9
    with pytest.raises(InputError):
        sam.answer_item(assigned["id"], 9, 4)
    with pytest.raises(InputError):
        sam.answer_item(assigned["id"], 10, 0)
    sam.answer_item(assigned["id"], 9, 1)
    result = sam.complete_assignment(assigned["id"])
    assert result["total"] == 1 and result["safety"] and result["safety_message"]["note"] == NOT_WATCHED_NOTE
    assert sam.assignments() == []
    (task,) = ws.safety_tasks()
    assert task["source"] == "questionnaire"
    assert [r.answers for r in ws.responses("c1")] == [[0] * 8 + [1]]
    with pytest.raises(InputError, match="already completed"):
        sam.complete_assignment(assigned["id"])
    assert len(ws.responses("c1")) == 1


def test_portal_check_in_uses_the_licensed_item_text_the_workspace_holds(ws: rw.Workspace, portal) -> None:
    folder = Path(ws.settings.workspace) / "instruments"
    folder.mkdir()
    with pytest.raises(InputError, match="licensed"):
        ws.assign("c1", "core10")  # the client could not read the questions
    (folder / "core10.txt").write_text("\n".join(f"Test item {n}" for n in range(1, 11)), encoding="utf-8")
    ws.assign("c1", "core10")
    sam = portal("sam")
    (a,) = sam.assignments()
    assert [i["text"] for i in sam.assignment(a["id"])["items"]][:2] == ["Test item 1", "Test item 2"]


def test_cli_users_invite_prints_a_link_that_opens_the_invitation(wsdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import run_json
    with rw.open(wsdir, user="ruth") as ws:
        ws.add_client("c1")
    shown = run_json(capsys, ["users", "invite", "--client", "c1", "--base-url", "http://portal.test:8000/"])
    assert shown["user"] == "c1" and shown["link"].startswith("http://portal.test:8000/portal/invite/")
    token = shown["link"].rsplit("/", 1)[1]
    with rw.open(wsdir, user="ruth") as ws:
        assert ws.invitation(token)["user"] == "c1"
    from reverie.cli import main
    assert main(["users", "invite", "--client", "c1", "--hours", "0"]) == 2


def test_portal_calls_act_as_the_user_of_each_per_request_view(ws: rw.Workspace) -> None:
    ws.add_client("c1")
    sam = ws.add_user("sam", "client", client="c1")
    ws.assignments("c1")  # the base workspace (ruth) uses the portal first...
    view = ws.acting_as(rw._actor(ws.db, ws.db.transaction(lambda s: s.get(UserRow, sam["id"]))))
    view.save_draft("dream", {"dream": "a boat"})  # ...then a view acting as the client: it is sam who writes
    assert [d["kind"] for d in view.drafts()] == ["dream"]
    with pytest.raises(AccessDenied):
        ws.drafts()


def test_portal_erasing_the_journal_erases_drafts_and_erasing_the_client_all_portal_rows(ws: rw.Workspace, portal) -> None:
    from sqlalchemy import func, select

    from reverie.store.tables import AssignmentRow, DraftRow, InvitationRow
    sam = portal("sam")
    sam.save_draft("dream", {"dream": "an unfinished dream"})
    sam.write_entry("reflection", {"text": "kept a moment"})
    ws.erase("c1", journal_only=True)
    assert sam.drafts() == [] and sam.journal() == []
    sam.save_draft("dream", {"dream": "another"})
    ws.assign("c1", "gad7")
    ws.invite("c1")
    ws.erase("c1")
    counts = ws.db.transaction(lambda s: [s.scalar(select(func.count()).select_from(t))
                                          for t in (DraftRow, AssignmentRow, InvitationRow)])
    assert counts == [0, 0, 0]
