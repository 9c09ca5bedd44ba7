"""The therapist's pages: caseload, case overview, session view, process notes, case report (HTML and PDF).

Every page acts through ``Depends(workspace)``: the store scopes and audits each read. A client outside the
therapist's own caseload is a 404 (``own_client``), also for a therapist who administers the workspace.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reverie.analysis.results import with_journal
from reverie.domain import User
from reverie.errors import NotFoundError
from reverie.reports.case_report import CLASS_LABELS
from reverie.reports.context import declared_panels, key_moments
from reverie.web import display
from reverie.web.auth import require_role, workspace
from reverie.web.pages import render
from reverie.workspace import Workspace

router = APIRouter()
therapist = require_role("therapist")


def own_client(ws: Workspace, code: str) -> None:
    """404 unless the client is in the acting therapist's own caseload (the store hides everyone else's)."""
    if ws.user.role != "therapist" or ws.store.client(code).therapist != ws.user.name:
        raise NotFoundError(f"no client with code '{code}'")


@router.get("/")
def caseload(request: Request, ws: Workspace = Depends(workspace)) -> Response:
    if ws.user.role == "client":
        return RedirectResponse("/portal", status_code=303)
    clients = [c for c in ws.clients() if c["therapist"] == ws.user.name]  # an admin-therapist's own caseload
    for c in clients:
        sessions = ws.sessions(c["code"]) if c["sessions"] else []
        c["last_session"] = sessions[-1]["date"] or f"session {sessions[-1]['number']}" if sessions else None
        case = ws.progress(c["code"])["case"] if c["responses"] else {}  # questionnaires only: cheap, no markers
        c["progress_label"] = CLASS_LABELS.get(case.get("class"), case.get("class"))
    return render(request, "caseload.html", {"clients": clients})


def _timeline(ws: Workspace, code: str) -> list[dict[str, Any]]:
    """Sessions, the journal entries the client shared, and questionnaires, oldest first."""
    items = [{"when": s["date"] or "", "kind": "session", "title": f"Session {s['number']}" +
              (f" · {s['label']}" if s.get("label") else ""), "href": f"/clients/{code}/sessions/{s['id']}",
              "detail": f"{s['utterances']} turns"} for s in ws.sessions(code)]
    items += [{"when": e.written_at.date().isoformat(), "kind": f"journal · {e.kind.replace('_', ' ')}",
               "title": e.title or "", "text": e.text, "href": None} for e in ws.entries(code)]
    items += [{"when": r.date.isoformat() if r.date else "", "kind": "questionnaire", "title": r.instrument.upper(),
               "detail": f"session {r.session}" if r.session is not None else "", "href": None}
              for r in ws.responses(code)]
    return sorted(items, key=lambda i: i["when"] or "9999")


def _series_rows(sessions: list[dict[str, Any]], series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One table row per session: its value in each declared series (None where the series has no point)."""
    values = [{p["id"]: p["value"] for p in s["points"]} for s in series]
    return [{"number": s["number"], "id": s["id"], "cells": [v.get(s["id"]) for v in values]} for s in sessions]


@router.get("/clients/{code}")
def case(request: Request, code: str, ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    analysis = ws.stored_analysis(code)
    progress = ws.case_progress(code, analysis)
    series = display.session_series(analysis["sessions"])
    ids = {s["number"]: s["id"] for s in analysis["sessions"]}
    chart = {"sessions": progress.get("sessions", []), "bands": progress.get("bands") or {},
             "flags": progress.get("flags") or [], "series": series, "client": code}
    return render(request, "case.html", {
        "code": code, "timeline": _timeline(ws, code), "progress": progress, "chart": chart, "series": series,
        "series_rows": _series_rows(analysis["sessions"], series),
        "class_label": CLASS_LABELS.get(progress["case"].get("class"), progress["case"].get("class")),
        "panels": declared_panels(with_journal(analysis)),
        "missing": analysis.get("missing"), "moments": [m | {"session_id": ids.get(m["session"])}
                                                        for m in key_moments(analysis, limit_per_session=1)]})


@router.get("/clients/{code}/sessions/{session_id}")
def session_view(request: Request, code: str, session_id: int, show: list[str] = Query(default=[]),
                 ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    meta = next((s for s in ws.sessions(code) if s["id"] == session_id), None)
    if meta is None:
        raise NotFoundError(f"no session {session_id} for client '{code}'")
    analysis = ws.stored_analysis(code, session_id)
    stored = next((s for s in analysis["sessions"] if s["id"] == session_id), None)
    turns, present = [], []
    for u in stored["utterances"] if stored else []:
        chips = display.chips(u.get("annotations") or {}, u["text"])
        present += [c.group for c in chips if c.group not in present]
        shown = [c for c in chips if not show or c.group in show]
        quiet = [sp for c in shown if c.kind != "process" for sp in c.spans]  # process figures (RA...) keep to their chip
        turns.append({**u, "chips": shown, "html": display.highlight(u["text"], quiet),
                      "gap": display.silence(u.get("annotations") or {})})
    notes = [n for n in ws.notes(code) if n["session"] == meta["number"]]
    draft = ws.note_draft(code, meta["number"])
    moments = [m for m in key_moments(analysis, limit_per_session=5) if m["session"] == meta["number"]]
    return render(request, "session.html", {
        "code": code, "meta": meta, "turns": turns, "groups": [(g, display.group_label(g)) for g in present],
        "show": show, "notes": notes, "draft": draft, "moments": moments, "missing": analysis.get("missing"),
        "summary": stored["summary"] if stored else {}})


@router.post("/clients/{code}/notes")
def add_note(code: str, text: str = Form(...), session: int | None = Form(None), back: str = Form("/"),
             ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    ws.add_note(code, text, session)
    return RedirectResponse(back if back.startswith(f"/clients/{code}") else f"/clients/{code}", status_code=303)


@router.post("/clients/{code}/notes/draft")
def save_note_draft(code: str, text: str = Form(""), session: int | None = Form(None),
                    ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    """Autosave of the note being typed (htmx, a few seconds after typing stops): answers with the status line. Each
    save is a request, so a therapist writing a long note is not logged off as idle, and one who walks away finds
    the draft on the session page again."""
    own_client(ws, code)
    saved = ws.save_note_draft(code, text, session)
    return HTMLResponse(f"Draft kept at {saved['updated_at'][11:16]} UTC (only you see it until you save the note)")


@router.get("/clients/{code}/report")
def report(code: str, ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    own_client(ws, code)
    return Response(ws.report_html(code), media_type="text/html; charset=utf-8")


@router.get("/clients/{code}/report.pdf")
def report_pdf(code: str, ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    """The same HTML as the report page, printed by WeasyPrint (no network: it may fetch nothing)."""
    from weasyprint import HTML
    own_client(ws, code)
    pdf = HTML(string=ws.report_html(code), url_fetcher=_no_fetch).write_pdf()
    name = f"{code}-case-report-{date.today().isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}"'})


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the report may not load {url[:40]}")


def _ascii(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
