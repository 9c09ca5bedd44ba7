"""The client portal's records: invitations, journal drafts, one entry by id, questionnaire assignments.

The same acting user, access matrix, per-client keys and audit chain as the rest of the
repository (``Store``): every method checks the matrix and the client's scope before it
touches a row. Drafts are their writer's alone (no other role may read them); an
invitation is the one record reached without a login, by its token, which is kept only
as a hash and works once, before it expires.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import Entry
from reverie.errors import AccessDenied, InvitationError, NotFoundError
from reverie.store import access
from reverie.store.governance import Store
from reverie.store.repository import now
from reverie.store.tables import AssignmentRow, ClientRow, DraftRow, EntryRow, InvitationRow, UserRow


def token_hash(token: str) -> str:
    """What is stored of an invitation token: its SHA-256 (the token carries 256 random bits, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


class PortalRecords:
    """The portal's records for the store's acting user."""

    def __init__(self, store: Store):
        self.store = store

    # ----- invitations ----------------------------------------------------------------------------------
    def invite(self, code: str, user_name: str | None, hours: float) -> tuple[str, dict[str, Any]]:
        """A one-time token for the client's account (made now if the client has none); earlier unused links die.

        Only the treating therapist may invite: the account reads the client's clinical text.
        """
        st = self.store
        token = secrets.token_urlsafe(32)

        def work(s: OrmSession) -> dict[str, Any]:
            row = st._client_row(s, code)
            st._check("write", "invitation", row)
            user = self._client_user(s, row, user_name)
            if user is None:
                st._add_user(s, user_name or code, "client", code, False)
                user = self._client_user(s, row, user_name or code)
            s.execute(delete(InvitationRow).where(InvitationRow.user_id == user.id, InvitationRow.used_at.is_(None)))
            inv = InvitationRow(token_hash=token_hash(token), client_id=row.id, user_id=user.id,
                                invited_by=st.actor.name, created_at=now(), expires_at=now() + timedelta(hours=hours))
            s.add(inv)
            s.flush()
            st._audit(s, "write", f"invitation:{inv.id}", code, f"for {user.name}")
            return {"id": inv.id, "user": user.name, "client": code, "expires_at": inv.expires_at.isoformat()}
        return token, st.db.transaction(work)

    @staticmethod
    def _client_user(s: OrmSession, row: ClientRow, name: str | None) -> UserRow | None:
        """The client's account: the one named, else their first; a named account must be bound to this client."""
        q = select(UserRow).where(UserRow.role == "client")
        user = s.scalar(q.where(UserRow.name == name)) if name else \
            s.scalar(q.where(UserRow.client_id == row.id).order_by(UserRow.id))
        if user is not None and user.client_id != row.id:
            raise AccessDenied(f"the account '{name}' belongs to another client record",
                               hint="invite without --user to use (or make) this client's own account")
        return user

    def _valid(self, s: OrmSession, token: str) -> tuple[InvitationRow, UserRow, ClientRow]:
        inv = s.scalar(select(InvitationRow).where(InvitationRow.token_hash == token_hash(token or "")))
        if inv is None:
            raise InvitationError("this invitation link is not valid: it may have been replaced by a newer one",
                                  hint="ask your therapist for a new invitation")
        if inv.used_at is not None:
            raise InvitationError("this invitation link has already been used",
                                  hint="sign in with the password you set, or ask your therapist for a new link")
        if inv.expires_at <= now():
            raise InvitationError("this invitation link has expired", hint="ask your therapist for a new invitation")
        user, client = s.get(UserRow, inv.user_id), s.get(ClientRow, inv.client_id)
        if user is None or client is None or user.client_id != client.id:
            raise InvitationError("this invitation's account is no longer open", hint="ask your therapist")
        return inv, user, client

    def invitation(self, token: str) -> dict[str, Any]:
        """What a valid link opens (the account's name and expiry), without using it; refused like ``redeem``."""
        def work(s: OrmSession) -> dict[str, Any]:
            inv, user, _client = self._valid(s, token)
            return {"user": user.name, "expires_at": inv.expires_at.isoformat()}
        return self.store.db.transaction(work)

    def redeem(self, token: str, set_password: Callable[[OrmSession, UserRow], None]) -> dict[str, Any]:
        """Use the link once: ``set_password`` writes the account's password in the same transaction.

        No login stands behind this call (the token is the credential), so it is audited as the invited account.
        """
        def work(s: OrmSession) -> dict[str, Any]:
            inv, user, client = self._valid(s, token)
            inv.used_at = now()
            set_password(s, user)
            self.store._audit(s, "accept", f"invitation:{inv.id}", client.code, "password set", actor=user.name)
            return {"user": user.name, "client": client.code}
        return self.store.db.transaction(work)

    def invitations(self, code: str) -> list[dict[str, Any]]:
        """The client's invitations, newest first (never their tokens)."""
        st = self.store

        def work(s: OrmSession) -> list[dict[str, Any]]:
            row = st._client_row(s, code)
            st._check("read", "invitation", row)
            rows = s.execute(select(InvitationRow, UserRow.name).join(UserRow, InvitationRow.user_id == UserRow.id)
                             .where(InvitationRow.client_id == row.id).order_by(InvitationRow.id.desc()))
            return [{"id": i.id, "user": name, "invited_by": i.invited_by, "created_at": i.created_at.isoformat(),
                     "expires_at": i.expires_at.isoformat(), "used_at": i.used_at.isoformat() if i.used_at else None}
                    for i, name in rows]
        return st.db.transaction(work)

    # ----- drafts ---------------------------------------------------------------------------------------
    def _own_record(self, s: OrmSession, action: str) -> ClientRow:
        """The acting client's own record, for their drafts: no other role may touch a draft."""
        st = self.store
        access.check(st.actor, action, "draft", st.actor.client_code)
        return st._client_row(s, st.actor.client_code or "")

    def save_draft(self, kind: str, fields: dict[str, str]) -> dict[str, Any]:
        st = self.store

        def work(s: OrmSession) -> dict[str, Any]:
            row = self._own_record(s, "write")
            blob = st._cipher(row).seal(json.dumps(fields, ensure_ascii=False), "entry_drafts.fields")
            draft = s.scalar(select(DraftRow).where(DraftRow.user_id == st.actor.id, DraftRow.kind == kind))
            if draft is None:
                draft = DraftRow(client_id=row.id, user_id=st.actor.id, kind=kind, fields_enc=blob, updated_at=now())
                s.add(draft)
                s.flush()
            else:
                draft.fields_enc, draft.updated_at = blob, now()
            st._audit(s, "write", f"draft:{draft.id}", row.code, kind)
            return {"kind": kind, "updated_at": draft.updated_at.isoformat()}
        return st.db.transaction(work)

    def drafts(self) -> list[dict[str, Any]]:
        """The acting client's drafts, each with its fields."""
        st = self.store

        def work(s: OrmSession) -> list[dict[str, Any]]:
            row = self._own_record(s, "read")
            cipher = st._cipher(row)
            rows = list(s.scalars(select(DraftRow).where(DraftRow.user_id == st.actor.id, DraftRow.client_id == row.id)
                                  .order_by(DraftRow.updated_at.desc())))
            st._audit(s, "read", "drafts", row.code, f"{len(rows)} drafts")
            return [{"kind": d.kind, "updated_at": d.updated_at.isoformat(),
                     "fields": json.loads(cipher.open(d.fields_enc, "entry_drafts.fields") or "{}")} for d in rows]
        return st.db.transaction(work)

    def delete_draft(self, kind: str) -> bool:
        st = self.store

        def work(s: OrmSession) -> bool:
            row = self._own_record(s, "erase")
            gone = s.execute(delete(DraftRow).where(DraftRow.user_id == st.actor.id, DraftRow.kind == kind)).rowcount
            if gone:
                st._audit(s, "erase", f"draft:{kind}", row.code)
            return bool(gone)
        return st.db.transaction(work)

    # ----- one journal entry ----------------------------------------------------------------------------
    def entry(self, entry_id: int) -> Entry:
        """One entry, if this user may read it: the client their own, a therapist one shared with them.

        Anything else is "not found", so an unshared entry's existence is not shown either.
        """
        st = self.store

        def work(s: OrmSession) -> Entry:
            erow = s.get(EntryRow, entry_id)
            crow = s.get(ClientRow, erow.client_id) if erow else None
            resource = "entry" if erow is not None and erow.shared else "entry_private"
            if crow is None or not access.in_scope(st.actor, crow.code, crow.therapist) or st._unbound(s, crow) \
                    or not access.allowed(st.actor, "read", resource, crow.code, crow.therapist):
                raise NotFoundError(f"no journal entry {entry_id}")
            st._audit(s, "read", f"entry:{entry_id}", crow.code)
            return st._entry(erow, st._cipher(crow), crow.code)
        return st.db.transaction(work)

    # ----- questionnaire assignments --------------------------------------------------------------------
    def assign(self, code: str, instrument: str) -> dict[str, Any]:
        st = self.store

        def work(s: OrmSession) -> dict[str, Any]:
            row = st._client_row(s, code)
            st._check("write", "assignment", row)
            a = AssignmentRow(client_id=row.id, instrument=instrument, assigned_by=st.actor.name, assigned_at=now())
            s.add(a)
            s.flush()
            st._audit(s, "write", f"assignment:{a.id}", code, instrument)
            return self._assignment(a, row, None)
        return st.db.transaction(work)

    def _assignment(self, a: AssignmentRow, row: ClientRow, answers: list[int | None] | None) -> dict[str, Any]:
        return {"id": a.id, "client": row.code, "instrument": a.instrument, "assigned_by": a.assigned_by,
                "assigned_at": a.assigned_at.isoformat(), "completed_at": a.completed_at.isoformat() if a.completed_at
                else None, "response": a.response_id, "answers": answers}

    def _assignment_row(self, s: OrmSession, assignment_id: int, action: str) -> tuple[AssignmentRow, ClientRow]:
        st = self.store
        a = s.get(AssignmentRow, assignment_id)
        crow = s.get(ClientRow, a.client_id) if a else None
        if crow is None or not access.in_scope(st.actor, crow.code, crow.therapist) or st._unbound(s, crow):
            raise NotFoundError(f"no questionnaire assignment {assignment_id}")
        st._check(action, "assignment", crow)
        return a, crow

    def assignments(self, code: str, open_only: bool = True) -> list[dict[str, Any]]:
        """The client's assignments, oldest first, without their answers."""
        st = self.store

        def work(s: OrmSession) -> list[dict[str, Any]]:
            row = st._client_row(s, code)
            st._check("read", "assignment", row)
            q = select(AssignmentRow).where(AssignmentRow.client_id == row.id).order_by(AssignmentRow.id)
            if open_only:
                q = q.where(AssignmentRow.completed_at.is_(None))
            return [self._assignment(a, row, None) for a in s.scalars(q)]
        return st.db.transaction(work)

    def assignment(self, assignment_id: int) -> dict[str, Any]:
        """One assignment with the answers given so far (an audited read)."""
        st = self.store

        def work(s: OrmSession) -> dict[str, Any]:
            a, crow = self._assignment_row(s, assignment_id, "read")
            answers = json.loads(st._cipher(crow).open(a.answers_enc, "assignments.answers") or "null")
            st._audit(s, "read", f"assignment:{a.id}", crow.code)
            return self._assignment(a, crow, answers)
        return st.db.transaction(work)

    def save_answers(self, assignment_id: int, answers: list[int | None]) -> None:
        st = self.store

        def work(s: OrmSession) -> None:
            a, crow = self._assignment_row(s, assignment_id, "write")
            if a.completed_at is not None:
                raise AccessDenied(f"questionnaire assignment {assignment_id} is already completed",
                                   hint="its answers are kept with the client's responses")
            a.answers_enc = st._cipher(crow).seal(json.dumps(answers), "assignments.answers")
            st._audit(s, "write", f"assignment:{a.id}", crow.code, "answers")
        st.db.transaction(work)

    def mark_completed(self, assignment_id: int, response_id: int) -> None:
        """Completed: the answers now live in the response; the draft of them is dropped."""
        st = self.store

        def work(s: OrmSession) -> None:
            a, crow = self._assignment_row(s, assignment_id, "write")
            if a.completed_at is not None:
                raise AccessDenied(f"questionnaire assignment {assignment_id} is already completed")
            a.completed_at, a.response_id, a.answers_enc = now(), response_id, None
            st._audit(s, "write", f"assignment:{a.id}", crow.code, f"completed as response:{response_id}")
        st.db.transaction(work)


__all__ = ["PortalRecords", "token_hash"]
