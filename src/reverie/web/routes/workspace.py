"""The therapist's pages: caseload, case overview, session view, import, safety, report.

Every page acts through ``Depends(workspace)``: the store scopes and audits each read, so another
therapist's client is a ``NotFoundError`` (404) from the store, not a check repeated here.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reverie.domain import User
from reverie.web.auth import require_role, workspace
from reverie.web.pages import render
from reverie.workspace import Workspace

router = APIRouter()
therapist = require_role("therapist")


@router.get("/")
def caseload(request: Request, ws: Workspace = Depends(workspace)) -> Response:
    if ws.user.role == "client":
        from fastapi.responses import RedirectResponse
        return RedirectResponse("/portal", status_code=303)
    own = [c for c in ws.clients() if c["therapist"] == ws.user.name]  # an admin-therapist's caseload is their own
    return render(request, "caseload.html", {"clients": own})
