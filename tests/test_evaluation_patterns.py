"""Evaluating the relational analyser against hand-coded episodes: loading, kappa, the figures, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.cli import main
from reverie.domain import Annotation
from reverie.errors import IngestError, InputError
from reverie.evaluation.patterns import evaluate, format_report, kappa, load_rows

DATA = Path(__file__).parent / "data"
CHECK = DATA / "ccrt_check.jsonl"
HOLDOUT_V2 = DATA / "ccrt_holdout_v2.jsonl"
TUNE_V3 = DATA / "ccrt_tune_v3.jsonl"
HOLDOUT_V3 = DATA / "ccrt_holdout_v3.jsonl"


def words_only():
    """The analyser with the word lists alone (``relational.v2``'s coding): the figures it was measured with."""
    from reverie.analysis.relational import RelationalAnalyzer
    return RelationalAnalyzer(model=False)


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "episodes.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_evaluation_patterns_load_rows_names_the_bad_line_and_field(tmp_path: Path) -> None:
    good = '{"text": "x", "object": "father", "W": "W6", "RO": "RO5", "RS": "RS8"}'
    with pytest.raises(IngestError) as err:
        load_rows(_write(tmp_path, [good, '{"text": "y", "object": "uncle", "W": null, "RO": null, "RS": null}']))
    assert err.value.line == 2 and err.value.field == "object"
    with pytest.raises(IngestError) as err:
        load_rows(_write(tmp_path, [good.replace('"RO5"', '"RO9"')]))
    assert err.value.field == "RO"
    with pytest.raises(IngestError, match="line 1"):
        load_rows(_write(tmp_path, ["{nope"]))
    with pytest.raises(InputError):
        load_rows(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="split 'holdout'"):
        load_rows(_write(tmp_path, [good]), split="holdout")


def test_evaluation_patterns_kappa_known_values() -> None:
    assert kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.0
    # observed 0.75, expected 0.5 -> 0.5
    assert kappa(["a", "a", "b", "b"], ["a", "a", "b", "a"]) == 0.5


def test_evaluation_patterns_counts_detection_objects_and_components() -> None:
    class Fixed:
        """Finds an episode in every text: father, W6, RO5, RS7."""

        def annotate(self, units):
            values = {"episode": True, "object": "father", "wish": {"cluster": "W6"},
                      "response_of_other": {"cluster": "RO5"}, "response_of_self": {"cluster": "RS7"}}
            return [Annotation("relational", "1", u.id, values) for u in units]

    rows = [{"text": "a", "object": "father", "W": "W6", "RO": "RO5", "RS": "RS8"},
            {"text": "b", "object": "boss", "W": "W1", "RO": "RO5", "RS": "RS7"},
            {"text": "c", "object": None, "W": None, "RO": None, "RS": None}]
    result = evaluate(rows, analyzer=Fixed())
    assert (result["n"], result["episodes"], result["detected"]) == (3, 2, 2)
    assert result["recall"] == 1.0 and result["precision"] == 0.6667 and result["object_accuracy"] == 0.5
    assert result["response_of_other"]["accuracy"] == 1.0 and result["wish"]["accuracy"] == 0.5
    assert result["false_alarms"] == ["c"] and len(result["predictions"]) == 3
    assert "object accuracy     0.500" in format_report(result)


def test_evaluation_patterns_check_set_is_large_enough_and_held_out() -> None:
    rows = load_rows(CHECK)
    episodes = [r for r in rows if r["object"]]
    assert len(episodes) >= 60 and len(rows) - len(episodes) >= 20
    assert 0.25 <= sum(r["split"] == "holdout" for r in rows) / len(rows) <= 0.35
    assert {r["object"] for r in episodes} >= {"mother", "father", "partner", "boss", "therapist", "self", "friend"}


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_evaluation_patterns_figures_on_the_check_set(split: str) -> None:
    """The word lists' figures in docs/analysers/relational.md (v2); the holdout was never tuned on."""
    result = evaluate(load_rows(CHECK, split), analyzer=words_only())
    assert result["recall"] >= 0.85 and result["precision"] >= 0.9
    assert result["object_accuracy"] >= 0.9  # measured: tune 0.93, holdout 0.94 (0.83 before v2 of the analyser)
    for part in ("wish", "response_of_other", "response_of_self"):
        assert result[part]["kappa"] >= 0.55, part


@pytest.mark.slow
def test_evaluation_patterns_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["eval", "patterns", "--data", str(CHECK), "--split", "holdout", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"n", "detected", "object_accuracy", "wish", "response_of_other", "response_of_self",
                         "predictions"}
    assert len(data["predictions"]) == data["n"] and set(data["wish"]) >= {"kappa", "accuracy"}


def test_evaluation_patterns_cli_bad_data_exits_2(tmp_path: Path) -> None:
    assert main(["eval", "patterns", "--data", str(_write(tmp_path, ['{"text": 3}']))]) == 2


@pytest.mark.slow
def test_cli_patterns_on_a_transcript_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s.txt"
    f.write_text("T: What happened?\nC: I showed my dad the drawing because I wanted him to like it. He said the "
                 "perspective was wrong. I tore it up, I was so ashamed.\nT: Mm.\nC: When you were quiet just now "
                 "I thought you were bored with me. I wanted you to be interested. I felt embarrassed.\n",
                 encoding="utf-8")
    capsys.readouterr()
    assert main(["patterns", str(f), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"episodes", "ccrt", "replays", "objects"}
    assert [e["object"] for e in data["episodes"]] == ["father", "therapist"]
    assert set(data["episodes"][0]) >= {"object", "source", "wish", "response_of_other", "response_of_self",
                                        "evidence"}
    assert data["replays"][0]["objects"] == ["father", "therapist"]
    assert main(["patterns", str(f)]) == 0
    assert "CCRT" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_patterns_on_a_journal_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "journal.jsonl"
    f.write_text(json.dumps({"written_at": "2026-03-01T21:00:00", "kind": "moment", "text":
                             "My sister cancelled again at the last minute. I wanted her there. I felt let down."})
                 + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["patterns", str(f), "--json"]) == 0
    (episode,) = json.loads(capsys.readouterr().out)["episodes"]
    assert episode["object"] == "sibling" and episode["response_of_other"]["cluster"] == "RO4"


def test_cli_patterns_usage_errors_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_text("T: Go on.\nC: My mum laughed at me.\n", encoding="utf-8")
    assert main(["patterns"]) == 2
    assert main(["patterns", str(f), "--names", "Zed=uncle"]) == 2
    assert main(["patterns", str(tmp_path / "missing.txt")]) == 2


def test_evaluation_patterns_holdout_v2_is_fresh_and_varied() -> None:
    rows = load_rows(HOLDOUT_V2)
    episodes = [r for r in rows if r["object"]]
    assert len(episodes) >= 20 and len(rows) > len(episodes) and {r["split"] for r in rows} == {"holdout_v2"}
    assert len({r["object"] for r in episodes}) >= 10
    texts = {r["text"] for r in [*load_rows(CHECK), *load_rows(TUNE_V3)]}
    assert not any(r["text"] in texts for r in rows)


def test_evaluation_patterns_figures_on_holdout_v2() -> None:
    """The word lists' figures on holdout v2 (docs/analysers/relational.md): objects found, components far less."""
    result = evaluate(load_rows(HOLDOUT_V2), analyzer=words_only())
    assert result["precision"] == 1.0 and result["recall"] >= 0.6  # measured 0.654: 17 of 26 (v1: 0.577)
    assert result["object_accuracy"] >= 0.85  # measured 0.882: 15 of 17 (v1: 0.867, 13 of 15)


def test_evaluation_patterns_figures_on_tune_v3() -> None:
    """The set the v2 word lists were widened on (so tuned figures, a regression guard, not a measure)."""
    result = evaluate(load_rows(TUNE_V3), analyzer=words_only())
    assert result["recall"] == 1.0 and result["object_accuracy"] == 1.0  # v1: recall 0.50
    for part in ("wish", "response_of_other", "response_of_self"):
        assert result[part]["kappa"] >= 0.6, part  # measured 0.80, 1.00, 0.70 (v1: -0.05, 0.26, 0.21)


def test_evaluation_patterns_holdout_v3_is_fresh_and_varied() -> None:
    rows = load_rows(HOLDOUT_V3)
    episodes = [r for r in rows if r["object"]]
    assert len(episodes) >= 40 and len(rows) > len(episodes) and {r["split"] for r in rows} == {"holdout_v3"}
    assert len({r["object"] for r in episodes}) >= 10
    assert sum(r["object"] == "therapist" for r in episodes) >= 5
    assert {r["RO"] for r in episodes} == {f"RO{i}" for i in range(2, 9)}  # every response but "strong"
    texts = {r["text"] for r in [*load_rows(CHECK), *load_rows(TUNE_V3), *load_rows(HOLDOUT_V2)]}
    assert not any(r["text"] in texts for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_evaluation_patterns_v3_figures_on_the_check_set(split: str) -> None:
    """The classifier's figures on the check set, whose coded components are among its training clauses
    (a regression guard, not a measure): docs/analysers/relational.md."""
    result = evaluate(load_rows(CHECK, split))
    assert result["recall"] == 1.0 and result["precision"] >= 0.95 and result["object_accuracy"] >= 0.9
    for part in ("wish", "response_of_other", "response_of_self"):
        assert result[part]["kappa"] >= 0.8, part


@pytest.mark.slow
def test_evaluation_patterns_v3_figures_on_holdout_v2() -> None:
    """Holdout v2 was looked at while v3 was built (seen, never trained on): recall and kappa up from v2."""
    result = evaluate(load_rows(HOLDOUT_V2))
    assert result["precision"] == 1.0 and result["recall"] >= 0.8  # word lists alone: 0.654
    assert result["object_accuracy"] >= 0.85
    for part in ("wish", "response_of_other", "response_of_self"):
        assert result[part]["kappa"] >= 0.3, part  # word lists alone: 0.10, 0.23, 0.17
