"""Accounts: staff accounts are the admin's to make; a client's account is their treating therapist's, bound by id
to a record in that caseload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import User
from reverie.errors import AccessDenied, InputError
from reverie.store import access
from reverie.store.tables import ClientRow, UserRow, now

if TYPE_CHECKING:
    from reverie.store.core import Store


def add_user(store: Store, name: str, role: str, client_code: str | None = None, is_admin: bool = False) -> User:
    """Add an account. Staff accounts are the admin's to make; a client's account is their treating therapist's."""
    if role != "client":
        access.check(store.actor, "write", "users", is_admin=store.actor.is_admin)
    return store.db.transaction(lambda s: add_user_in(store, s, name, role, client_code, is_admin))


def add_user_in(store: Store, s: OrmSession, name: str, role: str, client_code: str | None, is_admin: bool) -> User:
    if role not in ("admin", "therapist", "client", "researcher"):
        raise InputError(f"unknown role '{role}'", hint="roles: admin, therapist, client, researcher")
    if role == "client" and not client_code:
        raise InputError("a client user needs --client CODE")
    if role != "client" and client_code:
        raise InputError(f"--client applies to client users only, not to a {role}")
    if role == "client" and is_admin:
        raise InputError("a client user cannot administer the workspace", hint="leave out --admin")
    client = _bound_client(store, s, client_code) if role == "client" else None
    if s.scalar(select(UserRow).where(UserRow.name == name)) is not None:
        raise InputError(f"a user named '{name}' already exists")
    row = UserRow(name=name, role=role, client_code=client_code, client_id=client.id if client else None,
                  is_admin=is_admin, created_at=now())
    s.add(row)
    s.flush()
    store.audit_in(s, "write", f"user:{name}", client_code, f"role={role}")
    return User(name, role, client_code, is_admin, row.id, row.client_id)


def _bound_client(store: Store, s: OrmSession, code: str) -> ClientRow:
    """The record a new client user is bound to: only the therapist whose caseload holds it may bind one,
    since the account reads that record's clinical text (an admin manages accounts but reads none)."""
    row = s.scalar(select(ClientRow).where(ClientRow.code == code))
    if row is None or store.actor.role != "therapist" or not access.in_scope(store.actor, code, row.therapist):
        raise AccessDenied(f"{store.actor.name} ({store.actor.role}) may not create an account for client '{code}'",
                           hint="a client's account is created by their treating therapist, for a client "
                                "already in that caseload")
    return row


def users(store: Store) -> list[User]:
    access.check(store.actor, "read", "users", is_admin=store.actor.is_admin)
    return store.db.transaction(lambda s: [
        User(r.name, r.role, r.client_code, r.is_admin, r.id, r.client_id)
        for r in s.scalars(select(UserRow).order_by(UserRow.id))])
