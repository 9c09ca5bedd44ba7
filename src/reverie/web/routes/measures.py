"""Questionnaires entered in session: the therapist records the client's answers (scored, screened for risk)."""

from __future__ import annotations

from datetime import date as Date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reverie.domain import User
from reverie.errors import InputError
from reverie.measures.instruments import get_instrument, list_instruments
from reverie.web.auth import require_role, workspace
from reverie.web.pages import render
from reverie.web.routes.workspace import own_client
from reverie.workspace import Workspace

router = APIRouter()
therapist = require_role("therapist")


def _form(request: Request, code: str, instrument: str, **extra: object) -> Response:
    inst = get_instrument(instrument) if instrument else None
    return render(request, "questionnaire.html", {
        "code": code, "instruments": list_instruments(), "inst": inst,
        "items": [(n, text) for n, text in enumerate(inst.items, start=1)] if inst else [], **extra},
        status_code=400 if extra.get("error") else 200)


@router.get("/clients/{code}/questionnaire")
def questionnaire(request: Request, code: str, instrument: str = "", ws: Workspace = Depends(workspace),
                  _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    return _form(request, code, instrument)


@router.post("/clients/{code}/questionnaire")
async def record(request: Request, code: str, ws: Workspace = Depends(workspace),
                 _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    form = await request.form()
    inst = get_instrument(str(form.get("instrument", "")))
    answers = [int(v) if (v := str(form.get(f"item{n}", ""))).lstrip("-").isdigit() else None
               for n in range(1, inst.n_items + 1)]
    session = str(form.get("session", "")).strip()
    when = str(form.get("date", "")).strip()
    try:
        result = ws.record_response(code, inst.id, answers, session=int(session) if session.isdigit() else None,
                                    date=Date.fromisoformat(when) if when else None)
    except InputError as exc:
        return _form(request, code, inst.id, error=exc.message)
    return _form(request, code, inst.id, result=result)
