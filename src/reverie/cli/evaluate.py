"""``reverie eval``: how well the analysers agree with human coding of published and user-supplied data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reverie.cli.common import JsonOpt, emit_json, out
from reverie.errors import InputError

eval_app = typer.Typer(help="Agreement of analysers with human coding.", no_args_is_help=True)

EvalEngineOpt = Annotated[Optional[str], typer.Option("--engine", help="Annotate through the corpus engine: local or dask (default: in this process).")]
EvalWorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=512, help="Worker processes for --engine.")]
EvalSchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="A running Dask scheduler's address, with --engine dask.")]


@eval_app.command("defenses")
def eval_defenses(data: Annotated[Path, typer.Option("--data", help="JSON array in the PsyDefConv format.")], as_json: JsonOpt = False,
                  engine: EvalEngineOpt = None, workers: EvalWorkersOpt = 1, scheduler: EvalSchedulerOpt = None) -> None:
    """Agreement of the defenses analyser with expert DMRS coding."""
    from reverie.batch.scaled import scaled
    from reverie.evaluation.defenses import evaluate, format_report, load_rows
    result = evaluate(load_rows(data), scaled("defenses", engine, workers, scheduler))
    emit_json(result) if as_json else out.print(format_report(result))


@eval_app.command("risk")
def eval_risk(data: Annotated[Optional[Path], typer.Option("--data", help='JSONL of {"text", "label"}.')] = None,
              sessions: Annotated[Optional[list[Path]], typer.Option("--sessions", metavar="FILE", help="Transcripts to screen turn by turn (more may follow).")] = None,
              more: Annotated[Optional[list[Path]], typer.Argument(metavar="FILE", help="More transcripts for --sessions.", show_default=False)] = None,
              risk_free: Annotated[Optional[list[Path]], typer.Option("--risk-free", metavar="FILE", help="A transcript you mark as risk-free (repeatable).")] = None,
              at_risk: Annotated[Optional[list[Path]], typer.Option("--at-risk", metavar="FILE", help="A transcript you mark as holding risk (repeatable).")] = None,
              figures_only: Annotated[bool, typer.Option("--figures-only", help="Print --data's figures without the texts of its misses and false alarms (for a held-out set's one run).")] = False,
              as_json: JsonOpt = False, engine: EvalEngineOpt = None, workers: EvalWorkersOpt = 1,
              scheduler: EvalSchedulerOpt = None) -> None:
    """Recall and precision of the risk analyser against labelled texts; tasks and false alarms on transcripts."""
    from reverie.batch.scaled import scaled
    from reverie.evaluation import risk as ev
    files = list(sessions or []) + list(more or [])
    if data is None and not (files or risk_free or at_risk):
        raise InputError("nothing to evaluate", hint="give --data FILE (labelled texts) and/or --sessions FILE...")
    result = ev.evaluate(ev.load_rows(data), scaled("risk", engine, workers, scheduler)) if data is not None else None
    if result and figures_only:
        result = ev.figures_only(result)
    screen = ev.evaluate_sessions(files, risk_free or [], at_risk or []) if files or risk_free or at_risk else None
    if as_json:
        emit_json({**result, "session_screen": screen} if result and screen else result or screen)
        return
    if result:
        out.print(ev.format_report(result))
    if screen:
        out.print(ev.format_sessions_report(screen))


@eval_app.command("dreams")
def eval_dreams(data: Annotated[Path, typer.Option("--data", help="A DreamBank XML file with human HVdC codings.")],
                exclude: Annotated[Optional[str], typer.Option("--exclude", help="Comma-separated collection ids to leave out (e.g. partly coded ones).")] = None,
                as_json: JsonOpt = False) -> None:
    """Agreement of the dreams analyser with human Hall & Van de Castle coding."""
    from reverie.evaluation.dreams import evaluate, format_report, load_dreams
    left_out = {c.strip() for c in (exclude or "").split(",") if c.strip()}
    dreams = [d for d in load_dreams(data) if d.collection not in left_out]
    if not dreams:
        raise InputError(f"--exclude leaves no dream of {data} to compare", hint="name fewer collections")
    result = evaluate(dreams)
    emit_json(result) if as_json else out.print(format_report(result), markup=False)


@eval_app.command("patterns")
def eval_patterns(data: Annotated[Path, typer.Option("--data", help='JSONL of {"text", "object", "W", "RO", "RS"}.')],
                  split: Annotated[Optional[str], typer.Option(help="Only rows whose 'split' field is this.")] = None,
                  as_json: JsonOpt = False) -> None:
    """Episode detection, object accuracy and CCRT agreement (Cohen's kappa) of the relational analyser."""
    from reverie.evaluation.patterns import evaluate, format_report, load_rows
    result = evaluate(load_rows(data, split))
    emit_json(result) if as_json else out.print(format_report(result))


@eval_app.command("interventions")
def eval_interventions(data: Annotated[Path, typer.Option("--data", help='JSONL of {"text", "previous", "label"}.')],
                       split: Annotated[str | None, typer.Option("--split", help='Only rows with this "split" value.')] = None,
                       as_json: JsonOpt = False) -> None:
    """Per-label precision, recall and F1 of the dialogue analyser's therapist interventions."""
    from reverie.evaluation.interventions import evaluate, format_report, load_rows
    result = evaluate(load_rows(data, split))
    emit_json(result) if as_json else out.print(format_report(result))
