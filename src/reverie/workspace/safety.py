"""The therapist's safety work in a workspace: the tasks risk flags opened, and each client's safety plan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reverie.safety.plan import SafetyPlan

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace


def safety_tasks(ws: Workspace, open_only: bool = True) -> list[dict[str, Any]]:
    return ws.store.safety_tasks(open_only)


def acknowledge_task(ws: Workspace, task_id: int, by: str | None = None) -> dict[str, Any]:
    """Acknowledge as the acting user. ``by`` (the CLI's ``--by``) is accepted for old scripts, never recorded."""
    result = ws.store.acknowledge_task(task_id)
    if by is not None and by != result["acknowledged_by"]:
        result["note"] = (f"recorded as acknowledged by the acting user '{result['acknowledged_by']}', "
                          f"not '{by}': --by is no longer recorded (choose the user with --user)")
    return result


def safety_plan(ws: Workspace, client: str) -> dict[str, Any] | None:
    return ws.store.safety_plan(client)


def set_safety_plan(ws: Workspace, client: str, plan: dict[str, Any]) -> dict[str, Any]:
    clean = SafetyPlan.from_dict(plan).to_dict()
    ws.store.set_safety_plan(client, clean)
    return clean
