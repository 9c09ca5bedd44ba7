"""The ``Workspace``: one workspace as seen by one user, with its calls bound from one module per concern.

No mixins: each concern module (``records``, ``analysis``, ``care``, ``safety``, ``exchange``, ``governance``,
``rooms``) defines plain functions that take the workspace first, and this class names every one of them, so a
reader finds any method's home from this file.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from reverie.domain import User
from reverie.errors import ConsentRequired
from reverie.outputs import Protected
from reverie.settings import CONFIG_FILE, Settings
from reverie.store import Database, Store, crypto
from reverie.store.anchor import Anchor
from reverie.store.db import sqlite_file
from reverie.workspace import accounts, analysis, care, exchange, governance, portal, records, rooms, safety


class Workspace:
    """One workspace as seen by one user: the calls the CLI, the web app and scripts make."""

    def __init__(self, settings: Settings, db: Database, key: bytes, actor: User, key_path: Path | None = None,
                 origin: str = ""):
        self.settings = settings
        self.db = db
        self.key_path = key_path
        self.store = Store(db, key, actor, origin)
        self.store.anchor = Anchor(key_path.parent if key_path else crypto.default_key_dir(), settings.workspace_id)
        self.created = False

    @property
    def user(self) -> User:
        return self.store.actor

    def acting_as(self, actor: User, origin: str = "") -> Workspace:
        """This open workspace as another, already authenticated user (the web app's per-request view): cheap, it
        shares the engine, keys and caches; every call still goes through the scoped, audited store."""
        view = copy.copy(self)
        view.store = self.store.acting_as(actor, origin)
        return view

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_consent(self, code: str, scope: str) -> None:
        """Refuse (ConsentRequired, with the command that records it) unless the client consented to ``scope``."""
        if not self.store.has_consent(code, scope):
            raise ConsentRequired(f"client '{code}' has no active consent to {scope}",
                                  hint=f"record it with `reverie consent grant --client {code} --scope {scope}`")

    def protected(self, inside_workspace: bool = False) -> Protected:
        """What an output may never replace: the workspace folder, its database (and journals), config and key.

        ``inside_workspace`` lets Reverie's own outputs (the demo's report) go inside the workspace folder; its
        database, config and key stay protected.
        """
        files = {self.settings.workspace / CONFIG_FILE: "the workspace's settings"}
        db_file = sqlite_file(self.settings.db_url)
        if db_file is not None:
            files |= {db_file.with_name(db_file.name + suffix): "the workspace's database"
                      for suffix in ("", "-wal", "-shm", "-journal")}
        if self.key_path is not None:
            files |= {self.key_path.with_name(self.key_path.name + suffix): "the workspace's key"
                      for suffix in ("", ".old", ".new")}
        return Protected(folders=() if inside_workspace else (self.settings.workspace,), files=files)

    # ----- web accounts (accounts.py) ----------------------------------------------------------------------
    def set_password(self, name: str, password: str, login: str | None = None) -> dict[str, Any]:
        """Set a user's web password (Argon2id) and optional login alias; audited."""
        return accounts.Accounts(self).set_password(self.user, name, password, login)

    def verify_login(self, login: str, password: str, code: str | None = None) -> User:
        """The user a login, password (and TOTP code) belong to; AccessDenied otherwise. Audited, rate-limited."""
        return accounts.Accounts(self).verify(login, password, code)

    # ----- records (records.py) --------------------------------------------------------------------------
    add_client = records.add_client
    clients = records.clients
    sessions = records.sessions
    session = records.session
    entries = records.entries
    responses = records.responses
    import_transcript = records.import_transcript
    import_entries = records.import_entries
    add_entries = records.add_entries
    record_response = records.record_response
    import_responses = records.import_responses

    # ----- analysis (analysis.py) ------------------------------------------------------------------------
    analyzers = analysis.analyzers
    analyze = analysis.analyze
    stored_analysis = analysis.stored_analysis
    has_analysis = analysis.has_analysis

    # ----- consent and process notes (care.py) -----------------------------------------------------------
    grant_consent = care.grant_consent
    withdraw_consent = care.withdraw_consent
    consents = care.consents
    add_note = care.add_note
    notes = care.notes
    save_note_draft = care.save_note_draft
    note_draft = care.note_draft

    # ----- safety tasks and plans (safety.py) ------------------------------------------------------------
    safety_tasks = safety.safety_tasks
    acknowledge_task = safety.acknowledge_task
    safety_plan = safety.safety_plan
    set_safety_plan = safety.set_safety_plan

    # ----- export and re-import (exchange.py) ------------------------------------------------------------
    export_data = exchange.export_data
    export = exchange.export
    import_export = exchange.import_export

    # ----- erasure, holds, audit, keys, users, backup (governance.py) ------------------------------------
    erase = governance.erase
    hold = governance.hold
    audit_verify = governance.audit_verify
    audit_show = governance.audit_show
    rotate_keys = governance.rotate_keys
    add_user = governance.add_user
    backup = governance.backup
    restore = governance.restore

    # ----- the rooms: patterns, themes, dreams, progress, the case report (rooms.py) ---------------------
    patterns = rooms.patterns
    themes = rooms.themes
    dreams = rooms.dreams
    progress = rooms.progress
    case_progress = rooms.case_progress
    report = rooms.report
    report_html = rooms.report_html
    write_plot = rooms.write_plot
    write_dream_chart = rooms.write_dream_chart

    # ----- the client portal: invitations, journal, check-ins (portal.py) ------------------------------
    own_record = portal.own_record
    invite = portal.invite
    invitation = portal.invitation
    accept_invitation = portal.accept_invitation
    invitations = portal.invitations
    save_draft = portal.save_draft
    drafts = portal.drafts
    draft = portal.draft
    discard_draft = portal.discard_draft
    write_entry = portal.write_entry
    journal = portal.journal
    entry = portal.entry
    share_entry = portal.share_entry
    instrument_items = portal.instrument_items
    assign = portal.assign
    assignments = portal.assignments
    assignment = portal.assignment
    answer_item = portal.answer_item
    complete_assignment = portal.complete_assignment
    safety_notice = portal.safety_notice
