"""The workspace's client-portal calls: invitations, the journal (drafts, entries, sharing), check-ins, safety.

Plain functions taking the workspace first, bound as ``Workspace`` methods in ``core.py``. A client acts on their
own record only (the calls without a client code take it from the logged-in account);
the records layer (``store/portal.py``) checks scope and the access matrix on every call.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from reverie.domain import Entry
from reverie.errors import AccessDenied, InputError
from reverie.store.portal import PortalRecords
from reverie.workspace.journal import clean_fields, compose, kind

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace

INVITATION_HOURS = 72.0
MAX_INVITATION_HOURS = 24 * 30.0
INVITATION_PATH = "/portal/invite/"


def invitation_link(base_url: str, token: str) -> str:
    """The link a client opens to set their password (the web app serves it at ``INVITATION_PATH``)."""
    return base_url.rstrip("/") + INVITATION_PATH + token


def _records(ws: Workspace) -> PortalRecords:
    """Made afresh from ``ws.store`` on each call (cheap): a cached one would outlive ``acting_as``'s copy and act
    as the user of the workspace it was copied from."""
    return PortalRecords(ws.store)


def own_record(ws: Workspace) -> str:
    """The logged-in client's own record (the portal's calls without a client code act on it)."""
    if ws.user.role != "client" or not ws.user.client_code:
        raise AccessDenied(f"{ws.user.name} ({ws.user.role}) has no journal of their own",
                           hint="the portal is for client accounts")
    return ws.user.client_code


# ----- invitations ----------------------------------------------------------------------------------
def invite(ws: Workspace, client: str, user: str | None = None, hours: float = INVITATION_HOURS) -> dict[str, Any]:
    """A one-time invitation token for the client's account (made if missing); only its hash is stored."""
    if not 0 < hours <= MAX_INVITATION_HOURS:
        raise InputError(f"an invitation must expire within {MAX_INVITATION_HOURS:.0f} hours, not {hours:g}")
    token, meta = _records(ws).invite(client, user, hours)
    return {"token": token, **meta}


def invitation(ws: Workspace, token: str) -> dict[str, Any]:
    """What a link opens, refused (``InvitationError``) if unknown, used or expired; the link stays unused."""
    return _records(ws).invitation(token)


def accept_invitation(ws: Workspace, token: str, password: str) -> dict[str, Any]:
    """Use the link once: the account's password is set (Argon2id, ``reverie.workspace.accounts``) in the same transaction,
    so a refused password leaves the link unused. Acts as the invited account, whoever opened the workspace."""
    from reverie.workspace.accounts import Accounts
    from reverie.domain import User

    def set_password(_s: Any, row: Any) -> None:
        Accounts(ws).set_password(User(row.name, row.role, None, False, row.id, row.client_id), row.name, password)
    return _records(ws).redeem(token, set_password)


def invitations(ws: Workspace, client: str) -> list[dict[str, Any]]:
    return _records(ws).invitations(client)


# ----- the journal ----------------------------------------------------------------------------------
def save_draft(ws: Workspace, kind_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Keep what the client is writing (autosave): one draft per kind, sealed like an entry."""
    return _records(ws).save_draft(kind(kind_id).id, clean_fields(kind_id, fields))


def drafts(ws: Workspace) -> list[dict[str, Any]]:
    return _records(ws).drafts()


def draft(ws: Workspace, kind_id: str) -> dict[str, Any] | None:
    kind(kind_id)
    return next((d for d in _records(ws).drafts() if d["kind"] == kind_id), None)


def discard_draft(ws: Workspace, kind_id: str) -> bool:
    return _records(ws).delete_draft(kind(kind_id).id)


def write_entry(ws: Workspace, kind_id: str, fields: dict[str, Any], share: bool = False) -> dict[str, Any]:
    """Save a new entry (private unless ``share``) and drop its draft in one transaction, then screen it.

    Returns the entry's id, the safety flags and the fixed safety message when the entry carries risk.
    """
    code = ws.own_record()
    title, text = compose(kind_id, fields)
    entry = Entry(code, datetime.now(), kind_id, text, title, False)
    result = ws.add_entries(code, [entry], also=lambda: _records(ws).delete_draft(kind_id))
    entry_id = result["entries"][0]["id"]
    if share:
        ws.share_entry(entry_id, True)
    return {"entry": entry_id, "shared": share, "safety": result["safety"],
            "safety_message": result["safety_message"]}


def journal(ws: Workspace) -> list[Entry]:
    """The logged-in client's own entries, newest first."""
    return sorted(ws.entries(ws.own_record()), key=lambda e: (e.written_at, e.id or 0), reverse=True)


def entry(ws: Workspace, entry_id: int) -> Entry:
    """One entry this user may read (``NotFoundError`` otherwise, also for an unshared one)."""
    return _records(ws).entry(entry_id)


def share_entry(ws: Workspace, entry_id: int, shared: bool) -> Entry:
    """Share an entry with the therapist, or withdraw it: the client's choice, recorded as a sharing consent.

    Withdrawn, the entry leaves the therapist's view again; what a safety task kept of it stays (duty of care).
    """
    code = ws.own_record()
    entry = _records(ws).entry(entry_id)  # the client's own, or not found
    if entry.shared_with_therapist != shared:
        if shared:
            ws.grant_consent(code, "sharing", f"entry:{entry_id}")
        else:
            ws.withdraw_consent(code, "sharing", f"entry:{entry_id}")
        entry.shared_with_therapist = shared
    return entry


# ----- check-ins (assigned questionnaires) ----------------------------------------------------------
def instrument_items(ws: Workspace, instrument: str) -> Any:
    """The instrument with the item text this workspace holds (the practice's licensed copy where loaded)."""
    from reverie.measures.instruments import workspace_instrument
    return workspace_instrument(ws.settings.workspace, instrument)


def assign(ws: Workspace, client: str, instrument: str) -> dict[str, Any]:
    """Ask the client to complete a questionnaire in the portal: only one whose item text the workspace holds
    (shipped, or the practice's licensed copy), since the client answers it alone."""
    inst = ws.instrument_items(instrument)
    if not inst.has_item_text:
        raise InputError(f"{inst.name}: its item text is licensed and this workspace does not hold it",
                         hint=f"load the practice's copy with `reverie measures items {inst.id} --load FILE`")
    return _records(ws).assign(client, inst.id)


def assignments(ws: Workspace, client: str | None = None, open_only: bool = True) -> list[dict[str, Any]]:
    return _records(ws).assignments(client or ws.own_record(), open_only)


def assignment(ws: Workspace, assignment_id: int) -> dict[str, Any]:
    """One assignment with its items, the answers given so far and the next item to answer (None when done)."""
    a = _records(ws).assignment(assignment_id)
    inst = ws.instrument_items(a["instrument"])
    answers = a["answers"] or [None] * inst.n_items
    return {**a, "answers": answers, "name": inst.name, "stem": inst.stem, "options": inst.options,
            "items": [{"number": n, "text": t} for n, t in enumerate(inst.items, start=1)],
            "next": next((n for n, v in enumerate(answers, start=1) if v is None), None)}


def answer_item(ws: Workspace, assignment_id: int, number: int, value: int | None) -> dict[str, Any]:
    """Keep one answer (the portal asks one question per screen); returns the assignment as now answered."""
    def work() -> None:
        a = ws.assignment(assignment_id)
        if not 1 <= number <= len(a["answers"]):
            raise InputError(f"{a['name']} has no item {number}", hint=f"items 1 to {len(a['answers'])}")
        if value is not None and value not in [int(o["value"]) for o in a["options"]]:
            raise InputError(f"{value} is not an answer to item {number} of {a['name']}")
        answers = list(a["answers"])
        answers[number - 1] = value
        _records(ws).save_answers(assignment_id, answers)
    ws.store.atomic(work)
    return ws.assignment(assignment_id)


def complete_assignment(ws: Workspace, assignment_id: int) -> dict[str, Any]:
    """Score and store the answers through ``record_response`` (critical items open safety tasks, as always),
    and close the assignment, in one transaction. Adds the fixed safety message when a flag was raised."""
    def work() -> tuple[dict[str, Any], str]:
        a = ws.assignment(assignment_id)
        if a["completed_at"] is not None:
            raise InputError(f"questionnaire assignment {assignment_id} is already completed")
        result = ws.record_response(a["client"], a["instrument"], a["answers"], date=date.today())
        _records(ws).mark_completed(assignment_id, result["id"])
        return result, a["client"]
    result, client = ws.store.atomic(work)
    if result["safety"]:
        from reverie.safety.tasks import message_for
        result["safety_message"] = message_for(ws, client)
    return result


# ----- safety -----------------------------------------------------------------------------------------
def safety_notice(ws: Workspace, client: str | None = None) -> dict[str, Any]:
    """The steady notice: the journal is not watched in real time, and the crisis contacts for the locale."""
    from reverie.safety.tasks import message_for
    return message_for(ws, client or ws.own_record())
