"""``reverie eval interventions``: per-label precision/recall/F1 of the dialogue analyser's interventions.

The rows here are written for the test; the check set in tests/data is the project's own,
written and labelled before the reader was changed (30% marked ``"split": "holdout"``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.cli import main
from reverie.errors import IngestError, InputError
from reverie.evaluation.interventions import evaluate, load_rows, scores

CHECK = Path(__file__).parent / "data" / "interventions_check.jsonl"


def write(tmp_path: Path, rows: list) -> Path:
    p = tmp_path / "rows.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return p


def test_scores_per_label_macro_and_questions_as_one_class():
    gold = ["reflection", "reflection", "question_open", "question_closed", "advice"]
    pred = ["reflection", "question_closed", "question_closed", "question_closed", "advice"]
    result = scores(gold, pred)
    assert result["labels"]["reflection"] == {"precision": 1.0, "recall": 0.5, "f1": round(2 / 3, 4), "support": 2}
    assert result["labels"]["question_closed"]["precision"] == round(1 / 3, 4)
    assert result["labels"]["question_open"]["f1"] == 0.0
    # macro over the four gold labels: reflection 2/3, open 0, closed 1/2, advice 1
    assert result["macro_f1"] == round((2 / 3 + 0 + 0.5 + 1) / 4, 4)
    # as one class: 3 predicted questions, 2 of them gold questions; both gold questions found
    assert result["question"]["precision"] == round(2 / 3, 4) and result["question"]["recall"] == 1.0


def test_evaluate_reads_each_turn_with_the_client_turn_before_it():
    rows = [{"text": "Furious with Margaret, and nothing said.",
             "previous": "I was furious with Margaret and I said nothing.", "label": "reflection"},
            {"text": "Furious with Margaret, and nothing said.", "previous": None, "label": "other"}]
    result = evaluate(rows)
    assert result["labels"]["reflection"]["f1"] == 1.0 and result["labels"]["other"]["f1"] == 1.0
    assert result["errors"] == []


def test_evaluate_lists_errors_and_confusions():
    rows = [{"text": "Did you tell him?", "previous": "I was angry.", "label": "reflection"}]
    result = evaluate(rows)
    assert result["confusions"] == [{"gold": "reflection", "predicted": "question_closed", "count": 1}]
    assert result["errors"][0]["rule"] == "auxiliary_first"


def test_load_rows_filters_a_split_and_rejects_unknown_labels(tmp_path):
    p = write(tmp_path, [{"text": "Mm.", "previous": "x", "label": "encourager", "split": "holdout"},
                         {"text": "Why?", "previous": "x", "label": "question_open", "split": "tune"}])
    assert [r["text"] for r in load_rows(p, "holdout")] == ["Mm."]
    with pytest.raises(InputError):
        load_rows(p, "missing")
    bad = write(tmp_path, [{"text": "Mm.", "label": "minimal"}])
    with pytest.raises(IngestError) as err:
        load_rows(bad)
    assert "minimal" in str(err.value)


def test_cli_eval_interventions_json_and_bad_input(tmp_path, capsys):
    p = write(tmp_path, [{"text": "What happened next?", "previous": "We argued.", "label": "question_open"}])
    assert main(["eval", "interventions", "--data", str(p), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["labels"]["question_open"]["f1"] == 1.0
    assert main(["eval", "interventions", "--data", str(tmp_path / "none.jsonl")]) == 2
    captured = capsys.readouterr()
    assert "cannot read interventions check data" in captured.err and "Traceback" not in captured.err


def test_check_set_is_large_diverse_and_has_a_holdout():
    rows = load_rows(CHECK)
    assert len(rows) >= 400
    assert {r["style"] for r in rows} == {"psychodynamic", "person-centred", "cbt", "motivational"}
    assert {r["label"] for r in rows} >= {"confrontation", "advice", "affirmation", "reflection",
                                          "question_open", "question_closed", "interpretation"}
    assert 0.2 < len(load_rows(CHECK, "holdout")) / len(rows) < 0.4


def test_check_set_holdout_figures_stay_above_the_floor():
    """A regression floor on the part never tuned on (figures in docs/analysers/dialogue.md)."""
    result = evaluate(load_rows(CHECK, "holdout"))
    assert result["question"]["f1"] >= 0.85
    assert result["labels"]["reflection"]["f1"] >= 0.75
    assert result["macro_f1"] >= 0.7
