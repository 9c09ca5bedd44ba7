"""Safety on the web: the therapist's safety tasks (acknowledged by the logged-in user, audited) and the
Stanley-Brown safety plan, edited with the client."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from reverie.domain import User
from reverie.safety import PLAN_STEPS
from reverie.web.auth import require_role, workspace
from reverie.web.pages import render, task_view
from reverie.web.routes.workspace import own_client
from reverie.workspace import Workspace

router = APIRouter()
therapist = require_role("therapist")


@router.get("/safety")
def safety(request: Request, ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    tasks = [task_view(t) for t in ws.safety_tasks(open_only=False)
             if t["client"] in {c["code"] for c in ws.clients() if c["therapist"] == ws.user.name}]
    return render(request, "safety.html", {"open": [t for t in tasks if not t["acknowledged_at"]],
                                           "done": [t for t in tasks if t["acknowledged_at"]]})


@router.post("/safety/{task_id}/acknowledge")
def acknowledge(task_id: int, ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    ws.acknowledge_task(task_id)  # records the logged-in user and the time; a task outside the caseload is a 404
    return RedirectResponse("/safety", status_code=303)


@router.get("/clients/{code}/safety-plan")
def plan_page(request: Request, code: str, ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    plan = ws.safety_plan(code) or {}
    return render(request, "safety_plan.html", {"code": code, "steps": [
        (key, title, "\n".join(plan.get(key) or [])) for key, title in PLAN_STEPS.items()]})


@router.post("/clients/{code}/safety-plan")
async def plan_save(request: Request, code: str, ws: Workspace = Depends(workspace),
                    _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    form = await request.form()
    plan = {key: [line.strip() for line in str(form.get(key, "")).splitlines() if line.strip()] for key in PLAN_STEPS}
    ws.set_safety_plan(code, plan)
    return RedirectResponse(f"/clients/{code}/safety-plan?saved=1", status_code=303)
