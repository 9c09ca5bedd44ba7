"""JSON and JSONL transcripts in Reverie's schema: validation errors name the JSON path."""

import json

import pytest
from jsonschema import Draft202012Validator

from reverie.domain import Session, Utterance
from reverie.errors import IngestError
from reverie.ingest import SCHEMA_PATH, read_transcript
from reverie.ingest.json_transcript import plainly_valid_utterance

DOC = {
    "format": "reverie.transcript", "version": 1,
    "sessions": [
        {"number": 3, "date": "2024-04-02", "duration": 3000,
         "utterances": [{"speaker": "T", "text": "Where are you today?", "start": 0, "end": 2.5},
                        {"speaker": "Anna", "role": "client", "text": "Somewhere else.", "markers": ["pause"]}]},
        {"utterances": [{"speaker": "Therapist", "text": "Bonjour."}, {"speaker": "Client", "text": "Ça va 🙂"}]},
    ],
}


def read(obj, name="t.json", **kw):
    data = obj.encode("utf-8") if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return read_transcript(name, "c1", data=data, **kw)


def test_ingest_json_schema_file_is_valid_draft_2020_12():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")
    assert Draft202012Validator(schema).is_valid(DOC)


def test_ingest_json_sessions_roles_and_times():
    t = read(DOC)
    first, second = t.sessions
    assert (first.number, str(first.date), first.duration) == (3, "2024-04-02", 3000)
    assert [(u.role, u.text, u.start, u.end, u.markers) for u in first.utterances] == [
        ("therapist", "Where are you today?", 0, 2.5, []), ("client", "Somewhere else.", None, None, ["pause"])]
    assert second.number is None and [u.role for u in second.utterances] == ["therapist", "client"]
    assert second.utterances[1].text == "Ça va 🙂"


def test_ingest_json_reads_domain_session_dicts():
    session = Session(client="x", number=1, utterances=[Utterance(0, "client", "Anna", "Hi.", 1.0, 2.0, ["sigh"])])
    t = read({"format": "reverie.transcript", "version": 1, "sessions": [session.to_dict()]})
    assert t.sessions[0].utterances[0].to_dict() == session.utterances[0].to_dict()
    assert t.sessions[0].client == "c1"


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d["sessions"][0]["utterances"][1].pop("text"), "$.sessions[0].utterances[1].text"),
    (lambda d: d["sessions"][1]["utterances"][0].update(role="mother"), "$.sessions[1].utterances[0].role"),
    (lambda d: d["sessions"][0].update(date="2024-02-30"), "$.sessions[0].date"),
    (lambda d: d["sessions"][0].update(number=0), "$.sessions[0].number"),
    (lambda d: d["sessions"][0]["utterances"][0].update(start=-1), "$.sessions[0].utterances[0].start"),
    (lambda d: d["sessions"][0]["utterances"][0].update(txt="typo"), "$.sessions[0].utterances[0].txt"),
    (lambda d: d.update(version=2), "$.version"),
    (lambda d: d["sessions"][1].update(utterances=[]), "$.sessions[1].utterances"),
])
def test_ingest_json_schema_errors_name_path(mutate, field):
    doc = json.loads(json.dumps(DOC))
    mutate(doc)
    with pytest.raises(IngestError) as err:
        read(doc, name="bad.json")
    assert err.value.field == field
    assert f"bad.json, field '{field}'" in str(err.value)


def test_ingest_json_syntax_error_names_line():
    with pytest.raises(IngestError) as err:
        read('{"format": "reverie.transcript",\n "version": 1,\n "sessions": [}\n', name="s.json")
    assert err.value.line == 3 and "s.json, line 3" in str(err.value)


def test_ingest_json_duplicate_session_numbers_fail():
    doc = json.loads(json.dumps(DOC))
    doc["sessions"][1]["number"] = 3
    with pytest.raises(IngestError) as err:
        read(doc, name="dup.json")
    assert "field '$.sessions[1].number'" in str(err.value)


@pytest.mark.parametrize("item", [
    {"speaker": "T", "text": "x"}, {"speaker": "T", "text": "x", "role": "client", "start": 1, "end": 2.5},
    {"speaker": "", "text": "x"}, {"speaker": "T"}, {"speaker": "T", "text": "x", "role": ["client"]},
    {"speaker": "T", "text": "x", "start": True}, {"speaker": "T", "text": "x", "markers": [1]},
    {"speaker": "T", "text": "x", "extra": 1}, {"speaker": "T", "text": "x", "end": None, "index": 4},
    {"speaker": "T", "text": "x", "start": -0.5}, [], "T",
])
def test_ingest_json_fast_utterance_check_agrees_with_schema(item):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/utterance",
                                      "unevaluatedProperties": False})
    assert plainly_valid_utterance(item) == validator.is_valid(item)


def test_ingest_json_large_document_reports_late_error():
    doc = {"format": "reverie.transcript", "version": 1,
           "sessions": [{"utterances": [{"speaker": "T" if i % 2 else "C", "text": f"turn {i}"} for i in range(3000)]}]}
    doc["sessions"][0]["utterances"][2999]["start"] = "soon"
    with pytest.raises(IngestError) as err:
        read(doc, name="late.json")
    assert err.value.field == "$.sessions[0].utterances[2999].start"


JSONL = ('{"session": 2, "speaker": "T", "text": "And this week?"}\n\n'
         '{"session": 1, "speaker": "T", "text": "Hello.", "start": 0, "end": 1}\n'
         '{"session": 1, "speaker": "C", "text": "Hi, 你好.", "markers": ["laughs"]}\n'
         '{"session": 2, "speaker": "C", "text": "Worse, then better."}\n')


def test_ingest_jsonl_groups_sessions():
    t = read(JSONL, name="t.jsonl")
    assert t.format == "jsonl" and [s.number for s in t.sessions] == [1, 2]
    assert [(u.role, u.text) for u in t.sessions[0].utterances] == [("therapist", "Hello."), ("client", "Hi, 你好.")]
    assert [u.text for u in t.sessions[1].utterances] == ["And this week?", "Worse, then better."]


def test_ingest_jsonl_without_session_is_one_session():
    t = read('{"speaker": "T", "text": "A."}\r\n{"speaker": "C", "text": "B."}\r\n', name="t.ndjson")
    assert len(t.sessions) == 1 and t.sessions[0].number is None


@pytest.mark.parametrize("line,field", [
    ('{"speaker": "C"}', "text"), ('{"speaker": "C", "text": "x", "session": "two"}', "session"),
    ('{"speaker": "C", "text": "x", "mood": "low"}', "mood"),
    ('{"speaker": "C", "text": "x", "start": 5, "end": 1}', "end"),
])
def test_ingest_jsonl_invalid_line_named(line, field):
    data = '{"speaker": "T", "text": "Fine."}\n' + line + "\n"
    with pytest.raises(IngestError) as err:
        read(data, name="bad.jsonl")
    assert err.value.line == 2 and f"bad.jsonl, line 2, field '{field}'" in str(err.value)


def test_ingest_jsonl_broken_json_names_line():
    with pytest.raises(IngestError) as err:
        read('{"speaker": "T", "text": "A."}\n{"speaker": "C", "text": \n', name="b.jsonl")
    assert err.value.line == 2 and "not valid JSON" in str(err.value)


def test_ingest_json_session_label_read_and_round_trips():
    doc = {"format": "reverie.transcript", "version": 1,
           "sessions": [{"label": "P01-S03", "utterances": [{"speaker": "T", "text": "Hello."}]}]}
    [s] = read_transcript("l.json", "c1", data=json.dumps(doc).encode()).sessions
    assert s.label == "P01-S03"
    again = {"format": "reverie.transcript", "version": 1, "sessions": [s.to_dict()]}
    assert read_transcript("l.json", "c1", data=json.dumps(again).encode()).sessions[0].label == "P01-S03"
