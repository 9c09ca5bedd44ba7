"""``read_transcript``: pick the reader for a file and hand back a ``Transcript``."""

from __future__ import annotations

from pathlib import Path, PurePath

from reverie.errors import IngestError
from reverie.ingest.captions import read_captions
from reverie.ingest.csv_transcript import read_csv_transcript
from reverie.ingest.decoding import decode_with_note, load_bytes
from reverie.ingest.detect import detect_format
from reverie.ingest.json_transcript import read_json, read_jsonl
from reverie.ingest.model import Transcript
from reverie.ingest.plain_text import read_text
from reverie.ingest.speakers import RoleMap
from reverie.ingest.timestamped import read_timestamped

TRANSCRIPT_FORMATS = ("auto", "text", "vtt", "srt", "sbv", "otter", "rev", "json", "jsonl", "csv")


def read_transcript(path: str | Path, client: str = "", fmt: str = "auto", therapist_label: str | None = None,
                    client_label: str | None = None, data: bytes | None = None, encoding: str | None = None
                    ) -> Transcript:
    """Parse one transcript file into sessions for ``client``; never stores anything.

    With ``data`` the bytes are parsed and ``path`` only names the file in messages and
    guides format detection; ``encoding`` names the file's encoding (default: detected).
    Raises ``IngestError`` (file, line/cue/row, field) on bad input.
    """
    file = str(path)
    if fmt not in TRANSCRIPT_FORMATS:
        raise IngestError(file, f"unknown format {fmt!r}", field="format",
                          hint="use one of: " + ", ".join(TRANSCRIPT_FORMATS))
    raw = load_bytes(path, data)
    used = detect_format(file, raw) if fmt == "auto" else fmt
    text, decoded_note = decode_with_note(file, raw, encoding, legacy=used == "srt")
    roles = RoleMap(therapist_label, client_label)
    source = PurePath(file).name or None
    if used == "text":
        transcript = read_text(file, text, client, roles, source)
    elif used in ("vtt", "srt", "sbv"):
        transcript = read_captions(file, text, client, roles, used, source)
    elif used in ("otter", "rev"):
        transcript = read_timestamped(file, text, client, roles, used, source)
    elif used == "json":
        transcript = read_json(file, text, client, roles, source)
    elif used == "jsonl":
        transcript = read_jsonl(file, text, client, roles, source)
    else:
        transcript = read_csv_transcript(file, text, client, roles, source)
    transcript.format = used
    if decoded_note:
        transcript.notes.insert(0, decoded_note)
    return transcript
