"""``reverie analyze`` and ``reverie analyzers list``: the analysers' markers on a file or on stored sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from reverie.cli.common import (JsonOpt, WorkspaceOptions, emit_json, err, out, table,
                                with_workspace_options)
from reverie.errors import InputError
from reverie.ingest.bounds import MAX_INT

analyzers_app = typer.Typer(help="The registered analysers.", no_args_is_help=True)


@analyzers_app.command("list")
def analyzers_list(as_json: JsonOpt = False) -> None:
    """Show the registered analysers, their versions, fields and settings."""
    from reverie.analysis.base import REGISTRY
    rows = REGISTRY.describe()
    if as_json:
        emit_json(rows)
        return
    table("Analysers", ["name", "version", "level", "roles", "fields", "settings"],
          [[r["name"], r["version"], r["level"], ",".join(r["roles"]), ", ".join(r["fields"]), ", ".join(r["settings"])]
           for r in rows])


def _progress_bar() -> Any:
    from rich.progress import BarColumn, Progress, TextColumn
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   console=err, transient=True)
    tasks: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total)
        bar.update(tasks[name], completed=done)
    return bar, update


@with_workspace_options
def analyze(options: WorkspaceOptions,
            file: Annotated[Optional[Path], typer.Argument(help="A transcript file to analyse without storing it.")] = None,
            client: Annotated[Optional[str], typer.Option("--client", "-c", help="Analyse a client's sessions and journal.")] = None,
            session: Annotated[Optional[int], typer.Option("--session", min=0, max=MAX_INT, help="Analyse one stored session.")] = None,
            fmt: Annotated[str, typer.Option("--format", help="Format of FILE.")] = "auto",
            analyzers: Annotated[Optional[str], typer.Option("--analyzers", help="Comma-separated analyser names (default all).")] = None,
            wrad: Annotated[Optional[Path], typer.Option("--wrad", help="A user-supplied WRAD weight file for `referential`.")] = None,
            therapist_label: Annotated[Optional[str], typer.Option(help="Speaker label of the therapist in FILE.")] = None,
            client_label: Annotated[Optional[str], typer.Option(help="Speaker label of the client in FILE.")] = None,
            as_json: JsonOpt = False) -> None:
    """Annotate sessions with every analyser's markers (stored for --client/--session; nothing stored for FILE)."""
    from reverie.cli.views import render_analysis
    names = [n.strip() for n in analyzers.split(",") if n.strip()] if analyzers else None
    settings = {"referential": {"wrad": str(wrad)}} if wrad else None
    bar, update = _progress_bar()
    with bar:
        if file is not None:
            from reverie.settings import resolve
            from reverie.workspace import analyze_file
            result = analyze_file(file, fmt, names, therapist_label, client_label, settings, update,
                                  jurisdiction=resolve(workspace=options.workspace).jurisdiction)
        elif client is None and session is None:
            raise InputError("give a transcript FILE, --client CODE or --session ID")
        else:
            with options.open() as ws:
                result = ws.analyze(client=client, session_id=session, analyzers=names, settings=settings, progress=update)
    emit_json(result) if as_json else render_analysis(out, result)
