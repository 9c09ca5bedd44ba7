"""The append-only, hash-chained access log.

Each row carries an HMAC (under an audit key kept wrapped by the workspace key)
over its own fields, its id and the previous row's MAC; the newest MAC and id
are also kept in ``meta``. A changed row breaks its own MAC, a removed or
inserted row breaks the chain, and a removed last row no longer matches the
head. Rows name users, actions, resources and pseudonymous client codes, never
clinical text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.store.tables import AuditRow, Meta

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def _mac(key: bytes, row_id: int, prev: str, at: str, actor: str, action: str, resource: str,
         client_code: str | None, origin: str, detail: str | None) -> str:
    payload = json.dumps([row_id, prev, at, actor, action, resource, client_code, origin, detail], ensure_ascii=False)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _head(session: OrmSession) -> tuple[int, str]:
    row = session.get(Meta, HEAD_KEY)
    if row is None:
        return 0, GENESIS
    last_id, mac = row.value.decode().split(":")
    return int(last_id), mac


def append(session: OrmSession, key: bytes, actor: str, action: str, resource: str,
           client_code: str | None = None, origin: str = "", detail: str | None = None) -> None:
    """Add one row to the chain inside the caller's transaction (serialised by ``Database.transaction``)."""
    last_id, prev = _head(session)
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    row_id = last_id + 1
    mac = _mac(key, row_id, prev, at, actor, action, resource, client_code, origin, detail)
    session.add(AuditRow(id=row_id, at=at, actor=actor, action=action, resource=resource,
                         client_code=client_code, origin=origin, detail=detail, prev_mac=prev, mac=mac))
    head = session.get(Meta, HEAD_KEY)
    value = f"{row_id}:{mac}".encode()
    if head is None:
        session.add(Meta(key=HEAD_KEY, value=value))
    else:
        head.value = value
    session.flush()


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
                row.origin, row.detail) != row.mac:
            problems.append(Problem(row.id, "its contents were changed after it was written"))
        prev = row.mac
        expected_id = row.id + 1
    last_id, head_mac = _head(session)
    if (last_id, head_mac) != (expected_id - 1, prev) and (last_id or count):
        problems.append(Problem(last_id, f"the chain ends at row {expected_id - 1} but the recorded head is row {last_id} "
                                         "(rows at the end were removed or the head was changed)"))
    return count, problems


def rows_for_client(session: OrmSession, client_code: str) -> list[AuditRow]:
    return list(session.scalars(select(AuditRow).where(AuditRow.client_code == client_code).order_by(AuditRow.id)))
