"""JSON Lines of objects, streamed: each non-blank line one JSON object, a bad line named by file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reverie.errors import IngestError


def jsonl_objects(path: str | Path, hint: str = "each line must be one JSON object") -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a line that is not a JSON object raises ``IngestError``."""
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise IngestError(str(path), f"not valid JSON ({exc.msg})", line=number, hint=hint) from None
            if not isinstance(row, dict):
                raise IngestError(str(path), f"expected a JSON object, found {type(row).__name__}", line=number,
                                  hint=hint)
            yield number, row
