"""Clients, sessions, journal entries and questionnaire responses: reading files in and storing them whole.

Each import lands in one transaction; new journal entries and responses are screened for risk (a safety task
for the therapist) once they are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie import ingest
from reverie.domain import Client, Entry, Response, Session
from reverie.errors import InputError
from reverie.ingest.bounds import MAX_INT

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace

ATTESTED_ON_IMPORT = ("transcription", "analysis")


def add_client(ws: Workspace, code: str, **profile: Any) -> Client:
    return ws.store.add_client(Client(code, **profile))


def clients(ws: Workspace) -> list[dict[str, Any]]:
    return ws.store.clients()


def sessions(ws: Workspace, client: str) -> list[dict[str, Any]]:
    return ws.store.sessions(client)


def session(ws: Workspace, session_id: int) -> Session:
    return ws.store.session(session_id)


def entries(ws: Workspace, client: str) -> list[Entry]:
    return ws.store.entries(client)


def responses(ws: Workspace, client: str) -> list[Response]:
    return ws.store.responses(client)


def import_transcript(ws: Workspace, path: str | Path, client: str, date: Date | None = None, fmt: str = "auto",
                      therapist_label: str | None = None, client_label: str | None = None,
                      number: int | None = None, encoding: str | None = None,
                      data: bytes | None = None) -> dict[str, Any]:
    """Read a transcript file and store its sessions in one transaction (a second import is a no-op).

    With ``data`` (an upload) the bytes are read and ``path`` only names the file."""
    transcript = ingest.read_transcript(path, client=client, fmt=fmt, therapist_label=therapist_label,
                                        client_label=client_label, encoding=encoding, data=data)
    if number is not None and not 0 <= number <= MAX_INT:
        raise InputError(f"session number {number} is out of range", hint=f"use 0 to {MAX_INT}")
    if (date is not None or number is not None) and len(transcript.sessions) > 1:
        raise InputError(f"{path} holds {len(transcript.sessions)} sessions: --date/--number apply to one session")
    for s in transcript.sessions:
        s.client = client
        s.source = Path(path).name
        if date is not None:
            s.date = date
        if number is not None:
            s.number = number
        elif transcript.numbered_by_order:
            s.number = None  # places in the file, not the case's numbers: append after the client's sessions

    def store() -> list[tuple[dict[str, Any], bool]]:
        # a client first met through an import gets the importing therapist's attestation of consent, in the
        # import's own transaction: a refused import leaves neither the client nor the attestation behind
        ws.store.ensure_client(client, attest_consents=ATTESTED_ON_IMPORT)
        ws.require_consent(client, "transcription")
        return ws.store.add_sessions(client, transcript.sessions)
    stored = ws.store.atomic(store)
    return {
        "sessions": [meta for meta, _dup in stored],
        "duplicate": all(dup for _s, dup in stored),
        "format": transcript.format,
        "notes": transcript.notes,
    }


def import_entries(ws: Workspace, path: str | Path, client: str) -> dict[str, Any]:
    return add_entries(ws, client, ingest.read_entries(path, client=client))


def add_entries(ws: Workspace, client: str, entries: Sequence[Entry],
                also: Callable[[], object] | None = None) -> dict[str, Any]:
    """Store journal entries, then screen the new ones for risk (a safety task for the therapist).

    ``also`` runs in the storing transaction (the portal drops the draft an entry was written in).
    """
    from reverie.safety.tasks import message_for, screen_entries

    def store() -> list[tuple[Entry, bool]]:
        ws.store.ensure_client(client)
        stored = ws.store.add_entries(client, entries)
        if also is not None:
            also()
        return stored
    stored = ws.store.atomic(store)
    new = [e for e, dup in stored if not dup]
    flags = screen_entries(ws, client, new)
    return {"entries": [{"id": e.id, "written_at": e.written_at.isoformat(), "kind": e.kind, "duplicate": dup}
                        for e, dup in stored],
            "imported": len(new), "duplicate": not new and bool(stored), "safety": flags,
            "safety_message": message_for(ws, client) if flags else None}


def record_response(ws: Workspace, client: str, instrument: str, answers: Sequence[int | None],
                    session: int | None = None, date: Date | None = None) -> dict[str, Any]:
    from reverie.measures.scoring import score
    from reverie.safety.tasks import screen_response
    result = score(instrument, answers)  # rejects out-of-range answers with the item named

    def store() -> list[tuple[Response, bool]]:
        ws.store.ensure_client(client)
        return ws.store.add_responses(client, [Response(client, instrument, list(answers), session, date)])
    (resp, dup), = ws.store.atomic(store)
    flags = screen_response(ws, client, resp) if not dup else []
    return {**result.to_dict(), "id": resp.id, "session": session, "duplicate": dup, "safety": flags}


def import_responses(ws: Workspace, path: str | Path, client: str) -> dict[str, Any]:
    from reverie.ingest.questionnaires import read_responses
    from reverie.measures.scoring import score
    from reverie.safety.tasks import screen_response
    responses = read_responses(path, client)
    for i, r in enumerate(responses, start=1):
        try:
            score(r.instrument, r.answers)
        except InputError as exc:
            raise InputError(f"{path}, response {i} ({r.instrument}, session {r.session}): {exc.message}",
                             exc.hint) from exc

    def store() -> list[tuple[Response, bool]]:
        ws.store.ensure_client(client)
        return ws.store.add_responses(client, responses)
    stored = ws.store.atomic(store)
    flags = [f for r, dup in stored if not dup for f in screen_response(ws, client, r)]
    return {"imported": sum(1 for _r, d in stored if not d), "duplicate": sum(1 for _r, d in stored if d),
            "safety": flags}
