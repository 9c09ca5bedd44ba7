"""``reverie import``: transcripts, journal entries and a client's workspace export into the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.text import Text

from reverie.cli.common import ClientOpt, JsonOpt, emit_json, err, out, parse_date, with_workspace
from reverie.ingest.bounds import MAX_INT

if TYPE_CHECKING:
    from reverie.workspace import Workspace

import_app = typer.Typer(help="Import transcripts, journal entries and exports.", no_args_is_help=True)


@import_app.command("transcript")
@with_workspace
def import_transcript(ws: Workspace, file: Path, client: ClientOpt, date: Annotated[Optional[str], typer.Option(help="Session date YYYY-MM-DD.")] = None,
                      fmt: Annotated[str, typer.Option("--format", help="auto|text|vtt|srt|sbv|otter|rev|json|jsonl|csv")] = "auto",
                      therapist_label: Annotated[Optional[str], typer.Option(help="Speaker label used for the therapist.")] = None,
                      client_label: Annotated[Optional[str], typer.Option(help="Speaker label used for the client.")] = None,
                      number: Annotated[Optional[int], typer.Option(min=0, max=MAX_INT, help="Session number (default: the next one).")] = None,
                      encoding: Annotated[Optional[str], typer.Option(help="The file's encoding, e.g. utf-16 or cp1252 (default: detected).")] = None,
                      as_json: JsonOpt = False) -> None:
    """Import a session transcript (text with speaker labels, WebVTT, SRT, SBV, Otter/Rev exports, JSON/JSONL, CSV)."""
    result = ws.import_transcript(file, client, date=parse_date(date), fmt=fmt, therapist_label=therapist_label,
                                  client_label=client_label, number=number, encoding=encoding)
    if as_json:
        emit_json(result)
        return
    for note in result["notes"]:
        err.print(f"note: {note}")
    for s in result["sessions"]:
        out.print(f"{'Already stored' if result['duplicate'] else 'Imported'} session {s['id']} (client {s['client']}, "
                  f"number {s['number']}): {s['utterances']} utterances, {s['client_words']} client words, "
                  f"{s['therapist_words']} therapist words")


@import_app.command("entries")
@with_workspace
def import_entries(ws: Workspace, file: Path, client: ClientOpt, as_json: JsonOpt = False) -> None:
    """Import journal entries (JSONL or CSV: written_at,kind,title,text)."""
    result = ws.import_entries(file, client)
    if as_json:
        emit_json(result)
        return
    dup = sum(1 for e in result["entries"] if e["duplicate"])
    out.print(f"Imported {result['imported']} journal entries for {client}" + (f" ({dup} already stored)" if dup else ""))
    for f in result["safety"]:
        out.print(Text.assemble((f"Safety task {f['task']}", "bold red"), f" opened: {f['category']} ({f['severity']}) — "
                                f"\"{'; '.join(f['quotes'])}\""))


@import_app.command("workspace-export")
@with_workspace
def import_workspace_export(ws: Workspace, path: Path, as_json: JsonOpt = False) -> None:
    """Bring back a client from `reverie export --format json`."""
    result = ws.import_export(path)
    emit_json(result) if as_json else out.print(
        f"Imported client {result['client']}: {result['sessions']} sessions, {result['entries']} entries, "
        f"{result['responses']} questionnaire responses")
