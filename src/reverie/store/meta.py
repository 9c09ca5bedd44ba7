"""The workspace's own record, read and written before any user acts: its id, the key check, the wrapped audit key
and a passphrase's salt (the ``meta`` table), and the account a workspace is opened as.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import User
from reverie.errors import AccessDenied
from reverie.store import crypto
from reverie.store.db import Database, has_schema
from reverie.store.tables import ClientRow, Meta, UserRow, now


def read(db: Database, key: str) -> bytes | None:
    """A value of ``meta`` (``workspace_id``, ``key_check``, ``kdf_salt``), None when absent."""
    return db.transaction(lambda s: (row.value if (row := s.get(Meta, key)) else None))


def is_finished(db: Database) -> bool:
    """Whether ``init`` finished here: the schema is there and holds the key check."""
    return has_schema(db.engine) and read(db, "key_check") is not None


def bootstrap(db: Database, workspace_id: str, key: bytes, salt: bytes | None, admin: str) -> None:
    """Write a new workspace's id, key check, audit key (wrapped by ``key``) and salt, and its first user: a
    therapist who also administers it, in one transaction."""
    def work(s: OrmSession) -> None:
        s.add(Meta(key="workspace_id", value=workspace_id.encode()))
        s.add(Meta(key="key_check", value=crypto.make_key_check(key)))
        s.add(Meta(key="audit_key", value=crypto.encrypt(key, crypto.new_key(), b"audit-key")))
        if salt is not None:
            s.add(Meta(key="kdf_salt", value=salt))
        s.add(UserRow(name=admin, role="therapist", is_admin=True, created_at=now()))
    db.transaction(work)


def account(db: Database, name: str) -> User | None:
    """The account ``name``, None if there is none; a client user's ``client`` is the code of the record they are
    bound to (by id), None once that record was erased."""
    def work(s: OrmSession) -> User | None:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        return None if row is None else user_of(s, row)
    return db.transaction(work)


def user_of(s: OrmSession, row: UserRow) -> User:
    """The user a row names, inside the caller's transaction; a client user's ``client`` is the code of the record
    they are bound to (by id), None once that record was erased."""
    if row.role != "client":
        return User(row.name, row.role, None, row.is_admin, row.id)
    bound = s.get(ClientRow, row.client_id) if row.client_id else None
    return User(row.name, row.role, bound.code if bound else None, False, row.id, row.client_id)


def refuse_unbound(user: User) -> User:
    """The user, unless it is a client user whose record was erased: such a user acts for no record."""
    if user.role == "client" and user.client_code is None:
        raise AccessDenied(f"user '{user.name}' is bound to no client record (it was erased)",
                           hint="the treating therapist can create a new account for the client")
    return user
