"""Which reader a file needs: by extension first, then by a look at its first bytes."""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from reverie.ingest.decoding import sniff_encoding
from reverie.ingest.srt import first_line_is_sbv_timing
from reverie.ingest.timestamped import looks_like

EXTENSIONS = {".txt": "text", ".text": "text", ".md": "text", ".vtt": "vtt", ".webvtt": "vtt", ".srt": "srt",
              ".sbv": "sbv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}

_SRT_START = re.compile(r"^\s*\d+\s*\n[^\n]*-->")


def detect_format(name: str, data: bytes) -> str:
    """A format of ``TRANSCRIPT_FORMATS`` (not ``auto``) for a file name and its bytes.

    ``.txt`` files are looked at too: transcription services export SBV, Otter and Rev text as ``.txt``.
    """
    by_extension = EXTENSIONS.get(PurePath(str(name)).suffix.lower())
    if by_extension and by_extension != "text":
        return by_extension
    encoding = sniff_encoding(data) or "utf-8"
    head = data[:8192].decode(encoding, errors="ignore").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    shape = _text_shape(head)
    if by_extension or shape:
        return shape or by_extension
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


def _text_shape(head: str) -> str | None:
    if first_line_is_sbv_timing(head):
        return "sbv"
    return next((fmt for fmt in ("otter", "rev") if looks_like(fmt, head)), None)
