"""Reading questionnaire responses: CSV (``date,session,instrument,answers``) or FHIR R4 JSON.

Readers only parse and check; the caller stores. Every problem is an IngestError naming the file, the row
(spreadsheet numbering: the header is row 1) or resource, and the field. The instrument files
(``measures/instruments``) say what a valid answer is, and ``measures.fhir`` holds the FHIR mapping (codes,
linkIds) that this reader and the FHIR export share.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from reverie.domain import Response
from reverie.errors import IngestError, ScoringError
from reverie.ingest.bounds import check_int, loads
from reverie.measures import fhir
from reverie.measures.instruments import INSTRUMENT_IDS, Instrument, get_instrument
from reverie.measures.scoring import parse_answers, validate_answers

CSV_FIELDS = ("date", "session", "instrument", "answers")


def _text(name: str, path: str | Path, data: bytes | None) -> str:
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise IngestError(name, f"cannot be read ({exc.strerror or exc})", hint="check the path") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(name, f"is not valid UTF-8 (offset {exc.start})", hint="save the file as UTF-8") from None
    if not text.strip():
        raise IngestError(name, "the file is empty")
    return text


def read_responses(path: str | Path, client: str, data: bytes | None = None) -> list[Response]:
    """Responses from a CSV file or a FHIR QuestionnaireResponse / Bundle (JSON), for ``client``."""
    name = Path(path).name or str(path)
    text = _text(name, path, data)
    if Path(path).suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _read_fhir(name, text, client)
    return _read_csv(name, text, client)


def _read_csv(name: str, text: str, client: str) -> list[Response]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [f for f in CSV_FIELDS if f not in header]
    if missing:
        raise IngestError(name, f"missing column(s): {', '.join(missing)}", line=1, place="row",
                          hint="the header must be: date,session,instrument,answers (answers quoted: \"1,2,0\")")
    reader.fieldnames = header
    out: list[Response] = []
    for row_number, row in enumerate(reader, start=2):
        if None in row:
            raise IngestError(name, "more fields than columns", line=row_number, place="row", field="answers",
                              hint='put the answers in one quoted field, e.g. "1,2,0,3"')
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue
        out.append(_csv_row(name, row_number, values, client))
    if not out:
        raise IngestError(name, "no responses found", hint="add one row per questionnaire administration")
    return out


def _csv_row(name: str, row: int, values: dict[str, str], client: str) -> Response:
    def fail(problem: str, field: str, hint: str | None = None) -> IngestError:
        return IngestError(name, problem, line=row, place="row", field=field, hint=hint)

    when = None
    if values["date"]:
        try:
            when = date.fromisoformat(values["date"][:10])
        except ValueError:
            raise fail(f"'{values['date']}' is not a date", "date", "write dates as YYYY-MM-DD") from None
    session = None
    if values["session"]:
        try:
            session = int(values["session"])
        except ValueError:
            raise fail(f"'{values['session']}' is not a session number", "session") from None
        if session < 0:
            raise fail(f"session {session} is negative", "session")
        check_int(name, session, "session", row, "row")
    instrument_id = values["instrument"].lower().replace("-", "_")
    if instrument_id not in INSTRUMENT_IDS:
        raise fail(f"unknown instrument '{values['instrument']}'", "instrument", "one of: " + ", ".join(INSTRUMENT_IDS))
    try:
        answers = validate_answers(get_instrument(instrument_id), parse_answers(values["answers"]))
    except ScoringError as exc:
        raise fail(exc.message, "answers", exc.hint) from None
    return Response(client=client, instrument=instrument_id, answers=answers, session=session, date=when)


def _instrument_for(qr: dict[str, Any]) -> Instrument | None:
    url = str(qr.get("questionnaire") or "")
    for inst_id in INSTRUMENT_IDS:
        inst = get_instrument(inst_id)
        if url and url.split("|")[0] == fhir.questionnaire_url(inst):
            return inst
    link_ids = {i.get("linkId") for i in qr.get("item") or [] if isinstance(i, dict)}
    for inst_id in INSTRUMENT_IDS:
        inst = get_instrument(inst_id)
        if link_ids & {fhir.link_id(inst, n) for n in range(1, inst.n_items + 1)}:
            return inst
    return None


def _answer_value(inst: Instrument, answer: dict[str, Any]) -> int | None:
    if "valueInteger" in answer:
        return int(answer["valueInteger"])
    if "valueDecimal" in answer and float(answer["valueDecimal"]).is_integer():
        return int(answer["valueDecimal"])
    coding = answer.get("valueCoding")
    if isinstance(coding, dict):
        for ext in coding.get("extension") or []:
            if ext.get("url") in (fhir.ORDINAL_EXT, "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value"):
                return int(ext.get("valueDecimal"))
        for option in inst.options:
            if option.get("loinc") and option["loinc"] == coding.get("code"):
                return int(option["value"])
        if str(coding.get("code", "")).lstrip("-").isdigit():
            return int(coding["code"])
    return None


def _qr_to_response(name: str, where: str, qr: dict[str, Any], client: str) -> Response:
    def fail(problem: str, field: str, hint: str | None = None) -> IngestError:
        return IngestError(name, problem, line=None, field=f"{where}.{field}", hint=hint)

    inst = _instrument_for(qr)
    if inst is None:
        raise fail(f"unknown questionnaire '{qr.get('questionnaire')}'", "questionnaire",
                   "Reverie reads PHQ-9/GAD-7 (LOINC) and its own urn:reverie:questionnaire:ID responses")
    subject = ((qr.get("subject") or {}).get("identifier") or {}).get("value")
    if subject and client and subject != client:
        raise fail(f"the response belongs to client '{subject}', not '{client}'", "subject",
                   "import it for the right client")
    positions = {fhir.link_id(inst, n): n for n in range(1, inst.n_items + 1)}
    totals = fhir.total_link_ids()
    answers: list[int | None] = [None] * inst.n_items
    for i, item in enumerate(qr.get("item") or []):
        link = item.get("linkId")
        if link in totals:
            continue
        if link not in positions:
            raise fail(f"linkId '{link}' is not an item of {inst.name}", f"item[{i}].linkId")
        values = [_answer_value(inst, a) for a in item.get("answer") or []]
        if len(values) > 1 or (values and values[0] is None):
            raise fail("expected one integer or coded answer", f"item[{i}].answer")
        answers[positions[link] - 1] = values[0] if values else None
    try:
        answers = validate_answers(inst, answers)
    except ScoringError as exc:
        raise fail(exc.message, "item", exc.hint) from None
    session = next((int(e["valueInteger"]) for e in qr.get("extension") or []
                    if e.get("url") == fhir.SESSION_EXT and "valueInteger" in e), None)
    authored = qr.get("authored")
    try:
        when = date.fromisoformat(str(authored)[:10]) if authored else None
    except ValueError:
        raise fail(f"'{authored}' is not a date", "authored") from None
    return Response(client=client, instrument=inst.id, answers=answers, session=session, date=when)


def _read_fhir(name: str, text: str, client: str) -> list[Response]:
    resource = loads(name, text)  # bounded: nesting depth and integer sizes
    problems = fhir.validate_fhir(resource)
    if problems:
        raise IngestError(name, f"not a valid FHIR R4 resource: {problems[0]}",
                          field=problems[0].split(":")[0], hint=f"{len(problems)} problem(s) in all")
    if resource["resourceType"] == "QuestionnaireResponse":
        return [_qr_to_response(name, "QuestionnaireResponse", resource, client)]
    out = []
    for n, entry in enumerate(resource.get("entry") or []):
        res = entry.get("resource") or {}
        if res.get("resourceType") == "QuestionnaireResponse":
            out.append(_qr_to_response(name, f"entry[{n}]", res, client))
    if not out:
        raise IngestError(name, "the Bundle holds no QuestionnaireResponse", field="entry")
    return out
