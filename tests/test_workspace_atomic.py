"""Every import lands whole or not at all: a refused file, record or user leaves the database as it was."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

import reverie.workspace as rw
from reverie.errors import AccessDenied, IngestError, InputError, ReverieError
from reverie.measures.fhir import to_fhir_bundle
from reverie.domain import Response

HUGE = "99999999999999999999"
TEXT = "T: What comes to mind today?\nC: The garden gate, and how it never quite shut.\n"


def snapshot(ws: rw.Workspace) -> dict[str, int]:
    """Row counts of every table, read past the store (so the look itself writes no audit row)."""
    with ws.db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in inspect(ws.db.engine).get_table_names()}


@pytest.fixture
def exported(ws: rw.Workspace, tmp_path: Path) -> dict[str, Any]:
    """A workspace export of client c1 (two sessions, an entry, a response), with c1 then erased."""
    for n, line in enumerate(("C: The garden gate never quite shut.", "C: I dreamt of the sea again."), start=1):
        f = tmp_path / f"s{n}.txt"
        f.write_text(f"T: What comes to mind?\n{line}\n", encoding="utf-8")
        ws.import_transcript(f, "c1")
    ws.record_response("c1", "gad7", [0, 1, 1, 0, 1, 0, 1], session=1)
    data = ws.export_data("c1")
    ws.erase("c1")
    return data


def _bad_export(data: dict[str, Any], how: str) -> str:
    data = copy.deepcopy(data)
    if how == "note without text":  # refused while reading
        data["process_notes"] = [{"session": 1}]
    elif how == "unknown consent scope":  # refused inside the transaction, after the client was added
        data["consents"].append({"scope": "telepathy", "withdrawn_at": None})
    elif how == "two sessions numbered 1":  # refused by the store, after the first session was added
        data["sessions"][1]["number"] = 1
    elif how == "session number too large":
        data["sessions"][1]["number"] = "NUMBER"
    elif how == "session number as text":  # SQLite would keep a text in an INTEGER column
        data["sessions"][1]["number"] = "2"
    elif how == "sessions not a list":
        data["sessions"] = {"first": data["sessions"][0]}
    elif how == "client code a number":
        data["client"]["code"] = 7
    elif how == "nested too deeply":
        deep: Any = "x"
        for _ in range(200):
            deep = [deep]
        data["sessions"][0]["utterances"][0]["markers"] = deep
    return json.dumps(data).replace('"NUMBER"', HUGE)


@pytest.mark.parametrize("how", ["note without text", "unknown consent scope", "two sessions numbered 1",
                                 "session number too large", "session number as text", "sessions not a list",
                                 "client code a number", "nested too deeply"])
def test_workspace_import_export_refused_file_stores_nothing(ws: rw.Workspace, exported: dict[str, Any],
                                                             tmp_path: Path, how: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(_bad_export(exported, how), encoding="utf-8")
    before = snapshot(ws)
    with pytest.raises(InputError):
        ws.import_export(bad)
    assert snapshot(ws) == before
    assert ws.clients() == []
    # the same workspace object then imports the good file whole, and its text decrypts
    good = tmp_path / "good.json"
    good.write_text(json.dumps(exported), encoding="utf-8")
    assert ws.import_export(good) == {"client": "c1", "sessions": 2, "entries": 0, "responses": 1}
    assert [s.utterances[1].text for s in ws.store.client_sessions("c1")] == [
        "The garden gate never quite shut.", "I dreamt of the sea again."]


def _files(tmp_path: Path) -> dict[str, tuple[str, str]]:
    bundle = to_fhir_bundle("n1", [Response("n1", "gad7", [0, 1, 2, 3, 0, 1, 2], session=1)])
    fhir = json.dumps(bundle).replace('"valueInteger": 1}', f'"valueInteger": {HUGE}}}', 1)
    doc = {"format": "reverie.transcript", "version": 1,
           "sessions": [{"number": "NUMBER", "utterances": [{"speaker": "T", "text": "Hello there."},
                                                            {"speaker": "C", "text": "Hello."}]}]}
    return {
        "s.json": ("transcript", json.dumps(doc).replace('"NUMBER"', HUGE)),
        "s.jsonl": ("transcript", '{"speaker": "T", "text": "Hi.", "session": ' + HUGE + "}\n"),
        "s.csv": ("transcript", f"session,turn,speaker,text\n{HUGE},1,T,Hello there.\n"),
        "s.vtt": ("transcript", f"WEBVTT\n\n{'9' * 400}:00:01.000 --> {'9' * 400}:00:02.000\nT: Hello there.\n"),
        "m.csv": ("responses", f'date,session,instrument,answers\n2024-03-01,{HUGE},gad7,"0,1,2,3,0,1,2"\n'),
        "m.json": ("responses", fhir),
    }


@pytest.mark.parametrize("name", ["s.json", "s.jsonl", "s.csv", "s.vtt", "m.csv", "m.json"])
def test_workspace_oversized_numbers_refused_before_a_client_is_made(ws: rw.Workspace, tmp_path: Path,
                                                                     name: str) -> None:
    kind, content = _files(tmp_path)[name]
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    call = {"transcript": ws.import_transcript, "responses": ws.import_responses}[kind]
    before = snapshot(ws)
    with pytest.raises(IngestError) as info:
        call(f, "n1")
    assert info.value.file.endswith(name)
    if name.endswith(".vtt"):  # WebVTT drops the unreadable cue (the W3C algorithm), which leaves nothing to store
        assert "no utterances" in info.value.problem
    else:
        assert info.value.field
    assert snapshot(ws) == before


def test_workspace_session_number_option_too_large(ws: rw.Workspace, tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_text(TEXT, encoding="utf-8")
    before = snapshot(ws)
    with pytest.raises(InputError, match="out of range"):
        ws.import_transcript(f, "n1", number=int(HUGE))
    assert snapshot(ws) == before


@pytest.mark.parametrize("kind", ["transcript", "entries", "response", "responses"])
def test_workspace_admin_import_leaves_no_client_or_attested_consent(ws: rw.Workspace, tmp_path: Path,
                                                                     kind: str) -> None:
    ws.add_user("ops", "admin")
    admin = rw.open(ws.settings.workspace, db=None if ws.db.is_sqlite else ws.db.url, user="ops")
    files = {"transcript": ("s.txt", TEXT),
             "entries": ("j.jsonl", '{"written_at": "2024-03-01", "kind": "dream", "text": "A house by the sea."}\n'),
             "responses": ("m.csv", 'date,session,instrument,answers\n2024-03-01,1,gad7,"0,1,2,3,0,1,2"\n')}
    before = snapshot(ws)
    try:
        with pytest.raises(ReverieError) as info:
            if kind == "response":
                admin.record_response("n1", "gad7", [0, 1, 2, 3, 0, 1, 2], session=1)
            else:
                name, content = files[kind]
                (tmp_path / name).write_text(content, encoding="utf-8")
                call = {"transcript": admin.import_transcript, "entries": admin.import_entries,
                        "responses": admin.import_responses}[kind]
                call(tmp_path / name, "n1")
    finally:
        admin.close()
    assert isinstance(info.value, AccessDenied)
    assert snapshot(ws) == before
    assert ws.clients() == []


def test_workspace_admin_import_export_leaves_nothing(ws: rw.Workspace, exported: dict[str, Any],
                                                      tmp_path: Path) -> None:
    ws.add_user("ops", "admin")
    f = tmp_path / "export.json"
    f.write_text(json.dumps(exported), encoding="utf-8")
    before = snapshot(ws)
    admin = rw.open(ws.settings.workspace, db=None if ws.db.is_sqlite else ws.db.url, user="ops")
    try:
        with pytest.raises(AccessDenied):
            admin.import_export(f)
    finally:
        admin.close()
    assert snapshot(ws) == before
    assert ws.clients() == []
