"""``reverie init``, ``clients``, ``sessions``, ``entries``, ``show session`` and ``export``: the workspace's records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.text import Text

from reverie.cli.common import (ClientOpt, DbOpt, ForceOpt, JsonOpt, KeyOpt, WorkspaceOpt, emit_json, out, table,
                                with_workspace)
from reverie.ingest.bounds import MAX_INT

if TYPE_CHECKING:
    from reverie.workspace import Workspace

show_app = typer.Typer(help="Show one record.", no_args_is_help=True)


def init(workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
         passphrase: Annotated[bool, typer.Option("--passphrase", help="Derive the key from a passphrase (prompted, or from REVERIE_PASSPHRASE).")] = False,
         user: Annotated[str, typer.Option("--user", help="Name of the first user (a therapist who administers the workspace).")] = "therapist",
         jurisdiction: Annotated[Optional[str], typer.Option(help="Jurisdiction profile: none, us-il.")] = None,
         locale: Annotated[Optional[str], typer.Option(help="Default locale for crisis contacts, e.g. en-GB.")] = None,
         as_json: JsonOpt = False) -> None:
    """Create a workspace: database, schema, key file (mode 0600, outside the workspace) and the first user."""
    import os

    import reverie.workspace as rw
    phrase = None
    if passphrase:
        phrase = os.environ.get("REVERIE_PASSPHRASE") or typer.prompt("Passphrase", hide_input=True, confirmation_prompt=True)
    ws = rw.init(workspace, db=db, key_file=key_file, passphrase=phrase, user=user, jurisdiction=jurisdiction, locale=locale)
    info = {"workspace": str(ws.settings.workspace), "created": ws.created, "user": ws.user.name,
            "key_file": str(ws.key_path) if ws.key_path else None, "database": ws.settings.db_url.split("://")[0]}
    ws.close()
    if as_json:
        emit_json(info)
        return
    out.print(f"{'Created' if info['created'] else 'Already initialised:'} workspace {info['workspace']} "
              f"(user {info['user']}, {info['database']})")
    if info["key_file"]:
        out.print(f"Key file: {info['key_file']} — back it up apart from the workspace; without it the data cannot be read.")


@with_workspace
def clients(ws: Workspace, as_json: JsonOpt = False) -> None:
    """List the clients you can see."""
    rows = ws.clients()
    if as_json:
        emit_json(rows)
        return
    table("Clients", ["code", "open safety tasks", "therapist", "sessions", "entries", "responses", "hold"],
          [[r["code"], r["open_safety_tasks"] or "", r["therapist"], r["sessions"], r["entries"], r["responses"],
            "yes" if r["hold"] else ""] for r in rows])


@with_workspace
def sessions(ws: Workspace, client: ClientOpt, as_json: JsonOpt = False) -> None:
    """List a client's sessions."""
    rows = ws.sessions(client)
    if as_json:
        emit_json(rows)
        return
    table(f"Sessions of {client}", ["id", "number", "label", "date", "utterances", "client words", "therapist words", "minutes"],
          [[r["id"], r["number"], Text(r.get("label") or ""), r["date"], r["utterances"], r["client_words"], r["therapist_words"],
            f"{r['duration'] / 60:.1f}" if r["duration"] else ""] for r in rows])


@with_workspace
def entries(ws: Workspace, client: ClientOpt, as_json: JsonOpt = False) -> None:
    """List the journal entries you may read (a therapist sees only those the client shared)."""
    rows = [e.to_dict() for e in ws.entries(client)]
    if as_json:
        emit_json(rows)
        return
    table(f"Journal of {client}", ["id", "written", "kind", "title", "words"],
          [[r["id"], r["written_at"][:16], r["kind"], r["title"], len(r["text"].split())] for r in rows])


@show_app.command("session")
@with_workspace
def show_session(ws: Workspace, session_id: Annotated[int, typer.Argument(min=0, max=MAX_INT)], annotations: Annotated[bool, typer.Option("--annotations", help="Show the markers beside each utterance.")] = False,
                 as_json: JsonOpt = False) -> None:
    """Show a session's utterances (speaker, text, times, markers), optionally with the analysers' markers."""
    from reverie.cli.views import render_session
    if annotations:
        data = ws.analyze(session_id=session_id)["sessions"][0]
    else:
        s = ws.session(session_id)
        data = {"id": s.id, "client": s.client, "number": s.number, "label": s.label,
                "date": s.date.isoformat() if s.date else None,
                "duration": s.duration, "utterances": [u.to_dict() for u in s.utterances]}
    emit_json(data) if as_json else render_session(out, data, annotations)


@with_workspace
def export(ws: Workspace, client: ClientOpt, fmt: Annotated[str, typer.Option("--format", help="json|csv|fhir")] = "json",
           out_path: Annotated[Path, typer.Option("--out", help="Output file (json, fhir) or folder (csv).")] = Path("export.json"),
           include_process_notes: Annotated[bool, typer.Option(help="Include psychotherapy (process) notes.")] = False,
           force: ForceOpt = False) -> None:
    """Export everything a client provided (transcripts, journal, questionnaires), machine-readable."""
    path = ws.export(client, fmt, out_path, include_process_notes, force=force)
    out.print(f"Wrote {fmt} export of {client} to {path}")
