"""Evaluating the risk analyser: loading JSONL, recall/precision, the report, and the committed figures."""

import json
from pathlib import Path

import pytest

from reverie.errors import IngestError, InputError
from reverie.analysis.risk import RiskAnalyzer
from reverie.evaluation.risk import evaluate, format_report, load_rows

DATA = Path(__file__).parent / "data"


def _write(tmp_path, lines):
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_evaluation_risk_load_rows_names_the_bad_line(tmp_path):
    path = _write(tmp_path, ['{"text": "fine", "label": 0}', "", '{"text": "x", "label": 2}'])
    with pytest.raises(IngestError) as err:
        load_rows(path)
    assert err.value.line == 3 and err.value.field == "label"


def test_evaluation_risk_load_rows_rejects_broken_json_and_missing_text(tmp_path):
    with pytest.raises(IngestError, match="line 1"):
        load_rows(_write(tmp_path, ["{not json"]))
    with pytest.raises(IngestError, match="'text'"):
        load_rows(_write(tmp_path, ['{"label": 1}']))
    with pytest.raises(InputError):
        load_rows(tmp_path / "missing.jsonl")


def test_evaluation_risk_counts_errors():
    rows = [{"text": "I want to kill myself.", "label": 1},
            {"text": "I feel a quiet sort of dread about the future.", "label": 1},  # a miss: no risk words
            {"text": "This commute is killing me.", "label": 0},
            {"text": "I cut myself again last night.", "label": 0}]  # labelled 0 on purpose: a false alarm
    result = evaluate(rows, analyzer=RiskAnalyzer(semantic=False))  # rules only: no model in a fast test
    assert (result["n"], result["tp"], result["fn"], result["fp"], result["tn"]) == (4, 1, 1, 1, 1)
    assert result["recall"] == 0.5 and result["precision"] == 0.5 and result["f1"] == 0.5
    assert result["false_negatives"][0]["text"].startswith("I feel a quiet")
    report = format_report(result)
    assert "recall    0.500" in report and "I feel a quiet sort of dread" in report
    json.dumps(result)  # the CLI's --json output must serialise


def test_evaluation_risk_uses_the_given_analyzer():
    class Never:
        def annotate(self, units):
            from reverie.domain import Annotation
            return [Annotation("risk", "0", u.id, {"risk": False}) for u in units]

    result = evaluate([{"text": "I want to die.", "label": 1}], analyzer=Never())
    assert result["recall"] == 0.0 and result["fn"] == 1


def test_evaluation_risk_check_set_meets_the_targets():
    rows = load_rows(DATA / "risk_check.jsonl")
    assert len(rows) >= 160 and 0.4 <= sum(r["label"] for r in rows) / len(rows) <= 0.6
    result = evaluate(rows, analyzer=RiskAnalyzer(semantic=False))  # the rules alone meet the targets
    assert result["recall"] >= 0.97, format_report(result)
    assert result["precision"] >= 0.80, format_report(result)


@pytest.mark.slow
def test_evaluation_risk_check_set_meets_the_targets_with_the_semantic_layer():
    rows = load_rows(DATA / "risk_check.jsonl")
    result = evaluate(rows)  # the default analyser: rules OR semantic
    assert result["recall"] >= 0.97, format_report(result)
    assert result["precision"] >= 0.80, format_report(result)


def test_evaluation_risk_holdout_set_is_well_formed():
    # The held-out figure is reported, not asserted as a target: it measures generalisation honestly.
    rows = load_rows(DATA / "risk_holdout.jsonl")
    assert len(rows) >= 40 and {r["label"] for r in rows} == {0, 1}
