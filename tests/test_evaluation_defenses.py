"""Scoring against expert coding: file checks, and metrics worked out by hand on five rows."""

from __future__ import annotations

import json

import pytest

from reverie.domain import Annotation
from reverie.errors import IngestError, InputError
from reverie.evaluation import defenses as ev


def _row(i, text, label, speaker_before="supporter"):
    return {"id": f"r{i}", "dialogue_id": f"d{i % 2}",
            "dialogue": [{"speaker": speaker_before, "text": "How have things been?"}, {"speaker": "seeker", "text": text}],
            "current_text": text, "label": label}


# gold labels and the levels the stub analyser will give back, by row id
GOLD = [1, 1, 7, 0, 2]
PRED = [1, 7, 7, 0, 1]
ROWS = [_row(i, f"Utterance number {i}.", g) for i, g in enumerate(GOLD)]


class StubAnalyzer:
    """Returns the preset level of each row, so evaluate() is tested without the model."""

    def __init__(self):
        self.seen = []

    def annotate(self, units):
        self.seen = list(units)
        return [Annotation("defenses", "1", u.id, {"level": PRED[int(u.id[1:])]}, []) for u in units]


def _write(tmp_path, rows):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def test_evaluation_defenses_metrics_worked_by_hand(tmp_path):
    rows = ev.load_rows(_write(tmp_path, ROWS))
    result = ev.evaluate(rows, analyzer=StubAnalyzer())
    # pairs (gold, predicted): (1,1) (1,7) (7,7) (0,0) (2,1) -> 3 of 5 right
    assert result["n"] == 5
    assert result["accuracy"] == pytest.approx(3 / 5)
    # label 1: TP 1, FP 1 (the 2 called 1), FN 1 (the 1 called 7) -> P 0.5, R 0.5, F1 0.5
    assert result["per_label"]["1"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    # label 7: TP 1, FP 1, FN 0 -> P 0.5, R 1, F1 2/3
    assert result["per_label"]["7"]["f1"] == pytest.approx(2 / 3)
    assert result["per_label"]["7"]["recall"] == 1.0
    # label 2: TP 0, FN 1 -> F1 0; label 0: all right -> F1 1
    assert result["per_label"]["2"]["f1"] == 0.0
    assert result["per_label"]["0"]["f1"] == 1.0
    # macro over 1-8: (0.5 + 2/3) / 8 = 0.1458...; over 0-8: (1 + 0.5 + 2/3) / 9 = 0.2407...
    assert result["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 8)
    assert result["macro_f1_all"] == pytest.approx((1 + 0.5 + 2 / 3) / 9)
    assert result["confusion"][2][1] == 1 and result["confusion"][1][7] == 1
    assert result["labels"] == list(range(9))


def test_evaluation_defenses_units_carry_context_roles():
    stub = StubAnalyzer()
    ev.evaluate(ROWS, analyzer=stub)
    unit = stub.seen[0]
    assert unit.text == "Utterance number 0." and unit.role == "client"
    assert [(t.role, t.text) for t in unit.context] == [("therapist", "How have things been?")]
    assert unit.position == 1


def test_evaluation_defenses_report_lists_every_label():
    text = ev.format_report(ev.evaluate(ROWS, analyzer=StubAnalyzer()))
    assert "macro-F1 (labels 1-8): 0.146" in text
    assert "8 needs more information" in text and "6 obsessional" in text


@pytest.mark.parametrize("change, field", [
    (lambda r: r.pop("label"), "label"),
    (lambda r: r.update(label=9), "label"),
    (lambda r: r.update(current_text="something else"), "dialogue"),
    (lambda r: r.update(dialogue=[]), "dialogue"),
    (lambda r: r.pop("dialogue_id"), "dialogue_id"),
])
def test_evaluation_defenses_bad_row_names_row_and_field(tmp_path, change, field):
    rows = [_row(0, "Fine.", 0), _row(1, "Not fine.", 3)]
    change(rows[1])
    with pytest.raises(IngestError) as info:
        ev.load_rows(_write(tmp_path, rows))
    assert info.value.line == 2 and info.value.field == field
    assert "row 2" in str(info.value)


def test_evaluation_defenses_not_an_array_is_input_error(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text('{"id": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match="JSON array"):
        ev.load_rows(path)
