"""The workspace's governance calls: consent, notes, safety, export and re-import, erasure, holds, audit, keys.

A mixin of ``Workspace`` (``workspace.py``) kept apart so each module stays one
concept: records and analysis there, the duties of care here.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.domain import Client, Entry, Response, Session
from reverie.errors import InputError
from reverie.store import crypto

EXPORT_FORMAT = "reverie.export"
EXPORT_VERSION = 1


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class WorkspaceOps:
    """Mixed into ``Workspace``: expects ``self.store`` and ``self.settings``."""

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

    def acknowledge_task(self, task_id: int, by: str) -> dict[str, Any]:
        return self.store.acknowledge_task(task_id, by)

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

    def export(self, client: str, fmt: str, out: str | Path, include_process_notes: bool = False) -> Path:
        out = Path(out)
        if fmt == "json":
            _atomic_write(out, json.dumps(self.export_data(client, include_process_notes), indent=1, ensure_ascii=False))
        elif fmt == "csv":
            self._export_csv(self.export_data(client, include_process_notes), out)
        elif fmt == "fhir":
            from reverie.measures.fhir import to_fhir_bundle
            self.store.require("read", "export", client)
            bundle = to_fhir_bundle(client, self.store.responses(client))
            _atomic_write(out, json.dumps(bundle, indent=1, ensure_ascii=False))
            self.store.audit_event("export", f"client:{client}", "fhir", client)
        else:
            raise InputError(f"unknown export format '{fmt}'", hint="formats: json, csv, fhir")
        return out

    @staticmethod
    def _export_csv(data: dict[str, Any], out: Path) -> None:
        """A folder of CSV files in the importers' own formats (transcripts, journal, questionnaires)."""
        out.mkdir(parents=True, exist_ok=True)
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
        for name, (header, rows) in tables.items():
            tmp = out / (name + ".tmp")
            with tmp.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows(rows)
            tmp.replace(out / name)

    def import_export(self, path: str | Path) -> dict[str, Any]:
        """Bring back a client from a JSON export (idempotent: records already present are not repeated)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a readable Reverie export ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise InputError(f"{path}: not a Reverie export (field 'format' should be '{EXPORT_FORMAT}')",
                             hint="make one with `reverie export --client CODE --format json --out PATH`")
        try:
            client = Client.from_dict(data["client"])
            sessions = [Session.from_dict(s) for s in data.get("sessions", [])]
            entries = [Entry.from_dict(e) for e in data.get("entries", [])]
            responses = [Response.from_dict(r) for r in data.get("responses", [])]
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}: a record is incomplete or malformed ({exc})") from exc
        for s in sessions:
            s.id = None
        for e in entries:
            e.id = None
        if not any(c["code"] == client.code for c in self.store.clients()):
            self.store.add_client(client)
        if not self.store.consents(client.code):
            for c in data.get("consents", []):
                if c.get("withdrawn_at") is None:
                    self.store.grant_consent(client.code, c["scope"], c.get("detail"))
        stored = self.store.add_sessions(client.code, sessions) if sessions else []
        new_entries = self.store.add_entries(client.code, entries) if entries else []
        new_responses = self.store.add_responses(client.code, responses) if responses else []
        for n in data.get("process_notes", []):
            self.store.add_note(client.code, n["text"], n.get("session"))
        return {"client": client.code,
                "sessions": sum(1 for _s, d in stored if not d), "entries": sum(1 for _e, d in new_entries if not d),
                "responses": sum(1 for _r, d in new_responses if not d)}

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

    def report(self, client: str, out: str | Path, analysis: dict[str, Any] | None = None) -> Path:
        """A self-contained HTML case report: progress, instruments, session markers, key moments, safety.

        ``analysis`` is a result of ``analyze(client=...)`` already in hand; without it the stored results are read.
        """
        from reverie.reports.case_report import render_case_report
        from reverie.reports.context import build_context
        analysis = analysis or self.stored_analysis(client)
        progress = self.case_progress(client, analysis)
        context = build_context(client, progress, analysis, self.safety_tasks(open_only=False))
        out = Path(out)
        _atomic_write(out, render_case_report(context))
        self.store.audit_event("report", f"client:{client}", None, client)
        return out

    # ----- backup and restore ----------------------------------------------------------------------------
    def backup(self, out: str | Path) -> dict[str, Any]:
        from reverie.store.backup import write_backup
        return write_backup(self.store, Path(out))

    def restore(self, path: str | Path) -> dict[str, Any]:
        from reverie.store.backup import restore_backup
        return restore_backup(self.store, Path(path))


def _entry_id(scope: str, detail: str | None) -> int | None:
    if scope != "sharing" or not detail or not detail.startswith("entry:"):
        return None
    try:
        return int(detail.split(":", 1)[1])
    except ValueError:
        raise InputError(f"--detail '{detail}' should name an entry as entry:ID") from None
