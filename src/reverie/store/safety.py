"""Safety records: the tasks risk flags open for the therapist (sealed evidence, acknowledged by the acting
user) and each client's safety plan.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from reverie.errors import InputError, NotFoundError
from reverie.store import access
from reverie.store.tables import ClientRow, SafetyPlanRow, SafetyTaskRow, now

if TYPE_CHECKING:
    from reverie.store.core import Store


def add_safety_task(store: Store, code: str, source: str, source_ref: str, category: str, severity: str,
                    evidence: dict[str, Any]) -> tuple[int, bool]:
    """Open a safety task for a flagged text (once per source); returns (task id, whether it is new)."""
    def work(s: OrmSession) -> tuple[int, bool]:
        row = store.client_row(s, code)
        cipher = store.cipher(row)
        key = cipher.digest("safety", source, source_ref, category)
        existing = s.scalar(select(SafetyTaskRow).where(SafetyTaskRow.client_id == row.id, SafetyTaskRow.source_key == key))
        if existing is not None:
            return existing.id, False
        task = SafetyTaskRow(client_id=row.id, source_key=key, source=source, source_ref=source_ref, category=category,
                             severity=severity, created_at=now(),
                             evidence_enc=cipher.seal(json.dumps(evidence, ensure_ascii=False), "safety_tasks.evidence"))
        s.add(task)
        s.flush()
        store.audit_in(s, "write", f"safety_task:{task.id}", code, f"{category}/{severity}")
        return task.id, True
    return store.db.transaction(work)


def safety_tasks(store: Store, open_only: bool = True) -> list[dict[str, Any]]:
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
            if not access.allowed(store.actor, "read", "safety", crow.code, crow.therapist) or store.actor.role == "client":
                continue
            evidence = json.loads(store.cipher(crow).open(task.evidence_enc, "safety_tasks.evidence") or "{}")
            out.append({"id": task.id, "client": crow.code, "source": task.source, "source_ref": task.source_ref,
                        "category": task.category, "severity": task.severity, "created_at": task.created_at.isoformat(),
                        "acknowledged_by": task.acknowledged_by,
                        "acknowledged_at": task.acknowledged_at.isoformat() if task.acknowledged_at else None,
                        "evidence": evidence})
            store.audit_in(s, "read", f"safety_task:{task.id}", crow.code)
        # the urgency the screen gave (a questionnaire answer, a capped resemblance), else the step's own
        out.sort(key=lambda t: (order.get(t["evidence"].get("urgency") or t["severity"], 9), t["created_at"]))
        return out
    return store.db.transaction(work)


def acknowledge_task(store: Store, task_id: int) -> dict[str, Any]:
    """Acknowledge a safety task as the acting user: the record names who acted, not what they typed."""
    by = store.actor.name

    def work(s: OrmSession) -> dict[str, Any]:
        task = s.get(SafetyTaskRow, task_id)
        crow = s.get(ClientRow, task.client_id) if task else None
        if task is None or crow is None or not access.in_scope(store.actor, crow.code, crow.therapist):
            raise NotFoundError(f"no safety task {task_id}", hint="`reverie safety list` shows open tasks")
        store.check("write", "safety", crow)
        if task.acknowledged_at is not None:
            raise InputError(f"safety task {task_id} was already acknowledged by {task.acknowledged_by} "
                             f"at {task.acknowledged_at.isoformat()}")
        task.acknowledged_by = by
        task.acknowledged_at = now()
        store.audit_in(s, "acknowledge", f"safety_task:{task_id}", crow.code, f"by {by}")
        return {"id": task_id, "client": crow.code, "acknowledged_by": by, "acknowledged_at": task.acknowledged_at.isoformat()}
    return store.db.transaction(work)


def safety_plan(store: Store, code: str) -> dict[str, Any] | None:
    def work(s: OrmSession) -> dict[str, Any] | None:
        row = store.client_row(s, code)
        store.check("read", "safety", row)
        plan = s.get(SafetyPlanRow, row.id)
        store.audit_in(s, "read", "safety_plan", code)
        if plan is None:
            return None
        return {**json.loads(store.cipher(row).open(plan.plan_enc, "safety_plans.plan") or "{}"),
                "updated_at": plan.updated_at.isoformat(), "updated_by": plan.updated_by}
    return store.db.transaction(work)


def set_safety_plan(store: Store, code: str, plan: dict[str, Any]) -> None:
    def work(s: OrmSession) -> None:
        row = store.client_row(s, code)
        store.check("write", "safety", row)
        blob = store.cipher(row).seal(json.dumps(plan, ensure_ascii=False), "safety_plans.plan")
        existing = s.get(SafetyPlanRow, row.id)
        if existing is None:
            s.add(SafetyPlanRow(client_id=row.id, plan_enc=blob, updated_at=now(), updated_by=store.actor.name))
        else:
            existing.plan_enc, existing.updated_at, existing.updated_by = blob, now(), store.actor.name
        store.audit_in(s, "write", "safety_plan", code)
    store.db.transaction(work)
