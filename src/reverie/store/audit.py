"""The append-only, hash-chained access log.

Each row carries an HMAC (under an audit key kept wrapped by the workspace key)
over its own fields, its id and the previous row's MAC; the newest MAC and id
are also kept in ``meta``. A changed row breaks its own MAC, a removed or
inserted row breaks the chain, and a removed last row no longer matches the
head. Rows name users, actions, resources and pseudonymous client codes in the
clear; a row's detail about a client is sealed under that client's key
(``detail_enc``), so erasing the client shreds it while the MACs, taken over
the ciphertext, still verify. The head is also anchored outside the database
(``anchor.py``), which catches a wiped, truncated or rolled-back log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from reverie.errors import VerificationError, WorkspaceKeyError
from reverie.store import access
from reverie.store.tables import AuditRow, ClientRow, Meta

if TYPE_CHECKING:
    from reverie.store.core import Store

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
ANCHORED_KEY = "audit_anchored"  # set once the head is anchored outside the database


def _mac(key: bytes, row_id: int, prev: str, at: str, actor: str, action: str, resource: str,
         client_code: str | None, origin: str, detail: str | None, detail_enc: bytes | None = None) -> str:
    fields = [row_id, prev, at, actor, action, resource, client_code, origin, detail]
    if detail_enc is not None:  # rows written before revision 0004 have none, and keep their MAC
        fields.append(bytes(detail_enc).hex())
    payload = json.dumps(fields, ensure_ascii=False)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _head(session: OrmSession) -> tuple[int, str]:
    row = session.get(Meta, HEAD_KEY)
    if row is None:
        return 0, GENESIS
    last_id, mac = row.value.decode().split(":")
    return int(last_id), mac


def append(session: OrmSession, key: bytes, actor: str, action: str, resource: str,
           client_code: str | None = None, origin: str = "", detail: str | None = None,
           detail_enc: bytes | None = None) -> tuple[int, str]:
    """Add one row to the chain inside the caller's transaction (serialised by ``Database.transaction``).

    Returns the new head (row id, MAC), which the caller anchors once the transaction commits.
    """
    last_id, prev = _head(session)
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    row_id = last_id + 1
    mac = _mac(key, row_id, prev, at, actor, action, resource, client_code, origin, detail, detail_enc)
    session.add(AuditRow(id=row_id, at=at, actor=actor, action=action, resource=resource, client_code=client_code,
                         origin=origin, detail=detail, detail_enc=detail_enc, prev_mac=prev, mac=mac))
    head = session.get(Meta, HEAD_KEY)
    value = f"{row_id}:{mac}".encode()
    if head is None:
        session.add(Meta(key=HEAD_KEY, value=value))
    else:
        head.value = value
    session.flush()
    return row_id, mac


@dataclass
class Problem:
    row: int
    problem: str

    def __str__(self) -> str:
        return f"audit row {self.row}: {self.problem}"


def verify(session: OrmSession, key: bytes) -> tuple[int, list[Problem]]:
    """Walk the chain; return the number of rows checked and every break found, with where it is."""
    problems: list[Problem] = []
    prev = GENESIS
    expected_id = 1
    count = 0
    for row in session.scalars(select(AuditRow).order_by(AuditRow.id)):
        count += 1
        if row.id != expected_id:
            if row.id > expected_id:
                problems.append(Problem(expected_id, f"rows {expected_id}..{row.id - 1} are missing (removed)"))
            else:
                problems.append(Problem(row.id, "row id out of sequence (inserted)"))
        if row.prev_mac != prev:
            problems.append(Problem(row.id, "does not follow the previous row (a row was removed or inserted before it)"))
        if _mac(key, row.id, row.prev_mac, row.at, row.actor, row.action, row.resource, row.client_code,
                row.origin, row.detail, row.detail_enc) != row.mac:
            problems.append(Problem(row.id, "its contents were changed after it was written"))
        prev = row.mac
        expected_id = row.id + 1
    last_id, head_mac = _head(session)
    if (last_id, head_mac) != (expected_id - 1, prev) and (last_id or count):
        problems.append(Problem(last_id, f"the chain ends at row {expected_id - 1} but the recorded head is row {last_id} "
                                         "(rows at the end were removed or the head was changed)"))
    return count, problems


def check_anchor(session: OrmSession, anchored: tuple[int, str]) -> list[Problem]:
    """The log must still reach the head anchored outside the database, with the same MAC there."""
    head_id, head_mac = anchored
    row = session.get(AuditRow, head_id)
    if row is None:
        last = session.scalar(select(func.max(AuditRow.id))) or 0
        what = "the log is empty (wiped, or its table dropped and recreated)" if last == 0 else \
            f"the log ends at row {last}"
        return [Problem(head_id, f"{what}, but the anchor outside the database records {head_id} rows: rows were "
                                 "removed from the end, or an older copy of the database was put back")]
    if row.mac != head_mac:
        return [Problem(head_id, "differs from the row anchored outside the database: the log was rewound and "
                                 "rewritten, or replaced by another copy")]
    return []


def rows_for_client(session: OrmSession, client_code: str) -> list[AuditRow]:
    return list(session.scalars(select(AuditRow).where(AuditRow.client_code == client_code).order_by(AuditRow.id)))


# ----- the workspace's audit calls (bound on ``Store``) -------------------------------------------------
def audit_verify(store: Store) -> dict[str, Any]:
    """Walk the chain, then check it still reaches the head anchored outside the database."""
    access.check(store.actor, "read", "audit", is_admin=store.actor.is_admin)

    def work(s: OrmSession) -> dict[str, Any]:
        key = store.audit_key_in(s)
        count, problems = verify(s, key)
        anchored = None
        if store.anchor is not None:
            try:
                anchored = store.anchor.head(key)
            except VerificationError as exc:
                problems.append(Problem(0, f"the anchor is not trustworthy: {exc.message}"))
            else:
                if anchored is not None:
                    problems += check_anchor(s, anchored)
                elif s.get(Meta, ANCHORED_KEY) is not None or count == 0:
                    problems.append(Problem(0, f"the anchor {store.anchor.path} is missing: whether rows "
                                                     "were removed from the end cannot be checked"))
        return {"rows": count, "ok": not problems, "problems": [str(p) for p in problems],
                "anchor": str(store.anchor.path) if store.anchor else None,
                "anchored_rows": anchored[0] if anchored else None}
    return store.db.transaction(work)


def audit_rows(store: Store, code: str | None = None) -> list[dict[str, Any]]:
    """The log, with each client detail opened while the client (and so their key) exists."""
    access.check(store.actor, "read", "audit", is_admin=store.actor.is_admin)

    def work(s: OrmSession) -> list[dict[str, Any]]:
        rows = rows_for_client(s, code) if code else list(s.scalars(select(AuditRow).order_by(AuditRow.id)))
        clients = {c.code: c for c in s.scalars(select(ClientRow))} if any(r.detail_enc for r in rows) else {}
        out = []
        for r in rows:
            detail = r.detail
            if r.detail_enc is not None:
                try:
                    crow = clients.get(r.client_code)
                    detail = store.cipher(crow).open(r.detail_enc, "audit_log.detail") if crow else None
                except WorkspaceKeyError:  # sealed under an erased client's key (the code was reused)
                    detail = None
            out.append({"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "resource": r.resource,
                        "client": r.client_code, "origin": r.origin, "detail": detail,
                        "detail_shredded": r.detail_enc is not None and detail is None})
        return out
    return store.db.transaction(work)
