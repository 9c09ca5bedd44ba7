"""What a reader accepts at most, checked in one place so that no oversized value reaches the database.

Integers must fit a 32-bit ``INTEGER`` column (PostgreSQL's, the narrower of the two back ends) and JSON may nest
at most ``MAX_DEPTH`` containers deep (Reverie's own formats need 6, FHIR questionnaire responses about 10). A
value beyond either is an ``IngestError`` naming the file, the line and the field, before anything is stored.
"""

from __future__ import annotations

import json
import math
from typing import Any

from reverie.errors import IngestError

MAX_INT = 2**31 - 1
MIN_INT = -(2**31)
MAX_DEPTH = 32
LIMIT_HINT = f"whole numbers lie between {MIN_INT} and {MAX_INT}; JSON nests at most {MAX_DEPTH} levels (docs/formats.md)"


def check_int(file: str, value: int, field: str, line: int | None = None, place: str = "line") -> int:
    """``value`` if it fits an INTEGER column, else an IngestError naming the field."""
    if not MIN_INT <= value <= MAX_INT:
        shown = str(value) if len(str(value)) <= 24 else str(value)[:20] + "..."
        raise IngestError(file, f"{shown} is too large a number", line=line, field=field, place=place, hint=LIMIT_HINT)
    return value


def _path(where: tuple | None) -> str:
    keys: list[Any] = []
    while where is not None:
        where, key = where
        keys.append(key)
    return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in reversed(keys))


def _within(doc: Any) -> bool:
    """The quick pass over every value: True when nothing is too deep or too large (no paths kept)."""
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        for item in (value.values() if type(value) is dict else value):
            kind = type(item)
            if kind is str or kind is float:
                continue
            if kind is int:
                if not MIN_INT <= item <= MAX_INT:
                    return False
            elif kind is dict or kind is list:
                if depth >= MAX_DEPTH:
                    return False
                stack.append((item, depth + 1))
    return True


def check_json(file: str, doc: Any, line: int | None = None) -> None:
    """Refuse a parsed JSON document that nests deeper than ``MAX_DEPTH`` or holds an integer beyond INTEGER."""
    if type(doc) is int:
        check_int(file, doc, "$", line)
    if type(doc) not in (dict, list) or _within(doc):
        return
    stack: list[tuple[Any, int, tuple | None]] = [(doc, 1, None)]
    while stack:  # the slow pass, only for a refused document: find the first problem and its JSON path
        value, depth, where = stack.pop()
        if depth > MAX_DEPTH:
            raise IngestError(file, f"nested deeper than {MAX_DEPTH} levels", line=line, field=_path(where),
                              hint=LIMIT_HINT)
        for key, item in (value.items() if type(value) is dict else enumerate(value)):
            kind = type(item)
            if kind is int:
                check_int(file, item, _path((where, key)), line)
            elif kind is dict or kind is list:
                stack.append((item, depth + 1, (where, key)))


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is too large")
    return value


def loads(file: str, text: str, line: int | None = None) -> Any:
    """``json.loads`` within the bounds above; every failure is an ``IngestError`` with the line of the problem."""
    try:
        doc = json.loads(text, parse_constant=_reject_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        hint = "write one JSON object per line and name the file .jsonl" if exc.msg == "Extra data" else None
        raise IngestError(file, f"not valid JSON: {exc.msg} (column {exc.colno})",
                          line=line if line is not None else exc.lineno, hint=hint) from None
    except RecursionError:
        raise IngestError(file, f"nested deeper than {MAX_DEPTH} levels", line=line, hint=LIMIT_HINT) from None
    except ValueError as exc:
        raise IngestError(file, f"not valid JSON: {str(exc)[:120]}", line=line, hint=LIMIT_HINT) from None
    check_json(file, doc, line)
    return doc
