"""The client portal: invitation, journal (four kinds, autosaved drafts, sharing), check-ins, the safety plan.

Every client page acts through ``Depends(workspace)`` as the logged-in client: the store
keeps them to their own record (another client's entry is a ``NotFoundError``, so 404),
and nothing here shows analyser output. Only ``/portal/invite/TOKEN`` is reached without
a login: the token is the credential, and it works once. The therapist's side (invite a
client, assign a questionnaire) is at the end.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reverie.domain import User
from reverie.errors import InputError, InvitationError
from reverie.journal import KINDS, kind
from reverie.measures.instruments import list_instruments
from reverie.portal import INVITATION_PATH, invitation_link
from reverie.safety import PLAN_STEPS
from reverie.web.auth import SESSION_COOKIE, require_role, set_cookie, workspace
from reverie.web.pages import render, templates
from reverie.web.routes.workspace import own_client
from reverie.workspace import Workspace

router = APIRouter()
# the case page includes portal/_invite_button.html, whose check-in form lists the instruments
templates.env.globals["checkin_instruments"] = lambda: [(i.id, i.name) for i in list_instruments()]
client_only = require_role("client")
therapist_only = require_role("therapist")


def _page(request: Request, ws: Workspace, name: str, context: dict[str, Any] | None = None,
          status_code: int = 200) -> Response:
    """A portal page: every one carries the steady notice (not watched in real time, crisis contacts)."""
    return render(request, f"portal/{name}", {"notice": ws.safety_notice(), "kinds": KINDS, **(context or {})},
                  status_code=status_code)


def _form(data: Any) -> dict[str, str]:
    return {k: v for k, v in data.items() if isinstance(v, str) and k != "csrf_token"}


# ----- home and journal ----------------------------------------------------------------------------------
@router.get("/portal")
def home(request: Request, _user: User = Depends(client_only), ws: Workspace = Depends(workspace)) -> Response:
    return _page(request, ws, "home.html", {"entries": ws.journal(), "drafts": ws.drafts(),
                                            "checkins": ws.assignments()})


@router.get("/portal/write/{kind_id}")
def write_page(request: Request, kind_id: str, _user: User = Depends(client_only),
               ws: Workspace = Depends(workspace)) -> Response:
    draft = ws.draft(kind_id)  # an unknown kind is refused here (400)
    return _page(request, ws, "write.html", {"kind": kind(kind_id), "fields": draft["fields"] if draft else {},
                                             "saved_at": draft["updated_at"] if draft else None})


@router.post("/portal/draft/{kind_id}")
async def save_draft(request: Request, kind_id: str, _user: User = Depends(client_only),
                     ws: Workspace = Depends(workspace)) -> Response:
    """Autosave (htmx, a few seconds after typing stops): answers with the small status line it swaps in."""
    saved = ws.save_draft(kind_id, _form(await request.form()))
    return HTMLResponse(f"Draft saved at {saved['updated_at'][11:16]} UTC")


@router.post("/portal/draft/{kind_id}/discard")
def discard_draft(kind_id: str, _user: User = Depends(client_only), ws: Workspace = Depends(workspace)) -> Response:
    ws.discard_draft(kind_id)
    return RedirectResponse("/portal", status_code=303)


@router.post("/portal/write/{kind_id}")
async def write(request: Request, kind_id: str, _user: User = Depends(client_only),
                ws: Workspace = Depends(workspace)) -> Response:
    fields = _form(await request.form())
    try:
        done = ws.write_entry(kind_id, fields, share=fields.get("share") == "yes")
    except InputError as exc:  # an empty entry: the page again, with what was typed
        return _page(request, ws, "write.html", {"kind": kind(kind_id), "fields": fields, "error": exc.message},
                     status_code=400)
    flag = "&safety=1" if done["safety_message"] else ""
    return RedirectResponse(f"/portal/entries/{done['entry']}?saved=1{flag}", status_code=303)


@router.get("/portal/entries/{entry_id}")
def entry_page(request: Request, entry_id: int, saved: int = 0, safety: int = 0,
               _user: User = Depends(client_only), ws: Workspace = Depends(workspace)) -> Response:
    entry = ws.entry(entry_id)
    return _page(request, ws, "entry.html", {"entry": entry, "saved": saved, "show_safety": bool(safety),
                                             "plan": PLAN_STEPS})


@router.post("/portal/entries/{entry_id}/share")
def share(entry_id: int, shared: str = Form(...), _user: User = Depends(client_only),
          ws: Workspace = Depends(workspace)) -> Response:
    ws.share_entry(entry_id, shared == "yes")
    return RedirectResponse(f"/portal/entries/{entry_id}", status_code=303)


# ----- check-ins -----------------------------------------------------------------------------------------
@router.get("/portal/checkins/{assignment_id}")
def checkin(request: Request, assignment_id: int, item: int | None = None, _user: User = Depends(client_only),
            ws: Workspace = Depends(workspace)) -> Response:
    """One question per screen: the one asked for, else the next unanswered; all answered, the send screen."""
    a = ws.assignment(assignment_id)
    if a["completed_at"] is not None:
        return RedirectResponse("/portal", status_code=303)
    number = item if item is not None and 1 <= item <= len(a["items"]) else a["next"]
    return _page(request, ws, "checkin.html", {"a": a, "number": number,
                                               "item": a["items"][number - 1] if number else None})


@router.post("/portal/checkins/{assignment_id}/answer")
def answer(assignment_id: int, item: int = Form(...), value: int | None = Form(None), _user: User = Depends(client_only),
           ws: Workspace = Depends(workspace)) -> Response:
    if value is None:  # nothing chosen (a browser without form validation): the same question again
        return RedirectResponse(f"/portal/checkins/{assignment_id}?item={item}", status_code=303)
    a = ws.answer_item(assignment_id, item, value)
    following = next((n for n in range(item + 1, len(a["answers"]) + 1) if a["answers"][n - 1] is None), a["next"])
    target = f"/portal/checkins/{assignment_id}" + (f"?item={following}" if following else "")
    return RedirectResponse(target, status_code=303)


@router.post("/portal/checkins/{assignment_id}/complete")
def complete(request: Request, assignment_id: int, _user: User = Depends(client_only),
             ws: Workspace = Depends(workspace)) -> Response:
    result = ws.complete_assignment(assignment_id)
    return _page(request, ws, "checkin_done.html", {"show_safety": bool(result.get("safety_message"))})


# ----- the safety plan -----------------------------------------------------------------------------------
@router.get("/portal/safety-plan")
def safety_plan(request: Request, _user: User = Depends(client_only), ws: Workspace = Depends(workspace)) -> Response:
    return _page(request, ws, "safety_plan.html", {"plan": ws.safety_plan(ws.own_record()), "steps": PLAN_STEPS})


# ----- the invitation (no login: the token is the credential) --------------------------------------------
def _refused(request: Request, exc: InvitationError) -> Response:
    return render(request, "portal/invite_refused.html", {"message": exc.message, "hint": exc.hint},
                  status_code=410, banner=False)


@router.get(INVITATION_PATH + "{token}")
def invitation(request: Request, token: str) -> Response:
    try:
        found = request.app.state.web.ws.invitation(token)
    except InvitationError as exc:
        return _refused(request, exc)
    return render(request, "portal/invite.html", {"invited": found, "token": token}, banner=False)


@router.post(INVITATION_PATH + "{token}")
def accept(request: Request, token: str, password: str = Form(...), again: str = Form(...)) -> Response:
    web = request.app.state.web
    try:
        found = web.ws.invitation(token)
        if password != again:
            raise InputError("the two passwords differ", hint="type the same password twice")
        accepted = web.ws.accept_invitation(token, password)
    except InvitationError as exc:
        return _refused(request, exc)
    except InputError as exc:
        return render(request, "portal/invite.html", {"invited": found, "token": token, "error": exc.message},
                      status_code=400, banner=False)
    user = web.accounts.verify(accepted["user"], password, second_factor=False)
    if request.cookies.get(SESSION_COOKIE):  # whoever was logged in on this browser is logged out
        web.accounts.end_session(request.cookies.get(SESSION_COOKIE))
    cookie, _csrf = web.accounts.start_session(user)
    response = RedirectResponse("/portal", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, cookie)
    return response


# ----- the therapist's side: invite a client, assign a questionnaire --------------------------------------
@router.post("/clients/{code}/invite")
def invite(request: Request, code: str, _user: User = Depends(therapist_only),
           ws: Workspace = Depends(workspace)) -> Response:
    """Make the one-time link and show it once (only its hash is kept): the therapist passes it to the client."""
    own_client(ws, code)
    inv = ws.invite(code)
    link = invitation_link(str(request.base_url), inv["token"])
    return render(request, "portal/invited.html", {"code": code, "invited": inv, "link": link})


@router.post("/clients/{code}/assign")
def assign(code: str, instrument: str = Form(...), _user: User = Depends(therapist_only),
           ws: Workspace = Depends(workspace)) -> Response:
    own_client(ws, code)
    ws.assign(code, instrument)
    return RedirectResponse(f"/clients/{code}?assigned={instrument}", status_code=303)
