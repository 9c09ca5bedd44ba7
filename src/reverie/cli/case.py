"""A client's case pictures: ``reverie patterns``, ``themes``, ``dreams``, ``progress`` and the case ``report``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from reverie.cli.common import (ClientOpt, ForceOpt, JsonOpt, WorkspaceOptions, emit_json, out, with_workspace,
                                with_workspace_options)
from reverie.errors import InputError

if TYPE_CHECKING:
    from reverie.workspace import Workspace

FileArg = Annotated[Optional[Path], typer.Argument(help="A transcript or journal file (nothing stored).")]
CaseClientOpt = Annotated[Optional[str], typer.Option("--client", "-c", help="A client's sessions and journal.")]
FormatOpt = Annotated[str, typer.Option("--format", help="Format of a transcript FILE.")]
TherapistLabelOpt = Annotated[Optional[str], typer.Option(help="Speaker label of the therapist in FILE.")]
ClientLabelOpt = Annotated[Optional[str], typer.Option(help="Speaker label of the client in FILE.")]


@with_workspace_options
def patterns(options: WorkspaceOptions, file: FileArg = None, client: CaseClientOpt = None,
             names: Annotated[Optional[str], typer.Option(help="Known figures, e.g. 'Margaret=boss,Jonah=partner'.")] = None,
             fmt: FormatOpt = "auto", therapist_label: TherapistLabelOpt = None, client_label: ClientLabelOpt = None,
             as_json: JsonOpt = False) -> None:
    """Relationship episodes (CCRT): wish, response of other and of self, the CCRT, and patterns replayed with several figures."""
    from reverie.reports.terminal import render_patterns
    from reverie.workspace.files import parse_names, patterns_file
    known = parse_names(names)
    if file is not None:
        result = patterns_file(file, fmt, therapist_label, client_label, known)
    elif client is None:
        raise InputError("give a transcript or journal FILE or --client CODE")
    else:
        with options.open() as ws:
            result = ws.patterns(client, known)
    emit_json(result) if as_json else render_patterns(out, result)


@with_workspace_options
def themes(options: WorkspaceOptions, file: FileArg = None, client: CaseClientOpt = None, fmt: FormatOpt = "auto",
           therapist_label: TherapistLabelOpt = None, client_label: ClientLabelOpt = None,
           as_json: JsonOpt = False) -> None:
    """Recurring themes across sessions and journal: their words, timeline, and themes that return or stay in the journal."""
    from reverie.reports.terminal import render_themes
    from reverie.workspace.files import themes_file
    if file is not None:
        result = themes_file(file, fmt, therapist_label, client_label)
    elif client is None:
        raise InputError("give a transcript or journal FILE or --client CODE")
    else:
        with options.open() as ws:
            result = ws.themes(client)
    emit_json(result) if as_json else render_themes(out, result)


def _check_chart_target(ws: Workspace, plot: Path, force: bool) -> None:
    """A chart's file is checked before any work, like every output: its suffix (.png or .svg), then its place."""
    from reverie.outputs import check_target
    from reverie.reports.charts import chart_format
    chart_format(plot)
    check_target(plot, force=force, protected=ws.protected())


@with_workspace
def progress(ws: Workspace, client: ClientOpt, plot: Annotated[Optional[Path], typer.Option(help="Write the progress plot (.png or .svg).")] = None,
             force: ForceOpt = False, as_json: JsonOpt = False) -> None:
    """Feeling better vs getting better, session by session, with reliable change and sudden gains."""
    from reverie.cli.views import render_progress
    if plot is not None:
        _check_chart_target(ws, plot, force)
    result = ws.case_progress(client)
    if plot is not None:
        ws.write_plot(result, plot, force=force)
    emit_json(result) if as_json else render_progress(out, result)
    if plot is not None and not as_json:
        out.print(f"Plot: {plot}")


@with_workspace
def report(ws: Workspace, client: ClientOpt, out_path: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path("report.html"),
           force: ForceOpt = False) -> None:
    """Write a self-contained HTML case report."""
    path = ws.report(client, out_path, force=force)
    out.print(f"Wrote case report {path}")


@with_workspace
def dreams(ws: Workspace, client: ClientOpt, plot: Annotated[Optional[Path], typer.Option(help="Write the h-profile chart (.png or .svg).")] = None,
           force: ForceOpt = False, as_json: JsonOpt = False) -> None:
    """A client's dreams coded with Hall & Van de Castle, the indicators and the h-profile against the norms."""
    from reverie.cli.views import render_dreams
    if plot is not None:
        _check_chart_target(ws, plot, force)
    result = ws.dreams(client)
    if plot is not None:
        ws.write_dream_chart(result, plot, force=force)
    emit_json(result) if as_json else render_dreams(out, result)
    if plot is not None and not as_json:
        out.print(f"Chart: {plot}")
