"""Data in and out the way other systems make and take it: a video-call caption export, FHIR questionnaires."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import reverie.workspace as rw
from reverie.measures.fhir import validate_fhir

DATA = Path(__file__).parent / "data"


def test_interop_video_call_export_is_analysed_end_to_end() -> None:
    # written for the tests in the shape video-call tools export: numbered cues, "Name: text", a turn split over
    # two cues, a 6.65 s silence (26.75 -> 33.40) and an overlapping cue (37.05 starts before 37.10)
    result = rw.analyze_file(DATA / "video_call_export.vtt", therapist_label="Dr. Anika Shah",
                             client_label="Jordan Lee")
    (session,) = result["sessions"]
    roles = [u["role"] for u in session["utterances"]]
    assert roles == ["therapist", "client", "therapist", "client", "therapist", "client", "therapist", "client"]
    longest = session["summary"]["dialogue"]["longest_silences"][0]
    assert abs(longest["seconds"] - 6.65) < 0.01
    interventions = [u["annotations"]["dialogue"]["intervention"] for u in session["utterances"] if u["role"] == "therapist"]
    assert interventions[-1] == "interpretation"  # "with me, too ... the way you had to be with your dad"
    references = [u["annotations"]["transference"].get("reference") for u in session["utterances"] if u["role"] == "client"]
    assert references[-1] == "therapist"  # "I did think you'd be annoyed that I'm doing this from the car."
    assert all(r is None for r in references[:-1])  # "I can hear you" answers a question about the line


def test_interop_fhir_export_validates_and_reimports(ws: rw.Workspace, tmp_path: Path) -> None:
    ws.record_response("c1", "phq9", [2, 1, 2, 1, 0, 1, 2, 1, 0], session=1, date=date(2026, 2, 2))
    ws.record_response("c1", "gad7", [1, 1, 2, 1, 0, 1, 1], session=1, date=date(2026, 2, 2))
    out = ws.export("c1", "fhir", tmp_path / "c1.fhir.json")
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert validate_fhir(bundle) == []
    codes = {e["resource"]["questionnaire"] for e in bundle["entry"]}
    assert len(codes) == 2
    before = sorted((r.instrument, r.session, r.date, r.answers) for r in ws.responses("c1"))
    ws.erase("c1")
    assert ws.import_responses(out, "c1")["imported"] == 2
    assert sorted((r.instrument, r.session, r.date, r.answers) for r in ws.responses("c1")) == before
