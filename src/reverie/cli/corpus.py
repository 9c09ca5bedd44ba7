"""``reverie corpus``: whole corpora through the analysers, on this machine or a Dask cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from reverie.cli.common import ForceOpt, JsonOpt, emit_json, err, out, table

corpus_app = typer.Typer(help="Whole corpora through the analysers, on this machine or a Dask cluster.",
                         no_args_is_help=True)

EngineOpt = Annotated[str, typer.Option("--engine", help="local (this machine's cores) or dask (dask.distributed).")]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=512, help="Worker processes (local pool or Dask LocalCluster).")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Address of a running Dask scheduler (tcp://HOST:8786); needs --engine dask.")]


def progress_bar() -> tuple[Any, Any]:
    """A rich bar with units done, units per second and time left (the total is counted where cheap)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]} units/s"), TimeRemainingColumn(), console=err, transient=True)
    task = bar.add_task("units", total=None, rate="-")

    def update(done: int, total: int | None) -> None:
        bar.update(task, completed=done, total=total)
        speed = bar.tasks[0].speed
        bar.update(task, rate=f"{speed:,.0f}" if speed else "-")
    return bar, update


@corpus_app.command("analyze")
def corpus_analyze(inputs: Annotated[list[Path], typer.Argument(help="JSONL, CSV or Parquet tables of texts, or transcript files.", metavar="INPUT")],
                   out_path: Annotated[Path, typer.Option("--out", help="The Parquet file to write (a row per unit).")],
                   analyzers: Annotated[Optional[str], typer.Option("--analyzers", help="Comma-separated analyser names (default all).")] = None,
                   engine: EngineOpt = "local", workers: WorkersOpt = 1, scheduler: SchedulerOpt = None,
                   text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
                   id_column: Annotated[str, typer.Option("--id-column", help="Column holding the unit id.")] = "id",
                   group_columns: Annotated[Optional[str], typer.Option("--group-columns", help="Comma-separated group columns (default: client, session where present; '' for none).")] = None,
                   input_format: Annotated[str, typer.Option("--format", help="auto (by extension), jsonl, csv, parquet or transcript.")] = "auto",
                   partition_size: Annotated[int, typer.Option("--partition-size", min=1, max=10_000_000, help="Units per partition.")] = 2000,
                   resume: Annotated[bool, typer.Option("--resume", help="Continue an earlier run of OUT: its finished partitions are not recomputed.")] = False,
                   force: ForceOpt = False, as_json: JsonOpt = False) -> None:
    """Annotate every text of a corpus; writes OUT (a row per unit) and OUT.summary.parquet (a row per group)."""
    from reverie.corpus import analyze_to_parquet

    names = [n.strip() for n in analyzers.split(",") if n.strip()] if analyzers else None
    groups = None if group_columns is None else [c.strip() for c in group_columns.split(",") if c.strip()]
    bar, update = progress_bar()
    with bar:
        report = analyze_to_parquet(inputs, out_path, names, engine_name=engine, workers=workers, scheduler=scheduler,
                                    text_column=text_column, id_column=id_column, group_columns=groups,
                                    input_format=input_format, partition_size=partition_size, resume=resume,
                                    force=force, progress=update)
    result = report.to_dict()
    if as_json:
        emit_json(result)
        return
    table("Corpus run", ["units", "partitions", "computed", "reused", "units/s", "output", "summary"],
          [[result["units"], result["partitions"], result["computed_partitions"], result["reused_partitions"],
            result["units_per_second"], result["out"], result["summary"] or "-"]])
    out.print(f"Wrote {result['out']}")
