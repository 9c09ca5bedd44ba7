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

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from reverie.store.tables import AuditRow, Meta

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
