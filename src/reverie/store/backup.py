"""Encrypted, consistent backups and verified restores.

A backup is every row of every table read in one transaction (a consistent
snapshot, taken while the app runs), serialised, checksummed and sealed with
AES-256-GCM under a key derived from the workspace key. It is written to a
temporary file, synced and renamed, so a killed backup leaves either the old
file or a complete new one. Restore decrypts, checks the checksum, replaces
every table in one transaction and verifies the audit chain before it commits.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, delete, insert, select, text

from reverie.errors import InputError, VerificationError
from reverie.outputs import NOTHING, Protected, check_target, write_output
from reverie.store import access, audit, crypto
from reverie.store.tables import Base, Meta

MAGIC = b"REVERIE-BACKUP-1\n"


def _backup_key(workspace_key: bytes) -> bytes:
    return hashlib.sha256(b"reverie-backup-key\x00" + workspace_key).digest()


def _encode(value: Any) -> Any:
    if isinstance(value, (bytes, memoryview)):
        return {"b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value["b64"])
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def write_backup(store: Any, out: Path, *, force: bool = False, protected: Protected = NOTHING) -> dict[str, Any]:
    """Snapshot, seal and write the backup; ``out`` is checked first (an existing file is replaced only with force)."""
    access.check(store.actor, "write", "backup", is_admin=store.actor.is_admin)
    out = check_target(out, force=force, protected=protected)

    def snapshot(s: Any) -> dict[str, list[dict[str, Any]]]:
        return {t.name: [{k: _encode(v) for k, v in row._mapping.items()} for row in s.execute(select(t))]
                for t in Base.metadata.sorted_tables}

    tables = store.db.transaction(snapshot)
    workspace_id = tables and next((base64.b64decode(r["value"]["b64"]).decode() for r in tables["meta"]
                                    if r["key"] == "workspace_id"), None)
    payload = json.dumps({"tables": tables}, ensure_ascii=False).encode()
    header = {"workspace_id": workspace_id, "created_at": datetime.now().isoformat(timespec="seconds"),
              "sha256": hashlib.sha256(payload).hexdigest(), "rows": sum(len(v) for v in tables.values())}
    sealed = crypto.encrypt(_backup_key(store._workspace_key), payload, b"backup")
    write_output(out, MAGIC + json.dumps(header).encode() + b"\n" + sealed, force=force, protected=protected)
    store.audit_event("backup", "workspace", f"{header['rows']} rows")
    return {"file": str(out), **header}


def read_backup(store: Any, path: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Decrypt and check a backup; raises VerificationError naming what is wrong."""
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read backup {path}: {exc.strerror}") from exc
    if not blob.startswith(MAGIC):
        raise VerificationError(f"{path} is not a Reverie backup (bad header)")
    head, _, sealed = blob[len(MAGIC):].partition(b"\n")
    try:
        header = json.loads(head)
    except json.JSONDecodeError as exc:
        raise VerificationError(f"{path}: the backup header is damaged") from exc
    try:
        payload = crypto.decrypt(_backup_key(store._workspace_key), sealed, b"backup")
    except Exception as exc:  # noqa: BLE001 - any failure means the file or key is wrong
        raise VerificationError(f"{path}: cannot decrypt the backup (damaged file, or another workspace's key)") from exc
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise VerificationError(f"{path}: checksum mismatch, the backup is damaged")
    return header, json.loads(payload)["tables"]


def restore_backup(store: Any, path: Path) -> dict[str, Any]:
    """Replace the workspace's contents with the backup's, verified; nothing changes if any check fails."""
    access.check(store.actor, "write", "backup", is_admin=store.actor.is_admin)
    header, tables = read_backup(store, path)
    dialect = store.db.engine.dialect.name

    def work(s: Any) -> dict[str, Any]:
        if dialect == "sqlite":
            s.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        elif dialect == "postgresql":
            s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(delete(table))
        for table in Base.metadata.sorted_tables:
            rows = [{c.name: _decode(c, r.get(c.name)) for c in table.columns} for r in tables.get(table.name, [])]
            if rows:
                s.execute(insert(table), rows)
        if dialect == "sqlite":
            s.execute(text("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"))
        elif dialect == "postgresql":
            s.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
            for table in Base.metadata.sorted_tables:
                if "id" in table.columns and table.name != "meta":
                    s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                   f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
        crypto.verify_key(store._workspace_key, s.get(Meta, "key_check").value)
        store._audit_key = None
        count, problems = audit.verify(s, store._load_audit_key(s))
        if problems:
            raise VerificationError(f"the restored audit log does not verify: {problems[0]}")
        store._audit(s, "restore", "workspace", detail=f"from backup of {header.get('created_at')}")
        return {"file": str(path), "rows": header.get("rows"), "audit_rows": count, "verified": True}

    store._keys.clear()
    return store.db.transaction(work)
