"""Reading responses (CSV, FHIR) and writing/validating FHIR R4 QuestionnaireResponses."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from reverie.domain import Response
from reverie.errors import IngestError
from reverie.measures.fhir import to_fhir_bundle, validate_fhir
from reverie.ingest.questionnaires import read_responses

CSV = (
    "date,session,instrument,answers\n"
    '2024-03-04,1,phq9,"2,2,1,1,0,0,1,1,0"\n'
    '2024-03-04,1,gad7,"1,1,1,,0,0,0"\n'
    '2024-03-11,2,scs_sf,"3,3,3,3,3,3,3,3,3,3,3,3"\n'
)


def test_io_csv_reads_rows_with_missing_answers():
    rs = read_responses("answers.csv", "C7", data=CSV.encode())
    assert [(r.instrument, r.session, r.date) for r in rs] == [
        ("phq9", 1, date(2024, 3, 4)), ("gad7", 1, date(2024, 3, 4)), ("scs_sf", 2, date(2024, 3, 11))]
    assert rs[1].answers == [1, 1, 1, None, 0, 0, 0]
    assert all(r.client == "C7" for r in rs)


def test_io_csv_out_of_range_answer_names_row_field_and_item():
    bad = CSV + '2024-03-18,3,gad7,"1,5,0,0,0,0,0"\n'
    with pytest.raises(IngestError) as info:
        read_responses("answers.csv", "C7", data=bad.encode())
    err = info.value
    assert err.line == 5 and err.field == "answers" and "item 2" in err.problem


@pytest.mark.parametrize("row,field", [
    ('03/04/2024,1,phq9,"0,0,0,0,0,0,0,0,0"', "date"),
    ('2024-03-04,one,phq9,"0,0,0,0,0,0,0,0,0"', "session"),
    ('2024-03-04,1,bdi,"0,0,0"', "instrument"),
    ('2024-03-04,1,phq9,"0,0,0"', "answers"),
    ("2024-03-04,1,phq9,0,0,0,0,0,0,0,0,0", "answers"),  # answers not quoted
])
def test_io_csv_errors_name_the_field(row, field):
    text = "date,session,instrument,answers\n" + row + "\n"
    with pytest.raises(IngestError) as info:
        read_responses("a.csv", "C7", data=text.encode())
    assert info.value.field == field and info.value.line == 2


def test_io_csv_missing_header_column():
    with pytest.raises(IngestError, match="missing column"):
        read_responses("a.csv", "C7", data=b"date,instrument,answers\n2024-01-01,phq9,\"0\"\n")


def test_io_fhir_round_trip_keeps_answers_session_and_date():
    original = [
        Response("C7", "phq9", [1, 2, 3, 0, 1, 2, 1, 0, None], session=3, date=date(2024, 2, 1)),
        Response("C7", "gad7", [0, 1, 2, 3, 0, 1, 2], session=3, date=date(2024, 2, 1)),
        Response("C7", "rfq8", [1, 2, 3, 4, 5, 6, 7, 1], session=4),
        Response("C7", "core10", [0, 4, 4, 0, 0, 0, 0, 0, 0, 0], session=5, date=date(2024, 2, 15)),
    ]
    bundle = to_fhir_bundle("C7", original)
    assert validate_fhir(bundle) == []
    back = read_responses("export.json", "C7", data=json.dumps(bundle).encode())
    assert [(r.instrument, r.answers, r.session, r.date) for r in back] == \
        [(r.instrument, r.answers, r.session, r.date) for r in original]


def test_io_fhir_uses_loinc_for_phq9_and_gad7():
    bundle = to_fhir_bundle("C7", [Response("C7", "phq9", [0] * 9, session=1),
                                   Response("C7", "gad7", [1] * 7, session=1)])
    phq, gad = (e["resource"] for e in bundle["entry"])
    assert phq["questionnaire"] == "http://loinc.org/q/44249-1"
    assert phq["item"][0]["linkId"] == "44250-9"  # little interest or pleasure
    assert phq["item"][0]["answer"][0]["valueCoding"]["code"] == "LA6568-5"  # "Not at all"
    assert gad["questionnaire"] == "http://loinc.org/q/69737-5"
    total = next(i for i in gad["item"] if i["linkId"] == "70274-6")
    assert total["answer"][0]["valueDecimal"] == 7  # GAD-7 total 7 x 1


def test_io_validate_fhir_catches_broken_resources():
    bundle = to_fhir_bundle("C7", [Response("C7", "gad7", [0, 1, 2, 3, 0, 1, 2], session=1)])
    broken = copy.deepcopy(bundle)
    broken["entry"][0]["resource"]["status"] = "finished"  # not an R4 status code
    del broken["entry"][0]["resource"]["item"][1]["linkId"]  # linkId is required
    problems = validate_fhir(broken)
    assert any("status" in p and "finished" in p for p in problems)
    assert any("linkId" in p and "required" in p for p in problems)
    bad_type = copy.deepcopy(bundle)
    bad_type["type"] = "pile"
    assert any(p.startswith("type:") for p in validate_fhir(bad_type))
    two_values = copy.deepcopy(bundle)
    two_values["entry"][0]["resource"]["item"][0]["answer"][0]["valueString"] = "x"
    assert any("more than one value[x]" in p for p in validate_fhir(two_values))


def test_io_fhir_for_another_client_is_refused():
    bundle = to_fhir_bundle("C7", [Response("C7", "gad7", [0] * 7, session=1)])
    with pytest.raises(IngestError, match="belongs to client 'C7'"):
        read_responses("x.json", "C8", data=json.dumps(bundle).encode())


def test_io_invalid_fhir_is_an_ingest_error():
    with pytest.raises(IngestError, match="not a valid FHIR R4 resource"):
        read_responses("x.json", "C7", data=b'{"resourceType": "QuestionnaireResponse"}')
