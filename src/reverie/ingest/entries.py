"""Journal entries as JSONL (one entry object per line) or CSV (``written_at,kind,title,text``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

from reverie.domain import ENTRY_KINDS, Entry
from reverie.errors import IngestError
from reverie.ingest.csv_transcript import rows
from reverie.ingest.decoding import decode, load_bytes
from reverie.ingest.bounds import loads

ENTRY_FIELDS = ("written_at", "kind", "title", "text", "shared_with_therapist")
KIND_HINT = "kind is one of: " + ", ".join(ENTRY_KINDS)
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


def read_entries(path: str | Path, client: str = "", data: bytes | None = None) -> list[Entry]:
    """Parse a journal file (``.jsonl``/``.ndjson``/``.json`` or ``.csv``; other names are sniffed)."""
    file = str(path)
    text = decode(file, load_bytes(path, data))
    suffix = PurePath(file).suffix.lower()
    if text.lstrip().startswith("["):
        raise IngestError(file, "holds a JSON array, not one entry object per line", line=1,
                          hint='write JSONL: one {"written_at": ..., "kind": ..., "text": ...} object per line')
    if suffix in (".jsonl", ".ndjson", ".json") or (suffix != ".csv" and text.lstrip().startswith("{")):
        entries = _from_jsonl(file, text, client)
    else:
        entries = _from_csv(file, text, client)
    if not entries:
        raise IngestError(file, "no entries found", hint="write one entry per line (JSONL) or per row (CSV)")
    return entries


def _from_jsonl(file: str, text: str, client: str) -> list[Entry]:
    out = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        item = loads(file, raw, line=number)
        if not isinstance(item, dict):
            raise IngestError(file, "each line must be one JSON object", line=number,
                              hint='e.g. {"written_at": "2024-03-01", "kind": "dream", "text": "..."}')
        unknown = sorted(set(item) - set(ENTRY_FIELDS))
        if unknown:
            raise IngestError(file, "unexpected property", line=number, field=unknown[0],
                              hint="fields are: " + ", ".join(ENTRY_FIELDS))
        out.append(_entry(file, number, "line", item, client))
    return out


def _from_csv(file: str, text: str, client: str) -> list[Entry]:
    header, records = rows(file, text)
    for column in ("written_at", "kind", "text"):
        if column not in header:
            raise IngestError(file, f"missing column '{column}'", line=1, place="row", field=column,
                              hint="the first row must name the columns: written_at,kind,title,text "
                                   "(optional shared_with_therapist)")
    return [_entry(file, row, "row", values, client) for row, values in records]


def _entry(file: str, where: int, place: str, item: dict[str, Any], client: str) -> Entry:
    def fail(field: str, problem: str, hint: str | None = None) -> IngestError:
        return IngestError(file, problem, line=where, place=place, field=field, hint=hint)

    when = item.get("written_at")
    if not isinstance(when, str) or not when.strip():
        raise fail("written_at", "missing date", "written_at is an ISO date or date-time, e.g. 2024-03-01T21:30")
    try:
        written_at = datetime.fromisoformat(when.strip())
    except ValueError:
        raise fail("written_at", f"{when.strip()[:40]!r} is not an ISO date or date-time",
                   "e.g. 2024-03-01 or 2024-03-01T21:30") from None
    kind = item.get("kind")
    kind = kind.strip().lower().replace(" ", "_").replace("-", "_") if isinstance(kind, str) else kind
    if kind not in ENTRY_KINDS:
        raise fail("kind", f"unknown kind {str(item.get('kind'))[:40]!r}", KIND_HINT)
    body = item.get("text")
    if not isinstance(body, str) or not body.strip():
        raise fail("text", "missing or empty text")
    title = item.get("title") or ""
    if not isinstance(title, str):
        raise fail("title", "title must be text")
    return Entry(client=client, written_at=written_at, kind=kind, text=body.strip(), title=title.strip(),
                 shared_with_therapist=_flag(item.get("shared_with_therapist"), fail))


def _flag(value: Any, fail) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise fail("shared_with_therapist", f"{str(value)[:20]!r} is not true or false")
