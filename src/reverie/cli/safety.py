"""``reverie safety``: the safety tasks risk screening opens for therapists, and each client's safety plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.text import Text

from reverie.cli.common import ClientOpt, JsonOpt, emit_json, err, out, with_workspace
from reverie.errors import InputError
from reverie.ingest.bounds import MAX_INT

if TYPE_CHECKING:
    from reverie.workspace import Workspace

safety_app = typer.Typer(help="Safety tasks and safety plans.", no_args_is_help=True)


@safety_app.command("list")
@with_workspace
def safety_list(ws: Workspace, all_tasks: Annotated[bool, typer.Option("--all", help="Include acknowledged tasks.")] = False,
                as_json: JsonOpt = False) -> None:
    """Open safety tasks across your caseload, most severe first, with their evidence."""
    rows = ws.safety_tasks(open_only=not all_tasks)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        out.print("No open safety tasks.")
    for t in rows:
        state = f"acknowledged by {t['acknowledged_by']} at {t['acknowledged_at']}" if t["acknowledged_at"] else "OPEN"
        out.print(Text.assemble((f"Task {t['id']}", "bold red"), f" client {t['client']} — {t['category']} "
                                f"({t['evidence'].get('severity_label') or t['severity']}) from {_said_when(t)}; "
                                f"screened {t['created_at'][:16]} — {state}"))
        for q in t["evidence"].get("quotes", []):
            out.print(f"    “{q}”")
        if t["evidence"].get("erased"):
            out.print(f"    (the flagged words were erased with the {t['evidence']['erased']} at "
                      f"{t['evidence'].get('erased_at', '')[:16]})", markup=False)
        if t["evidence"].get("reason"):
            out.print(f"    {t['evidence']['reason']}")


def _said_when(task: dict) -> str:
    """Where and when the flagged words were said or written (the session's date and turn, the entry's date)."""
    ev = task["evidence"]
    if ev.get("turn") is not None:
        return f"session {ev.get('session_number') or '?'} of {ev.get('session_date') or 'unknown date'}, turn {ev['turn']}"
    if ev.get("entry_date"):
        return f"journal entry {task['source_ref']} written {ev['entry_date'][:16]}"
    if ev.get("instrument") and ev.get("session") is not None:
        return f"questionnaire {task['source_ref']} at session {ev['session']}"
    return f"{task['source']} {task['source_ref']}"


@safety_app.command("ack")
@with_workspace
def safety_ack(ws: Workspace, task: Annotated[int, typer.Argument(min=0, max=MAX_INT)],
               by: Annotated[Optional[str], typer.Option("--by", help="Kept for old scripts; not recorded: the "
                                                          "acknowledgement names the acting user (--user).")] = None,
               as_json: JsonOpt = False) -> None:
    """Acknowledge a safety task as the acting user (who and when are audited)."""
    result = ws.acknowledge_task(task, by)
    if result.get("note"):
        err.print(f"note: {result['note']}", markup=False)
    emit_json(result) if as_json else out.print(f"Safety task {task} acknowledged by {result['acknowledged_by']} at "
                                                f"{result['acknowledged_at']}", markup=False)


@safety_app.command("plan")
@with_workspace
def safety_plan(ws: Workspace, client: ClientOpt,
                set_from: Annotated[Optional[Path], typer.Option("--set", help="A JSON file with the Stanley-Brown plan's sections.")] = None,
                as_json: JsonOpt = False) -> None:
    """Show the client's Stanley-Brown safety plan, or set it from a JSON file."""
    from reverie.safety import SafetyPlan
    if set_from is not None:
        try:
            plan = json.loads(set_from.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"{set_from}: not a readable JSON safety plan ({exc})") from exc
        ws.set_safety_plan(client, plan)
    current = ws.safety_plan(client)
    if as_json:
        emit_json(current)
        return
    if current is None:
        out.print(f"No safety plan for {client} yet. Write one with --set PLAN.json (sections: "
                  + ", ".join(SafetyPlan.__dataclass_fields__) + ").")
        return
    sections = {k: v for k, v in current.items() if k in SafetyPlan.__dataclass_fields__}  # less updated_at/_by
    out.print(SafetyPlan.from_dict(sections).render_text())
    out.print(f"(updated {current['updated_at'][:16]} by {current['updated_by']})")
