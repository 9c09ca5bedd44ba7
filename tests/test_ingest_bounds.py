"""Every reader refuses numbers that would not fit an INTEGER column and JSON nested too deeply, naming the place."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from reverie.errors import IngestError
from reverie.ingest import read_entries, read_transcript
from reverie.ingest.bounds import MAX_DEPTH, MAX_INT
from reverie.measures.fhir import to_fhir_bundle
from reverie.ingest.questionnaires import read_responses
from reverie.domain import Response

HUGE = "99999999999999999999"  # 20 digits: beyond PostgreSQL INTEGER and SQLite's 64 bits


def nested(depth: int) -> object:
    value: object = "deep"
    for _ in range(depth):
        value = [value]
    return value


def transcript_doc(number: object = 1, markers: object = None) -> str:
    utterance = {"speaker": "T", "text": "Where are you today?"}
    if markers is not None:
        utterance["markers"] = markers
    doc = {"format": "reverie.transcript", "version": 1,
           "sessions": [{"number": number, "utterances": [utterance, {"speaker": "C", "text": "Somewhere else."}]}]}
    return json.dumps(doc).replace('"NUMBER"', HUGE)


def refused(read, *args, **kw) -> IngestError:
    with pytest.raises(IngestError) as info:
        read(*args, **kw)
    return info.value


@pytest.mark.parametrize("name, text, line, field", [
    ("t.json", transcript_doc("NUMBER"), None, "$.sessions[0].number"),
    ("t.jsonl", '{"speaker": "T", "text": "Hello there.", "session": 1}\n'
                '{"speaker": "C", "text": "Hi.", "session": ' + HUGE + '}\n', 2, "$.session"),
    ("t.csv", "session,turn,speaker,text\n1,1,T,Hello there.\n" + HUGE + ",2,C,Hi.\n", 3, "session"),
    ("t.csv", "session,turn,speaker,text\n1,1,T,Hello there.\n1," + HUGE + ",C,Hi.\n", 3, "turn"),
])
def test_ingest_bounds_transcript_integer_too_large(name: str, text: str, line: int | None, field: str) -> None:
    error = refused(read_transcript, name, "c1", data=text.encode())
    assert (error.file, error.line, error.field) == (name, line, field)
    assert "too large" in error.problem


def test_ingest_bounds_caption_hours_beyond_any_float() -> None:
    timing = f"{'9' * 400}:00:01,000 --> {'9' * 400}:00:02,000"
    error = refused(read_transcript, "t.srt", "c1", data=f"1\n{timing}\nT: Hello there.\n".encode())
    assert error.field == "timing" and error.line == 2


def test_ingest_bounds_webvtt_hours_beyond_any_float_drop_only_that_cue() -> None:
    """WebVTT drops a cue whose timing it cannot read (the W3C algorithm) and says so; the rest is kept."""
    timing = f"{'9' * 400}:00:01.000 --> {'9' * 400}:00:02.000"
    data = f"WEBVTT\n\n{timing}\nT: Hello there.\n\n00:00:03.000 --> 00:00:04.000\nC: Hello.\n"
    path = Path(tempfile.mkdtemp()) / "t.vtt"
    path.write_bytes(data.encode())
    transcript = read_transcript(path, client="c1")
    assert [u.text for s in transcript.sessions for u in s.utterances] == ["Hello."]
    assert any("line 3" in note for note in transcript.notes)


@pytest.mark.parametrize("name, text", [
    ("t.json", transcript_doc(1, nested(MAX_DEPTH + 8))),
    ("t.json", transcript_doc(1, nested(900))),  # deep enough to break a recursive validator
    ("t.jsonl", '{"speaker": "T", "text": "Hello.", "markers": ' + json.dumps(nested(MAX_DEPTH + 8)) + "}\n"),
])
def test_ingest_bounds_transcript_nesting_too_deep(name: str, text: str) -> None:
    error = refused(read_transcript, name, "c1", data=text.encode())
    assert f"nested deeper than {MAX_DEPTH}" in error.problem
    assert error.field is not None and error.field.startswith("$")


def test_ingest_bounds_entries_integer_and_nesting() -> None:
    good = '{"written_at": "2024-03-01", "kind": "dream", "text": "A house by the sea."}\n'
    big = refused(read_entries, "j.jsonl", "c1",
                  data=(good + '{"written_at": "2024-03-02", "kind": "dream", "text": "x", '
                               '"shared_with_therapist": ' + HUGE + "}\n").encode())
    assert (big.line, big.field) == (2, "$.shared_with_therapist") and "too large" in big.problem
    deep = refused(read_entries, "j.jsonl", "c1",
                   data=(good + '{"written_at": "2024-03-02", "kind": "dream", "text": "x", "title": '
                         + json.dumps(nested(MAX_DEPTH + 8)) + "}\n").encode())
    assert deep.line == 2 and f"nested deeper than {MAX_DEPTH}" in deep.problem


def test_ingest_bounds_measures_csv_session_too_large() -> None:
    data = f'date,session,instrument,answers\n2024-03-01,1,gad7,"0,1,2,3,0,1,2"\n2024-03-08,{HUGE},gad7,"0,0,0,0,0,0,0"\n'
    error = refused(read_responses, "m.csv", "C7", data=data.encode())
    assert (error.line, error.field) == (3, "session") and "too large" in error.problem


def test_ingest_bounds_fhir_integer_and_nesting() -> None:
    bundle = to_fhir_bundle("C7", [Response("C7", "gad7", [0, 1, 2, 3, 0, 1, 2], session=1)])
    text = json.dumps(bundle).replace('"valueInteger": 1}', f'"valueInteger": {HUGE}}}', 1)
    assert HUGE in text
    big = refused(read_responses, "r.json", "C7", data=text.encode())
    assert big.field == "$.entry[0].resource.extension[0].valueInteger" and "too large" in big.problem
    bundle["entry"][0]["resource"]["item"][0]["answer"] = nested(900)
    deep = refused(read_responses, "r.json", "C7", data=json.dumps(bundle).encode())
    assert f"nested deeper than {MAX_DEPTH}" in deep.problem
    assert deep.field.startswith("$.entry[0].resource.item[0].answer")


def test_ingest_bounds_the_largest_integer_still_reads() -> None:
    t = read_transcript("t.json", "c1", data=transcript_doc(MAX_INT).encode())
    assert t.sessions[0].number == MAX_INT
