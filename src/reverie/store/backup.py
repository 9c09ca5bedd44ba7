"""Encrypted, consistent backups and verified restores.

A backup is every row of every table read in one transaction (a consistent
snapshot, taken while the app runs), serialised, checksummed and sealed with
AES-256-GCM under a key derived from the workspace key. It is written to a
temporary file, synced and renamed, so a killed backup leaves either the old
file or a complete new one.

Restore goes only into a new workspace (one that holds no clients and no audit
history beyond its creation): restoring over a workspace in use would rewind
its audit log and bring back what was erased since. It decrypts, checks the
checksum, fills every table in one transaction (keeping the target's own
workspace id, so the copy gets its own audit anchor), drops every client the
erasure ledger says was erased after the backup was taken, and verifies the
audit chain before it commits.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, Integer, LargeBinary, delete, func, insert, select, text

from reverie.errors import InputError, VerificationError
from reverie.outputs import NOTHING, Protected, check_target, write_output
from reverie.store import access, audit, crypto
from reverie.store.tables import AuditRow, Base, ClientRow, Meta

if TYPE_CHECKING:
    from reverie.store.core import Store

MAGIC = b"REVERIE-BACKUP-1\n"


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


# Web logins are not the record: a restored backup must not bring back a session that was logged out since.
NOT_BACKED_UP = frozenset({"login_sessions"})


def write_backup(store: Store, out: Path, *, force: bool = False, protected: Protected = NOTHING) -> dict[str, Any]:
    """Snapshot, seal and write the backup; ``out`` is checked first (an existing file is replaced only with force)."""
    access.check(store.actor, "write", "backup", is_admin=store.actor.is_admin)
    out = check_target(out, force=force, protected=protected)

    def snapshot(s: Any) -> dict[str, list[dict[str, Any]]]:
        return {t.name: [{k: _encode(v) for k, v in row._mapping.items()} for row in s.execute(select(t))]
                for t in Base.metadata.sorted_tables if t.name not in NOT_BACKED_UP}

    tables = store.db.transaction(snapshot)
    meta = {r["key"]: r["value"]["b64"] for r in tables.get("meta", [])}
    workspace_id = base64.b64decode(meta["workspace_id"]).decode() if "workspace_id" in meta else None
    payload = json.dumps({"tables": tables}, ensure_ascii=False).encode()
    header = {"workspace_id": workspace_id, "created_at": datetime.now().isoformat(timespec="seconds"),
              "sha256": hashlib.sha256(payload).hexdigest(), "rows": sum(len(v) for v in tables.values()),
              "audit_rows": len(tables.get("audit_log", [])),
              **({"kdf_salt": meta["kdf_salt"]} if "kdf_salt" in meta else {})}
    sealed = crypto.encrypt(store.derived_key("backup"), payload, b"backup")
    write_output(out, MAGIC + json.dumps(header).encode() + b"\n" + sealed, force=force, protected=protected)
    store.audit_event("backup", "workspace", f"{header['rows']} rows")
    return {"file": str(out), **header}


def read_header(path: Path) -> tuple[dict[str, Any], bytes]:
    """The clear header (workspace id, time, checksum, passphrase salt) and the sealed payload."""
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
    return header, sealed


def read_backup(store: Store, path: Path, workspace_key: bytes | None = None
                ) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Decrypt and check a backup; raises VerificationError naming what is wrong."""
    header, sealed = read_header(path)
    try:
        payload = crypto.decrypt(store.derived_key("backup", workspace_key), sealed, b"backup")
    except Exception as exc:  # noqa: BLE001 - any failure means the file or key is wrong
        raise VerificationError(
            f"{path}: cannot decrypt the backup (damaged file, or another workspace's key)",
            hint="restore into a workspace made with the backed-up workspace's key: "
                 "`reverie init --workspace NEW --key-file THAT.key` (or the same passphrase)") from exc
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise VerificationError(f"{path}: checksum mismatch, the backup is damaged")
    return header, json.loads(payload)["tables"]


def _require_new(s: Any) -> None:
    """Refuse a target that holds clients or any audit history beyond its creation."""
    clients = s.scalar(select(func.count()).select_from(ClientRow))
    history = s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action != "init"))
    if clients or history:
        raise InputError("this workspace already holds data: a restore would rewind its audit log and could bring "
                         "back erased clients, so backups are restored only into a new workspace",
                         hint="`reverie init --workspace NEW --key-file KEY` with the backed-up workspace's key file "
                              "(or passphrase), then `reverie restore FILE --workspace NEW`")


def _drop_erased(store: Store, s: Any, audit_key: bytes) -> list[str]:
    """Delete the restored clients that the erasure ledger says were erased after they were created."""
    if store.anchor is None:
        return []
    erased = store.anchor.tombstones(audit_key)
    dropped = []
    for row in list(s.scalars(select(ClientRow))):
        at = erased.get(store.anchor.client_digest(audit_key, row.code))
        if at is not None and row.created_at <= at:
            s.execute(delete(ClientRow).where(ClientRow.id == row.id))  # its rows go by ON DELETE CASCADE
            dropped.append(row.code)
    return dropped


def restore_backup(store: Store, path: Path, workspace_key: bytes | None = None) -> dict[str, Any]:
    """Fill a new workspace with a backup's contents, verified; nothing changes if any check fails.

    ``workspace_key`` is the backed-up workspace's key when it differs from the open one (a passphrase
    workspace's key depends on its salt, which the backup carries).
    """
    access.check(store.actor, "write", "backup", is_admin=store.actor.is_admin)
    header, tables = read_backup(store, path, workspace_key)
    dialect = store.db.engine.dialect.name

    def work(s: Any) -> dict[str, Any]:
        _require_new(s)
        own_id = s.get(Meta, "workspace_id").value
        if dialect == "sqlite":
            s.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        elif dialect == "postgresql":
            s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(delete(table))
        for table in Base.metadata.sorted_tables:
            rows = [{c.name: _decode(c, r.get(c.name)) for c in table.columns} for r in tables.get(table.name, [])]
            if table.name == "meta":  # the copy keeps its own id, and so its own anchor
                rows = [r for r in rows if r["key"] != "workspace_id"] + [{"key": "workspace_id", "value": own_id}]
            if rows:
                s.execute(insert(table), rows)
        if dialect == "sqlite":
            s.execute(text("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"))
        elif dialect == "postgresql":
            s.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
            for table in Base.metadata.sorted_tables:
                if "id" in table.columns and isinstance(table.c.id.type, Integer):  # serial ids only
                    s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                   f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
        store.verify_key(s.get(Meta, "key_check").value)
        audit_key = store.audit_key_in(s)
        count, problems = audit.verify(s, audit_key)
        if problems:
            raise VerificationError(f"the restored audit log does not verify: {problems[0]}")
        dropped = _drop_erased(store, s, audit_key)
        for code in dropped:
            store.audit_in(s, "erase", f"client:{code}", code, "erased after this backup was taken: not restored")
        store.audit_in(s, "restore", "workspace", detail=f"from backup of {header.get('created_at')} "
                                                       f"of workspace {header.get('workspace_id')}")
        s.info["anchor_reset"] = True  # the copy's log is anchored afresh, under the restored audit key
        return {"file": str(path), "rows": header.get("rows"), "audit_rows": count, "verified": True,
                "erased_not_restored": dropped}

    with store.trying_key(workspace_key):  # the backed-up workspace's key; the open one again if anything fails
        result = store.db.transaction(work)
    if result["erased_not_restored"]:
        store.db.vacuum()
    return result
