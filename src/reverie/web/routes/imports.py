"""Import on the web: upload a transcript (any format the importer reads), preview its speakers and their roles,
confirm, then watch the analysis (an htmx-polled status; a plain reload works too)."""

from __future__ import annotations

from collections import Counter
from datetime import date as Date

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from reverie import ingest
from reverie.domain import User
from reverie.errors import InputError
from reverie.web.auth import require_role, workspace
from reverie.web.jobs import Job, Upload
from reverie.web.pages import render
from reverie.workspace import Workspace

router = APIRouter()
therapist = require_role("therapist")


def _own_codes(ws: Workspace) -> list[str]:
    return [c["code"] for c in ws.clients() if c["therapist"] == ws.user.name]


@router.get("/import")
def import_page(request: Request, client: str = "", ws: Workspace = Depends(workspace),
                _: User = Depends(therapist)) -> Response:
    return render(request, "import.html", {"clients": _own_codes(ws), "client": client,
                                           "formats": ingest.TRANSCRIPT_FORMATS})


@router.post("/import/preview")
async def preview(request: Request, client: str = Form(...), file: UploadFile = File(...), fmt: str = Form("auto"),
                  date: str = Form(""), ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    """Parse the upload (nothing stored) and show its sessions, speakers and the roles they were given."""
    client = client.strip()
    if not client:
        raise InputError("name the client (their code)", hint="pick one from your caseload or type a new code")
    if client in {c["code"] for c in ws.clients()} and client not in _own_codes(ws):
        raise InputError(f"the code '{client}' is taken", hint="choose another code for a new client")
    data = await file.read(ingest.MAX_FILE_BYTES + 1)
    if len(data) > ingest.MAX_FILE_BYTES:
        raise InputError(f"{file.filename} is larger than {ingest.MAX_FILE_BYTES // 1_000_000} MB",
                         hint="split the file into sessions")
    name = (file.filename or "upload").replace("/", "_")[-120:]
    transcript = ingest.read_transcript(name, client=client, fmt=fmt, data=data)
    when = Date.fromisoformat(date) if date else None
    speakers = Counter((u.speaker, u.role) for s in transcript.sessions for u in s.utterances)
    first = {}
    for s in transcript.sessions:
        for u in s.utterances:
            first.setdefault(u.speaker, u.text[:90])
    rows = [{"speaker": sp, "role": role, "turns": n, "first": first.get(sp, "")} for (sp, role), n in speakers.items()]
    key = request.app.state.web.jobs.hold(Upload(ws.user.name, name, data, {"client": client, "fmt": fmt,
                                                                            "date": date}))
    return render(request, "import_preview.html", {
        "key": key, "client": client, "name": name, "format": transcript.format, "notes": transcript.notes,
        "sessions": [{"number": s.number, "turns": len(s.utterances), "date": (when or s.date)}
                     for s in transcript.sessions], "speakers": rows})


@router.post("/import/confirm")
def confirm(request: Request, key: str = Form(...), therapist_speaker: str = Form(""), analyse: str = Form(""),
            ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    """Store the previewed upload (one transaction), then start its analysis when asked."""
    jobs = request.app.state.web.jobs
    upload = jobs.upload(key, ws.user.name, take=True)
    if upload is None:
        raise InputError("this upload has expired or was already imported", hint="upload the file again")
    o = upload.options
    speakers = {u.speaker for s in ingest.read_transcript(upload.name, o["client"], fmt=o["fmt"], data=upload.data).sessions
                for u in s.utterances}
    others = sorted(speakers - {therapist_speaker})
    result = ws.import_transcript(upload.name, o["client"], date=Date.fromisoformat(o["date"]) if o["date"] else None,
                                  fmt=o["fmt"], therapist_label=therapist_speaker or None,
                                  client_label=others[0] if therapist_speaker and len(others) == 1 else None,
                                  data=upload.data)
    code, first = o["client"], result["sessions"][0]
    href = f"/clients/{code}/sessions/{first['id']}"
    if result["duplicate"]:
        return RedirectResponse(href + "?already=1", status_code=303)  # imported before: nothing new to analyse
    if not analyse:
        return RedirectResponse(href, status_code=303)
    ids, chosen = [s["id"] for s in result["sessions"]], request.app.state.web.analyzers

    def work(job: Job) -> None:
        for n, sid in enumerate(ids, start=1):
            job.step = f"session {n} of {len(ids)}"
            ws.analyze(session_id=sid, analyzers=chosen,
                       progress=lambda name, done, total: _progress(job, name, done, total))
    job = jobs.start(Job(ws.user.name, code, href), work)
    return RedirectResponse(f"/import/status/{job}", status_code=303)


def _progress(job: Job, name: str, done: int, total: int) -> None:
    job.message, job.done, job.total = name, done, total


@router.get("/import/status/{key}")
def status(request: Request, key: str, ws: Workspace = Depends(workspace), _: User = Depends(therapist)) -> Response:
    job = request.app.state.web.jobs.job(key, ws.user.name)
    if job is None:
        raise InputError("no such analysis running", hint="it may have finished before the server restarted")
    partial = bool(request.headers.get("hx-request"))
    response = render(request, "_job.html" if partial else "import_status.html", {"job": job, "key": key},
                      banner=not partial)
    if partial and job.state == "done":
        response.headers["HX-Redirect"] = job.href
    return response
