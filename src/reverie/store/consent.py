"""Consent as a record: what the client agreed to (transcription, analysis, sharing an entry), when, and its
withdrawal; a consent's detail is sealed under the client's key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import Consent
from reverie.errors import InputError
from reverie.store.keys import open_text
from reverie.store.tables import ConsentRow, now

if TYPE_CHECKING:
    from reverie.store.core import Store

CONSENT_SCOPES = ("transcription", "analysis", "sharing")


def grant_consent(store: Store, code: str, scope: str, detail: str | None = None) -> Consent:
    if scope not in CONSENT_SCOPES:
        raise InputError(f"unknown consent scope '{scope}'", hint=f"scopes: {', '.join(CONSENT_SCOPES)}")

    def work(s: OrmSession) -> Consent:
        row = store.client_row(s, code)
        store.check("write", "consent", row)
        crow = ConsentRow(client_id=row.id, scope=scope, granted_at=now(), recorded_by=store.actor.name,
                          detail_enc=store.cipher(row).seal(detail, "consents.detail"))
        s.add(crow)
        s.flush()
        store.audit_in(s, "write", f"consent:{crow.id}", code, f"granted {scope}{':' + detail if detail else ''}")
        return Consent(code, scope, crow.granted_at, None, detail, crow.id)
    return store.db.transaction(work)


def withdraw_consent(store: Store, code: str, scope: str, detail: str | None = None) -> int:
    def work(s: OrmSession) -> int:
        row = store.client_row(s, code)
        store.check("write", "consent", row)
        cipher = store.cipher(row)
        active = s.scalars(select(ConsentRow).where(ConsentRow.client_id == row.id, ConsentRow.scope == scope,
                                                    ConsentRow.withdrawn_at.is_(None)))
        rows = [c for c in active if open_text(cipher, c.detail_enc, "consents.detail") == detail]
        for c in rows:
            c.withdrawn_at = now()
        store.audit_in(s, "write", f"consent:{scope}", code, f"withdrawn ({len(rows)})")
        return len(rows)
    return store.db.transaction(work)


def consents(store: Store, code: str) -> list[Consent]:
    def work(s: OrmSession) -> list[Consent]:
        row = store.client_row(s, code)
        store.check("read", "consent", row)
        cipher = store.cipher(row)
        return [Consent(code, c.scope, c.granted_at, c.withdrawn_at,
                        open_text(cipher, c.detail_enc, "consents.detail"), c.id)
                for c in s.scalars(select(ConsentRow).where(ConsentRow.client_id == row.id).order_by(ConsentRow.id))]
    return store.db.transaction(work)


def has_consent(store: Store, code: str, scope: str, detail: str | None = None) -> bool:
    """An active consent for the scope (a scope-wide consent covers every detail)."""
    return any(c.active and c.scope == scope and (c.detail is None or c.detail == detail) for c in store.consents(code))
