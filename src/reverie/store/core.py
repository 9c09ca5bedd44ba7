"""The scoped, audited, encrypting repository (``Store``): the only way into clinical records.

Every call names the acting user (``Store.actor``), checks the access matrix
(``store.access``), encrypts or decrypts through the client's data key, and
appends an audit row in the same transaction as the read or write it records.
A call either completes whole or changes nothing.

This module holds what every concept shares (the acting user, the keys, the audit chain, the access check); each
concept is a module of plain functions taking the store first (``accounts``, ``records``, ``consent``,
``results``, ``safety``, ``erasure``, ``audit``, ``keys``, ``backup``), bound below as the store's methods, so that
a reader finds every method's home from this file.
"""

from __future__ import annotations

import copy
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import User
from reverie.errors import NotFoundError, WorkspaceKeyError
from reverie.store import access, accounts, audit, backup, consent, crypto, erasure, keys, records, results, safety
from reverie.store.anchor import Anchor
from reverie.store.db import Database
from reverie.store.tables import ClientRow, DraftRow, EntryRow, Meta, UserRow

T = TypeVar("T")


class Store:
    """The records of one workspace as seen by one acting user, and their governance."""

    def __init__(self, db: Database, workspace_key: bytes, actor: User, origin: str = ""):
        self.db = db
        self.actor = actor
        self.origin = origin or f"cli:{os.uname().nodename}:{os.getpid()}"
        self._workspace_key = workspace_key
        self._keys: dict[int, bytes] = {}
        self._wrapped: dict[int, bytes] = {}  # the wrapped key each cached key came from
        self._audit_key: bytes | None = None
        self.anchor: Anchor | None = None  # set by the workspace: where the audit head is anchored
        db.on_commit(self._anchor_after_commit)

    def acting_as(self, actor: User, origin: str = "") -> Store:
        """This store for another, already authenticated actor (the web app, per request): it shares the
        engine, the key caches and this instance's commit hook, so no listener is added per request."""
        if self._audit_key is None:  # the shared hook advances the anchor with this instance's audit key
            self.db.transaction(self.audit_key_in)
        other = copy.copy(self)
        other.actor, other.origin = actor, origin or self.origin
        return other

    # ----- keys: the workspace key never leaves this class ------------------------------------------------
    def cipher(self, row: ClientRow) -> crypto.Cipher:
        """The cipher of a client's data key (unwrapped once and cached while the wrapped key is unchanged)."""
        # a rolled-back import can leave a cached key whose client row (and id) never landed: check the source
        if row.id not in self._keys or self._wrapped.get(row.id) != row.wrapped_key:
            self._keys[row.id] = crypto.unwrap_key(self._workspace_key, row.wrapped_key, row.code)
            self._wrapped[row.id] = row.wrapped_key
        return crypto.Cipher(self._keys[row.id])

    def new_wrapped_key(self, code: str) -> bytes:
        """A fresh data key for a new client, wrapped by the workspace key."""
        return crypto.wrap_key(self._workspace_key, crypto.new_key(), code)

    def rewrap(self, row: ClientRow, new_key: bytes) -> None:
        """Re-wrap a client's data key under ``new_key`` (key rotation), inside the caller's transaction."""
        row.wrapped_key = crypto.wrap_key(new_key, crypto.unwrap_key(self._workspace_key, row.wrapped_key, row.code),
                                          row.code)

    def use_key(self, key: bytes) -> None:
        """Act under a new workspace key from now on (after a rotation), forgetting the cached client and audit keys."""
        self._workspace_key, self._audit_key = key, None
        self._keys.clear()

    @contextmanager
    def trying_key(self, key: bytes | None) -> Iterator[None]:
        """Act under ``key`` (a restored backup's; None keeps this one) with every cached key forgotten; if the block
        fails, act under the previous key again. The previous key never leaves the store."""
        previous = self._workspace_key
        self.use_key(key or previous)
        try:
            yield
        except BaseException:
            self.use_key(previous)
            raise

    def verify_key(self, check: bytes) -> None:
        """Raise WorkspaceKeyError unless the workspace key matches the stored key check."""
        crypto.verify_key(self._workspace_key, check)

    def derived_key(self, purpose: str, workspace_key: bytes | None = None) -> bytes:
        """A key for one purpose (``backup``) derived from the workspace key, or from ``workspace_key`` if given."""
        return crypto.purpose_key(workspace_key or self._workspace_key, purpose)

    # ----- the audit chain ------------------------------------------------------------------------------
    def audit_key_in(self, s: OrmSession) -> bytes:
        """The audit key (kept wrapped by the workspace key in ``meta``), read within the caller's transaction."""
        if self._audit_key is None:
            row = s.get(Meta, "audit_key")
            if row is None:
                raise WorkspaceKeyError("this workspace has no audit key", hint="run `reverie init` first")
            self._audit_key = crypto.decrypt(self._workspace_key, row.value, b"audit-key")
        return self._audit_key

    def audit_in(self, s: OrmSession, action: str, resource: str, client: str | None = None,
                 detail: str | None = None, actor: str | None = None) -> None:
        """Append to the chain; a detail about an existing client is sealed under their key (erasure shreds it).

        ``actor`` names who acted when it is not the acting user (a client accepting an invitation, before login).
        """
        sealed = None
        if client is not None and detail is not None:
            row = s.scalar(select(ClientRow).where(ClientRow.code == client))
            if row is not None:
                sealed, detail = self.cipher(row).seal(detail, "audit_log.detail"), None
        if self.anchor is not None and s.get(Meta, audit.ANCHORED_KEY) is None:
            s.add(Meta(key=audit.ANCHORED_KEY, value=b"1"))  # from now on a missing anchor file is a finding
        s.info["audit_head"] = audit.append(s, self.audit_key_in(s), actor or self.actor.name, action, resource, client,
                                            self.origin, detail, sealed)

    def _anchor_after_commit(self, s: OrmSession) -> None:
        head = s.info.pop("audit_head", None)
        if head is not None and self.anchor is not None and self._audit_key is not None:
            try:
                self.anchor.advance(self._audit_key, *head, reset=s.info.pop("anchor_reset", False))
            except OSError as exc:  # the commit stands; the anchor lags, which `audit verify` tolerates
                warnings.warn(f"could not update the audit anchor {self.anchor.path}: {exc}", stacklevel=2)

    def audit_event(self, action: str, resource: str, detail: str | None = None, client: str | None = None) -> None:
        """Record a workspace event (init, backup, restore...) in the audit chain."""
        self.db.transaction(lambda s: self.audit_in(s, action, resource, client, detail))

    # ----- access ---------------------------------------------------------------------------------------
    def check(self, action: str, resource: str, row: ClientRow | None = None) -> None:
        """Raise AccessDenied unless the actor may do ``action`` on ``resource`` of this client's record."""
        access.check(self.actor, action, resource, row.code if row else None, row.therapist if row else None,
                     self.actor.is_admin)

    def client_row(self, s: OrmSession, code: str) -> ClientRow:
        """The client's row, if in the actor's scope; otherwise NotFoundError (a client out of scope is not there)."""
        row = s.scalar(select(ClientRow).where(ClientRow.code == code))
        if row is None or not (access.in_scope(self.actor, code, row.therapist) or self.actor.is_admin
                               or self.actor.role == "admin") or self.unbound(s, row):
            raise NotFoundError(f"no client with code '{code}'", hint="`reverie clients` lists the clients you can see")
        return row

    def unbound(self, s: OrmSession, row: ClientRow) -> bool:
        """Whether a client user is not bound to this record now: the binding is read from the database on every
        call, by id, so an erasure ends it at once and a later client with the same code (or id) is not theirs."""
        if self.actor.role != "client":
            return False
        return s.scalar(select(UserRow.client_id).where(UserRow.id == self.actor.id)) != row.id

    def require(self, action: str, resource: str, code: str | None = None) -> None:
        """Raise AccessDenied unless the actor may do this (for callers outside the repository)."""
        if code is None:
            access.check(self.actor, action, resource, is_admin=self.actor.is_admin)
            return
        row = self.db.transaction(lambda s: self.client_row(s, code))
        self.check(action, resource, row)

    def atomic(self, work: Callable[[], T]) -> T:
        """Run several repository calls as one transaction: they land together or not at all (an import)."""
        return self.db.transaction(lambda _s: work())

    def delete_client_rows(self, s: OrmSession, row: ClientRow, journal_only: bool = False) -> None:
        """Delete a client's rows inside the caller's transaction (erasure); the wrapped key goes with the row."""
        if journal_only:
            s.execute(delete(EntryRow).where(EntryRow.client_id == row.id))
            s.execute(delete(DraftRow).where(DraftRow.client_id == row.id))  # what was being written is journal too
            return
        s.delete(row)
        self._keys.pop(row.id, None)

    # ----- accounts (accounts.py) -----------------------------------------------------------------------
    add_user = accounts.add_user
    users = accounts.users

    # ----- records (records.py) -------------------------------------------------------------------------
    add_client = records.add_client
    ensure_client = records.ensure_client
    client = records.client
    clients = records.clients
    add_sessions = records.add_sessions
    sessions = records.sessions
    session = records.session
    client_sessions = records.client_sessions
    add_entries = records.add_entries
    entries = records.entries
    set_entry_shared = records.set_entry_shared
    add_responses = records.add_responses
    responses = records.responses
    add_note = records.add_note
    notes = records.notes
    save_note_draft = records.save_note_draft
    note_draft = records.note_draft

    # ----- consent (consent.py) -------------------------------------------------------------------------
    grant_consent = consent.grant_consent
    withdraw_consent = consent.withdraw_consent
    consents = consent.consents
    has_consent = consent.has_consent

    # ----- analysis results (results.py) ----------------------------------------------------------------
    result_cache = results.result_cache
    record_run = results.record_run
    analysis_runs = results.analysis_runs
    has_analysis_run = results.has_analysis_run

    # ----- safety tasks and plans (safety.py) -----------------------------------------------------------
    add_safety_task = safety.add_safety_task
    safety_tasks = safety.safety_tasks
    acknowledge_task = safety.acknowledge_task
    safety_plan = safety.safety_plan
    set_safety_plan = safety.set_safety_plan

    # ----- holds and erasure (erasure.py) ---------------------------------------------------------------
    hold = erasure.hold
    erase = erasure.erase

    # ----- audit (audit.py) -----------------------------------------------------------------------------
    audit_verify = audit.audit_verify
    audit_rows = audit.audit_rows

    # ----- keys (keys.py) -------------------------------------------------------------------------------
    rotate_keys = keys.rotate_keys
    seal_legacy_text = keys.seal_legacy_text

    # ----- backup (backup.py) ---------------------------------------------------------------------------
    write_backup = backup.write_backup
    read_backup = backup.read_backup
    restore_backup = backup.restore_backup
