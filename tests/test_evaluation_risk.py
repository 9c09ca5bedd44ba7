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


def test_evaluation_risk_figures_only_keeps_the_counts_and_drops_the_texts(tmp_path, capsys):
    import numpy as np
    from reverie.analysis import risk_semantic
    from reverie.cli import main
    data = _write(tmp_path, ['{"text": "I want to kill myself.", "label": 1}',
                             '{"text": "I cut myself again last night.", "label": 0}',  # a false alarm on purpose
                             '{"text": "My exam is killing me.", "label": 0}'])
    risk_semantic.set_encoder(lambda texts: np.ones((len(texts), 4), dtype=np.float32) / 2)  # no model here
    try:
        assert main(["eval", "risk", "--data", str(data), "--figures-only"]) == 0
        report = capsys.readouterr().out
        assert "false alarms 1" in report and "precision 0.500" in report
        assert "cut myself" not in report and "kill myself" not in report
        assert main(["eval", "risk", "--data", str(data), "--figures-only", "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert (result["tp"], result["fp"], result["tn"]) == (1, 1, 1) and "false_positives" not in result
        assert main(["eval", "risk", "--data", str(data), "--json"]) == 0  # without it the texts are there
        assert "cut myself" in json.loads(capsys.readouterr().out)["false_positives"][0]["text"]
    finally:
        risk_semantic.set_encoder(None)


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


# ----- issue 15: transcripts, the session-talk check set and the CounselChat labels -------------------------------
RISK_FREE = """Therapist: How has the week been with the new tablets?
Client: Better. I take two every morning for the blood pressure and the dizziness has gone.
Therapist: And the drinking?
Client: I've set a quit date, the first of June, and I just want the cravings to stop.
Therapist: We'll stop there for today.
Client: Thanks, see you next week, bye.
"""
AT_RISK = """Therapist: You said things had been very dark. Have you had thoughts of ending your life?
Client: Yes. Most nights this week.
Therapist: Thank you for telling me.
Client: I've been saving my tablets in the drawer.
"""


def _transcripts(tmp_path):
    free, risky = tmp_path / "free.txt", tmp_path / "risky.txt"
    free.write_text(RISK_FREE, encoding="utf-8")
    risky.write_text(AT_RISK, encoding="utf-8")
    return free, risky


def test_evaluation_risk_sessions_count_false_alarms_and_flag_risk_turns(tmp_path):
    from reverie.evaluation.risk import evaluate_sessions, format_sessions_report
    free, risky = _transcripts(tmp_path)
    result = evaluate_sessions([], risk_free=[free], at_risk=[risky], analyzer=RiskAnalyzer(semantic=False))
    by_label = {s["label"]: s for s in result["sessions"]}
    assert by_label["risk_free"]["flags"] == [] and result["false_alarms_per_10_sessions"] == 0.0
    assert [f["turn"] for f in by_label["at_risk"]["flags"]] == [1, 3]  # the "yes" to the question, the hoarding
    assert [f["severity"] for f in by_label["at_risk"]["flags"]] == ["active_thoughts", "preparatory_behaviour"]
    assert result["at_risk_flagged"] == 1 and result["client_turns"] == 5
    report = format_sessions_report(result)
    assert "0.0 per 10 sessions" in report and "turn 3 preparation (preparatory_behaviour)" in report


def test_evaluation_risk_sessions_report_false_alarms_per_10_sessions(tmp_path):
    from reverie.evaluation.risk import evaluate_sessions
    free = tmp_path / "free.txt"
    free.write_text("Therapist: Anything else?\nClient: I want to kill myself.\n", encoding="utf-8")  # marked free on purpose
    result = evaluate_sessions([], risk_free=[free], analyzer=RiskAnalyzer(semantic=False))
    assert result["false_alarms"] == 1 and result["false_alarms_per_10_sessions"] == 10.0


def test_evaluation_risk_cli_takes_sessions_and_keeps_data(tmp_path, capsys):
    import numpy as np
    from reverie.analysis import risk_semantic
    from reverie.cli import main
    # no model in a fast test: an encoder that finds every sentence equally far from everything (no semantic hit)
    risk_semantic.set_encoder(lambda texts: np.ones((len(texts), 4), dtype=np.float32) / 2)
    try:
        _cli_eval_risk(tmp_path, capsys, main)
    finally:
        risk_semantic.set_encoder(None)


def _cli_eval_risk(tmp_path, capsys, main):
    free, risky = _transcripts(tmp_path)
    data = _write(tmp_path, ['{"text": "I want to kill myself.", "label": 1}', '{"text": "Lovely day.", "label": 0}'])
    assert main(["eval", "risk", "--data", str(data), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["recall"] == 1.0  # the old contract, unchanged
    assert main(["eval", "risk", "--sessions", str(free), str(risky), "--at-risk", str(risky), "--risk-free", str(free),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_sessions"] == 2 and result["at_risk_flagged"] == 1 and result["risk_free_sessions"] == 1
    assert main(["eval", "risk"]) == 2  # nothing to evaluate: a message, exit 2


def test_evaluation_risk_session_talk_set_is_well_formed():
    rows = load_rows(DATA / "risk_session_talk.jsonl")
    negatives = [r for r in rows if r["label"] == 0]
    assert len(negatives) >= 400
    kinds = {r["kind"] for r in negatives}
    assert {"medication", "plans_goals", "stop_cut_habit", "sleep", "hospital_physical", "accident", "goodbye"} <= kinds


def test_evaluation_risk_session_talk_rules_open_at_most_one_task_per_200_turns():
    rows = load_rows(DATA / "risk_session_talk.jsonl")
    result = evaluate(rows, analyzer=RiskAnalyzer(semantic=False))
    negatives = result["fp"] + result["tn"]
    assert result["fp"] <= negatives / 200, format_report(result)


@pytest.mark.slow
def test_evaluation_risk_session_talk_with_the_semantic_layer():
    rows = load_rows(DATA / "risk_session_talk.jsonl")
    result = evaluate(rows)
    assert result["fp"] <= (result["fp"] + result["tn"]) / 200, format_report(result)
    assert result["recall"] >= 0.9, format_report(result)


def _shared_data() -> Path:
    """``../shared/data`` beside the checkout (or $REVERIE_SHARED_DATA): read at test time, never copied."""
    import os
    candidates = [os.environ.get("REVERIE_SHARED_DATA"), Path(__file__).resolve().parents[2] / "shared" / "data",
                  "/work/shared/data"]
    return next((Path(c) for c in candidates if c and Path(c).is_dir()), Path("shared-data-missing"))


COUNSELCHAT = _shared_data() / "counselchat" / "counsel_chat.csv"


def test_evaluation_risk_counselchat_labels_name_ids_not_texts():
    import csv
    with open(DATA / "risk_counselchat_labels.csv", encoding="utf-8") as f:
        labels = list(csv.DictReader(f))
    assert len(labels) >= 150 and {r["label"] for r in labels} == {"0", "1", "unsure"}
    assert all(r["question_id"].isdigit() and len(r["reason"]) < 100 for r in labels)


@pytest.mark.slow
@pytest.mark.skipif(not COUNSELCHAT.exists(), reason="needs ../shared/data/counselchat")
def test_evaluation_risk_counselchat_non_risk_questions_raise_few_tasks():
    import importlib.util
    spec = importlib.util.spec_from_file_location("counselchat", Path(__file__).resolve().parents[1] / "scripts"
                                                  / "counselchat.py")
    counselchat = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counselchat)
    rows = counselchat.counselchat_rows(DATA / "risk_counselchat_labels.csv", COUNSELCHAT)
    result = evaluate(rows)
    assert result["fp"] <= max(1, (result["fp"] + result["tn"]) // 200), format_report(result)
