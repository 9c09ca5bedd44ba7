"""Corpus runs: partitions of text units through the one runner, on this machine's cores or a Dask cluster.

The driver reads the input as a stream, cuts it into partitions of whole groups and hands each to a
worker, keeping only a few in flight, so memory stays bounded whatever the corpus size. A worker
builds its analysers once (model-backed ones load their model once per worker process, on first use)
and calls :func:`reverie.analysis.base.run` on each partition: the same code, versions and settings as
a workspace run. Each finished partition is written to ``OUT.parts/<key>.parquet``, its key a hash of
the partition's units and of the analysers' names, versions and settings; a run that stops keeps its
finished partitions, and a rerun over the same input and analysers finds them all and does no work.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reverie.analysis.base import BUILTIN_MODULES, BaseAnalyzer, run, settings_digest
from reverie.batch.sources import Group
from reverie.errors import InputError, ReverieError

FORMAT = "reverie.corpus.v1"  # bump when the shape of a part file changes: old parts are then recomputed
ENGINES = ("local", "dask")
ProgressFn = Callable[[int, int | None], None]  # (units done, units in all or None)


@dataclass(frozen=True)
class RunConfig:
    """What a worker needs to build the analysers: names (empty: all), settings per analyser, profile."""

    analyzers: tuple[str, ...] = ()
    settings: tuple[tuple[str, str], ...] = ()  # (analyser name, JSON of its settings): hashable and picklable
    jurisdiction: str = "none"
    resolved: bool = False  # ``analyzers`` are the profile-checked names: workers build them without the workspace

    @classmethod
    def of(cls, analyzers: Sequence[str] | None, settings: dict[str, dict[str, Any]] | None,
           jurisdiction: str | None) -> RunConfig:
        from reverie.settings import resolve
        profile = resolve().jurisdiction if jurisdiction is None else jurisdiction
        return cls(tuple(analyzers or ()), tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in
                                                        (settings or {}).items())), profile)


_ANALYZERS: dict[RunConfig, list[BaseAnalyzer]] = {}  # per process: a worker builds its analysers once


def make_analyzers(config: RunConfig) -> list[BaseAnalyzer]:
    """The analysers of a run, chosen as a workspace chooses them (the jurisdiction profile applied)."""
    if config not in _ANALYZERS:
        settings = {k: json.loads(v) for k, v in config.settings}
        if config.resolved:
            from reverie.analysis.base import REGISTRY
            classes = [REGISTRY.get(n) for n in config.analyzers]  # name.vN: the version the driver chose
            chosen = [cls(**settings.get(cls.name, {})) for cls in classes]
        else:
            from reverie.analysis.base import select_analyzers
            chosen = select_analyzers(list(config.analyzers) or None, settings, config.jurisdiction)
        _ANALYZERS[config] = sorted(chosen, key=lambda a: a.name)
    return _ANALYZERS[config]


def resolve(config: RunConfig) -> RunConfig:
    """The config with the analysers the profile allows named one by one (checked here, in the driver)."""
    return replace(config, analyzers=tuple(f"{a.name}.v{a.version}" for a in make_analyzers(config)), resolved=True)


def fingerprint(analyzers: Sequence[BaseAnalyzer], jurisdiction: str) -> str:
    """What besides the units decides a result: the analysers' names, versions and settings, the profile."""
    spec = [FORMAT, jurisdiction, [[a.name, a.version, settings_digest(a)] for a in analyzers]]
    return hashlib.sha256(json.dumps(spec).encode()).hexdigest()


def partition_key(fp: str, groups: Sequence[Group]) -> str:
    h = hashlib.sha256(fp.encode())
    for key, units in groups:
        h.update(json.dumps([key, [[u.id, u.session, u.content_hash] for u in units]]).encode())
    return h.hexdigest()[:32]


# ----- one partition (runs in a worker) -----------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A scalar as it is; a list or mapping as JSON text (a Parquet column holds one type)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _table(columns: dict[str, list[Any]]) -> Any:
    import pyarrow as pa

    arrays = {}
    for name, values in columns.items():
        try:
            arrays[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):  # mixed types: all as text
            arrays[name] = pa.array([None if v is None else json.dumps(v, default=str) if not isinstance(v, str)
                                     else v for v in values], type=pa.string())
    return pa.table(arrays)


def analyse_partition(config: RunConfig, groups: Sequence[Group]) -> tuple[Any, Any]:
    """Run the analysers over one partition: a table with a row per unit and one with a row per group."""
    analyzers = make_analyzers(config)
    sessions = [(f"g{i}", units) for i, (_, units) in enumerate(groups)]
    result = run(analyzers, sessions, jurisdiction=config.jurisdiction)
    group_names = [name for name, _ in groups[0][0]] if groups else []
    rows: dict[str, list[Any]] = {c: [] for c in ["id", *group_names, "role", "kind", "text"]}
    for a in analyzers:
        for f in a.fields:
            rows[f"{a.name}.{f}"] = []
    rows["evidence"] = []
    summary: dict[str, list[Any]] = {c: [] for c in [*group_names, "units"]}
    for (key, units), (sid, _) in zip(groups, sessions):
        for u in units:
            anns = result.annotations.get(u.id, {})
            for (name, value), column in zip(key, group_names):
                rows[column].append(value)
            rows["id"].append(u.id)
            rows["role"].append(u.role)
            rows["kind"].append(u.kind)
            rows["text"].append(u.text)
            for a in analyzers:
                ann = anns.get(a.name)
                for f in a.fields:
                    rows[f"{a.name}.{f}"].append(_plain(ann.values.get(f)) if ann else None)
            rows["evidence"].append(json.dumps({n: [list(s) for s in ann.evidence] for n, ann in sorted(anns.items())}))
        if group_names:
            n = len(summary["units"])
            for (_, value), column in zip(key, group_names):
                summary[column].append(value)
            summary["units"].append(len(units))
            for a in analyzers:
                for k, v in result.summaries[a.name].sessions.get(sid, {}).items():
                    summary.setdefault(f"{a.name}.{k}", [None] * n).append(_plain(v))
            for values in summary.values():  # a key this group's summary lacks
                values.extend([None] * (n + 1 - len(values)))
    return _table(rows), _table(summary) if group_names else None


def annotate_partition(config: RunConfig, groups: Sequence[Group]) -> list[dict[str, dict[str, Any]]]:
    """Run the analysers over one partition: per unit, in order, each analyser's annotation as a dict."""
    analyzers = make_analyzers(config)
    result = run(analyzers, [(f"g{i}", units) for i, (_, units) in enumerate(groups)], jurisdiction=config.jurisdiction)
    return [{name: ann.to_dict() for name, ann in result.annotations.get(u.id, {}).items()}
            for _, units in groups for u in units]


# ----- engines ------------------------------------------------------------------------------------------------
Task = tuple[str, Sequence[Group]]
PartitionFn = Callable[[RunConfig, Sequence[Group]], Any]


class LocalEngine:
    """This machine's cores: in this process for one worker (the reference run), else a process pool."""

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)

    def map(self, config: RunConfig, tasks: Iterable[Task], fn: PartitionFn = analyse_partition
            ) -> Iterator[tuple[str, Any]]:
        if self.workers == 1:
            for key, groups in tasks:
                yield key, fn(config, groups)
            return
        import multiprocessing

        # forkserver: workers fork from a clean single-threaded server that has imported the analysers once
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["reverie.batch.engine", *BUILTIN_MODULES])
        pool = ProcessPoolExecutor(self.workers, mp_context=context)
        try:
            yield from _bounded(lambda g: pool.submit(fn, config, g), tasks, 2 * self.workers,
                                lambda fs: wait(fs, return_when=FIRST_COMPLETED)[0])
        except BrokenProcessPool:
            raise ReverieError("a worker process stopped (out of memory, killed, or started from a script without "
                               "an `if __name__ == \"__main__\":` guard)",
                               hint="finished partitions are kept: rerun with --resume (resume=True) to continue") from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """``dask.distributed``: a LocalCluster of ``workers`` processes, or the cluster at ``scheduler``."""

    def __init__(self, workers: int = 2, scheduler: str | None = None):
        self.workers, self.scheduler = max(1, workers), scheduler

    def map(self, config: RunConfig, tasks: Iterable[Task], fn: PartitionFn = analyse_partition
            ) -> Iterator[tuple[str, Any]]:
        try:
            import logging

            from distributed import Client, LocalCluster, wait as dask_wait
        except ImportError as exc:
            raise InputError("the dask engine needs dask.distributed", hint="pip install 'reverie[dask]'") from exc
        cluster = None if self.scheduler else LocalCluster(
            n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR)
        try:
            client = Client(self.scheduler or cluster, set_as_default=False)
        except OSError as exc:
            if cluster is not None:
                cluster.close()
            raise InputError(f"cannot reach the Dask scheduler {self.scheduler} ({exc})",
                             hint="check the address (tcp://HOST:8786) and that the scheduler runs") from None
        try:
            with client.as_current():  # dask's wait finds the client this way
                width = 2 * max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
                yield from _bounded(lambda g: client.submit(fn, config, g, pure=False), tasks, width,
                                    lambda fs: dask_wait(list(fs), return_when="FIRST_COMPLETED").done)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _bounded(submit: Callable[[Sequence[Group]], Any], tasks: Iterable[Task], width: int,
             first_done: Callable[[set[Any]], set[Any]]) -> Iterator[tuple[str, Any]]:
    """Submit tasks keeping at most ``width`` in flight; yield each result as it finishes."""
    pending: dict[Any, str] = {}
    source = iter(tasks)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < width:
            task = next(source, None)
            if task is None:
                exhausted = True
            else:
                pending[submit(task[1])] = task[0]
        if pending:
            for fut in first_done(set(pending)):
                yield pending.pop(fut), fut.result()


def make_engine(name: str = "local", workers: int = 1, scheduler: str | None = None) -> LocalEngine | DaskEngine:
    if name not in ENGINES:
        raise InputError(f"unknown engine '{name}'", hint=f"engines: {', '.join(ENGINES)}")
    if scheduler and name != "dask":
        raise InputError("--scheduler needs --engine dask")
    return DaskEngine(workers, scheduler) if name == "dask" else LocalEngine(workers)


# ----- the parts folder and the output ------------------------------------------------------------------------
@dataclass
class Parts:
    """``OUT.parts/``: one Parquet file per finished partition (and one for its groups' summaries)."""

    folder: Path
    keys: list[str] = field(default_factory=list)

    def path(self, key: str, summary: bool = False) -> Path:
        return self.folder / f"{key}{'.summary' if summary else ''}.parquet"

    def done(self, key: str) -> bool:
        return self.path(key).exists()

    def write(self, key: str, tables: tuple[Any, Any]) -> None:
        for table, summary in ((tables[1], True), (tables[0], False)):  # the unit table last: it marks "done"
            if table is not None:
                _write_table(table, self.path(key, summary))


def _write_table(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.chmod(tmp, 0o600)  # corpus texts: private, like every file Reverie writes
    os.replace(tmp, path)


def _unified_schema(paths: Sequence[Path]) -> Any:
    """One schema for all parts: columns in first-seen order, a column's types widened (null -> float, int ->
    float), and text where they cannot be (a field that is a number in one part and a word in another)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types: dict[str, list[Any]] = {}
    for p in paths:
        for f in pq.read_schema(p):
            types.setdefault(f.name, []).append(f.type)
    fields = []
    for name, found in types.items():
        try:
            fields.append(pa.unify_schemas([pa.schema([pa.field(name, t)]) for t in found],
                                           promote_options="permissive").field(name))
        except (pa.ArrowInvalid, pa.ArrowTypeError, NotImplementedError):
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def assemble(paths: Sequence[Path], out: Path) -> int:
    """Write the parts, in order, into one Parquet file (one part in memory at a time); returns the rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _unified_schema(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    rows = 0
    with pq.ParquetWriter(tmp, schema) as writer:
        for p in paths:
            table = pq.read_table(p)
            columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
                       else pa.nulls(table.num_rows, f.type) for f in schema]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))
            rows += table.num_rows
    os.chmod(tmp, 0o600)
    os.replace(tmp, out)
    return rows


def summary_path(out: Path) -> Path:
    """``x.parquet`` -> ``x.summary.parquet``: one row per group."""
    return out.with_name(f"{out.stem}.summary{out.suffix or '.parquet'}")


def prepare_parts(out: Path, resume: bool, force: bool) -> Parts:
    """The parts folder beside ``out``: kept with ``resume``, emptied with ``force``, else it must not exist."""
    from reverie.outputs import check_target

    check_target(out, force=force or resume)
    folder = out.with_name(out.name + ".parts")
    if folder.exists() and not resume:
        if not force:
            raise InputError(f"{folder} holds the partitions of an earlier run of this output",
                             hint="--resume continues it (finished partitions are kept), --force starts again")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Parts(folder)


@dataclass
class Report:
    """What a corpus run did: units and partitions computed or reused, files written, time taken."""

    out: str
    summary: str | None
    units: int = 0
    partitions: int = 0
    computed_partitions: int = 0
    reused_partitions: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, units_per_second=round(self.units / self.seconds, 1) if self.seconds else None)


def run_partitions(groups: Iterable[Group], out: Path, config: RunConfig, runner: LocalEngine | DaskEngine,
                   partition_size: int = 2000, resume: bool = False, force: bool = False,
                   progress: ProgressFn | None = None, total: int | None = None) -> Report:
    """Analyse a stream of groups into ``out`` (and its summary file), reusing finished partitions."""
    from reverie.batch.sources import partitions

    started = time.perf_counter()
    parts = prepare_parts(out, resume, force)
    config = resolve(config)  # checks the names and the profile before any work
    analyzers = make_analyzers(config)
    fp = fingerprint(analyzers, config.jurisdiction)
    report = Report(str(out), None)
    sizes: dict[str, int] = {}
    grouped = False

    def tasks() -> Iterator[Task]:
        nonlocal grouped
        for part in partitions(groups, partition_size):
            key = partition_key(fp, part)
            parts.keys.append(key)
            sizes[key] = sum(len(u) for _, u in part)
            grouped = grouped or bool(part[0][0])
            if parts.done(key):
                report.reused_partitions += 1
                _advance(key)
            else:
                yield key, part

    def _advance(key: str) -> None:
        report.units += sizes[key]
        if progress is not None:
            progress(report.units, total)

    for key, tables in runner.map(config, tasks()):
        parts.write(key, tables)
        report.computed_partitions += 1
        _advance(key)
    report.partitions = len(parts.keys)
    if not parts.keys:
        raise InputError("the input holds no rows", hint="give a file with at least one text")
    assemble([parts.path(k) for k in parts.keys], out)
    if grouped:
        report.summary = str(summary_path(out))
        assemble([parts.path(k, summary=True) for k in parts.keys], summary_path(out))
    (parts.folder / "manifest.json").write_text(json.dumps({"format": FORMAT, "fingerprint": fp,
                                                            "partitions": parts.keys}))
    report.seconds = time.perf_counter() - started
    return report
