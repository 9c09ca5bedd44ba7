"""Analysis results: the runner's encrypted result cache (keyed on content, analyser, version and settings) and
the record of each analysis run (what views read stored results by).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from reverie.store import crypto
from reverie.store.tables import AnalysisRunRow, AnnotationRow, ClientRow, now

if TYPE_CHECKING:
    from reverie.store.core import Store


def result_cache(store: Store, code: str) -> AnnotationCache:
    return AnnotationCache(store, code)


def record_run(store: Store, code: str, config: dict[str, Any]) -> None:
    def work(s: OrmSession) -> None:
        row = store.client_row(s, code)
        store.check("write", "annotation", row)
        s.add(AnalysisRunRow(client_id=row.id, at=now(), by=store.actor.name, config=json.dumps(config)))
        store.audit_in(s, "write", "analysis_run", code, ",".join(config.get("analyzers", {})))
    store.db.transaction(work)


def analysis_runs(store: Store, code: str) -> list[dict[str, Any]]:
    """The configurations of a client's analysis runs, newest first (what views read results by)."""
    def work(s: OrmSession) -> list[dict[str, Any]]:
        row = store.client_row(s, code)
        store.check("read", "annotation", row)
        runs = s.scalars(select(AnalysisRunRow).where(AnalysisRunRow.client_id == row.id)
                         .order_by(AnalysisRunRow.id.desc()))
        return [json.loads(r.config) for r in runs]
    return store.db.transaction(work)


def has_analysis_run(store: Store, code: str) -> bool:
    """Whether any analysis run was stored for the client (counts only: no clinical text is read)."""
    return bool(store.db.transaction(lambda s: s.scalar(
        select(func.count()).select_from(AnalysisRunRow).join(ClientRow, AnalysisRunRow.client_id == ClientRow.id)
        .where(ClientRow.code == code))))


class AnnotationCache:
    """The runner's result cache for one client, backed by the encrypted ``annotations`` table."""

    def __init__(self, store: Store, code: str):
        self.store = store
        self.code = code

    def _key(self, cipher: crypto.Cipher, key: tuple[str, ...]) -> str:
        return cipher.digest("annotation", *key)

    def get_many(self, keys: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, Any]]:
        st = self.store

        def work(s: OrmSession) -> dict[tuple[str, ...], dict[str, Any]]:
            row = st.client_row(s, self.code)
            st.check("read", "annotation", row)
            cipher = st.cipher(row)
            wanted = {self._key(cipher, k): k for k in keys}
            found: dict[tuple[str, ...], dict[str, Any]] = {}
            digests = list(wanted)
            for i in range(0, len(digests), 500):  # only the rows asked for (unique on client and key), in chunks
                for a in s.scalars(select(AnnotationRow).where(AnnotationRow.client_id == row.id,
                                                               AnnotationRow.key.in_(digests[i:i + 500]))):
                    found[wanted[a.key]] = json.loads(cipher.open(a.payload_enc, "annotations.payload") or "{}")
            st.audit_in(s, "read", "annotations", self.code, f"{len(found)} cached")
            return found
        return st.db.transaction(work)

    def put_many(self, items: Sequence[tuple[tuple[str, ...], dict[str, Any]]]) -> None:
        st = self.store

        def work(s: OrmSession) -> None:
            row = st.client_row(s, self.code)
            st.check("write", "annotation", row)
            cipher = st.cipher(row)
            existing = set(s.scalars(select(AnnotationRow.key).where(AnnotationRow.client_id == row.id)))
            stamp = now()
            for key, payload in items:
                k = self._key(cipher, key)
                if k in existing:
                    continue
                existing.add(k)
                s.add(AnnotationRow(client_id=row.id, key=k, analyzer=key[1], version=key[2], created_at=stamp,
                                    payload_enc=cipher.seal(json.dumps(payload, ensure_ascii=False), "annotations.payload")))
            st.audit_in(s, "write", "annotations", self.code, f"{len(items)} new")
        st.db.transaction(work)
