"""Clinical records: clients (each with a fresh data key), sessions, journal entries, questionnaire
responses and process notes, each read or written as the acting user, encrypted and audited.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import Client, Entry, ProcessNote, Response, Session, Utterance
from reverie.errors import AccessDenied, InputError, NotFoundError
from reverie.store import access, crypto
from reverie.store.tables import (
    ClientRow,
    ConsentRow,
    EntryRow,
    NoteDraftRow,
    ProcessNoteRow,
    ResponseRow,
    SafetyTaskRow,
    SessionRow,
    UtteranceRow,
    now,
)

if TYPE_CHECKING:
    from reverie.store.core import Store


def _new_client_row(store: Store, s: OrmSession, client: Client, attest_consents: Sequence[str]) -> Client:
    """Create the client (with a fresh data key) inside the caller's transaction."""
    if not client.code or len(client.code) > 64 or any(c.isspace() for c in client.code):
        raise InputError(f"'{client.code}' is not a usable client code", hint="use a short pseudonymous code without spaces")
    therapist = client.therapist or (store.actor.name if store.actor.role == "therapist" else None)
    store.check("write", "client", ClientRow(code=client.code, therapist=therapist))
    if s.scalar(select(ClientRow).where(ClientRow.code == client.code)) is not None:
        raise InputError(f"a client with code '{client.code}' already exists")
    row = ClientRow(code=client.code, age_band=client.age_band, sex=client.sex, locale=client.locale,
                    therapist=therapist, created_at=now(),
                    wrapped_key=store.new_wrapped_key(client.code))
    s.add(row)
    s.flush()
    store.audit_in(s, "write", f"client:{client.code}", client.code, "created")
    for scope in attest_consents:
        s.add(ConsentRow(client_id=row.id, scope=scope, granted_at=now(), recorded_by=store.actor.name))
        store.audit_in(s, "write", f"consent:{scope}", client.code, f"granted {scope} (attested by {store.actor.name})")
    return Client(client.code, client.age_band, client.sex, therapist, client.locale)


def add_client(store: Store, client: Client) -> Client:
    return store.db.transaction(lambda s: _new_client_row(store, s, client, ()))


def ensure_client(store: Store, code: str, attest_consents: Sequence[str] = ()) -> Client:
    """The client with this code, or, if new, created in the acting therapist's caseload (one transaction,
    so concurrent first imports for the same client cannot collide) with the attested consents recorded."""
    def work(s: OrmSession) -> Client:
        if s.scalar(select(ClientRow.id).where(ClientRow.code == code)) is None:
            return _new_client_row(store, s, Client(code), attest_consents)
        row = store.client_row(s, code)
        return Client(row.code, row.age_band, row.sex, row.therapist, row.locale)
    return store.db.transaction(work)


def client(store: Store, code: str) -> Client:
    def work(s: OrmSession) -> Client:
        row = store.client_row(s, code)
        return Client(row.code, row.age_band, row.sex, row.therapist, row.locale)
    return store.db.transaction(work)


def clients(store: Store) -> list[dict[str, Any]]:
    """The clients in scope with counts (no clinical text)."""
    def work(s: OrmSession) -> list[dict[str, Any]]:
        out = []
        for row in s.scalars(select(ClientRow).order_by(ClientRow.code)):
            if not (access.in_scope(store.actor, row.code, row.therapist) or store.actor.is_admin
                    or store.actor.role == "admin") or store.unbound(s, row):
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
    return store.db.transaction(work)


def add_sessions(store: Store, code: str, sessions: Sequence[Session]) -> list[tuple[dict[str, Any], bool]]:
    """Store sessions in one transaction; a session already stored (same content) is reported, not repeated."""
    def work(s: OrmSession) -> list[tuple[dict[str, Any], bool]]:
        row = store.client_row(s, code)
        store.check("write", "session", row)
        cipher = store.cipher(row)
        taken = set(s.scalars(select(SessionRow.number).where(SessionRow.client_id == row.id)))
        results = []
        for sess in sessions:
            digest = cipher.digest("session", sess.content_digest())
            existing = s.scalar(select(SessionRow).where(SessionRow.client_id == row.id, SessionRow.digest == digest))
            if existing is not None:
                results.append((_session_meta(existing, code, cipher), True))
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
            store.audit_in(s, "write", f"session:{srow.id}", code, f"imported {len(sess.utterances)} utterances")
            results.append((_session_meta(srow, code, cipher), False))
        s.flush()
        return results
    return store.db.transaction(work)


def _session_meta(row: SessionRow, code: str, cipher: crypto.Cipher) -> dict[str, Any]:
    """What may be listed without reading clinical text: ids, numbers, labels, dates and counts."""
    return {"id": row.id, "client": code, "number": row.number,
            "label": cipher.open(row.label_enc, "sessions.label"), "date": row.date.isoformat() if row.date else None,
            "duration": row.duration, "utterances": row.utterance_count, "client_words": row.client_words,
            "therapist_words": row.therapist_words}


def sessions(store: Store, code: str) -> list[dict[str, Any]]:
    """Session metadata and counts (no text) in number order."""
    def work(s: OrmSession) -> list[dict[str, Any]]:
        row = store.client_row(s, code)
        store.check("read", "session", row)
        rows = s.scalars(select(SessionRow).where(SessionRow.client_id == row.id).order_by(SessionRow.number))
        cipher = store.cipher(row)
        return [_session_meta(r, code, cipher) for r in rows]
    return store.db.transaction(work)


def session(store: Store, session_id: int) -> Session:
    """One session with its utterances (an audited read of clinical text)."""
    def work(s: OrmSession) -> Session:
        srow = s.get(SessionRow, session_id)
        crow = s.get(ClientRow, srow.client_id) if srow else None
        if srow is None or crow is None or not access.in_scope(store.actor, crow.code, crow.therapist) \
                or store.unbound(s, crow):
            raise NotFoundError(f"no session with id {session_id}",
                                hint="`reverie sessions --client CODE` lists session ids")
        store.check("read", "session", crow)
        return _load_session(store, s, srow, crow)
    return store.db.transaction(work)


def _load_session(store: Store, s: OrmSession, srow: SessionRow, crow: ClientRow) -> Session:
    cipher = store.cipher(crow)
    utterances = [
        Utterance(index=u.idx, role=u.role, speaker=cipher.open(u.speaker_enc, "utterances.speaker") or "",
                  text=cipher.open(u.text_enc, "utterances.text") or "", start=u.start, end=u.end,
                  markers=json.loads(cipher.open(u.markers_enc, "utterances.markers")) if u.markers_enc else [])
        for u in s.scalars(select(UtteranceRow).where(UtteranceRow.session_id == srow.id).order_by(UtteranceRow.idx))
    ]
    store.audit_in(s, "read", f"session:{srow.id}", crow.code)
    return Session(client=crow.code, number=srow.number, date=srow.date, duration=srow.duration,
                   utterances=utterances, id=srow.id, source=cipher.open(srow.source_enc, "sessions.source"),
                   label=cipher.open(srow.label_enc, "sessions.label"))


def client_sessions(store: Store, code: str) -> list[Session]:
    """Every session of a client with utterances, for analysis and export (one audited read)."""
    def work(s: OrmSession) -> list[Session]:
        crow = store.client_row(s, code)
        store.check("read", "session", crow)
        rows = s.scalars(select(SessionRow).where(SessionRow.client_id == crow.id).order_by(SessionRow.number))
        return [_load_session(store, s, r, crow) for r in rows]
    return store.db.transaction(work)


def add_entries(store: Store, code: str, entries: Sequence[Entry]) -> list[tuple[Entry, bool]]:
    def work(s: OrmSession) -> list[tuple[Entry, bool]]:
        row = store.client_row(s, code)
        cipher = store.cipher(row)
        out = []
        for e in entries:
            store.check("write", "entry" if e.shared_with_therapist else "entry_private", row)
            digest = cipher.digest("entry", e.content_digest())
            existing = s.scalar(select(EntryRow).where(EntryRow.client_id == row.id, EntryRow.digest == digest))
            if existing is not None:
                out.append((entry_from_row(existing, cipher, code), True))
                continue
            erow = EntryRow(client_id=row.id, written_at=e.written_at.replace(tzinfo=None), kind=e.kind,
                            title_enc=cipher.seal(e.title, "entries.title"), text_enc=cipher.seal(e.text, "entries.text"),
                            shared=e.shared_with_therapist, digest=digest, created_at=now())
            s.add(erow)
            s.flush()
            store.audit_in(s, "write", f"entry:{erow.id}", code, e.kind)
            out.append((entry_from_row(erow, cipher, code), False))
        return out
    return store.db.transaction(work)


def entry_from_row(row: EntryRow, cipher: crypto.Cipher, code: str) -> Entry:
    return Entry(client=code, written_at=row.written_at, kind=row.kind, text=cipher.open(row.text_enc, "entries.text") or "",
                 title=cipher.open(row.title_enc, "entries.title") or "", shared_with_therapist=row.shared, id=row.id)


def entries(store: Store, code: str) -> list[Entry]:
    """The entries this user may read: a client all of their own, a therapist only those shared with them."""
    def work(s: OrmSession) -> list[Entry]:
        row = store.client_row(s, code)
        cipher = store.cipher(row)
        can_private = access.allowed(store.actor, "read", "entry_private", row.code, row.therapist)
        store.check("read", "entry", row)
        q = select(EntryRow).where(EntryRow.client_id == row.id).order_by(EntryRow.written_at, EntryRow.id)
        if not can_private:
            q = q.where(EntryRow.shared.is_(True))
        out = [entry_from_row(r, cipher, code) for r in s.scalars(q)]
        store.audit_in(s, "read", "entries", code, f"{len(out)} entries")
        return out
    return store.db.transaction(work)


def set_entry_shared(store: Store, code: str, entry_id: int, shared: bool) -> None:
    """Share a journal entry with the therapist, or take it back: the client's own choice only."""
    def work(s: OrmSession) -> None:
        row = store.client_row(s, code)
        if store.actor.role != "client":
            raise AccessDenied(f"only the client may share or unshare their journal entries, not {store.actor.name}",
                               hint="the client shares an entry from their own account")
        store.check("write", "entry_private", row)
        erow = s.get(EntryRow, entry_id)
        if erow is None or erow.client_id != row.id:
            raise NotFoundError(f"no entry {entry_id} for client '{code}'")
        erow.shared = shared
        store.audit_in(s, "write", f"entry:{entry_id}", code, f"shared={shared}")
    store.db.transaction(work)


def add_responses(store: Store, code: str, responses: Sequence[Response]) -> list[tuple[Response, bool]]:
    def work(s: OrmSession) -> list[tuple[Response, bool]]:
        row = store.client_row(s, code)
        store.check("write", "response", row)
        cipher = store.cipher(row)
        out = []
        for r in responses:
            digest = cipher.digest("response", r.instrument, str(r.session), str(r.date), json.dumps(r.answers))
            existing = s.scalar(select(ResponseRow).where(ResponseRow.client_id == row.id, ResponseRow.digest == digest))
            if existing is not None:
                out.append((_response(existing, cipher, code), True))
                continue
            rrow = ResponseRow(client_id=row.id, instrument=r.instrument, session_number=r.session, date=r.date,
                               answers_enc=cipher.seal(json.dumps(r.answers), "responses.answers"), digest=digest,
                               created_at=now())
            s.add(rrow)
            s.flush()
            store.audit_in(s, "write", f"response:{rrow.id}", code, r.instrument)
            out.append((_response(rrow, cipher, code), False))
        return out
    return store.db.transaction(work)


def _response(row: ResponseRow, cipher: crypto.Cipher, code: str) -> Response:
    return Response(client=code, instrument=row.instrument, answers=json.loads(cipher.open(row.answers_enc, "responses.answers")),
                    session=row.session_number, date=row.date, id=row.id)


def responses(store: Store, code: str) -> list[Response]:
    def work(s: OrmSession) -> list[Response]:
        row = store.client_row(s, code)
        store.check("read", "response", row)
        cipher = store.cipher(row)
        q = select(ResponseRow).where(ResponseRow.client_id == row.id).order_by(
            ResponseRow.session_number, ResponseRow.date, ResponseRow.id)
        out = [_response(r, cipher, code) for r in s.scalars(q)]
        store.audit_in(s, "read", "responses", code, f"{len(out)} responses")
        return out
    return store.db.transaction(work)


def add_note(store: Store, code: str, text: str, session: int | None = None) -> ProcessNote:
    def work(s: OrmSession) -> ProcessNote:
        row = store.client_row(s, code)
        store.check("write", "note", row)
        nrow = ProcessNoteRow(client_id=row.id, session_number=session, author=store.actor.name, written_at=now(),
                              text_enc=store.cipher(row).seal(text, "process_notes.text"))
        s.add(nrow)
        s.flush()
        store.audit_in(s, "write", f"note:{nrow.id}", code)
        if store.actor.id is not None:  # the draft it was typed in has become the note
            s.execute(delete(NoteDraftRow).where(*_draft_of(store, row, session)))
        return ProcessNote(code, text, nrow.written_at, store.actor.name, session, nrow.id)
    return store.db.transaction(work)


def notes(store: Store, code: str) -> list[ProcessNote]:
    def work(s: OrmSession) -> list[ProcessNote]:
        row = store.client_row(s, code)
        store.check("read", "note", row)
        cipher = store.cipher(row)
        out = [ProcessNote(code, cipher.open(n.text_enc, "process_notes.text") or "", n.written_at, n.author,
                           n.session_number, n.id)
               for n in s.scalars(select(ProcessNoteRow).where(ProcessNoteRow.client_id == row.id)
                                  .order_by(ProcessNoteRow.written_at))]
        store.audit_in(s, "read", "notes", code, f"{len(out)} notes")
        return out
    return store.db.transaction(work)


def _draft_of(store: Store, row: ClientRow, session: int | None) -> tuple[Any, ...]:
    """The acting writer's draft for this client and session: a draft is only ever its writer's."""
    if store.actor.id is None:
        raise AccessDenied(f"'{store.actor.name}' has no account to keep a draft under")
    number = NoteDraftRow.session_number.is_(None) if session is None else NoteDraftRow.session_number == session
    return NoteDraftRow.user_id == store.actor.id, NoteDraftRow.client_id == row.id, number


def save_note_draft(store: Store, code: str, text: str, session: int | None = None) -> dict[str, Any]:
    """Keep the process note being typed (the web page saves it every few seconds), sealed like a note."""
    def work(s: OrmSession) -> dict[str, Any]:
        row = store.client_row(s, code)
        store.check("write", "note", row)
        blob = store.cipher(row).seal(text, "note_drafts.text")
        draft = s.scalar(select(NoteDraftRow).where(*_draft_of(store, row, session)))
        if draft is None:
            draft = NoteDraftRow(client_id=row.id, user_id=store.actor.id, session_number=session, text_enc=blob,
                                 updated_at=now())
            s.add(draft)
            s.flush()
        else:
            draft.text_enc, draft.updated_at = blob, now()
        store.audit_in(s, "write", f"note_draft:{draft.id}", code)
        return {"session": session, "updated_at": draft.updated_at.isoformat()}
    return store.db.transaction(work)


def note_draft(store: Store, code: str, session: int | None = None) -> dict[str, Any] | None:
    """The acting writer's unsaved note for this client and session, or None."""
    def work(s: OrmSession) -> dict[str, Any] | None:
        row = store.client_row(s, code)
        store.check("read", "note", row)
        draft = s.scalar(select(NoteDraftRow).where(*_draft_of(store, row, session)))
        if draft is None:
            return None
        store.audit_in(s, "read", f"note_draft:{draft.id}", code)
        return {"session": session, "text": store.cipher(row).open(draft.text_enc, "note_drafts.text") or "",
                "updated_at": draft.updated_at.isoformat()}
    return store.db.transaction(work)
