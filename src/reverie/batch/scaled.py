"""Evaluation at scale: an analyser whose ``annotate`` runs through the corpus engine.

``reverie eval ...`` scores an analyser's annotations against human coding; handed this adapter,
the annotations of a file of any length are computed in partitions on this machine's cores or a
Dask cluster, by the same runner and workers as ``reverie corpus analyze``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reverie.analysis.base import TextUnit
from reverie.batch.engine import (DaskEngine, LocalEngine, RunConfig, annotate_partition, make_analyzers, make_engine,
                                  resolve)
from reverie.domain import Annotation

EVAL_PARTITION = 500  # units per partition in an evaluation


class EngineAnalyzer:
    """Stands in for the registered analyser ``name``: same name, version and annotations, computed by an engine."""

    def __init__(self, name: str, runner: LocalEngine | DaskEngine, settings: dict[str, Any] | None = None,
                 jurisdiction: str | None = None, partition_size: int = EVAL_PARTITION):
        self.config = resolve(RunConfig.of([name], {name: settings} if settings else None, jurisdiction))
        self.analyzer = make_analyzers(self.config)[0]
        self.name, self.version = self.analyzer.name, self.analyzer.version
        self.runner, self.partition_size = runner, partition_size

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]:
        size = self.partition_size
        tasks = ((str(i), [((), [u]) for u in units[start:start + size]])
                 for i, start in enumerate(range(0, len(units), size)))
        done: dict[int, list[dict[str, Any]]] = {int(k): v for k, v in self.runner.map(self.config, tasks,
                                                                                       annotate_partition)}
        results = [r for i in sorted(done) for r in done[i]]
        return [Annotation.from_dict(self.name, self.version, u.id, r[self.name]) if self.name in r
                else self.analyzer.empty(u) for u, r in zip(units, results)]


def scaled(name: str, engine_name: str | None, workers: int = 1, scheduler: str | None = None) -> Any:
    """The adapter for ``name`` on the named engine; None (no engine named): the evaluation runs in this process."""
    if engine_name is None:
        return None
    return EngineAnalyzer(name, make_engine(engine_name, workers, scheduler))
