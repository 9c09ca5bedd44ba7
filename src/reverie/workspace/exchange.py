"""Export and re-import: everything a client provided, machine-readable (JSON, a folder of CSV files, FHIR), and a
JSON export brought back into a workspace, checked whole before anything is stored.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.domain import Client, Entry, Response, Session
from reverie.errors import IngestError, InputError
from reverie.outputs import check_target, write_folder, write_output
from reverie.spreadsheet import csv_text

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace

EXPORT_FORMAT = "reverie.export"
EXPORT_VERSION = 1


def export_data(ws: Workspace, client: str, include_process_notes: bool = False) -> dict[str, Any]:
    """Everything the client provided, machine-readable; process notes only when asked for."""
    ws.store.require("read", "export", client)
    profile = ws.store.client(client)
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": datetime.now().isoformat(timespec="seconds"),
        "client": profile.to_dict(),
        "sessions": [s.to_dict() for s in ws.store.client_sessions(client)],
        "entries": [e.to_dict() for e in ws.store.entries(client)],
        "responses": [r.to_dict() for r in ws.store.responses(client)],
        "consents": [c.to_dict() for c in ws.store.consents(client)],
    }
    if include_process_notes:
        data["process_notes"] = [n.to_dict() for n in ws.store.notes(client)]
    ws.store.audit_event("export", f"client:{client}", "with process notes" if include_process_notes else None, client)
    return data


def export(ws: Workspace, client: str, fmt: str, out: str | Path, include_process_notes: bool = False,
           force: bool = False) -> Path:
    """Write the client's export; an existing ``out`` is replaced only with ``force``, never in the workspace."""
    if fmt not in ("json", "csv", "fhir"):
        raise InputError(f"unknown export format '{fmt}'", hint="formats: json, csv, fhir")
    guard = ws.protected()
    out = check_target(out, force=force, protected=guard, folder=fmt == "csv")
    if fmt == "json":
        text = json.dumps(ws.export_data(client, include_process_notes), indent=1, ensure_ascii=False)
        return write_output(out, text, force=force, protected=guard)
    if fmt == "csv":
        return write_folder(out, _csv_files(ws.export_data(client, include_process_notes)), force=force,
                            protected=guard)
    from reverie.measures.fhir import to_fhir_bundle
    ws.store.require("read", "export", client)
    bundle = to_fhir_bundle(client, ws.store.responses(client))
    path = write_output(out, json.dumps(bundle, indent=1, ensure_ascii=False), force=force, protected=guard)
    ws.store.audit_event("export", f"client:{client}", "fhir", client)
    return path


def import_export(ws: Workspace, path: str | Path) -> dict[str, Any]:
    """Bring back a client from a JSON export (idempotent: records already present are not repeated)."""
    client, sessions, entries, responses, consents, notes = _read_export(Path(path))
    for s in sessions:
        s.id = None
    for e in entries:
        e.id = None

    def store() -> dict[str, Any]:  # one transaction: a bad record leaves nothing of the file behind
        if not any(c["code"] == client.code for c in ws.store.clients()):
            ws.store.add_client(client)
        if not ws.store.consents(client.code):
            for c in consents:
                if c.get("withdrawn_at") is None:
                    ws.store.grant_consent(client.code, c["scope"], c.get("detail"))
        stored = ws.store.add_sessions(client.code, sessions) if sessions else []
        new_entries = ws.store.add_entries(client.code, entries) if entries else []
        new_responses = ws.store.add_responses(client.code, responses) if responses else []
        for n in notes:
            ws.store.add_note(client.code, n["text"], n.get("session"))
        return {"client": client.code,
                "sessions": sum(1 for _s, d in stored if not d), "entries": sum(1 for _e, d in new_entries if not d),
                "responses": sum(1 for _r, d in new_responses if not d)}
    return ws.store.atomic(store)


def _read_export(path: Path) -> tuple[Client, list[Session], list[Entry], list[Response], list[dict[str, Any]],
                                     list[dict[str, Any]]]:
    """An export's records, checked before anything is stored: bounded JSON, whole records, numbers as numbers."""
    from reverie.ingest.bounds import loads
    from reverie.ingest.decoding import MAX_EXPORT_BYTES, decode, load_bytes
    data = loads(str(path), decode(str(path), load_bytes(path, None, MAX_EXPORT_BYTES)))  # bounded: depth and integer sizes
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise InputError(f"{path}: not a Reverie export (field 'format' should be '{EXPORT_FORMAT}')",
                         hint="make one with `reverie export --client CODE --format json --out PATH`")
    try:
        client = Client.from_dict(data["client"])
        sessions = [Session.from_dict(s) for s in data.get("sessions", [])]
        entries = [Entry.from_dict(e) for e in data.get("entries", [])]
        responses = [Response.from_dict(r) for r in data.get("responses", [])]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path}: a record is incomplete or malformed ({exc})") from exc
    consents, notes = _listed(path, data, "consents", "scope"), _listed(path, data, "process_notes", "text")
    if not isinstance(client.code, str):
        raise IngestError(str(path), "the client code must be text", field="$.client.code")
    _whole_or_none(path, [(f"$.sessions[{i}].number", s.number) for i, s in enumerate(sessions)]
                   + [(f"$.responses[{i}].session", r.session) for i, r in enumerate(responses)]
                   + [(f"$.process_notes[{i}].session", n.get("session")) for i, n in enumerate(notes)])
    return client, sessions, entries, responses, consents, notes


def _listed(path: Path, data: dict[str, Any], key: str, required: str) -> list[dict[str, Any]]:
    """The export's list ``key`` of objects that each hold the text field ``required`` (checked before storing)."""
    items = data.get(key) or []
    for n, item in enumerate(items if isinstance(items, list) else [None]):
        if not isinstance(item, dict) or not isinstance(item.get(required), str):
            raise IngestError(str(path), f"each item needs a text '{required}'", field=f"$.{key}[{n}].{required}")
    return items


def _whole_or_none(path: Path, values: list[tuple[str, Any]]) -> None:
    """Refuse a value that is not a whole number where the database keeps one (SQLite would store a text there)."""
    for field, value in values:
        if value is not None and type(value) is not int:
            raise IngestError(str(path), f"{str(value)[:40]!r} is not a whole number", field=field)


def _csv_files(data: dict[str, Any]) -> dict[str, str]:
    """A folder of CSV files in the importers' own formats (transcripts, journal, questionnaires), spreadsheet-safe."""
    tables = {
        "transcripts.csv": (["session", "turn", "speaker", "role", "text", "start", "end", "date"],
                            [[s["number"], u["index"], u["speaker"], u["role"], u["text"], u["start"], u["end"],
                              s["date"]] for s in data["sessions"] for u in s["utterances"]]),
        "journal.csv": (["written_at", "kind", "title", "text", "shared_with_therapist"],
                        [[e["written_at"], e["kind"], e["title"], e["text"], e["shared_with_therapist"]]
                         for e in data["entries"]]),
        "measures.csv": (["date", "session", "instrument", "answers"],
                         [[r["date"], r["session"], r["instrument"],
                           ",".join("" if a is None else str(a) for a in r["answers"])] for r in data["responses"]]),
    }
    if "process_notes" in data:
        tables["process_notes.csv"] = (["written_at", "session", "author", "text"],
                                       [[n["written_at"], n["session"], n["author"], n["text"]]
                                        for n in data["process_notes"]])
    return {name: csv_text(header, rows) for name, (header, rows) in tables.items()}
