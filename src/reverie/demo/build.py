"""Build the demo workspace from the fictional case in ``reverie/demo`` (see its README and manifest).

The demo rebuilds only a folder it made itself: one holding its marker file. A folder with any other workspace
(or any other files) in it is refused, never deleted.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from reverie.errors import InputError
from reverie.outputs import atomic_write
from reverie.workspace import init

DEMO_DIR = Path(__file__).parent
DEFAULT_FOLDER = "reverie-demo"
MARKER = "reverie-demo.txt"
THERAPIST_LOGIN = "therapist@demo.local"
CLIENT_LOGIN = "client@demo.local"
MARKER_TEXT = ("This folder was built by `reverie demo` from a fictional case.\n"
               "`reverie demo` deletes and rebuilds it: do not keep real clients' data here.\n")


def load_manifest() -> dict[str, Any]:
    return yaml.safe_load((DEMO_DIR / "manifest.yaml").read_text(encoding="utf-8"))


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def clear_demo_folder(folder: Path) -> None:
    """Make way for a fresh demo: delete a folder the demo built (it holds the marker); refuse any other."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not folder.is_dir():
        raise InputError(f"{folder} is not a folder the demo built", hint="choose another --workspace folder")
    if (folder / MARKER).is_file():
        shutil.rmtree(folder)
        return
    if (folder / "workspace.json").exists() or (folder / "reverie.db").exists():
        raise InputError(f"{folder} holds a Reverie workspace that `reverie demo` did not build: the demo never "
                         "deletes it", hint=f"build the demo in its own folder (the default is ./{DEFAULT_FOLDER})")
    if any(folder.iterdir()):
        raise InputError(f"{folder} exists and holds other files: the demo never deletes them",
                         hint="choose an empty or new --workspace folder")


def add_demo_accounts(ws: Any, code: str, password: str | None = None) -> dict[str, str]:
    """The demo's web accounts: ``therapist@demo.local`` (the acting therapist) and ``client@demo.local`` (the client),
    with one password (generated when not given)."""
    password = password or secrets.token_urlsafe(12)
    ws.set_password(ws.user.name, password, login=THERAPIST_LOGIN)
    ws.add_user(CLIENT_LOGIN, "client", code)
    ws.set_password(CLIENT_LOGIN, password)
    return {"therapist": THERAPIST_LOGIN, "client": CLIENT_LOGIN, "password": password}


def build_demo(workspace: str | Path, key_file: str | Path | None = None,
               progress: Callable[[str], None] = lambda _msg: None, password: str | None = None) -> dict[str, Any]:
    """A fresh workspace with the demo client imported, analysed and reported, and its two web accounts; returns the
    report path, a summary and the accounts."""
    manifest = load_manifest()
    profile = manifest["client"]
    therapist = manifest["therapist"]["name"]
    clear_demo_folder(Path(workspace))
    atomic_write(Path(workspace) / MARKER, MARKER_TEXT)
    ws = init(workspace, key_file=key_file, user=therapist, locale=profile.get("locale"))
    try:
        code = profile["code"]
        ws.add_client(code, age_band=profile.get("age_band"), sex=profile.get("sex"), locale=profile.get("locale"))
        ws.grant_consent(code, "transcription")
        ws.grant_consent(code, "analysis")
        for s in manifest["sessions"]:
            progress(f"importing session {s['number']} ({s['format']})")
            ws.import_transcript(DEMO_DIR / s["file"], code, date=_as_date(s.get("date")), fmt=s["format"],
                                 therapist_label=s.get("therapist_label"), client_label=s.get("client_label"),
                                 number=s["number"])
        progress("importing the journal")
        journal = ws.import_entries(DEMO_DIR / manifest["journal"], code)
        progress("importing questionnaires")
        measures = ws.import_responses(DEMO_DIR / manifest["measures"], code)
        if manifest.get("safety_plan"):
            ws.set_safety_plan(code, yaml.safe_load((DEMO_DIR / manifest["safety_plan"]).read_text(encoding="utf-8")))
        progress("analysing (the first run loads the sentence encoder)")
        analysis = ws.analyze(client=code)
        report = ws.report(code, Path(workspace) / "reports" / f"{code}-case-report.html", analysis,
                           inside_workspace=True)
        prog = ws.case_progress(code, analysis)
        tasks = ws.safety_tasks()
        accounts = add_demo_accounts(ws, code, password)
    finally:
        ws.close()
    summary = (f"Demo workspace {workspace}: client '{code}' (fictional), {len(manifest['sessions'])} sessions, "
               f"{journal['imported']} journal entries, {measures['imported']} questionnaire responses.\n"
               f"Progress: {prog['case']['class']} — {prog['case']['explanation']}\n"
               f"Open safety tasks: {len(tasks)} (see `reverie safety list --workspace {workspace}`).")
    return {"workspace": str(workspace), "report": str(report), "summary": summary, "progress": prog,
            "accounts": accounts}
