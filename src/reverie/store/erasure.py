"""Legal holds and erasure: a client's records go with their data key (crypto-shredding); the journal alone may
go even under a hold. Safety tasks keep their acknowledgement but lose the erased words.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.errors import LegalHoldError
from reverie.store import access
from reverie.store.keys import open_text
from reverie.store.tables import ClientRow, SafetyTaskRow, UserRow, now

if TYPE_CHECKING:
    from reverie.store.core import Store


def hold(store: Store, code: str, reason: str | None) -> None:
    """Place (reason given) or lift (None) a legal hold on a client's clinical records."""
    def work(s: OrmSession) -> None:
        row = store.client_row(s, code)
        store.check("erase", "client", row)
        row.hold_enc = store.cipher(row).seal(reason, "clients.hold_reason")
        store.audit_in(s, "hold" if reason else "release_hold", f"client:{code}", code, reason)
    store.db.transaction(work)


def erase(store: Store, code: str, journal_only: bool = False) -> dict[str, Any]:
    """Destroy a client's data key and rows (or only their journal, which a legal hold still allows)."""
    def work(s: OrmSession) -> dict[str, Any]:
        row = store.client_row(s, code)
        if journal_only:
            if not (access.allowed(store.actor, "erase", "entry", code, row.therapist)
                    or access.allowed(store.actor, "erase", "client", code, row.therapist, store.actor.is_admin)):
                store.check("erase", "entry", row)
        else:
            store.check("erase", "client", row)
            if row.hold_enc is not None:
                reason = open_text(store.cipher(row), row.hold_enc, "clients.hold_reason")
                raise LegalHoldError(f"client '{code}' is under a legal hold ({reason}): clinical records "
                                     "cannot be erased", hint="erase the journal only with --journal-only, or lift the hold")
        if journal_only:
            _forget_task_text(store, s, row, "entry")
        else:
            _revoke_client_users(store, s, row)
            if store.anchor is not None:
                store.anchor.add_tombstone(store.audit_key_in(s), code, now())
        store.delete_client_rows(s, row, journal_only)
        store.audit_in(s, "erase", f"client:{code}", code, "journal" if journal_only else "all records and data key")
        return {"client": code, "erased": "journal" if journal_only else "all"}
    result = store.db.transaction(work)
    store.db.vacuum()
    return result


def _forget_task_text(store: Store, s: OrmSession, row: ClientRow, source: str) -> None:
    """Erasing flagged texts erases the words their safety tasks kept; each task and its acknowledgement stay."""
    cipher = store.cipher(row)
    blank = {"quotes": [], "spans": [], "discounted": [], "text": "", "erased": source,
             "erased_at": now().isoformat()}
    for task in s.scalars(select(SafetyTaskRow).where(SafetyTaskRow.client_id == row.id,
                                                      SafetyTaskRow.source == source)):
        task.evidence_enc = cipher.seal(json.dumps(blank), "safety_tasks.evidence")
        store.audit_in(s, "erase", f"safety_task:{task.id}", row.code, f"evidence of the erased {source}")


def _revoke_client_users(store: Store, s: OrmSession, row: ClientRow) -> None:
    """A client user's binding ends with their record: a later client with the same code is not theirs."""
    for user in s.scalars(select(UserRow).where(UserRow.client_id == row.id)):
        user.client_id, user.client_code = None, None
        store.audit_in(s, "revoke", f"user:{user.name}", row.code, "client record erased")
