"""CSV transcripts: ``session,turn,speaker,text`` (+ ``start,end,date,role``); one file, many sessions.

The ``session`` column holds a label: ``3``, ``P01-S03``, ``intake``, ``2026-03-02``. When
every label is a whole number it is the session's number; otherwise sessions are numbered
in order of first appearance. Either way the label is kept on the session.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date

from reverie.domain import ROLES, Session
from reverie.errors import IngestError
from reverie.ingest.bounds import check_int
from reverie.ingest.model import Transcript, Turn
from reverie.ingest.speakers import RoleMap, assign_roles, require_words, split_directions, to_utterances
from reverie.spreadsheet import restore

REQUIRED = ("session", "turn", "speaker", "text")
MAX_LABEL = 100
_WHOLE = re.compile(r"[+-]?\d+")
HEADER_HINT = "the first row must name the columns: session,turn,speaker,text (optional start,end,date,role)"


def sniff_delimiter(first_line: str) -> str:
    """Comma unless the header is clearly semicolon- or tab-separated (spreadsheet exports)."""
    return max((",", ";", "\t"), key=lambda d: (first_line.count(d), d == ","))


def rows(file: str, text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The normalised header and the data rows as (row number, values); row 1 is the header."""
    first = text.lstrip("\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    header: list[str] | None = None
    out: list[tuple[int, dict[str, str]]] = []
    number = 0
    try:
        for record in reader:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in record]
                continue
            if len(record) > len(header):
                raise IngestError(file, f"{len(record)} values but the header names {len(header)} columns",
                                  line=number, place="row", hint="put text that holds commas in double quotes")
            record = [restore(cell) for cell in record] + [""] * (len(header) - len(record))  # undo CSV-injection quotes
            out.append((number, dict(zip(header, record))))
    except csv.Error as exc:
        raise IngestError(file, f"unreadable CSV ({exc})", line=number + 1, place="row") from None
    if header is None:
        raise IngestError(file, "no header row", hint=HEADER_HINT)
    return header, out


def _number(file: str, row: int, name: str, value: str, positive: bool = False) -> int:
    try:
        result = int(value.strip())
    except ValueError:
        result = None
    if result is None or (positive and result < 1):
        kind = "a positive whole number" if positive else "a whole number"
        raise IngestError(file, f"{value.strip()[:40]!r} is not {kind}", line=row, place="row", field=name)
    return check_int(file, result, name, row, "row")


def _seconds(file: str, row: int, name: str, value: str) -> float | None:
    if not value.strip():
        return None
    try:
        result = float(value.strip())
    except ValueError:
        result = math.nan
    if not math.isfinite(result) or result < 0:
        raise IngestError(file, f"{value.strip()[:40]!r} is not a time in seconds", line=row, place="row",
                          field=name)
    return result


def _date(file: str, row: int, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise IngestError(file, f"{value.strip()[:40]!r} is not a date (YYYY-MM-DD)", line=row, place="row",
                          field="date") from None


def read_csv_transcript(file: str, text: str, client: str, roles: RoleMap, source: str | None = None
                        ) -> Transcript:
    """Parse a CSV transcript; each distinct ``session`` value becomes one session, turns in ``turn`` order."""
    header, records = rows(file, text)
    for column in REQUIRED:
        if column not in header:
            raise IngestError(file, f"missing column '{column}'", line=1, place="row", field=column,
                              hint=HEADER_HINT)
    numbered = all(_WHOLE.fullmatch(values["session"].strip()) for _row, values in records)
    sessions: dict[int | str, list[tuple[int, Turn]]] = {}
    labels: dict[int | str, str] = {}
    dates: dict[int | str, tuple[date, int]] = {}
    seen: dict[tuple[int | str, int], int] = {}
    skipped = 0
    for row, values in records:
        label = values["session"].strip()
        if not label:
            raise IngestError(file, "empty session label", line=row, place="row", field="session")
        if len(label) > MAX_LABEL:
            raise IngestError(file, f"the session label is longer than {MAX_LABEL} characters", line=row,
                              place="row", field="session")
        number = _number(file, row, "session", label, positive=True) if numbered else label
        labels.setdefault(number, label)
        turn_no = _number(file, row, "turn", values["turn"])
        if (number, turn_no) in seen:
            raise IngestError(file, f"turn {turn_no} of session {label!r} already appears in row "
                              f"{seen[(number, turn_no)]}", line=row, place="row", field="turn")
        seen[(number, turn_no)] = row
        speaker = values["speaker"].strip()
        if not speaker:
            raise IngestError(file, "empty speaker", line=row, place="row", field="speaker")
        role = values.get("role", "").strip().lower() or None
        if role is not None and role not in ROLES:
            raise IngestError(file, f"role {role!r} is not one of {', '.join(ROLES)}", line=row, place="row",
                              field="role")
        start = _seconds(file, row, "start", values.get("start", ""))
        end = _seconds(file, row, "end", values.get("end", ""))
        if start is not None and end is not None and end < start:
            raise IngestError(file, "end is before start", line=row, place="row", field="end")
        when = _date(file, row, values.get("date", ""))
        if when is not None:
            if number in dates and dates[number][0] != when:
                raise IngestError(file, f"session {label!r} already has date {dates[number][0]} (row "
                                  f"{dates[number][1]})", line=row, place="row", field="date")
            dates.setdefault(number, (when, row))
        clean, markers = split_directions(values["text"])
        if not clean and not markers:
            skipped += 1
            continue
        turn = Turn(label=speaker, text=clean, line=row, markers=markers, start=start, end=end, role=role)
        sessions.setdefault(number, []).append((turn_no, turn))
    all_turns = [turn for items in sessions.values() for _n, turn in items]
    mapping, notes = assign_roles(file, all_turns, roles)
    if skipped:
        notes.append(f"{skipped} row(s) with empty text were skipped.")
    out = []
    keys = sorted(sessions) if numbered else list(sessions)  # dicts keep the order of first appearance
    for position, key in enumerate(keys, start=1):
        turns = [turn for _n, turn in sorted(sessions[key], key=lambda item: item[0])]
        utterances = to_utterances(turns, mapping)
        times = [t for u in utterances for t in (u.start, u.end) if t is not None]
        duration = round(max(times) - min(times), 3) if len(times) >= 2 else None
        out.append(Session(client=client, number=key if numbered else position, label=labels[key],
                           date=dates.get(key, (None,))[0], duration=duration, utterances=utterances, source=source))
    require_words(file, [u for s in out for u in s.utterances], HEADER_HINT)
    return Transcript(sessions=out, notes=notes, format="csv", numbered_by_order=not numbered)
