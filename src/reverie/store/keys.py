"""The workspace key over the client keys: rotation (every client key re-wrapped), and sealing the free text
that migration 0004 moved out of clear columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.store import access, crypto
from reverie.store.tables import ClientRow, ConsentRow, Meta

if TYPE_CHECKING:
    from reverie.store.core import Store

LEGACY_CLEAR = b"\x00"  # a value migration 0004 moved from a clear column, sealed at the next open


def open_text(cipher: crypto.Cipher, blob: bytes | None, where: str) -> str | None:
    """Open a sealed free-text field (hold reason, consent detail), reading a not yet sealed legacy value too."""
    if blob is not None and blob[:1] == LEGACY_CLEAR:
        return bytes(blob[1:]).decode()
    return cipher.open(blob, where)


def seal_legacy_text(store: Store) -> int:
    """Seal hold reasons and consent details that migration 0004 moved from clear columns; returns how many."""
    def work(s: OrmSession) -> int:
        n = 0
        for crow in s.scalars(select(ClientRow)):
            cipher = store.cipher(crow)
            if crow.hold_enc is not None and crow.hold_enc[:1] == LEGACY_CLEAR:
                crow.hold_enc = cipher.seal(open_text(cipher, crow.hold_enc, ""), "clients.hold_reason")
                n += 1
            for c in s.scalars(select(ConsentRow).where(ConsentRow.client_id == crow.id)):
                if c.detail_enc is not None and c.detail_enc[:1] == LEGACY_CLEAR:
                    c.detail_enc = cipher.seal(open_text(cipher, c.detail_enc, ""), "consents.detail")
                    n += 1
        return n
    return store.db.transaction(work)


def rotate_keys(store: Store, new_key: bytes) -> int:
    """Re-wrap every client key, the audit key and the key check under a new workspace key."""
    access.check(store.actor, "write", "keys", is_admin=store.actor.is_admin)

    def work(s: OrmSession) -> int:
        audit_key = store.audit_key_in(s)
        n = 0
        for row in s.scalars(select(ClientRow)):
            store.rewrap(row, new_key)
            n += 1
        s.get(Meta, "audit_key").value = crypto.encrypt(new_key, audit_key, b"audit-key")
        s.get(Meta, "key_check").value = crypto.make_key_check(new_key)
        store.audit_in(s, "rotate_keys", "workspace", detail=f"{n} client keys re-wrapped")
        return n
    n = store.db.transaction(work)
    store.use_key(new_key)
    return n
