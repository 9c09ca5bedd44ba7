"""The researcher's API for whole corpora: ``reverie.corpus.analyze(frame_or_paths, ...) -> DataFrame``.

A corpus is a table of texts (JSONL, CSV, Parquet or a pandas DataFrame: one text per row, an id and
optional group columns such as ``client`` and ``session``) or a list of transcript files. Every unit is
annotated by the one analysis runner, as in a workspace; the result has one row per unit, a column
``ANALYSER.FIELD`` per analyser field and an ``evidence`` column (JSON spans per analyser). See
docs/corpus.md.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reverie.batch.engine import ProgressFn, Report, RunConfig, make_engine, run_partitions, summary_path
from reverie.batch.sources import Columns, corpus_groups, count_rows, table_format

PARTITION_SIZE = 2000  # units per partition: large enough to keep workers busy, small enough to bound memory


def _total(source: Any, fmt: str) -> int | None:
    if hasattr(source, "itertuples"):
        return len(source)
    paths = [Path(p) for p in ([source] if isinstance(source, (str, Path)) else source)]
    counts = [count_rows(p, table_format(p, fmt)) if p.is_file() else None for p in paths]
    return None if any(c is None for c in counts) else sum(counts)  # type: ignore[misc]


def analyze_to_parquet(source: Any, out: str | Path, analyzers: Sequence[str] | None = None, *,
                       engine_name: str = "local", workers: int = 1, scheduler: str | None = None,
                       text_column: str = "text", id_column: str = "id", group_columns: Sequence[str] | None = None,
                       input_format: str = "auto", settings: dict[str, dict[str, Any]] | None = None,
                       jurisdiction: str | None = None, partition_size: int = PARTITION_SIZE,
                       resume: bool = False, force: bool = False, progress: ProgressFn | None = None) -> Report:
    """Analyse a corpus into ``out`` (a row per unit) and ``OUT.summary.parquet`` (a row per group).

    ``resume``: keep the partitions an earlier run of ``out`` finished (those of the same input,
    analysers, versions and settings are not recomputed); ``force``: start again over an earlier run.
    """
    columns = Columns(id_column, text_column, tuple(group_columns) if group_columns is not None else None)
    runner = make_engine(engine_name, workers, scheduler)
    config = RunConfig.of(analyzers, settings, jurisdiction)
    return run_partitions(corpus_groups(source, columns, input_format), Path(out), config, runner,
                          partition_size=partition_size, resume=resume, force=force, progress=progress,
                          total=_total(source, input_format) if progress else None)


def analyze(frame_or_paths: Any, analyzers: Sequence[str] | None = None, engine: str = "local", workers: int = 1,
            out: str | Path | None = None, summaries: bool = False, **options: Any) -> Any:
    """Analyse a corpus and return the results as a pandas DataFrame (a row per unit).

    With ``out`` the results are also kept there (resumable, see :func:`analyze_to_parquet`); with
    ``summaries=True`` the return value is ``(units, summaries)``. Other options as for
    :func:`analyze_to_parquet`.
    """
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="reverie-corpus-") as tmp:
        target = Path(out) if out is not None else Path(tmp) / "corpus.parquet"
        report = analyze_to_parquet(frame_or_paths, target, analyzers, engine_name=engine, workers=workers, **options)
        units = pd.read_parquet(target)
        if not summaries:
            return units
        groups = pd.read_parquet(summary_path(target)) if report.summary else pd.DataFrame()
        return units, groups


__all__ = ["PARTITION_SIZE", "analyze", "analyze_to_parquet"]
