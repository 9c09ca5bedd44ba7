"""Corpus inputs as a stream of text units, grouped and cut into partitions.

A corpus is a table (JSONL, CSV, Parquet, or a pandas DataFrame) with one text per row, an id and
optional group columns (client, session), or a list of transcript files. Rows are read one at a
time, so memory stays bounded whatever the size of the file. Rows of one group form one session
for the runner: in row order, each utterance carries the turns before it in that group as context,
exactly as a stored session's utterances do, so a corpus result equals a clinic result for the same
text. A row without group columns stands alone. A group is never split across partitions.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.analysis.base import ContextTurn, TextUnit, units_from_session
from reverie.errors import IngestError, InputError
from reverie.ingest.jsonl import jsonl_objects

TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
DEFAULT_GROUPS = ("client", "session")
CONTEXT_TURNS = 4  # as many previous turns as a stored session's unit carries
Group = tuple[tuple[tuple[str, str], ...], list[TextUnit]]  # ((column, value) pairs, its units in order)


@dataclass(frozen=True)
class Columns:
    """Which input columns hold the id, the text and the groups (role, kind, start, end are optional)."""

    id: str = "id"
    text: str = "text"
    groups: tuple[str, ...] | None = None  # None: those of DEFAULT_GROUPS the input has


def table_format(path: Path, fmt: str = "auto") -> str:
    """``jsonl``, ``csv``, ``parquet`` or ``transcript`` (any other file: read by the transcript readers)."""
    if fmt != "auto":
        if fmt not in (*TABLE_SUFFIXES.values(), "transcript"):
            raise InputError(f"unknown input format '{fmt}'", hint="use auto, jsonl, csv, parquet or transcript")
        return fmt
    return TABLE_SUFFIXES.get(path.suffix.lower(), "transcript")


# ----- reading rows -------------------------------------------------------------------------------------------
def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise IngestError(str(path), f"not valid CSV ({exc})", line=reader.line_num) from None


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import pyarrow.parquet as pq

    try:
        batches = pq.ParquetFile(path).iter_batches(batch_size=4096)
        number = 0
        for batch in batches:
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise IngestError(str(path), f"not a readable Parquet file ({exc})") from None


def _frame_rows(frame: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    columns = [str(c) for c in frame.columns]
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        yield number, dict(zip(columns, values))


def _readable(path: Path) -> Path:
    if not path.is_file():
        raise IngestError(str(path), "file not found", hint="give the path of a JSONL, CSV or Parquet file, or a transcript")
    return path


def count_rows(path: Path, fmt: str) -> int | None:
    """A cheap count of the rows (for the progress bar's total); None where it would cost a full parse."""
    if fmt == "parquet":
        import pyarrow.parquet as pq
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (OSError, ValueError):
            return None
    if fmt == "jsonl":
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="", errors="replace") as fh:
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
    return None


# ----- rows to units ----------------------------------------------------------------------------------------
def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(file: str, number: int, place: str, row: dict[str, Any], column: str, required: bool) -> str | None:
    value = row.get(column)
    if _missing(value) or value == "":
        if required:
            raise IngestError(file, "missing or empty", line=number, field=column, place=place,
                              hint=f"every row needs a '{column}' value")
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise IngestError(file, f"expected text, found {type(value).__name__}", line=number, field=column, place=place)


def _time(file: str, number: int, place: str, row: dict[str, Any], column: str) -> float | None:
    value = row.get(column)
    if _missing(value) or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise IngestError(file, f"expected seconds, found {value!r}", line=number, field=column, place=place) from None


def _label(key: tuple[tuple[str, str], ...]) -> str:
    return "/".join(v for _, v in key)


def table_groups(rows: Iterable[tuple[int, dict[str, Any]]], file: str, columns: Columns, place: str = "line",
                 header: int | None = None) -> Iterator[Group]:
    """Group consecutive rows with the same group values; a group seen again after another is refused.

    ``header``: the line of a CSV header, named when a column is missing.
    """
    groups: tuple[str, ...] | None = columns.groups
    current: tuple[tuple[str, str], ...] | None = None
    units: list[TextUnit] = []
    history: list[ContextTurn] = []
    closed: set[tuple[tuple[str, str], ...]] = set()
    first = None
    for number, row in rows:
        first = number if first is None else first
        if number == first:
            if groups is None:  # the first row decides which default group columns the input has
                groups = tuple(c for c in DEFAULT_GROUPS if c in row)
            for c in (columns.id, columns.text):
                if c not in row:
                    raise IngestError(file, f"no column '{c}'", line=header or number, field=c, place=place,
                                      hint=f"name the column with --{'id' if c == columns.id else 'text'}-column")
        key = tuple((g, _cell(file, number, place, row, g, True) or "") for g in groups)
        unit_id = _cell(file, number, place, row, columns.id, True)
        text = row.get(columns.text)
        if not isinstance(text, str):
            raise IngestError(file, "missing or not text", line=number, field=columns.text, place=place)
        role = _cell(file, number, place, row, "role", False) or "client"
        kind = _cell(file, number, place, row, "kind", False) or "utterance"
        if key != current:
            if current is not None:
                yield current, units
                closed.add(current)
            if key in closed and groups:
                raise IngestError(file, f"rows of group {_label(key)} are not together", line=number, place=place,
                                  hint=f"sort the rows by {', '.join(groups)}")
            current, units, history = key, [], []
        start, end = _time(file, number, place, row, "start"), _time(file, number, place, row, "end")
        in_session = bool(groups) and kind == "utterance"
        units.append(TextUnit(id=unit_id, text=text, role=role, kind=kind, position=len(units) if in_session else 0,
                              session=_label(key) or None, start=start, end=end,
                              context=tuple(history[-CONTEXT_TURNS:]) if in_session else ()))
        if in_session:
            history.append(ContextTurn(role, text, start, end))
        if not groups:  # rows without group columns stand alone
            yield current, units
            current, units = None, []
    if current is not None and units:
        yield current, units


def transcript_groups(paths: Sequence[Path]) -> Iterator[Group]:
    """Each session of each transcript file, read by the same readers as ``import transcript``."""
    from reverie import ingest
    from reverie.analysis.results import session_key

    for path in paths:
        transcript = ingest.read_transcript(_readable(path))
        for i, session in enumerate(transcript.sessions):
            sid = session_key(session, i)
            yield (("file", path.name), ("session", sid)), units_from_session(f"{path.name}:{sid}", session.utterances)


def corpus_groups(source: Any, columns: Columns, fmt: str = "auto") -> Iterator[Group]:
    """The stream of groups of a source.

    ``source``: a pandas DataFrame, a path, or a list of paths (all tables or all transcripts).
    """
    if hasattr(source, "itertuples"):
        return table_groups(_frame_rows(source), "<DataFrame>", columns, place="row")
    paths = [Path(p) for p in ([source] if isinstance(source, (str, Path)) else source)]
    if not paths:
        raise InputError("no input given", hint="name one or more JSONL, CSV or Parquet files, or transcripts")
    formats = {table_format(p, fmt) for p in paths}
    if formats == {"transcript"}:
        return transcript_groups(paths)
    if "transcript" in formats:
        raise InputError("the inputs mix tables and transcripts", hint="analyse tables and transcripts in separate runs")

    def rows() -> Iterator[Group]:
        for p in paths:
            kind = table_format(p, fmt)
            reader = {"jsonl": jsonl_objects, "csv": _csv_rows, "parquet": _parquet_rows}[kind]
            yield from table_groups(reader(_readable(p)), str(p), columns, "row" if kind == "parquet" else "line",
                                    header=1 if kind == "csv" else None)
    return rows()


def partitions(groups: Iterable[Group], size: int) -> Iterator[list[Group]]:
    """Cut the stream into lists of whole groups of about ``size`` units (a bigger group is one partition).

    The runner keys results by unit id, so an id repeated within a partition is refused rather than mixed up.
    """
    part: list[Group] = []
    ids: set[str] = set()
    for group in groups:
        part.append(group)
        for u in group[1]:
            if u.id in ids:
                raise InputError(f"the id '{u.id}' is used by two rows", hint="ids must be unique: name another "
                                 "column with --id-column, or number the rows")
            ids.add(u.id)
        if len(ids) >= size:
            yield part
            part, ids = [], set()
    if part:
        yield part
