"""The scoped, audited, encrypting repository: the only way into clinical records.

Every method names the acting user (``Store.actor``), checks the access matrix
(``store.access``), encrypts or decrypts through the client's data key, and
appends an audit row in the same transaction as the read or write it records.
A method either completes whole or changes nothing.
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import Client, Entry, ProcessNote, Response, Session, User, Utterance
from reverie.errors import AccessDenied, InputError, NotFoundError, WorkspaceKeyError
from reverie.store import access, audit, crypto
from reverie.store.anchor import Anchor
from reverie.store.db import Database
from reverie.store.tables import (
    ClientRow,
    ConsentRow,
    DraftRow,
    EntryRow,
    Meta,
    ProcessNoteRow,
    ResponseRow,
    SafetyTaskRow,
    SessionRow,
    UserRow,
    UtteranceRow,
)

T = TypeVar("T")


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Records:
    """Records of one workspace as seen by one acting user."""

    def __init__(self, db: Database, workspace_key: bytes, actor: User, origin: str = ""):
        self.db = db
        self.actor = actor
        self.origin = origin or f"cli:{os.uname().nodename}:{os.getpid()}"
        self._workspace_key = workspace_key
        self._keys: dict[int, bytes] = {}
        self._wrapped: dict[int, bytes] = {}  # the wrapped key each cached key came from
        self._audit_key: bytes | None = None
        self.anchor: Anchor | None = None  # set by the workspace: where the audit head is anchored
        db.on_commit(self._anchor_after_commit)

    def acting_as(self, actor: User, origin: str = "") -> Records:
        """This repository for another, already authenticated actor (the web app, per request): it shares the
        engine, the key caches and this instance's commit hook, so no listener is added per request."""
        if self._audit_key is None:  # the shared hook advances the anchor with this instance's audit key
            self.db.transaction(self._load_audit_key)
        other = copy.copy(self)
        other.actor, other.origin = actor, origin or self.origin
        return other

    # ----- keys and audit -------------------------------------------------------------------------------
    def _load_audit_key(self, s: OrmSession) -> bytes:
        if self._audit_key is None:
            row = s.get(Meta, "audit_key")
            if row is None:
                raise WorkspaceKeyError("this workspace has no audit key", hint="run `reverie init` first")
            self._audit_key = crypto.decrypt(self._workspace_key, row.value, b"audit-key")
        return self._audit_key

    def _audit(self, s: OrmSession, action: str, resource: str, client: str | None = None,
               detail: str | None = None, actor: str | None = None) -> None:
        """Append to the chain; a detail about an existing client is sealed under their key (erasure shreds it).

        ``actor`` names who acted when it is not the acting user (a client accepting an invitation, before login).
        """
        sealed = None
        if client is not None and detail is not None:
            row = s.scalar(select(ClientRow).where(ClientRow.code == client))
            if row is not None:
                sealed, detail = self._cipher(row).seal(detail, "audit_log.detail"), None
        if self.anchor is not None and s.get(Meta, audit.ANCHORED_KEY) is None:
            s.add(Meta(key=audit.ANCHORED_KEY, value=b"1"))  # from now on a missing anchor file is a finding
        s.info["audit_head"] = audit.append(s, self._load_audit_key(s), actor or self.actor.name, action, resource, client,
                                            self.origin, detail, sealed)

    def _anchor_after_commit(self, s: OrmSession) -> None:
        head = s.info.pop("audit_head", None)
        if head is not None and self.anchor is not None and self._audit_key is not None:
            try:
                self.anchor.advance(self._audit_key, *head, reset=s.info.pop("anchor_reset", False))
            except OSError as exc:  # the commit stands; the anchor lags, which `audit verify` tolerates
                warnings.warn(f"could not update the audit anchor {self.anchor.path}: {exc}", stacklevel=2)

    def _cipher(self, row: ClientRow) -> crypto.Cipher:
        # a rolled-back import can leave a cached key whose client row (and id) never landed: check the source
        if row.id not in self._keys or self._wrapped.get(row.id) != row.wrapped_key:
            self._keys[row.id] = crypto.unwrap_key(self._workspace_key, row.wrapped_key, row.code)
            self._wrapped[row.id] = row.wrapped_key
        return crypto.Cipher(self._keys[row.id])

    def _check(self, action: str, resource: str, row: ClientRow | None = None) -> None:
        access.check(self.actor, action, resource, row.code if row else None, row.therapist if row else None,
                     self.actor.is_admin)

    def _client_row(self, s: OrmSession, code: str) -> ClientRow:
        row = s.scalar(select(ClientRow).where(ClientRow.code == code))
        if row is None or not (access.in_scope(self.actor, code, row.therapist) or self.actor.is_admin
                               or self.actor.role == "admin") or self._unbound(s, row):
            raise NotFoundError(f"no client with code '{code}'", hint="`reverie clients` lists the clients you can see")
        return row

    def _unbound(self, s: OrmSession, row: ClientRow) -> bool:
        """Whether a client user is not bound to this record now: the binding is read from the database on every
        call, by id, so an erasure ends it at once and a later client with the same code (or id) is not theirs."""
        if self.actor.role != "client":
            return False
        return s.scalar(select(UserRow.client_id).where(UserRow.id == self.actor.id)) != row.id

    def atomic(self, work: Callable[[], T]) -> T:
        """Run several repository calls as one transaction: they land together or not at all (an import)."""
        return self.db.transaction(lambda _s: work())

    def audit_event(self, action: str, resource: str, detail: str | None = None, client: str | None = None) -> None:
        """Record a workspace event (init, backup, restore...) in the audit chain."""
        self.db.transaction(lambda s: self._audit(s, action, resource, client, detail))

    # ----- users ----------------------------------------------------------------------------------------
    def add_user(self, name: str, role: str, client_code: str | None = None, is_admin: bool = False) -> User:
        """Add an account. Staff accounts are the admin's to make; a client's account is their treating therapist's."""
        if role != "client":
            access.check(self.actor, "write", "users", is_admin=self.actor.is_admin)
        return self.db.transaction(lambda s: self._add_user(s, name, role, client_code, is_admin))

    def _add_user(self, s: OrmSession, name: str, role: str, client_code: str | None, is_admin: bool) -> User:
        if role not in ("admin", "therapist", "client", "researcher"):
            raise InputError(f"unknown role '{role}'", hint="roles: admin, therapist, client, researcher")
        if role == "client" and not client_code:
            raise InputError("a client user needs --client CODE")
        if role != "client" and client_code:
            raise InputError(f"--client applies to client users only, not to a {role}")
        if role == "client" and is_admin:
            raise InputError("a client user cannot administer the workspace", hint="leave out --admin")
        client = self._bound_client(s, client_code) if role == "client" else None
        if s.scalar(select(UserRow).where(UserRow.name == name)) is not None:
            raise InputError(f"a user named '{name}' already exists")
        row = UserRow(name=name, role=role, client_code=client_code, client_id=client.id if client else None,
                      is_admin=is_admin, created_at=now())
        s.add(row)
        s.flush()
        self._audit(s, "write", f"user:{name}", client_code, f"role={role}")
        return User(name, role, client_code, is_admin, row.id, row.client_id)

    def _bound_client(self, s: OrmSession, code: str) -> ClientRow:
        """The record a new client user is bound to: only the therapist whose caseload holds it may bind one,
        since the account reads that record's clinical text (an admin manages accounts but reads none)."""
        row = s.scalar(select(ClientRow).where(ClientRow.code == code))
        if row is None or self.actor.role != "therapist" or not access.in_scope(self.actor, code, row.therapist):
            raise AccessDenied(f"{self.actor.name} ({self.actor.role}) may not create an account for client '{code}'",
                               hint="a client's account is created by their treating therapist, for a client "
                                    "already in that caseload")
        return row

    def users(self) -> list[User]:
        access.check(self.actor, "read", "users", is_admin=self.actor.is_admin)
        return self.db.transaction(lambda s: [
            User(r.name, r.role, r.client_code, r.is_admin, r.id, r.client_id)
            for r in s.scalars(select(UserRow).order_by(UserRow.id))])

    # ----- clients --------------------------------------------------------------------------------------
    def _new_client_row(self, s: OrmSession, client: Client, attest_consents: Sequence[str]) -> Client:
        """Create the client (with a fresh data key) inside the caller's transaction."""
        if not client.code or len(client.code) > 64 or any(c.isspace() for c in client.code):
            raise InputError(f"'{client.code}' is not a usable client code", hint="use a short pseudonymous code without spaces")
        therapist = client.therapist or (self.actor.name if self.actor.role == "therapist" else None)
        self._check("write", "client", ClientRow(code=client.code, therapist=therapist))
        if s.scalar(select(ClientRow).where(ClientRow.code == client.code)) is not None:
            raise InputError(f"a client with code '{client.code}' already exists")
        row = ClientRow(code=client.code, age_band=client.age_band, sex=client.sex, locale=client.locale,
                        therapist=therapist, created_at=now(),
                        wrapped_key=crypto.wrap_key(self._workspace_key, crypto.new_key(), client.code))
        s.add(row)
        s.flush()
        self._audit(s, "write", f"client:{client.code}", client.code, "created")
        for scope in attest_consents:
            s.add(ConsentRow(client_id=row.id, scope=scope, granted_at=now(), recorded_by=self.actor.name))
            self._audit(s, "write", f"consent:{scope}", client.code, f"granted {scope} (attested by {self.actor.name})")
        return Client(client.code, client.age_band, client.sex, therapist, client.locale)

    def add_client(self, client: Client) -> Client:
        return self.db.transaction(lambda s: self._new_client_row(s, client, ()))

    def ensure_client(self, code: str, attest_consents: Sequence[str] = ()) -> Client:
        """The client with this code, or, if new, created in the acting therapist's caseload (one transaction,
        so concurrent first imports for the same client cannot collide) with the attested consents recorded."""
        def work(s: OrmSession) -> Client:
            if s.scalar(select(ClientRow.id).where(ClientRow.code == code)) is None:
                return self._new_client_row(s, Client(code), attest_consents)
            row = self._client_row(s, code)
            return Client(row.code, row.age_band, row.sex, row.therapist, row.locale)
        return self.db.transaction(work)

    def client(self, code: str) -> Client:
        def work(s: OrmSession) -> Client:
            row = self._client_row(s, code)
            return Client(row.code, row.age_band, row.sex, row.therapist, row.locale)
        return self.db.transaction(work)

    def clients(self) -> list[dict[str, Any]]:
        """The clients in scope with counts (no clinical text)."""
        def work(s: OrmSession) -> list[dict[str, Any]]:
            out = []
            for row in s.scalars(select(ClientRow).order_by(ClientRow.code)):
                if not (access.in_scope(self.actor, row.code, row.therapist) or self.actor.is_admin
                        or self.actor.role == "admin") or self._unbound(s, row):
                    continue
                n_sessions = s.scalar(select(func.count()).select_from(SessionRow).where(SessionRow.client_id == row.id))
                n_entries = s.scalar(select(func.count()).select_from(EntryRow).where(EntryRow.client_id == row.id))
                n_resp = s.scalar(select(func.count()).select_from(ResponseRow).where(ResponseRow.client_id == row.id))
                n_safety = s.scalar(select(func.count()).select_from(SafetyTaskRow).where(
                    SafetyTaskRow.client_id == row.id, SafetyTaskRow.acknowledged_at.is_(None)))
                out.append({"code": row.code, "therapist": row.therapist, "sessions": n_sessions, "entries": n_entries,
                            "responses": n_resp, "hold": row.hold_enc is not None, "open_safety_tasks": n_safety})
            # clients with an open safety task come first: the caseload shows them at the top
            return sorted(out, key=lambda c: (c["open_safety_tasks"] == 0, c["code"]))
        return self.db.transaction(work)

    # ----- sessions -------------------------------------------------------------------------------------
    def add_sessions(self, code: str, sessions: Sequence[Session]) -> list[tuple[dict[str, Any], bool]]:
        """Store sessions in one transaction; a session already stored (same content) is reported, not repeated."""
        def work(s: OrmSession) -> list[tuple[dict[str, Any], bool]]:
            row = self._client_row(s, code)
            self._check("write", "session", row)
            cipher = self._cipher(row)
            taken = set(s.scalars(select(SessionRow.number).where(SessionRow.client_id == row.id)))
            results = []
            for sess in sessions:
                digest = cipher.digest("session", sess.content_digest())
                existing = s.scalar(select(SessionRow).where(SessionRow.client_id == row.id, SessionRow.digest == digest))
                if existing is not None:
                    results.append((self._session_meta(existing, code, cipher), True))
                    continue
                number = sess.number
                if number is None or number in taken:
                    if sess.number is not None:
                        raise InputError(f"client '{code}' already has a session {sess.number}",
                                         hint="give the file another session number or leave it out to append")
                    number = max(taken, default=0) + 1
                taken.add(number)
                srow = SessionRow(client_id=row.id, number=number, date=sess.date, duration=sess.duration,
                                  digest=digest, source_enc=cipher.seal(sess.source, "sessions.source"),
                                  label_enc=cipher.seal(sess.label, "sessions.label"),
                                  utterance_count=len(sess.utterances), client_words=sess.client_words,
                                  therapist_words=sess.therapist_words, imported_at=now())
                s.add(srow)
                s.flush()
                for u in sess.utterances:
                    s.add(UtteranceRow(
                        session_id=srow.id, idx=u.index, role=u.role,
                        speaker_enc=cipher.seal(u.speaker, "utterances.speaker"),
                        text_enc=cipher.seal(u.text, "utterances.text"),
                        markers_enc=cipher.seal(json.dumps(u.markers, ensure_ascii=False), "utterances.markers")
                        if u.markers else None,
                        start=u.start, end=u.end))
                self._audit(s, "write", f"session:{srow.id}", code, f"imported {len(sess.utterances)} utterances")
                results.append((self._session_meta(srow, code, cipher), False))
            s.flush()
            return results
        return self.db.transaction(work)

    @staticmethod
    def _session_meta(row: SessionRow, code: str, cipher: crypto.Cipher) -> dict[str, Any]:
        """What may be listed without reading clinical text: ids, numbers, labels, dates and counts."""
        return {"id": row.id, "client": code, "number": row.number,
                "label": cipher.open(row.label_enc, "sessions.label"), "date": row.date.isoformat() if row.date else None,
                "duration": row.duration, "utterances": row.utterance_count, "client_words": row.client_words,
                "therapist_words": row.therapist_words}

    def sessions(self, code: str) -> list[dict[str, Any]]:
        """Session metadata and counts (no text) in number order."""
        def work(s: OrmSession) -> list[dict[str, Any]]:
            row = self._client_row(s, code)
            self._check("read", "session", row)
            rows = s.scalars(select(SessionRow).where(SessionRow.client_id == row.id).order_by(SessionRow.number))
            cipher = self._cipher(row)
            return [self._session_meta(r, code, cipher) for r in rows]
        return self.db.transaction(work)

    def session(self, session_id: int) -> Session:
        """One session with its utterances (an audited read of clinical text)."""
        def work(s: OrmSession) -> Session:
            srow = s.get(SessionRow, session_id)
            crow = s.get(ClientRow, srow.client_id) if srow else None
            if srow is None or crow is None or not access.in_scope(self.actor, crow.code, crow.therapist) \
                    or self._unbound(s, crow):
                raise NotFoundError(f"no session with id {session_id}",
                                    hint="`reverie sessions --client CODE` lists session ids")
            self._check("read", "session", crow)
            return self._load_session(s, srow, crow)
        return self.db.transaction(work)

    def _load_session(self, s: OrmSession, srow: SessionRow, crow: ClientRow) -> Session:
        cipher = self._cipher(crow)
        utterances = [
            Utterance(index=u.idx, role=u.role, speaker=cipher.open(u.speaker_enc, "utterances.speaker") or "",
                      text=cipher.open(u.text_enc, "utterances.text") or "", start=u.start, end=u.end,
                      markers=json.loads(cipher.open(u.markers_enc, "utterances.markers")) if u.markers_enc else [])
            for u in s.scalars(select(UtteranceRow).where(UtteranceRow.session_id == srow.id).order_by(UtteranceRow.idx))
        ]
        self._audit(s, "read", f"session:{srow.id}", crow.code)
        return Session(client=crow.code, number=srow.number, date=srow.date, duration=srow.duration,
                       utterances=utterances, id=srow.id, source=cipher.open(srow.source_enc, "sessions.source"),
                       label=cipher.open(srow.label_enc, "sessions.label"))

    def client_sessions(self, code: str) -> list[Session]:
        """Every session of a client with utterances, for analysis and export (one audited read)."""
        def work(s: OrmSession) -> list[Session]:
            crow = self._client_row(s, code)
            self._check("read", "session", crow)
            rows = s.scalars(select(SessionRow).where(SessionRow.client_id == crow.id).order_by(SessionRow.number))
            return [self._load_session(s, r, crow) for r in rows]
        return self.db.transaction(work)

    # ----- journal entries ------------------------------------------------------------------------------
    def add_entries(self, code: str, entries: Sequence[Entry]) -> list[tuple[Entry, bool]]:
        def work(s: OrmSession) -> list[tuple[Entry, bool]]:
            row = self._client_row(s, code)
            cipher = self._cipher(row)
            out = []
            for e in entries:
                self._check("write", "entry" if e.shared_with_therapist else "entry_private", row)
                digest = cipher.digest("entry", e.content_digest())
                existing = s.scalar(select(EntryRow).where(EntryRow.client_id == row.id, EntryRow.digest == digest))
                if existing is not None:
                    out.append((self._entry(existing, cipher, code), True))
                    continue
                erow = EntryRow(client_id=row.id, written_at=e.written_at.replace(tzinfo=None), kind=e.kind,
                                title_enc=cipher.seal(e.title, "entries.title"), text_enc=cipher.seal(e.text, "entries.text"),
                                shared=e.shared_with_therapist, digest=digest, created_at=now())
                s.add(erow)
                s.flush()
                self._audit(s, "write", f"entry:{erow.id}", code, e.kind)
                out.append((self._entry(erow, cipher, code), False))
            return out
        return self.db.transaction(work)

    @staticmethod
    def _entry(row: EntryRow, cipher: crypto.Cipher, code: str) -> Entry:
        return Entry(client=code, written_at=row.written_at, kind=row.kind, text=cipher.open(row.text_enc, "entries.text") or "",
                     title=cipher.open(row.title_enc, "entries.title") or "", shared_with_therapist=row.shared, id=row.id)

    def entries(self, code: str) -> list[Entry]:
        """The entries this user may read: a client all of their own, a therapist only those shared with them."""
        def work(s: OrmSession) -> list[Entry]:
            row = self._client_row(s, code)
            cipher = self._cipher(row)
            can_private = access.allowed(self.actor, "read", "entry_private", row.code, row.therapist)
            self._check("read", "entry", row)
            q = select(EntryRow).where(EntryRow.client_id == row.id).order_by(EntryRow.written_at, EntryRow.id)
            if not can_private:
                q = q.where(EntryRow.shared.is_(True))
            out = [self._entry(r, cipher, code) for r in s.scalars(q)]
            self._audit(s, "read", "entries", code, f"{len(out)} entries")
            return out
        return self.db.transaction(work)

    def set_entry_shared(self, code: str, entry_id: int, shared: bool) -> None:
        """Share a journal entry with the therapist, or take it back: the client's own choice only."""
        def work(s: OrmSession) -> None:
            row = self._client_row(s, code)
            if self.actor.role != "client":
                raise AccessDenied(f"only the client may share or unshare their journal entries, not {self.actor.name}",
                                   hint="the client shares an entry from their own account")
            self._check("write", "entry_private", row)
            erow = s.get(EntryRow, entry_id)
            if erow is None or erow.client_id != row.id:
                raise NotFoundError(f"no entry {entry_id} for client '{code}'")
            erow.shared = shared
            self._audit(s, "write", f"entry:{entry_id}", code, f"shared={shared}")
        self.db.transaction(work)

    # ----- questionnaire responses ----------------------------------------------------------------------
    def add_responses(self, code: str, responses: Sequence[Response]) -> list[tuple[Response, bool]]:
        def work(s: OrmSession) -> list[tuple[Response, bool]]:
            row = self._client_row(s, code)
            self._check("write", "response", row)
            cipher = self._cipher(row)
            out = []
            for r in responses:
                digest = cipher.digest("response", r.instrument, str(r.session), str(r.date), json.dumps(r.answers))
                existing = s.scalar(select(ResponseRow).where(ResponseRow.client_id == row.id, ResponseRow.digest == digest))
                if existing is not None:
                    out.append((self._response(existing, cipher, code), True))
                    continue
                rrow = ResponseRow(client_id=row.id, instrument=r.instrument, session_number=r.session, date=r.date,
                                   answers_enc=cipher.seal(json.dumps(r.answers), "responses.answers"), digest=digest,
                                   created_at=now())
                s.add(rrow)
                s.flush()
                self._audit(s, "write", f"response:{rrow.id}", code, r.instrument)
                out.append((self._response(rrow, cipher, code), False))
            return out
        return self.db.transaction(work)

    @staticmethod
    def _response(row: ResponseRow, cipher: crypto.Cipher, code: str) -> Response:
        return Response(client=code, instrument=row.instrument, answers=json.loads(cipher.open(row.answers_enc, "responses.answers")),
                        session=row.session_number, date=row.date, id=row.id)

    def responses(self, code: str) -> list[Response]:
        def work(s: OrmSession) -> list[Response]:
            row = self._client_row(s, code)
            self._check("read", "response", row)
            cipher = self._cipher(row)
            q = select(ResponseRow).where(ResponseRow.client_id == row.id).order_by(
                ResponseRow.session_number, ResponseRow.date, ResponseRow.id)
            out = [self._response(r, cipher, code) for r in s.scalars(q)]
            self._audit(s, "read", "responses", code, f"{len(out)} responses")
            return out
        return self.db.transaction(work)

    # ----- process notes --------------------------------------------------------------------------------
    def add_note(self, code: str, text: str, session: int | None = None) -> ProcessNote:
        def work(s: OrmSession) -> ProcessNote:
            row = self._client_row(s, code)
            self._check("write", "note", row)
            nrow = ProcessNoteRow(client_id=row.id, session_number=session, author=self.actor.name, written_at=now(),
                                  text_enc=self._cipher(row).seal(text, "process_notes.text"))
            s.add(nrow)
            s.flush()
            self._audit(s, "write", f"note:{nrow.id}", code)
            return ProcessNote(code, text, nrow.written_at, self.actor.name, session, nrow.id)
        return self.db.transaction(work)

    def notes(self, code: str) -> list[ProcessNote]:
        def work(s: OrmSession) -> list[ProcessNote]:
            row = self._client_row(s, code)
            self._check("read", "note", row)
            cipher = self._cipher(row)
            out = [ProcessNote(code, cipher.open(n.text_enc, "process_notes.text") or "", n.written_at, n.author,
                               n.session_number, n.id)
                   for n in s.scalars(select(ProcessNoteRow).where(ProcessNoteRow.client_id == row.id)
                                      .order_by(ProcessNoteRow.written_at))]
            self._audit(s, "read", "notes", code, f"{len(out)} notes")
            return out
        return self.db.transaction(work)

    # ----- housekeeping ---------------------------------------------------------------------------------
    def delete_client_rows(self, s: OrmSession, row: ClientRow, journal_only: bool = False) -> None:
        """Delete a client's rows inside the caller's transaction (erasure); the wrapped key goes with the row."""
        if journal_only:
            s.execute(delete(EntryRow).where(EntryRow.client_id == row.id))
            s.execute(delete(DraftRow).where(DraftRow.client_id == row.id))  # what was being written is journal too
            return
        s.delete(row)
        self._keys.pop(row.id, None)

    def require(self, action: str, resource: str, code: str | None = None) -> None:
        """Raise AccessDenied unless the actor may do this (for callers outside the repository)."""
        if code is None:
            access.check(self.actor, action, resource, is_admin=self.actor.is_admin)
            return
        row = self.db.transaction(lambda s: self._client_row(s, code))
        self._check(action, resource, row)


__all__ = ["Records"]
