"""Which reader a file needs: by extension first, then by a look at its first bytes."""

from __future__ import annotations

import json
import re
from pathlib import PurePath

EXTENSIONS = {".txt": "text", ".text": "text", ".md": "text", ".vtt": "vtt", ".webvtt": "vtt", ".srt": "srt",
              ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_SRT_START = re.compile(r"^\s*\d+\s*\n[^\n]*-->")


def detect_format(name: str, data: bytes) -> str:
    """``text``, ``vtt``, ``srt``, ``json``, ``jsonl`` or ``csv`` for a file name and its bytes."""
    by_extension = EXTENSIONS.get(PurePath(str(name)).suffix.lower())
    if by_extension:
        return by_extension
    head = data[:8192].decode("utf-8", errors="ignore").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    start = head.lstrip()
    if head.startswith("WEBVTT"):
        return "vtt"
    if _SRT_START.match(head):
        return "srt"
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        first = start.split("\n", 1)[0]
        try:
            json.loads(first)
        except ValueError:
            return "json"
        rest = start[len(first):].strip()
        return "jsonl" if rest.startswith("{") else "json"
    header = {cell.strip().strip('"').lower() for cell in re.split(r"[,;\t]", start.split("\n", 1)[0])}
    if {"session", "turn"} <= header:
        return "csv"
    return "text"
