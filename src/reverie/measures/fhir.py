"""FHIR R4 QuestionnaireResponse: the mapping from the instrument files, writing (the FHIR export) and offline
structural validation. The reader (``ingest.questionnaires``) uses the same mapping, so what is written reads back.

PHQ-9 and GAD-7 use LOINC: the panel as the Questionnaire canonical (``http://loinc.org/q/44249-1``),
item codes as linkIds and LOINC answer codes (LA6568-5...) carrying the ordinal value in the core
``ordinalValue`` extension. Other instruments use ``urn:reverie:questionnaire:ID`` with linkIds
``ID.N`` and integer answers. Validation runs a compact JSON Schema of the R4 resources shipped in
``fhir_r4_schema.json`` and, when the optional ``fhir.resources`` package is installed, its R4B
models as a second check.
"""

from __future__ import annotations

import json
import uuid
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

from reverie.domain import Response
from reverie.measures.instruments import Instrument, get_instrument
from reverie.measures.scoring import score

LOINC = "http://loinc.org"
ORDINAL_EXT = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
SESSION_EXT = "urn:reverie:extension:session-number"
CLIENT_SYSTEM = "urn:reverie:client"
LOCAL_PREFIX = "urn:reverie:questionnaire:"
_NAMESPACE = uuid.UUID("6f0f3b1e-4f7c-4b3a-9a59-2f6f1f1e7c01")


def questionnaire_url(inst: Instrument) -> str:
    if inst.loinc and inst.loinc.get("panel"):
        return f"{LOINC}/q/{inst.loinc['panel']}"
    return LOCAL_PREFIX + inst.id


def link_id(inst: Instrument, number: int) -> str:
    """The linkId of item ``number`` (1-based): its LOINC code where one exists."""
    if inst.loinc and inst.loinc.get("items"):
        return inst.loinc["items"][number - 1]
    return f"{inst.id}.{number}"


def _answer(inst: Instrument, value: int) -> dict[str, Any]:
    option = next((o for o in inst.options if int(o["value"]) == value), None)
    if option and option.get("loinc"):
        return {"valueCoding": {"extension": [{"url": ORDINAL_EXT, "valueDecimal": value}],
                                "system": LOINC, "code": option["loinc"], "display": option["label"]}}
    return {"valueInteger": value}


def to_questionnaire_response(client: str, response: Response) -> dict[str, Any]:
    """One Response as an R4 QuestionnaireResponse (status ``in-progress`` when items are unanswered)."""
    inst = get_instrument(response.instrument)
    key = f"{client}|{inst.id}|{response.session}|{response.date}|{response.answers}"
    items = []
    for number, value in enumerate(response.answers, start=1):
        if value is None:
            continue
        item: dict[str, Any] = {"linkId": link_id(inst, number)}
        if inst.items[number - 1]:
            item["text"] = inst.items[number - 1]
        item["answer"] = [_answer(inst, int(value))]
        items.append(item)
    sc = score(inst.id, response.answers)
    if inst.loinc and inst.loinc.get("total") and sc.total is not None:
        items.append({"linkId": inst.loinc["total"], "text": f"{inst.name} total score",
                      "answer": [{"valueDecimal": sc.total}]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(uuid.uuid5(_NAMESPACE, key)),
        "questionnaire": questionnaire_url(inst),
        "status": "completed" if all(v is not None for v in response.answers) else "in-progress",
        "subject": {"identifier": {"system": CLIENT_SYSTEM, "value": client}, "display": client},
    }
    if response.session is not None:
        resource["extension"] = [{"url": SESSION_EXT, "valueInteger": int(response.session)}]
    if response.date is not None:
        resource["authored"] = response.date.isoformat()
    resource["item"] = items
    return resource


def to_fhir_bundle(client: str, responses: Sequence[Response]) -> dict[str, Any]:
    """A ``collection`` Bundle of QuestionnaireResponses, one per administration."""
    entries = []
    for r in responses:
        qr = to_questionnaire_response(client, r)
        entries.append({"fullUrl": f"urn:uuid:{qr['id']}", "resource": qr})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def total_link_ids() -> dict[str, str]:
    """LOINC total-score linkId -> instrument id (readers skip these: scores are derived)."""
    out = {}
    for inst_id in ("phq9", "gad7"):
        inst = get_instrument(inst_id)
        out[inst.loinc["total"]] = inst_id
    return out


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = resources.files("reverie.measures").joinpath("fhir_r4_schema.json").read_text("utf-8")
    return json.loads(text)


def _path(error: Any) -> str:
    parts = [str(p) for p in error.absolute_path]
    return "/".join(parts) if parts else "(root)"


def _semantic(resource: dict[str, Any]) -> list[str]:
    """Rules JSON Schema cannot say compactly: one value[x] per answer, unique linkIds."""
    problems: list[str] = []
    qrs = ([e.get("resource") for e in resource.get("entry", []) if isinstance(e, dict)]
           if resource.get("resourceType") == "Bundle" else [resource])
    for n, qr in enumerate(qrs):
        if not isinstance(qr, dict) or qr.get("resourceType") != "QuestionnaireResponse":
            continue
        where = f"entry/{n}/resource" if resource.get("resourceType") == "Bundle" else "(root)"
        seen: set[str] = set()
        for i, item in enumerate(qr.get("item") or []):
            if not isinstance(item, dict):
                continue
            if item.get("linkId") in seen:
                problems.append(f"{where}/item/{i}: linkId '{item.get('linkId')}' repeated")
            seen.add(item.get("linkId"))
            for j, ans in enumerate(item.get("answer") or []):
                values = [k for k in ans if k.startswith("value")] if isinstance(ans, dict) else []
                if len(values) > 1:
                    problems.append(f"{where}/item/{i}/answer/{j}: more than one value[x] ({', '.join(values)})")
    return problems


def _with_fhir_resources(resource: dict[str, Any]) -> list[str]:
    try:  # optional: the R4B models of fhir.resources (R4B is R4 for these two resources)
        from fhir.resources.R4B.bundle import Bundle
        from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    except ImportError:
        return []
    model = {"Bundle": Bundle, "QuestionnaireResponse": QuestionnaireResponse}.get(resource.get("resourceType"))
    if model is None:
        return []
    try:
        model.model_validate(resource)
    except Exception as exc:  # pydantic.ValidationError; its import path is the package's business
        errors = getattr(exc, "errors", None)
        if callable(errors):
            return [f"fhir.resources: {'/'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in errors()]
        return [f"fhir.resources: {exc}"]
    return []


def validate_fhir(resource: dict[str, Any]) -> list[str]:
    """Structural problems with a Bundle or QuestionnaireResponse (R4); an empty list means valid."""
    import jsonschema

    if not isinstance(resource, dict):
        return ["(root): a FHIR resource must be a JSON object"]
    validator = jsonschema.Draft7Validator(_schema())
    problems = [f"{_path(e)}: {e.message}" for e in sorted(validator.iter_errors(resource), key=lambda e: list(map(str, e.absolute_path)))]
    problems += _semantic(resource)
    if not problems:
        problems += _with_fhir_resources(resource)
    return problems
