"""The authorisation matrix, every cell, and the scoping it implies through the store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.domain import Entry, User
from reverie.errors import AccessDenied, NotFoundError
from reverie.store import access

# Written out by hand from the policy (not derived from the code): (role, resource) -> allowed actions,
# for a record inside the user's scope (own caseload / own record).
EXPECTED = {
    ("therapist", "client"): "rwe", ("therapist", "session"): "rwe", ("therapist", "entry"): "rw",
    ("therapist", "entry_private"): "w", ("therapist", "response"): "rw", ("therapist", "note"): "rwe",
    ("therapist", "annotation"): "rw", ("therapist", "consent"): "rw", ("therapist", "safety"): "rw",
    ("therapist", "export"): "r", ("therapist", "invitation"): "rw", ("therapist", "assignment"): "rwe",
    ("client", "client"): "r", ("client", "session"): "r", ("client", "entry"): "rwe", ("client", "entry_private"): "rwe",
    ("client", "response"): "rw", ("client", "consent"): "rw", ("client", "safety"): "r", ("client", "export"): "r",
    ("client", "draft"): "rwe", ("client", "assignment"): "rw",
    ("admin", "client"): "we", ("admin", "audit"): "r", ("admin", "users"): "rw", ("admin", "keys"): "w",
    ("admin", "backup"): "rw",
}
LETTER = {"read": "r", "write": "w", "erase": "e"}
USERS = {
    "therapist": User("ruth", "therapist"),
    "client": User("sam", "client", client_code="c1"),
    "admin": User("ops", "admin"),
    "researcher": User("rex", "researcher"),
}
CELLS = [(role, res, act) for role in USERS for res in access.RESOURCES for act in access.ACTIONS]


@pytest.mark.parametrize("role, resource, action", CELLS)
def test_access_matrix_cell_in_scope(role: str, resource: str, action: str) -> None:
    expected = LETTER[action] in EXPECTED.get((role, resource), "")
    assert access.allowed(USERS[role], action, resource, "c1", "ruth") is expected


@pytest.mark.parametrize("role, resource, action", [c for c in CELLS if c[0] in ("therapist", "client")])
def test_access_matrix_cell_out_of_scope_is_denied(role: str, resource: str, action: str) -> None:
    if resource in access.WORKSPACE_RESOURCES:
        pytest.skip("workspace resources have no client scope")
    # client c2 belongs to another therapist and is not the client user's own record
    assert access.allowed(USERS[role], action, resource, "c2", "other") is False


def test_access_researcher_has_no_clinical_access() -> None:
    assert not any(access.allowed(USERS["researcher"], a, r, "c1", "ruth") for r in access.RESOURCES for a in access.ACTIONS)


@pytest.fixture
def two_caseloads(ws: rw.Workspace, session_file: Path) -> rw.Workspace:
    ws.import_transcript(session_file, "c1")
    ws.add_entries("c1", [Entry("c1", datetime(2026, 3, 1), "dream", "A shared dream about a train.", "", True),
                          Entry("c1", datetime(2026, 3, 2), "reflection", "Kept to myself.", "", False)])
    ws.add_note("c1", "Process note: countertransference boredom.")
    ws.add_user("mira", "therapist")
    ws.add_user("sam", "client", client="c1")
    ws.add_user("ops", "admin")
    return ws


def _as(ws: rw.Workspace, name: str) -> rw.Workspace:
    return rw.open(ws.settings.workspace, db=ws.settings.db, user=name)


def test_access_other_therapist_cannot_see_the_client(two_caseloads: rw.Workspace) -> None:
    other = _as(two_caseloads, "mira")
    assert other.clients() == []
    with pytest.raises(NotFoundError):
        other.sessions("c1")
    with pytest.raises(NotFoundError):
        other.session(1)
    other.close()


def test_access_therapist_reads_only_shared_entries(two_caseloads: rw.Workspace) -> None:
    texts = [e.text for e in two_caseloads.entries("c1")]
    assert texts == ["A shared dream about a train."]


def test_access_client_sees_all_own_entries_but_no_notes(two_caseloads: rw.Workspace) -> None:
    client = _as(two_caseloads, "sam")
    assert len(client.entries("c1")) == 2
    with pytest.raises(AccessDenied, match="may not read note"):
        client.notes("c1")
    with pytest.raises(AccessDenied):
        client.analyze(client="c1")
    client.close()


def test_access_admin_keeps_house_but_reads_no_clinical_text(two_caseloads: rw.Workspace) -> None:
    admin = _as(two_caseloads, "ops")
    assert admin.audit_verify()["ok"] is True
    with pytest.raises(AccessDenied):
        admin.session(1)
    with pytest.raises(AccessDenied):
        admin.entries("c1")
    admin.close()


def test_access_unknown_user_is_refused(two_caseloads: rw.Workspace) -> None:
    with pytest.raises(AccessDenied, match="no user named"):
        _as(two_caseloads, "nobody")


def test_access_only_the_client_shares_an_entry_and_consent_is_recorded(two_caseloads: rw.Workspace) -> None:
    private = next(e for e in _as(two_caseloads, "sam").entries("c1") if not e.shared_with_therapist)
    with pytest.raises(AccessDenied, match="only the client"):
        two_caseloads.grant_consent("c1", "sharing", f"entry:{private.id}")
    client = _as(two_caseloads, "sam")
    client.grant_consent("c1", "sharing", f"entry:{private.id}")
    assert "Kept to myself." in [e.text for e in two_caseloads.entries("c1")]
    client.withdraw_consent("c1", "sharing", f"entry:{private.id}")
    assert "Kept to myself." not in [e.text for e in two_caseloads.entries("c1")]
    scopes = [(c["scope"], c["detail"], c["active"]) for c in two_caseloads.consents("c1")]
    assert ("sharing", f"entry:{private.id}", False) in scopes
    client.close()


def test_access_only_the_treating_therapist_creates_a_client_account(two_caseloads: rw.Workspace) -> None:
    admin = _as(two_caseloads, "ops")
    with pytest.raises(AccessDenied, match="treating therapist"):
        admin.add_user("spy", "client", client="c1")  # an admin manages accounts but reads no clinical text
    admin.close()
    other = _as(two_caseloads, "mira")
    with pytest.raises(AccessDenied, match="treating therapist"):
        other.add_user("spy", "client", client="c1")  # not in mira's caseload
    with pytest.raises(AccessDenied):
        other.add_user("helper", "therapist")  # staff accounts stay the admin's
    other.close()
    with pytest.raises(AccessDenied, match="treating therapist"):
        two_caseloads.add_user("spy", "client", client="c9")  # no such client: nothing to bind to
    with pytest.raises(AccessDenied, match="no user named"):
        _as(two_caseloads, "spy")
    mira_client = _as(two_caseloads, "mira")
    mira_client.add_entries("m1", [Entry("m1", datetime(2026, 3, 3), "moment", "A note of mira's client.", "", True)])
    mira_client.add_user("kim", "client", client="m1")  # a non-admin therapist binds her own client
    mira_client.close()
    assert [e.text for e in _as(two_caseloads, "kim").entries("m1")] == ["A note of mira's client."]


def test_access_erasure_ends_a_client_users_binding(two_caseloads: rw.Workspace) -> None:
    before = _as(two_caseloads, "sam")  # a session opened before the erasure
    two_caseloads.erase("c1")
    two_caseloads.add_entries("c1", [Entry("c1", datetime(2026, 5, 1), "moment", "A new person, same code.", "", True)])
    with pytest.raises(NotFoundError):
        before.entries("c1")
    assert before.clients() == []
    before.close()
    with pytest.raises(AccessDenied, match="bound to no client"):
        _as(two_caseloads, "sam")
    sam = next(u for u in two_caseloads.store.users() if u.name == "sam")
    assert (sam.client_id, sam.client_code) == (None, None)
    assert any(r["action"] == "revoke" and r["resource"] == "user:sam" for r in two_caseloads.audit_show("c1"))


def test_access_a_note_draft_is_its_writers_kept_by_journal_erasure_ended_by_saving(two_caseloads: rw.Workspace) -> None:
    from sqlalchemy import func, select

    from reverie.store import meta
    from reverie.store.tables import NoteDraftRow
    ws = _as(two_caseloads, "ruth")  # opened as her account (a draft is kept under an account)
    ws.save_note_draft("c1", "Half a thought about", 3)
    assert ws.note_draft("c1", 3)["text"] == "Half a thought about"
    assert ws.note_draft("c1", 4) is None and ws.note_draft("c1") is None  # one draft per session
    other = _as(ws, "mira")
    with pytest.raises(NotFoundError):
        other.note_draft("c1", 3)
    other.close()
    client = ws.acting_as(meta.account(ws.db, "sam"))
    with pytest.raises(AccessDenied):
        client.note_draft("c1", 3)
    ws.erase("c1", journal_only=True)  # a process note is not journal
    assert ws.note_draft("c1", 3)["text"] == "Half a thought about"
    ws.add_note("c1", "Half a thought about the break.", 3)
    assert ws.note_draft("c1", 3) is None
    ws.save_note_draft("c1", "another", 5)
    ws.erase("c1")
    assert ws.db.transaction(lambda s: s.scalar(select(func.count()).select_from(NoteDraftRow))) == 0
    ws.close()
