"""Corpus runs: every engine gives the single-process result, runs resume, reruns do no work, bad input is named."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import reverie.corpus as corpus
from reverie.analysis.base import REGISTRY
from reverie.cli import main
from reverie.errors import IngestError, InputError

# written for the tests: short turns of a made-up therapy conversation
SENTENCES = [
    "I was so angry with my father when he left.",
    "What comes to mind when you say that?",
    "On Tuesday I walked into the kitchen and my hands were shaking.",
    "I suppose it doesn't really matter, it's fine.",
    "It sounds as though you felt very alone then.",
    "Maybe I'm just tired, everyone is tired.",
    "I felt happy for a moment, and then ashamed of it.",
    "You seem to be waiting for me to be disappointed in you.",
]
LEXICAL = ["affect", "abstraction", "cycles", "referential", "dialogue", "transference"]


def make_corpus(n: int, seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append({"id": f"u{i}", "client": f"c{i // 60}", "session": f"s{i // 15}",
                     "role": "therapist" if i % 3 == 1 else "client",
                     "text": " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_corpus(240)


@pytest.fixture(scope="module")
def reference(frame: pd.DataFrame) -> pd.DataFrame:
    return corpus.analyze(frame, LEXICAL, engine="local", workers=1, partition_size=10_000)


def test_corpus_has_a_row_per_unit_and_a_column_per_field(frame: pd.DataFrame, reference: pd.DataFrame) -> None:
    assert list(reference["id"]) == list(frame["id"])
    for name in LEXICAL:
        for field in REGISTRY.get(name).fields:
            assert f"{name}.{field}" in reference.columns
    evidence = json.loads(reference.loc[0, "evidence"])
    assert set(evidence) <= set(LEXICAL) and "affect" in evidence
    # therapist turns are not annotated by client-only analysers
    therapist = reference[reference["role"] == "therapist"]
    assert therapist["referential.ra"].isna().all() and therapist["affect.words"].notna().all()
    assert reference[reference["role"] == "client"]["referential.words"].notna().all()


def test_corpus_local_pool_and_partitions_equal_single_process(frame: pd.DataFrame, reference: pd.DataFrame) -> None:
    pooled = corpus.analyze(frame, LEXICAL, engine="local", workers=2, partition_size=40)
    assert_frame_equal(pooled, reference)


def test_corpus_dask_local_cluster_equals_single_process(frame: pd.DataFrame, reference: pd.DataFrame) -> None:
    pytest.importorskip("distributed")
    distributed = corpus.analyze(frame, LEXICAL, engine="dask", workers=2, partition_size=40)
    assert_frame_equal(distributed, reference)


def test_corpus_dask_existing_scheduler_is_used_and_left_running(frame: pd.DataFrame, reference: pd.DataFrame) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = corpus.analyze(frame, LEXICAL, engine="dask", scheduler=cluster.scheduler_address, partition_size=80)
        assert len(cluster.scheduler.workers) == 1  # someone else's cluster: used, not closed
    assert_frame_equal(result, reference)
    with pytest.raises(InputError, match="--engine dask"):
        corpus.analyze(frame, LEXICAL, engine="local", scheduler="tcp://127.0.0.1:8786")


def test_corpus_file_formats_equal_the_frame(frame: pd.DataFrame, reference: pd.DataFrame, tmp_path: Path) -> None:
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_parquet(tmp_path / "c.parquet")
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in frame.to_dict("records")), encoding="utf-8")
    for name in ("c.csv", "c.parquet", "c.jsonl"):
        assert_frame_equal(corpus.analyze(tmp_path / name, LEXICAL, partition_size=50), reference, obj=name)


def test_corpus_result_equals_analyze_file(tmp_path: Path) -> None:
    """A corpus row and the same utterance of a transcript (``analyze FILE``) get the same markers."""
    from reverie.workspace import analyze_file

    turns = [("therapist" if i % 2 else "client", s) for i, s in enumerate(SENTENCES)]
    path = tmp_path / "session.txt"
    path.write_text("".join(f"{'T' if r == 'therapist' else 'C'}: {t}\n" for r, t in turns), encoding="utf-8")
    clinic = analyze_file(path, analyzers=LEXICAL)["sessions"][0]["utterances"]
    table = pd.DataFrame([{"id": str(i), "session": "one", "role": r, "text": t} for i, (r, t) in enumerate(turns)])
    from_table = corpus.analyze(table, LEXICAL)
    from_transcript = corpus.analyze([path], LEXICAL)
    for result in (from_table, from_transcript):
        for utterance, (_, row) in zip(clinic, result.iterrows()):
            for name, values in utterance["annotations"].items():
                for field, value in values.items():
                    got = json.loads(row["evidence"])[name] if field == "evidence" else row[f"{name}.{field}"]
                    if isinstance(value, (list, dict)) and field != "evidence":
                        got = json.loads(got)
                    assert got == value or (value is None and pd.isna(got)), (name, field)


def test_corpus_summary_has_a_row_per_group(frame: pd.DataFrame) -> None:
    units, groups = corpus.analyze(frame, ["affect", "dialogue"], summaries=True, partition_size=50)
    assert len(groups) == frame.groupby(["client", "session"]).ngroups
    assert groups["units"].sum() == len(units)
    assert {"client", "session", "affect.client", "dialogue.turns"} <= set(groups.columns)


class Interrupt(Exception):
    pass


def test_corpus_resume_continues_from_finished_partitions(frame: pd.DataFrame, reference: pd.DataFrame,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"

    def stop_after_two(done: int, total: int | None) -> None:
        if done >= 120:
            raise Interrupt
    with pytest.raises(Interrupt):
        corpus.analyze_to_parquet(frame, out, LEXICAL, partition_size=60, progress=stop_after_two)
    assert not out.exists() and len(list((tmp_path / "out.parquet.parts").glob("*[0-9a-f].parquet"))) == 2
    with pytest.raises(InputError, match="--resume"):
        corpus.analyze_to_parquet(frame, out, LEXICAL, partition_size=60)
    report = corpus.analyze_to_parquet(frame, out, LEXICAL, partition_size=60, resume=True)
    assert (report.reused_partitions, report.computed_partitions) == (2, 2)
    assert_frame_equal(pd.read_parquet(out), reference)


def test_corpus_rerun_does_no_work_until_a_version_changes(frame: pd.DataFrame, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.parquet"
    first = corpus.analyze_to_parquet(frame, out, ["affect"], partition_size=60)
    again = corpus.analyze_to_parquet(frame, out, ["affect"], partition_size=60, resume=True)
    assert (first.computed_partitions, again.computed_partitions, again.reused_partitions) == (4, 0, 4)
    monkeypatch.setattr(REGISTRY.get("affect"), "version", "999")
    bumped = corpus.analyze_to_parquet(frame, out, ["affect"], partition_size=60, resume=True)
    assert bumped.computed_partitions == 4
    fresh = corpus.analyze_to_parquet(frame, out, ["affect"], partition_size=60, force=True)
    assert fresh.reused_partitions == 0


@pytest.mark.parametrize("content, name, where", [
    ('{"id": 1, "text": "fine"}\n{"id": 2, "text": "fine"}\n{"id": 3, "text": \n', "c.jsonl", "line 3"),
    ('{"id": 1, "text": "fine"}\n{"id": 2, "text": 7}\n', "c.jsonl", "line 2, field 'text'"),
    ('{"id": 1, "body": "fine"}\n', "c.jsonl", "line 1, field 'text'"),
    ("id,body\n1,fine\n", "c.csv", "line 1, field 'text'"),
    ("id,text\n1,fine\n,no id\n", "c.csv", "line 3, field 'id'"),
    ("id,session,text\n1,a,x\n2,b,y\n3,a,z\n", "c.csv", "line 4"),
])
def test_corpus_bad_input_names_file_line_and_column(tmp_path: Path, content: str, name: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        corpus.analyze(path, ["affect"])
    assert f"{path}, {where}" in info.value.message


def test_corpus_repeated_id_is_refused_not_mixed_up(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,text\n1,I was angry.\n1,We went to the beach.\n", encoding="utf-8")
    with pytest.raises(InputError, match="id '1' is used by two rows"):
        corpus.analyze(path, ["affect"])


def test_corpus_cli_writes_parquet_and_exits_2_on_bad_input(frame: pd.DataFrame, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "c.parquet"
    frame.to_parquet(source)
    out = tmp_path / "out.parquet"
    assert main(["corpus", "analyze", str(source), "--out", str(out), "--analyzers", "affect", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["units"] == len(frame) and pd.read_parquet(out)["affect.words"].notna().any()
    assert main(["corpus", "analyze", str(source), "--out", str(out), "--analyzers", "affect"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["corpus", "analyze", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "x.parquet")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["corpus", "analyze", str(source), "--out", str(tmp_path / "y.parquet"), "--engine", "spark"]) == 2


@pytest.mark.slow
def test_corpus_every_builtin_analyser_and_models_load_once_per_worker(frame: pd.DataFrame) -> None:
    """Defenses and risk (model-backed) work too; a worker loads the encoder once, not once per partition."""
    from reverie.analysis import encoder

    loads: list[int] = []
    small = frame.head(90)
    every = corpus.analyze(small, None, partition_size=30,
                           progress=lambda done, total: loads.append(encoder.first_layers.cache_info().misses))
    assert len(loads) == 3 and loads[0] == loads[-1]
    for name in REGISTRY.names():
        assert any(c.startswith(f"{name}.") for c in every.columns), name
    assert every.loc[small["role"] == "client", "defenses.level"].notna().all()
    assert every["risk.risk"].notna().any()
    pooled = corpus.analyze(small, None, engine="local", workers=2, partition_size=30)
    assert_frame_equal(pooled, every)


def test_corpus_eval_risk_through_the_engine_equals_in_process() -> None:
    """``reverie eval risk --engine local --workers 2``: the same figures as the in-process evaluation."""
    from reverie.analysis.risk import RiskAnalyzer
    from reverie.batch.engine import LocalEngine
    from reverie.batch.scaled import EngineAnalyzer
    from reverie.evaluation.risk import evaluate

    rows = [{"text": t, "label": label} for t, label in [
        ("I want to kill myself.", 1), ("This commute is killing me.", 0), ("I have been cutting again.", 1),
        ("We drove to the beach.", 0), ("I feel a quiet sort of dread about the future.", 1)] * 6]
    scaled = EngineAnalyzer("risk", LocalEngine(2), settings={"semantic": False}, partition_size=7)
    assert evaluate(rows, scaled) == evaluate(rows, RiskAnalyzer(semantic=False))
    assert evaluate(rows, scaled)["tp"] >= 6


@pytest.mark.slow
def test_corpus_eval_defenses_through_the_engine_keeps_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Units reach the workers with their context turns: a stand-in analyser sees the supporter's turn."""
    from reverie.batch.engine import LocalEngine
    from reverie.batch.scaled import EngineAnalyzer
    from reverie.evaluation import defenses as ev

    rows = [{"id": f"r{i}", "dialogue_id": "d", "current_text": f"I am fine, really {i}.", "label": 0,
             "dialogue": [{"speaker": "supporter", "text": "How are you?"},
                          {"speaker": "seeker", "text": f"I am fine, really {i}."}]} for i in range(5)]
    scaled = EngineAnalyzer("defenses", LocalEngine(1), partition_size=2)
    seen: list = []
    real = scaled.analyzer.annotate
    monkeypatch.setattr(scaled.analyzer, "annotate", lambda units: seen.extend(units) or real(units))
    result = ev.evaluate(rows, scaled)
    assert result["n"] == 5 and [u.context[0].role for u in seen] == ["therapist"] * 5


def test_corpus_transference_tie_is_the_same_in_every_process() -> None:
    """Two rules matching one span: the pattern was picked in a set's order, which differs between worker processes."""
    import os
    import subprocess
    import sys

    code = ("from reverie.analysis.base import TextUnit; from reverie.analysis.transference import TransferenceAnalyzer;"
            "print(TransferenceAnalyzer().annotate_one(TextUnit.of(\"And you'd hate me to think that.\")).values['pattern'])")
    seen = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True).stdout.strip() for seed in range(6)}
    assert seen == {"you_think_of_me"}
