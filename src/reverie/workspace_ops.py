"""The workspace's governance calls: consent, notes, safety, export and re-import, erasure, holds, audit, keys.

A mixin of ``Workspace`` (``workspace.py``) kept apart so each module stays one
concept: records and analysis there, the duties of care here.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.domain import Client, Entry, Response, Session
from reverie.errors import IngestError, InputError
from reverie.outputs import Protected, check_target, write_folder, write_output
from reverie.spreadsheet import csv_text
from reverie.store import crypto

EXPORT_FORMAT = "reverie.export"
EXPORT_VERSION = 1


class WorkspaceOps:
    """Mixed into ``Workspace``: expects ``self.store``, ``self.settings`` and ``self.key_path``."""

    # ----- where outputs may not go ----------------------------------------------------------------------
    def protected(self, inside_workspace: bool = False) -> Protected:
        """What an output may never replace: the workspace folder, its database (and journals), config and key.

        ``inside_workspace`` lets Reverie's own outputs (the demo's report) go inside the workspace folder; its
        database, config and key stay protected.
        """
        from reverie.settings import CONFIG_FILE
        from reverie.store.db import sqlite_file
        files = {self.settings.workspace / CONFIG_FILE: "the workspace's settings"}
        db_file = sqlite_file(self.settings.db_url)
        if db_file is not None:
            files |= {db_file.with_name(db_file.name + suffix): "the workspace's database"
                      for suffix in ("", "-wal", "-shm", "-journal")}
        if self.key_path is not None:
            files |= {self.key_path.with_name(self.key_path.name + suffix): "the workspace's key"
                      for suffix in ("", ".old", ".new")}
        return Protected(folders=() if inside_workspace else (self.settings.workspace,), files=files)

    # ----- consent ---------------------------------------------------------------------------------------
    def grant_consent(self, client: str, scope: str, detail: str | None = None) -> dict[str, Any]:
        """Record a consent; sharing one journal entry (scope ``sharing``, detail ``entry:ID``) also shares it."""
        entry = _entry_id(scope, detail)
        if entry is not None:
            self.store.set_entry_shared(client, entry, True)
        return self.store.grant_consent(client, scope, detail).to_dict()

    def withdraw_consent(self, client: str, scope: str, detail: str | None = None) -> int:
        entry = _entry_id(scope, detail)
        if entry is not None:
            self.store.set_entry_shared(client, entry, False)
        return self.store.withdraw_consent(client, scope, detail)

    def consents(self, client: str) -> list[dict[str, Any]]:
        return [c.to_dict() | {"active": c.active} for c in self.store.consents(client)]

    # ----- process notes ---------------------------------------------------------------------------------
    def add_note(self, client: str, text: str, session: int | None = None) -> dict[str, Any]:
        return self.store.add_note(client, text, session).to_dict()

    def notes(self, client: str) -> list[dict[str, Any]]:
        return [n.to_dict() for n in self.store.notes(client)]

    # ----- safety ----------------------------------------------------------------------------------------
    def safety_tasks(self, open_only: bool = True) -> list[dict[str, Any]]:
        return self.store.safety_tasks(open_only)

    def acknowledge_task(self, task_id: int, by: str | None = None) -> dict[str, Any]:
        """Acknowledge as the acting user. ``by`` (the CLI's ``--by``) is accepted for old scripts, never recorded."""
        result = self.store.acknowledge_task(task_id)
        if by is not None and by != result["acknowledged_by"]:
            result["note"] = (f"recorded as acknowledged by the acting user '{result['acknowledged_by']}', "
                              f"not '{by}': --by is no longer recorded (choose the user with --user)")
        return result

    def safety_plan(self, client: str) -> dict[str, Any] | None:
        return self.store.safety_plan(client)

    def set_safety_plan(self, client: str, plan: dict[str, Any]) -> dict[str, Any]:
        from reverie.safety import SafetyPlan
        clean = SafetyPlan.from_dict(plan).to_dict()
        self.store.set_safety_plan(client, clean)
        return clean

    # ----- export and re-import --------------------------------------------------------------------------
    def export_data(self, client: str, include_process_notes: bool = False) -> dict[str, Any]:
        """Everything the client provided, machine-readable; process notes only when asked for."""
        self.store.require("read", "export", client)
        profile = self.store.client(client)
        data: dict[str, Any] = {
            "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": datetime.now().isoformat(timespec="seconds"),
            "client": profile.to_dict(),
            "sessions": [s.to_dict() for s in self.store.client_sessions(client)],
            "entries": [e.to_dict() for e in self.store.entries(client)],
            "responses": [r.to_dict() for r in self.store.responses(client)],
            "consents": [c.to_dict() for c in self.store.consents(client)],
        }
        if include_process_notes:
            data["process_notes"] = [n.to_dict() for n in self.store.notes(client)]
        self.store.audit_event("export", f"client:{client}", "with process notes" if include_process_notes else None, client)
        return data

    def export(self, client: str, fmt: str, out: str | Path, include_process_notes: bool = False,
               force: bool = False) -> Path:
        """Write the client's export; an existing ``out`` is replaced only with ``force``, never in the workspace."""
        if fmt not in ("json", "csv", "fhir"):
            raise InputError(f"unknown export format '{fmt}'", hint="formats: json, csv, fhir")
        guard = self.protected()
        out = check_target(out, force=force, protected=guard, folder=fmt == "csv")
        if fmt == "json":
            text = json.dumps(self.export_data(client, include_process_notes), indent=1, ensure_ascii=False)
            return write_output(out, text, force=force, protected=guard)
        if fmt == "csv":
            return write_folder(out, _csv_files(self.export_data(client, include_process_notes)), force=force,
                                protected=guard)
        from reverie.measures.fhir import to_fhir_bundle
        self.store.require("read", "export", client)
        bundle = to_fhir_bundle(client, self.store.responses(client))
        path = write_output(out, json.dumps(bundle, indent=1, ensure_ascii=False), force=force, protected=guard)
        self.store.audit_event("export", f"client:{client}", "fhir", client)
        return path

    def import_export(self, path: str | Path) -> dict[str, Any]:
        """Bring back a client from a JSON export (idempotent: records already present are not repeated)."""
        client, sessions, entries, responses, consents, notes = _read_export(Path(path))
        for s in sessions:
            s.id = None
        for e in entries:
            e.id = None

        def store() -> dict[str, Any]:  # one transaction: a bad record leaves nothing of the file behind
            if not any(c["code"] == client.code for c in self.store.clients()):
                self.store.add_client(client)
            if not self.store.consents(client.code):
                for c in consents:
                    if c.get("withdrawn_at") is None:
                        self.store.grant_consent(client.code, c["scope"], c.get("detail"))
            stored = self.store.add_sessions(client.code, sessions) if sessions else []
            new_entries = self.store.add_entries(client.code, entries) if entries else []
            new_responses = self.store.add_responses(client.code, responses) if responses else []
            for n in notes:
                self.store.add_note(client.code, n["text"], n.get("session"))
            return {"client": client.code,
                    "sessions": sum(1 for _s, d in stored if not d), "entries": sum(1 for _e, d in new_entries if not d),
                    "responses": sum(1 for _r, d in new_responses if not d)}
        return self.store.atomic(store)

    # ----- erasure, holds, audit, keys -------------------------------------------------------------------
    def erase(self, client: str, journal_only: bool = False) -> dict[str, Any]:
        return self.store.erase(client, journal_only)

    def hold(self, client: str, reason: str | None) -> None:
        self.store.hold(client, reason)

    def audit_verify(self) -> dict[str, Any]:
        return self.store.audit_verify()

    def audit_show(self, client: str | None = None) -> list[dict[str, Any]]:
        return self.store.audit_rows(client)

    def rotate_keys(self) -> dict[str, Any]:
        """A new workspace key: every client key re-wrapped, then the key file replaced (the old one kept as .old)."""
        if self.key_path is None:
            raise InputError("this workspace uses a passphrase", hint="passphrase rotation is not supported yet")
        new_key = crypto.new_key()
        staged = self.key_path.with_name(self.key_path.name + ".new")
        crypto.write_key_file(staged, new_key)
        n = self.store.rotate_keys(new_key)
        old = self.key_path.with_name(self.key_path.name + ".old")
        self.key_path.replace(old)
        staged.replace(self.key_path)
        return {"clients": n, "key_file": str(self.key_path), "previous_key": str(old)}

    def add_user(self, name: str, role: str, client: str | None = None, is_admin: bool = False) -> dict[str, Any]:
        return self.store.add_user(name, role, client, is_admin).to_dict()

    # ----- relational patterns (CCRT) -------------------------------------------------------------------
    def patterns(self, client: str, names: dict[str, str] | None = None) -> dict[str, Any]:
        """Relationship episodes, the CCRT and replays for a client, through the runner (cached results reused).

        The acting therapist's own name ("ruth.adler" -> Ruth, Adler) marks the therapist among the names.
        """
        from reverie.relational_ops import patterns_of
        analysis = self.analyze(client=client, analyzers=["relational"])
        own = {p.capitalize(): "therapist" for p in self.user.name.replace("_", ".").split(".") if len(p) > 2} \
            if self.user.role == "therapist" else {}
        return patterns_of(analysis, {**own, **(names or {})})

    def themes(self, client: str) -> dict[str, Any]:
        """Recurring themes across the client's sessions and the journal entries this user may read."""
        from reverie.analysis.themes import themes
        self._require_consent(client, "analysis")
        return {"client": client, **themes(self.store.client_sessions(client), self.store.entries(client))}

    # ----- progress and the case report ------------------------------------------------------------------
    def has_analysis(self, client: str) -> bool:
        from sqlalchemy import func, select

        from reverie.store.tables import AnalysisRunRow, ClientRow
        return bool(self.store.db.transaction(lambda s: s.scalar(
            select(func.count()).select_from(AnalysisRunRow).join(ClientRow, AnalysisRunRow.client_id == ClientRow.id)
            .where(ClientRow.code == client))))

    def case_progress(self, client: str, analysis: dict[str, Any] | None = None) -> dict[str, Any]:
        """The progress picture, with process markers from the stored results (a view: no analyser runs).

        ``process_markers`` says which sessions have markers and, where they are missing, why.
        """
        from reverie.analysis.markers import marker_status, markers_from_analysis
        analysis = analysis if analysis is not None else self.stored_analysis(client)
        markers = markers_from_analysis(analysis)
        result = self.progress(client, markers or None)
        result["process_markers"] = marker_status(analysis, markers, [s["number"] for s in result["sessions"]])
        return result

    def dreams(self, client: str) -> dict[str, Any]:
        """The client's dreams coded with HVdC, their indicators and h-profile against the norms for the client's sex.

        Goes through the runner with the workspace's result cache, so dreams already coded are read back
        from the stored annotations and only new or changed ones are coded (and stored).
        """
        from reverie.analysis.dreams import profile
        from reverie.analysis.results import analyse
        self._require_consent(client, "analysis")
        dreams = [e for e in self.store.entries(client) if e.kind == "dream"]
        chosen = self.analyzers(["dreams"])
        out, result = analyse(chosen, [], dreams, cache=self.store.result_cache(client))
        coded = [{"id": e["id"], "written_at": e["written_at"], "title": e["title"], "text": e["text"],
                  "codes": e["annotations"].get("dreams", {})} for e in out["entries"]]
        self._link_dreams(client, coded)
        sex = self.store.client(client).sex
        return {"client": client, "sex": sex, "coded": coded, "computed": result.computed, "reused": result.reused,
                **profile([d["codes"] for d in coded if d["codes"].get("characters") is not None], sex)}

    def _link_dreams(self, client: str, coded: list[dict[str, Any]], days: int = 14) -> None:
        """Add ``links`` to each coded dream: what it shares with the client's turns and entries within ``days``."""
        from datetime import datetime, timedelta

        from reverie.analysis.dream_links import links
        if not coded:
            return
        sessions = [s for s in self.store.client_sessions(client) if s.date is not None]
        entries = self.store.entries(client)
        for d in coded:
            when = datetime.fromisoformat(d["written_at"])
            near = (lambda t: abs(t - when) <= timedelta(days=days))
            others = [(f"s{s.id}:{u.index}", u.text) for s in sessions
                      if near(datetime.combine(s.date, datetime.min.time())) for u in s.utterances if u.role == "client"]
            others += [(f"e{e.id}", e.text) for e in entries if e.id != d["id"] and near(e.written_at)]
            d["links"] = links(d["codes"], others) if d["codes"].get("characters") is not None else []

    def report(self, client: str, out: str | Path, analysis: dict[str, Any] | None = None, force: bool = False,
               inside_workspace: bool = False) -> Path:
        """A self-contained HTML case report: progress, instruments, session markers, key moments, safety.

        ``analysis`` is a result of ``analyze(client=...)`` already in hand; without it the stored results are read.
        ``out`` is checked before any work; ``inside_workspace`` is for Reverie's own reports (the demo's).
        """
        guard = self.protected(inside_workspace)
        out = check_target(out, force=force, protected=guard)
        return write_output(out, self.report_html(client, analysis), force=force, protected=guard)

    def report_html(self, client: str, analysis: dict[str, Any] | None = None) -> str:
        """The case report's HTML (what ``report`` writes, and the web app shows and prints to PDF); audited."""
        from reverie.reports.case_report import render_case_report
        from reverie.reports.context import build_context
        analysis = analysis or self.stored_analysis(client)
        progress = self.case_progress(client, analysis)
        context = build_context(client, progress, analysis, self.safety_tasks(open_only=False))
        html = render_case_report(context)
        self.store.audit_event("report", f"client:{client}", None, client)
        return html

    def write_plot(self, progress: dict[str, Any], out: str | Path, force: bool = False) -> Path:
        """Write the progress plot (PNG or SVG by the suffix) where a user asked, checked like every output."""
        from reverie.measures.plot import plot_progress
        return plot_progress(progress, out, force=force, protected=self.protected())

    # ----- backup and restore ----------------------------------------------------------------------------
    def backup(self, out: str | Path, force: bool = False) -> dict[str, Any]:
        from reverie.store.backup import write_backup
        return write_backup(self.store, Path(out), force=force, protected=self.protected())

    def restore(self, path: str | Path) -> dict[str, Any]:
        """Fill this new workspace from a backup (a passphrase opens it through the salt the backup carries)."""
        import base64

        from reverie.store.backup import read_header, restore_backup
        salt = read_header(Path(path))[0].get("kdf_salt") if self.settings.passphrase else None
        key = crypto.derive_from_passphrase(self.settings.passphrase, base64.b64decode(salt)) if salt else None
        return restore_backup(self.store, Path(path), key)


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


def _entry_id(scope: str, detail: str | None) -> int | None:
    if scope != "sharing" or not detail or not detail.startswith("entry:"):
        return None
    try:
        return int(detail.split(":", 1)[1])
    except ValueError:
        raise InputError(f"--detail '{detail}' should name an entry as entry:ID") from None


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
