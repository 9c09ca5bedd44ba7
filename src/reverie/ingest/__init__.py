"""Readers for transcripts and journal entries: they parse and return domain records, never store.

Every failure is an ``IngestError`` naming the file, the line (or cue, or row) and the field.
"""

from reverie.ingest.decoding import MAX_FILE_BYTES
from reverie.ingest.detect import detect_format
from reverie.ingest.entries import read_entries
from reverie.ingest.json_transcript import SCHEMA_PATH
from reverie.ingest.model import Transcript
from reverie.ingest.reader import TRANSCRIPT_FORMATS, read_transcript

__all__ = ["MAX_FILE_BYTES", "SCHEMA_PATH", "TRANSCRIPT_FORMATS", "Transcript", "detect_format", "read_entries", "read_transcript"]
