"""JSON and JSONL transcripts in Reverie's own schema (``transcript.schema.json``), validated with jsonschema."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from reverie.domain import Session
from reverie.errors import IngestError
from reverie.ingest.bounds import loads
from reverie.ingest.model import Transcript, Turn
from reverie.ingest.speakers import RoleMap, assign_roles, require_words, to_utterances

SCHEMA_PATH = Path(__file__).with_name("transcript.schema.json")
SCHEMA_HINT = "see docs/formats.md for Reverie's transcript schema (reverie/ingest/transcript.schema.json)"


@lru_cache(maxsize=None)
def _validator(definition: str | None = None):
    """A cached validator for the whole document, or for one of its ``$defs`` (e.g. ``jsonl_line``)."""
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if definition:
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_error(file: str, doc: Any, definition: str | None = None, line: int | None = None,
                 prefix: str = "$") -> None:
    """Raise the most relevant schema violation as an ``IngestError`` whose field is its JSON path."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(definition).iter_errors(doc))
    if error is None:
        return
    path = prefix + error.json_path[1:]
    message = error.message
    if error.validator == "required":
        missing = message.split("'")[1] if message.count("'") >= 2 else ""
        path, message = f"{path}.{missing}", f"missing required property '{missing}'"
    elif error.validator in ("unevaluatedProperties", "additionalProperties"):
        names = re.findall(r"'([^']*)'", message.split("(", 1)[-1])
        if names:
            path, message = f"{path}.{names[0]}", f"unexpected property '{names[0]}'"
    if len(message) > 200:
        message = message[:200] + "..."
    raise IngestError(file, message, line=line, field=path.lstrip(".") or "$", hint=SCHEMA_HINT)


_UTTERANCE_KEYS = frozenset({"speaker", "role", "text", "start", "end", "markers", "index"})
_ROLES = frozenset({"therapist", "client", "other"})


def _is_seconds(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0)


def plainly_valid_utterance(item: Any) -> bool:
    """The schema's utterance rules in plain Python: True only where the schema also accepts.

    Validating 100,000 utterances through jsonschema takes seconds; this check lets the
    schema see only the document's skeleton, unless an utterance fails, when the schema
    runs on everything and reports the error.
    """
    return (isinstance(item, dict) and item.keys() <= _UTTERANCE_KEYS
            and isinstance(item.get("speaker"), str) and item["speaker"] != ""
            and isinstance(item.get("text"), str)
            and ("role" not in item or (isinstance(item["role"], str) and item["role"] in _ROLES))
            and _is_seconds(item.get("start")) and _is_seconds(item.get("end"))
            and ("markers" not in item or (isinstance(item["markers"], list)
                                           and all(isinstance(m, str) for m in item["markers"])))
            and ("index" not in item or (isinstance(item["index"], int) and not isinstance(item["index"], bool))))


def _validate_document(file: str, doc: Any) -> None:
    sessions = doc.get("sessions") if isinstance(doc, dict) else None
    if isinstance(sessions, list) and all(isinstance(s, dict) for s in sessions):
        utterance_lists = [s.get("utterances") for s in sessions]
        if all(isinstance(u, list) and all(plainly_valid_utterance(x) for x in u) for u in utterance_lists):
            skeleton = {**doc, "sessions": [{**s, "utterances": s["utterances"][:1]} for s in sessions]}
            schema_error(file, skeleton)
            return
    schema_error(file, doc)


def _turn(item: dict[str, Any], line: int) -> Turn:
    return Turn(label=item["speaker"], text=item["text"], line=line, markers=list(item.get("markers") or []),
                start=item.get("start"), end=item.get("end"), role=item.get("role"))


def _check_times(file: str, turn: Turn, field: str, line: int | None = None) -> None:
    if turn.start is not None and turn.end is not None and turn.end < turn.start:
        raise IngestError(file, "end is before start", line=line, field=field)


def read_json(file: str, text: str, client: str, roles: RoleMap, source: str | None = None) -> Transcript:
    """Parse a ``reverie.transcript`` JSON document (several sessions allowed)."""
    doc = loads(file, text)
    _validate_document(file, doc)
    groups: list[tuple[dict[str, Any], list[Turn]]] = []
    numbers: dict[int, int] = {}
    for s_index, item in enumerate(doc["sessions"]):
        number = item.get("number")
        if number is not None:
            if number in numbers:
                raise IngestError(file, f"session number {number} also used by sessions[{numbers[number]}]",
                                  field=f"$.sessions[{s_index}].number")
            numbers[number] = s_index
        turns = [_turn(u, 0) for u in item["utterances"]]
        for u_index, turn in enumerate(turns):
            _check_times(file, turn, f"$.sessions[{s_index}].utterances[{u_index}].end")
        if not any(t.text or t.markers for t in turns):
            raise IngestError(file, "no utterance with text or markers", field=f"$.sessions[{s_index}].utterances",
                              hint=SCHEMA_HINT)
        groups.append((item, turns))
    mapping, notes = assign_roles(file, [t for _i, turns in groups for t in turns], roles)
    sessions = []
    for item, turns in groups:
        utterances = to_utterances(turns, mapping)
        sessions.append(Session(client=client, number=item.get("number"), date=_date(item.get("date")),
                                duration=item.get("duration") or _duration(turns), utterances=utterances,
                                source=source, label=item.get("label")))
    require_words(file, [u for s in sessions for u in s.utterances], SCHEMA_HINT)
    return Transcript(sessions=sessions, notes=notes, format="json")


def read_jsonl(file: str, text: str, client: str, roles: RoleMap, source: str | None = None) -> Transcript:
    """Parse JSONL: one utterance object per line, grouped by the optional ``session`` field."""
    groups: dict[int | None, list[Turn]] = {}
    numbered: bool | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        item = loads(file, raw, line=number)
        schema_error(file, item, "jsonl_line", line=number, prefix="")
        has = "session" in item
        if numbered is not None and has != numbered:
            raise IngestError(file, "some lines name a session and this one does not" if numbered else
                              "this line names a session but earlier lines do not", line=number, field="session",
                              hint="give every line a 'session' number, or none")
        numbered = has
        turn = _turn(item, number)
        _check_times(file, turn, "end", line=number)
        groups.setdefault(item.get("session"), []).append(turn)
    if not groups:
        raise IngestError(file, "no utterances found", hint="write one JSON utterance object per line")
    mapping, notes = assign_roles(file, [t for turns in groups.values() for t in turns], roles)
    sessions = [Session(client=client, number=key, duration=_duration(turns), utterances=to_utterances(turns, mapping),
                        source=source)
                for key, turns in sorted(groups.items(), key=lambda kv: kv[0] or 0)]
    require_words(file, [u for s in sessions for u in s.utterances], SCHEMA_HINT)
    return Transcript(sessions=[s for s in sessions if s.utterances], notes=notes, format="jsonl")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _duration(turns: list[Turn]) -> float | None:
    times = [t for turn in turns for t in (turn.start, turn.end) if t is not None]
    return round(max(times) - min(times), 3) if len(times) >= 2 else None
