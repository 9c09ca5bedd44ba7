"""Rendering pages: one Jinja2 environment (autoescaped), and what every page gets (user, CSRF token, safety banner).

The safety banner: a therapist sees their open safety tasks at the top of every page
until each is acknowledged; reading them is an audited read like any other.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from reverie.web.auth import CSRF_COOKIE, csrf_token, login_session, set_cookie

templates = Jinja2Templates(directory=str(files("reverie.web") / "templates"))


def _json_script(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: ``<``, ``>`` and ``&`` escaped so it cannot end it."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


templates.env.filters["json_script"] = _json_script


def task_view(task: dict[str, Any]) -> dict[str, Any]:
    """A safety task with where its evidence came from (and a link there) and the evidence's own date."""
    ev, ref = task.get("evidence") or {}, str(task.get("source_ref") or "")
    where, href, when = task["source"], None, ev.get("entry_date") or ev.get("session_date")
    if task["source"] == "utterance" and ref.startswith("session:"):
        sid = ref.split(":")[1]
        where = f"session {ev.get('session_number', '')}, turn {ev.get('turn', ref.split(':')[-1])}".replace("  ", " ")
        href = f"/clients/{task['client']}/sessions/{sid}#turn-{ref.split(':')[-1]}"
    elif task["source"] == "entry":
        where = "a journal entry"
    elif task["source"] in ("questionnaire", "answer"):
        where = f"{str(ev.get('instrument') or 'a questionnaire').upper()}" + \
            (f" at session {ev['session']}" if ev.get("session") is not None else "")
    return task | {"where": where, "href": href, "date": str(when or task["created_at"])[:10]}


def open_tasks(request: Request) -> list[dict[str, Any]]:
    """The logged-in therapist's open safety tasks (for the banner); none for other roles."""
    found = login_session(request)
    if found is None or found.user.role != "therapist":
        return []
    if not hasattr(request.state, "open_tasks"):
        ws = request.app.state.web.ws.acting_as(found.user, origin="web")
        request.state.open_tasks = [task_view(t) for t in ws.safety_tasks(open_only=True)]
    return request.state.open_tasks


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200,
           banner: bool = True) -> Response:
    found = login_session(request)
    token = csrf_token(request)
    idle = int(request.app.state.web.accounts.idle.total_seconds()) + 5  # an idle page leaves the screen with its session
    page = {"request": request, "user": found.user if found else None, "csrf_token": token, "idle_seconds": idle,
            "safety_tasks": open_tasks(request) if banner else [], **(context or {})}
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    if found is None and request.cookies.get(CSRF_COOKIE) != token:
        set_cookie(request, response, CSRF_COOKIE, token)
    return response
