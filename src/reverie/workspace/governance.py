"""Governance of a workspace: erasure and legal holds, the audit trail, key rotation, users, backup and restore."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.errors import InputError
from reverie.store.backup import read_header
from reverie.store import crypto

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace


def erase(ws: Workspace, client: str, journal_only: bool = False) -> dict[str, Any]:
    return ws.store.erase(client, journal_only)


def hold(ws: Workspace, client: str, reason: str | None) -> None:
    ws.store.hold(client, reason)


def audit_verify(ws: Workspace) -> dict[str, Any]:
    return ws.store.audit_verify()


def audit_show(ws: Workspace, client: str | None = None) -> list[dict[str, Any]]:
    return ws.store.audit_rows(client)


def rotate_keys(ws: Workspace) -> dict[str, Any]:
    """A new workspace key: every client key re-wrapped, then the key file replaced (the old one kept as .old)."""
    if ws.key_path is None:
        raise InputError("this workspace uses a passphrase", hint="passphrase rotation is not supported yet")
    new_key = crypto.new_key()
    staged = ws.key_path.with_name(ws.key_path.name + ".new")
    crypto.write_key_file(staged, new_key)
    n = ws.store.rotate_keys(new_key)
    old = ws.key_path.with_name(ws.key_path.name + ".old")
    ws.key_path.replace(old)
    staged.replace(ws.key_path)
    return {"clients": n, "key_file": str(ws.key_path), "previous_key": str(old)}


def add_user(ws: Workspace, name: str, role: str, client: str | None = None, is_admin: bool = False) -> dict[str, Any]:
    return ws.store.add_user(name, role, client, is_admin).to_dict()


def backup(ws: Workspace, out: str | Path, force: bool = False) -> dict[str, Any]:
    return ws.store.write_backup(Path(out), force=force, protected=ws.protected())


def restore(ws: Workspace, path: str | Path) -> dict[str, Any]:
    """Fill this new workspace from a backup (a passphrase opens it through the salt the backup carries)."""
    salt = read_header(Path(path))[0].get("kdf_salt") if ws.settings.passphrase else None
    key = crypto.derive_from_passphrase(ws.settings.passphrase, base64.b64decode(salt)) if salt else None
    return ws.store.restore_backup(Path(path), key)
