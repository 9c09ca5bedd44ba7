"""The workspace's client-portal calls: invitations, the journal (drafts, entries, sharing), check-ins, safety.

A mixin of ``Workspace`` kept apart from records and governance. A client acts on their
own record only (the calls without a client code take it from the logged-in account);
the records layer (``store/portal.py``) checks scope and the access matrix on every call.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from reverie.domain import Entry
from reverie.errors import AccessDenied, InputError
from reverie.journal import clean_fields, compose, kind
from reverie.store.portal import PortalRecords

INVITATION_HOURS = 72.0
MAX_INVITATION_HOURS = 24 * 30.0
INVITATION_PATH = "/portal/invite/"


def invitation_link(base_url: str, token: str) -> str:
    """The link a client opens to set their password (the web app serves it at ``INVITATION_PATH``)."""
    return base_url.rstrip("/") + INVITATION_PATH + token


class PortalOps:
    """Mixed into ``Workspace``: expects ``self.store``, ``self.settings``, ``self.user`` and the records calls."""

    @property
    def _portal(self) -> PortalRecords:
        """Made afresh from ``self.store`` on each call (cheap): a cached one would outlive ``acting_as``'s copy and
        act as the user of the workspace it was copied from."""
        return PortalRecords(self.store)

    def own_record(self) -> str:
        """The logged-in client's own record (the portal's calls without a client code act on it)."""
        if self.user.role != "client" or not self.user.client_code:
            raise AccessDenied(f"{self.user.name} ({self.user.role}) has no journal of their own",
                               hint="the portal is for client accounts")
        return self.user.client_code

    # ----- invitations ----------------------------------------------------------------------------------
    def invite(self, client: str, user: str | None = None, hours: float = INVITATION_HOURS) -> dict[str, Any]:
        """A one-time invitation token for the client's account (made if missing); only its hash is stored."""
        if not 0 < hours <= MAX_INVITATION_HOURS:
            raise InputError(f"an invitation must expire within {MAX_INVITATION_HOURS:.0f} hours, not {hours:g}")
        token, meta = self._portal.invite(client, user, hours)
        return {"token": token, **meta}

    def invitation(self, token: str) -> dict[str, Any]:
        """What a link opens, refused (``InvitationError``) if unknown, used or expired; the link stays unused."""
        return self._portal.invitation(token)

    def accept_invitation(self, token: str, password: str) -> dict[str, Any]:
        """Use the link once: the account's password is set (Argon2id, ``reverie.accounts``) in the same transaction,
        so a refused password leaves the link unused. Acts as the invited account, whoever opened the workspace."""
        from reverie.accounts import Accounts
        from reverie.domain import User

        def set_password(_s: Any, row: Any) -> None:
            Accounts(self).set_password(User(row.name, row.role, None, False, row.id, row.client_id), row.name, password)
        return self._portal.redeem(token, set_password)

    def invitations(self, client: str) -> list[dict[str, Any]]:
        return self._portal.invitations(client)

    # ----- the journal ----------------------------------------------------------------------------------
    def save_draft(self, kind_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Keep what the client is writing (autosave): one draft per kind, sealed like an entry."""
        return self._portal.save_draft(kind(kind_id).id, clean_fields(kind_id, fields))

    def drafts(self) -> list[dict[str, Any]]:
        return self._portal.drafts()

    def draft(self, kind_id: str) -> dict[str, Any] | None:
        kind(kind_id)
        return next((d for d in self._portal.drafts() if d["kind"] == kind_id), None)

    def discard_draft(self, kind_id: str) -> bool:
        return self._portal.delete_draft(kind(kind_id).id)

    def write_entry(self, kind_id: str, fields: dict[str, Any], share: bool = False) -> dict[str, Any]:
        """Save a new entry (private unless ``share``) and drop its draft in one transaction, then screen it.

        Returns the entry's id, the safety flags and the fixed safety message when the entry carries risk.
        """
        code = self.own_record()
        title, text = compose(kind_id, fields)
        entry = Entry(code, datetime.now(), kind_id, text, title, False)
        result = self.add_entries(code, [entry], also=lambda: self._portal.delete_draft(kind_id))
        entry_id = result["entries"][0]["id"]
        if share:
            self.share_entry(entry_id, True)
        return {"entry": entry_id, "shared": share, "safety": result["safety"],
                "safety_message": result["safety_message"]}

    def journal(self) -> list[Entry]:
        """The logged-in client's own entries, newest first."""
        return sorted(self.entries(self.own_record()), key=lambda e: (e.written_at, e.id or 0), reverse=True)

    def entry(self, entry_id: int) -> Entry:
        """One entry this user may read (``NotFoundError`` otherwise, also for an unshared one)."""
        return self._portal.entry(entry_id)

    def share_entry(self, entry_id: int, shared: bool) -> Entry:
        """Share an entry with the therapist, or withdraw it: the client's choice, recorded as a sharing consent.

        Withdrawn, the entry leaves the therapist's view again; what a safety task kept of it stays (duty of care).
        """
        code = self.own_record()
        entry = self._portal.entry(entry_id)  # the client's own, or not found
        if entry.shared_with_therapist != shared:
            if shared:
                self.grant_consent(code, "sharing", f"entry:{entry_id}")
            else:
                self.withdraw_consent(code, "sharing", f"entry:{entry_id}")
            entry.shared_with_therapist = shared
        return entry

    # ----- check-ins (assigned questionnaires) ----------------------------------------------------------
    def instrument_items(self, instrument: str) -> Any:
        """The instrument with the item text this workspace holds (the practice's licensed copy where loaded)."""
        from reverie.measures.instruments import workspace_instrument
        return workspace_instrument(self.settings.workspace, instrument)

    def assign(self, client: str, instrument: str) -> dict[str, Any]:
        """Ask the client to complete a questionnaire in the portal: only one whose item text the workspace holds
        (shipped, or the practice's licensed copy), since the client answers it alone."""
        inst = self.instrument_items(instrument)
        if not inst.has_item_text:
            raise InputError(f"{inst.name}: its item text is licensed and this workspace does not hold it",
                             hint=f"load the practice's copy with `reverie measures items {inst.id} --load FILE`")
        return self._portal.assign(client, inst.id)

    def assignments(self, client: str | None = None, open_only: bool = True) -> list[dict[str, Any]]:
        return self._portal.assignments(client or self.own_record(), open_only)

    def assignment(self, assignment_id: int) -> dict[str, Any]:
        """One assignment with its items, the answers given so far and the next item to answer (None when done)."""
        a = self._portal.assignment(assignment_id)
        inst = self.instrument_items(a["instrument"])
        answers = a["answers"] or [None] * inst.n_items
        return {**a, "answers": answers, "name": inst.name, "stem": inst.stem, "options": inst.options,
                "items": [{"number": n, "text": t} for n, t in enumerate(inst.items, start=1)],
                "next": next((n for n, v in enumerate(answers, start=1) if v is None), None)}

    def answer_item(self, assignment_id: int, number: int, value: int | None) -> dict[str, Any]:
        """Keep one answer (the portal asks one question per screen); returns the assignment as now answered."""
        def work() -> None:
            a = self.assignment(assignment_id)
            if not 1 <= number <= len(a["answers"]):
                raise InputError(f"{a['name']} has no item {number}", hint=f"items 1 to {len(a['answers'])}")
            if value is not None and value not in [int(o["value"]) for o in a["options"]]:
                raise InputError(f"{value} is not an answer to item {number} of {a['name']}")
            answers = list(a["answers"])
            answers[number - 1] = value
            self._portal.save_answers(assignment_id, answers)
        self.store.atomic(work)
        return self.assignment(assignment_id)

    def complete_assignment(self, assignment_id: int) -> dict[str, Any]:
        """Score and store the answers through ``record_response`` (critical items open safety tasks, as always),
        and close the assignment, in one transaction. Adds the fixed safety message when a flag was raised."""
        def work() -> tuple[dict[str, Any], str]:
            a = self.assignment(assignment_id)
            if a["completed_at"] is not None:
                raise InputError(f"questionnaire assignment {assignment_id} is already completed")
            result = self.record_response(a["client"], a["instrument"], a["answers"], date=date.today())
            self._portal.mark_completed(assignment_id, result["id"])
            return result, a["client"]
        result, client = self.store.atomic(work)
        if result["safety"]:
            from reverie.safety_service import message_for
            result["safety_message"] = message_for(self, client)
        return result

    # ----- safety -----------------------------------------------------------------------------------------
    def safety_notice(self, client: str | None = None) -> dict[str, Any]:
        """The steady notice: the journal is not watched in real time, and the crisis contacts for the locale."""
        from reverie.safety_service import message_for
        return message_for(self, client or self.own_record())


__all__ = ["PortalOps"]
