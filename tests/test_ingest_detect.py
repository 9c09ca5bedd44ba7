"""Format detection and the format option."""

import pytest

from reverie.errors import IngestError
from reverie.ingest import TRANSCRIPT_FORMATS, detect_format, read_transcript


@pytest.mark.parametrize("name,fmt", [
    ("a.txt", "text"), ("a.TEXT", "text"), ("notes.md", "text"), ("a.vtt", "vtt"), ("a.srt", "srt"),
    ("a.json", "json"), ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.CSV", "csv"),
])
def test_ingest_detect_by_extension(name, fmt):
    assert detect_format(name, b"T: hello") == fmt


@pytest.mark.parametrize("data,fmt", [
    (b"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", "vtt"),
    (b"1\r\n00:00:01,000 --> 00:00:02,000\r\nhi\r\n", "srt"),
    (b'  {"format": "reverie.transcript",\n "version": 1}', "json"),
    (b'{"speaker": "T", "text": "a"}\n{"speaker": "C", "text": "b"}\n', "jsonl"),
    (b"[]", "json"),
    (b"Session,Turn,Speaker,Text\n1,1,T,hi\n", "csv"),
    (b"T: hello\nC: hi\n", "text"),
])
def test_ingest_detect_by_content(data, fmt):
    assert detect_format("upload", data) == fmt


def test_ingest_detect_auto_reads_unknown_extension():
    t = read_transcript("call.export", "c1", data=b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v T>Hi.\n")
    assert t.format == "vtt" and t.sessions[0].utterances[0].role == "therapist"


def test_ingest_detect_explicit_format_overrides_extension():
    t = read_transcript("odd.log", "c1", fmt="csv", data=b"session,turn,speaker,text\n4,1,C,Hi.\n")
    assert t.format == "csv" and t.sessions[0].number == 4


def test_ingest_detect_unknown_format_option_fails():
    assert "docx" not in TRANSCRIPT_FORMATS
    with pytest.raises(IngestError) as err:
        read_transcript("a.txt", "c1", fmt="docx", data=b"T: hi")
    assert "a.txt, field 'format'" in str(err.value)


def test_ingest_detect_missing_file_named(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(IngestError) as err:
        read_transcript(missing, "c1")
    assert "nope.txt" in str(err.value) and "not found" in str(err.value)


def test_ingest_detect_reads_from_disk(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes("T: Bonsoir.\r\nC: Ñandú.\r\n".encode())
    t = read_transcript(path, "c9")
    assert [u.text for u in t.sessions[0].utterances] == ["Bonsoir.", "Ñandú."]
    assert t.sessions[0].source == "s.txt" and t.sessions[0].client == "c9"
