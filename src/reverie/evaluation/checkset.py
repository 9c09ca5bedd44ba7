"""Reading a JSONL check set: one object with a ``text`` per line, every problem named by file, line and field.

Each evaluation command checks its own fields on the rows this hands back; ``split`` narrows the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reverie.errors import IngestError, InputError
from reverie.ingest.jsonl import jsonl_objects

RowCheck = Callable[[dict[str, Any], int], None]


def read_check_set(path: str | Path, what: str, hint: str, check: RowCheck,
                   split: str | None = None) -> list[dict[str, Any]]:
    """The rows of ``path`` (only those whose ``split`` is ``split`` when given), each passed to ``check(row, line)``."""
    p = Path(path)
    rows = []
    try:
        for number, row in jsonl_objects(p, hint):
            if not isinstance(row.get("text"), str):
                raise IngestError(str(p), "missing or non-text value", line=number, field="text")
            check(row, number)
            if split is None or row.get("split") == split:
                rows.append(row)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} check data {p}: {getattr(exc, 'strerror', None) or exc}",
                         hint=hint) from exc
    if not rows:
        raise InputError(f"{p} holds no rows" + (f" in split '{split}'" if split else ""), hint=hint)
    return rows
