"""Consent, cached analyser results, safety tasks and plans, legal holds, erasure, audit and key rotation.

These complete the repository (``Store``): the same acting user, access
matrix, per-client keys and audit chain as the clinical records in
``repository.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.domain import Consent
from reverie.errors import InputError, LegalHoldError, NotFoundError, VerificationError, WorkspaceKeyError
from reverie.store import access, audit, crypto
from reverie.store.repository import Records, now
from reverie.store.tables import (
    AnalysisRunRow,
    AnnotationRow,
    AuditRow,
    ClientRow,
    ConsentRow,
    Meta,
    SafetyPlanRow,
    SafetyTaskRow,
    UserRow,
)

CONSENT_SCOPES = ("transcription", "analysis", "sharing")
LEGACY_CLEAR = b"\x00"  # a value migration 0004 moved from a clear column, sealed at the next open


def open_text(cipher: crypto.Cipher, blob: bytes | None, where: str) -> str | None:
    """Open a sealed free-text field (hold reason, consent detail), reading a not yet sealed legacy value too."""
    if blob is not None and blob[:1] == LEGACY_CLEAR:
        return bytes(blob[1:]).decode()
    return cipher.open(blob, where)


class Store(Records):
    """The full repository: clinical records plus their governance."""

    # ----- consent --------------------------------------------------------------------------------------
    def grant_consent(self, code: str, scope: str, detail: str | None = None) -> Consent:
        if scope not in CONSENT_SCOPES:
            raise InputError(f"unknown consent scope '{scope}'", hint=f"scopes: {', '.join(CONSENT_SCOPES)}")

        def work(s: OrmSession) -> Consent:
            row = self._client_row(s, code)
            self._check("write", "consent", row)
            crow = ConsentRow(client_id=row.id, scope=scope, granted_at=now(), recorded_by=self.actor.name,
                              detail_enc=self._cipher(row).seal(detail, "consents.detail"))
            s.add(crow)
            s.flush()
            self._audit(s, "write", f"consent:{crow.id}", code, f"granted {scope}{':' + detail if detail else ''}")
            return Consent(code, scope, crow.granted_at, None, detail, crow.id)
        return self.db.transaction(work)

    def withdraw_consent(self, code: str, scope: str, detail: str | None = None) -> int:
        def work(s: OrmSession) -> int:
            row = self._client_row(s, code)
            self._check("write", "consent", row)
            cipher = self._cipher(row)
            active = s.scalars(select(ConsentRow).where(ConsentRow.client_id == row.id, ConsentRow.scope == scope,
                                                        ConsentRow.withdrawn_at.is_(None)))
            rows = [c for c in active if open_text(cipher, c.detail_enc, "consents.detail") == detail]
            for c in rows:
                c.withdrawn_at = now()
            self._audit(s, "write", f"consent:{scope}", code, f"withdrawn ({len(rows)})")
            return len(rows)
        return self.db.transaction(work)

    def consents(self, code: str) -> list[Consent]:
        def work(s: OrmSession) -> list[Consent]:
            row = self._client_row(s, code)
            self._check("read", "consent", row)
            cipher = self._cipher(row)
            return [Consent(code, c.scope, c.granted_at, c.withdrawn_at,
                            open_text(cipher, c.detail_enc, "consents.detail"), c.id)
                    for c in s.scalars(select(ConsentRow).where(ConsentRow.client_id == row.id).order_by(ConsentRow.id))]
        return self.db.transaction(work)

    def has_consent(self, code: str, scope: str, detail: str | None = None) -> bool:
        """An active consent for the scope (a scope-wide consent covers every detail)."""
        return any(c.active and c.scope == scope and (c.detail is None or c.detail == detail) for c in self.consents(code))

    # ----- cached analyser results ----------------------------------------------------------------------
    def result_cache(self, code: str) -> AnnotationCache:
        return AnnotationCache(self, code)

    def record_run(self, code: str, config: dict[str, Any]) -> None:
        def work(s: OrmSession) -> None:
            row = self._client_row(s, code)
            self._check("write", "annotation", row)
            s.add(AnalysisRunRow(client_id=row.id, at=now(), by=self.actor.name, config=json.dumps(config)))
            self._audit(s, "write", "analysis_run", code, ",".join(config.get("analyzers", {})))
        self.db.transaction(work)

    def analysis_runs(self, code: str) -> list[dict[str, Any]]:
        """The configurations of a client's analysis runs, newest first (what views read results by)."""
        def work(s: OrmSession) -> list[dict[str, Any]]:
            row = self._client_row(s, code)
            self._check("read", "annotation", row)
            runs = s.scalars(select(AnalysisRunRow).where(AnalysisRunRow.client_id == row.id)
                             .order_by(AnalysisRunRow.id.desc()))
            return [json.loads(r.config) for r in runs]
        return self.db.transaction(work)

    # ----- safety ---------------------------------------------------------------------------------------
    def add_safety_task(self, code: str, source: str, source_ref: str, category: str, severity: str,
                        evidence: dict[str, Any]) -> tuple[int, bool]:
        """Open a safety task for a flagged text (once per source); returns (task id, whether it is new)."""
        def work(s: OrmSession) -> tuple[int, bool]:
            row = self._client_row(s, code)
            cipher = self._cipher(row)
            key = cipher.digest("safety", source, source_ref, category)
            existing = s.scalar(select(SafetyTaskRow).where(SafetyTaskRow.client_id == row.id, SafetyTaskRow.source_key == key))
            if existing is not None:
                return existing.id, False
            task = SafetyTaskRow(client_id=row.id, source_key=key, source=source, source_ref=source_ref, category=category,
                                 severity=severity, created_at=now(),
                                 evidence_enc=cipher.seal(json.dumps(evidence, ensure_ascii=False), "safety_tasks.evidence"))
            s.add(task)
            s.flush()
            self._audit(s, "write", f"safety_task:{task.id}", code, f"{category}/{severity}")
            return task.id, True
        return self.db.transaction(work)

    def safety_tasks(self, open_only: bool = True) -> list[dict[str, Any]]:
        """Safety tasks across the user's caseload, most severe and oldest first."""
        from reverie.analysis.risk import LADDER_URGENCY
        order = {"imminent": 0, "high": 1, "moderate": 2, "low": 3}
        order.update({step: order[urgency] for step, urgency in LADDER_URGENCY.items()})  # Columbia ladder steps

        def work(s: OrmSession) -> list[dict[str, Any]]:
            out = []
            q = select(SafetyTaskRow, ClientRow).join(ClientRow, SafetyTaskRow.client_id == ClientRow.id)
            if open_only:
                q = q.where(SafetyTaskRow.acknowledged_at.is_(None))
            for task, crow in s.execute(q.order_by(SafetyTaskRow.created_at)):
                if not access.allowed(self.actor, "read", "safety", crow.code, crow.therapist) or self.actor.role == "client":
                    continue
                evidence = json.loads(self._cipher(crow).open(task.evidence_enc, "safety_tasks.evidence") or "{}")
                out.append({"id": task.id, "client": crow.code, "source": task.source, "source_ref": task.source_ref,
                            "category": task.category, "severity": task.severity, "created_at": task.created_at.isoformat(),
                            "acknowledged_by": task.acknowledged_by,
                            "acknowledged_at": task.acknowledged_at.isoformat() if task.acknowledged_at else None,
                            "evidence": evidence})
                self._audit(s, "read", f"safety_task:{task.id}", crow.code)
            # the urgency the screen gave (a questionnaire answer, a capped resemblance), else the step's own
            out.sort(key=lambda t: (order.get(t["evidence"].get("urgency") or t["severity"], 9), t["created_at"]))
            return out
        return self.db.transaction(work)

    def acknowledge_task(self, task_id: int) -> dict[str, Any]:
        """Acknowledge a safety task as the acting user: the record names who acted, not what they typed."""
        by = self.actor.name

        def work(s: OrmSession) -> dict[str, Any]:
            task = s.get(SafetyTaskRow, task_id)
            crow = s.get(ClientRow, task.client_id) if task else None
            if task is None or crow is None or not access.in_scope(self.actor, crow.code, crow.therapist):
                raise NotFoundError(f"no safety task {task_id}", hint="`reverie safety list` shows open tasks")
            self._check("write", "safety", crow)
            if task.acknowledged_at is not None:
                raise InputError(f"safety task {task_id} was already acknowledged by {task.acknowledged_by} "
                                 f"at {task.acknowledged_at.isoformat()}")
            task.acknowledged_by = by
            task.acknowledged_at = now()
            self._audit(s, "acknowledge", f"safety_task:{task_id}", crow.code, f"by {by}")
            return {"id": task_id, "client": crow.code, "acknowledged_by": by, "acknowledged_at": task.acknowledged_at.isoformat()}
        return self.db.transaction(work)

    def safety_plan(self, code: str) -> dict[str, Any] | None:
        def work(s: OrmSession) -> dict[str, Any] | None:
            row = self._client_row(s, code)
            self._check("read", "safety", row)
            plan = s.get(SafetyPlanRow, row.id)
            self._audit(s, "read", "safety_plan", code)
            if plan is None:
                return None
            return {**json.loads(self._cipher(row).open(plan.plan_enc, "safety_plans.plan") or "{}"),
                    "updated_at": plan.updated_at.isoformat(), "updated_by": plan.updated_by}
        return self.db.transaction(work)

    def set_safety_plan(self, code: str, plan: dict[str, Any]) -> None:
        def work(s: OrmSession) -> None:
            row = self._client_row(s, code)
            self._check("write", "safety", row)
            blob = self._cipher(row).seal(json.dumps(plan, ensure_ascii=False), "safety_plans.plan")
            existing = s.get(SafetyPlanRow, row.id)
            if existing is None:
                s.add(SafetyPlanRow(client_id=row.id, plan_enc=blob, updated_at=now(), updated_by=self.actor.name))
            else:
                existing.plan_enc, existing.updated_at, existing.updated_by = blob, now(), self.actor.name
            self._audit(s, "write", "safety_plan", code)
        self.db.transaction(work)

    # ----- holds and erasure ----------------------------------------------------------------------------
    def hold(self, code: str, reason: str | None) -> None:
        """Place (reason given) or lift (None) a legal hold on a client's clinical records."""
        def work(s: OrmSession) -> None:
            row = self._client_row(s, code)
            self._check("erase", "client", row)
            row.hold_enc = self._cipher(row).seal(reason, "clients.hold_reason")
            self._audit(s, "hold" if reason else "release_hold", f"client:{code}", code, reason)
        self.db.transaction(work)

    def erase(self, code: str, journal_only: bool = False) -> dict[str, Any]:
        """Destroy a client's data key and rows (or only their journal, which a legal hold still allows)."""
        def work(s: OrmSession) -> dict[str, Any]:
            row = self._client_row(s, code)
            if journal_only:
                if not (access.allowed(self.actor, "erase", "entry", code, row.therapist)
                        or access.allowed(self.actor, "erase", "client", code, row.therapist, self.actor.is_admin)):
                    self._check("erase", "entry", row)
            else:
                self._check("erase", "client", row)
                if row.hold_enc is not None:
                    reason = open_text(self._cipher(row), row.hold_enc, "clients.hold_reason")
                    raise LegalHoldError(f"client '{code}' is under a legal hold ({reason}): clinical records "
                                         "cannot be erased", hint="erase the journal only with --journal-only, or lift the hold")
            if journal_only:
                self._forget_task_text(s, row, "entry")
            else:
                self._revoke_client_users(s, row)
                if self.anchor is not None:
                    self.anchor.add_tombstone(self._load_audit_key(s), code, now())
            self.delete_client_rows(s, row, journal_only)
            self._audit(s, "erase", f"client:{code}", code, "journal" if journal_only else "all records and data key")
            return {"client": code, "erased": "journal" if journal_only else "all"}
        result = self.db.transaction(work)
        self.db.vacuum()
        return result

    def _forget_task_text(self, s: OrmSession, row: ClientRow, source: str) -> None:
        """Erasing flagged texts erases the words their safety tasks kept; each task and its acknowledgement stay."""
        cipher = self._cipher(row)
        blank = {"quotes": [], "spans": [], "discounted": [], "text": "", "erased": source,
                 "erased_at": now().isoformat()}
        for task in s.scalars(select(SafetyTaskRow).where(SafetyTaskRow.client_id == row.id,
                                                          SafetyTaskRow.source == source)):
            task.evidence_enc = cipher.seal(json.dumps(blank), "safety_tasks.evidence")
            self._audit(s, "erase", f"safety_task:{task.id}", row.code, f"evidence of the erased {source}")

    def _revoke_client_users(self, s: OrmSession, row: ClientRow) -> None:
        """A client user's binding ends with their record: a later client with the same code is not theirs."""
        for user in s.scalars(select(UserRow).where(UserRow.client_id == row.id)):
            user.client_id, user.client_code = None, None
            self._audit(s, "revoke", f"user:{user.name}", row.code, "client record erased")

    # ----- audit ----------------------------------------------------------------------------------------
    def audit_verify(self) -> dict[str, Any]:
        """Walk the chain, then check it still reaches the head anchored outside the database."""
        access.check(self.actor, "read", "audit", is_admin=self.actor.is_admin)

        def work(s: OrmSession) -> dict[str, Any]:
            key = self._load_audit_key(s)
            count, problems = audit.verify(s, key)
            anchored = None
            if self.anchor is not None:
                try:
                    anchored = self.anchor.head(key)
                except VerificationError as exc:
                    problems.append(audit.Problem(0, f"the anchor is not trustworthy: {exc.message}"))
                else:
                    if anchored is not None:
                        problems += audit.check_anchor(s, anchored)
                    elif s.get(Meta, audit.ANCHORED_KEY) is not None or count == 0:
                        problems.append(audit.Problem(0, f"the anchor {self.anchor.path} is missing: whether rows "
                                                         "were removed from the end cannot be checked"))
            return {"rows": count, "ok": not problems, "problems": [str(p) for p in problems],
                    "anchor": str(self.anchor.path) if self.anchor else None,
                    "anchored_rows": anchored[0] if anchored else None}
        return self.db.transaction(work)

    def audit_rows(self, code: str | None = None) -> list[dict[str, Any]]:
        """The log, with each client detail opened while the client (and so their key) exists."""
        access.check(self.actor, "read", "audit", is_admin=self.actor.is_admin)

        def work(s: OrmSession) -> list[dict[str, Any]]:
            rows = audit.rows_for_client(s, code) if code else list(s.scalars(select(AuditRow).order_by(AuditRow.id)))
            clients = {c.code: c for c in s.scalars(select(ClientRow))} if any(r.detail_enc for r in rows) else {}
            out = []
            for r in rows:
                detail = r.detail
                if r.detail_enc is not None:
                    try:
                        crow = clients.get(r.client_code)
                        detail = self._cipher(crow).open(r.detail_enc, "audit_log.detail") if crow else None
                    except WorkspaceKeyError:  # sealed under an erased client's key (the code was reused)
                        detail = None
                out.append({"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "resource": r.resource,
                            "client": r.client_code, "origin": r.origin, "detail": detail,
                            "detail_shredded": r.detail_enc is not None and detail is None})
            return out
        return self.db.transaction(work)

    def seal_legacy_text(self) -> int:
        """Seal hold reasons and consent details that migration 0004 moved from clear columns; returns how many."""
        def work(s: OrmSession) -> int:
            n = 0
            for crow in s.scalars(select(ClientRow)):
                cipher = self._cipher(crow)
                if crow.hold_enc is not None and crow.hold_enc[:1] == LEGACY_CLEAR:
                    crow.hold_enc = cipher.seal(open_text(cipher, crow.hold_enc, ""), "clients.hold_reason")
                    n += 1
                for c in s.scalars(select(ConsentRow).where(ConsentRow.client_id == crow.id)):
                    if c.detail_enc is not None and c.detail_enc[:1] == LEGACY_CLEAR:
                        c.detail_enc = cipher.seal(open_text(cipher, c.detail_enc, ""), "consents.detail")
                        n += 1
            return n
        return self.db.transaction(work)

    # ----- keys -----------------------------------------------------------------------------------------
    def rotate_keys(self, new_key: bytes) -> int:
        """Re-wrap every client key, the audit key and the key check under a new workspace key."""
        access.check(self.actor, "write", "keys", is_admin=self.actor.is_admin)

        def work(s: OrmSession) -> int:
            audit_key = self._load_audit_key(s)
            n = 0
            for row in s.scalars(select(ClientRow)):
                data_key = crypto.unwrap_key(self._workspace_key, row.wrapped_key, row.code)
                row.wrapped_key = crypto.wrap_key(new_key, data_key, row.code)
                n += 1
            s.get(Meta, "audit_key").value = crypto.encrypt(new_key, audit_key, b"audit-key")
            s.get(Meta, "key_check").value = crypto.make_key_check(new_key)
            self._audit(s, "rotate_keys", "workspace", detail=f"{n} client keys re-wrapped")
            return n
        n = self.db.transaction(work)
        self._workspace_key = new_key
        self._keys.clear()
        return n


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
            row = st._client_row(s, self.code)
            st._check("read", "annotation", row)
            cipher = st._cipher(row)
            wanted = {self._key(cipher, k): k for k in keys}
            found: dict[tuple[str, ...], dict[str, Any]] = {}
            digests = list(wanted)
            for i in range(0, len(digests), 500):  # only the rows asked for (unique on client and key), in chunks
                for a in s.scalars(select(AnnotationRow).where(AnnotationRow.client_id == row.id,
                                                               AnnotationRow.key.in_(digests[i:i + 500]))):
                    found[wanted[a.key]] = json.loads(cipher.open(a.payload_enc, "annotations.payload") or "{}")
            st._audit(s, "read", "annotations", self.code, f"{len(found)} cached")
            return found
        return st.db.transaction(work)

    def put_many(self, items: Sequence[tuple[tuple[str, ...], dict[str, Any]]]) -> None:
        st = self.store

        def work(s: OrmSession) -> None:
            row = st._client_row(s, self.code)
            st._check("write", "annotation", row)
            cipher = st._cipher(row)
            existing = set(s.scalars(select(AnnotationRow.key).where(AnnotationRow.client_id == row.id)))
            stamp = now()
            for key, payload in items:
                k = self._key(cipher, key)
                if k in existing:
                    continue
                existing.add(k)
                s.add(AnnotationRow(client_id=row.id, key=k, analyzer=key[1], version=key[2], created_at=stamp,
                                    payload_enc=cipher.seal(json.dumps(payload, ensure_ascii=False), "annotations.payload")))
            st._audit(s, "write", "annotations", self.code, f"{len(items)} new")
        st.db.transaction(work)
