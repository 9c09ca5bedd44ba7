"""The relational analyser's component classifier (``relational_model``, ``relational.v3``).

Every text here is written for these tests, in wording that is in neither the training clauses nor the word
lists' examples; the labels follow the CCRT rules in docs/analysers/relational.md. Tests that load the
encoder are marked slow; the others swap it for a stub.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from reverie.analysis import relational_model as rm
from reverie.analysis.base import TextUnit, run
from reverie.analysis.relational import RelationalAnalyzer, analyse_text
from tests.relational_support import stub_encoder  # noqa: F401 (a fixture)

DATA = Path(__file__).parent / "data"
TRAIN = DATA / "ccrt_train_clauses.jsonl"


def test_relational_model_ships_one_head_per_component_trained_on_the_committed_clauses() -> None:
    model = rm.load_model()
    assert set(model["parts"]) == set(rm.PARTS)
    assert model["parts"]["wish"]["classes"] == [*(f"W{i}" for i in range(1, 9)), "none"]
    for part, prefix in (("response_of_other", "RO"), ("response_of_self", "RS")):
        assert model["parts"][part]["classes"] == [*(f"{prefix}{i}" for i in range(1, 9)), "none"]
        assert model["parts"][part]["coef"].shape == (9, 384 + 8)
    # the shipped weights were trained on the training file as committed (retrain after editing it)
    assert model["trained_on"]["sha256"] == hashlib.sha256(TRAIN.read_bytes()).hexdigest()


def test_relational_training_clauses_cover_every_cluster_and_none() -> None:
    rows = [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[(r["component"], r["cluster"])] = counts.get((r["component"], r["cluster"]), 0) + 1
    for part, prefix in (("wish", "W"), ("response_of_other", "RO"), ("response_of_self", "RS")):
        for i in range(1, 9):
            assert counts.get((part, f"{prefix}{i}"), 0) >= 25, (part, i)
        assert counts.get((part, "none"), 0) >= 20, part
    # no holdout text is a training clause
    holdout = " ".join(json.loads(line)["text"] for f in ("ccrt_holdout_v2.jsonl", "ccrt_holdout_v3.jsonl")
                       for line in (DATA / f).read_text(encoding="utf-8").splitlines() if line.strip())
    assert not [r["text"] for r in rows if len(r["text"].split()) >= 5 and r["text"] in holdout]


def test_relational_model_probabilities_per_part_sum_to_one(stub_encoder) -> None:
    probs = rm.classify([("wish", "I wanted her to ring"), ("response_of_other", "she laughed"),
                         ("response_of_self", "I went quiet"), ("response_of_other", "she laughed")])
    assert [set(p) for p in probs[:3]] == [
        {*(f"W{i}" for i in range(1, 9)), "none"}, {*(f"RO{i}" for i in range(1, 9)), "none"},
        {*(f"RS{i}" for i in range(1, 9)), "none"}]
    assert all(abs(sum(p.values()) - 1) < 1e-9 for p in probs)
    assert probs[1] == probs[3]  # the same clause, the same answer


def test_relational_model_cues_are_the_word_lists_votes() -> None:
    assert rm.cues("response_of_other", "she rolled her eyes").tolist() == [0, 0, 0, 0, 1, 0, 0, 0]
    assert rm.cues("response_of_self", "I went to the shop").sum() == 0


def test_relational_model_off_is_the_word_list_coding(stub_encoder) -> None:
    text = "My sister rolled her eyes at my plan. I wanted her to be glad for me. I went quiet."
    assert analyse_text(text, model=False)["response_of_other"]["quote"] == "rolled her eyes"
    coded = analyse_text(text)  # the stub encoder: clauses as quotes, confidence and grounding given
    assert all({"confidence", "grounded"} <= set(c) for c in coded["components"] if c["component"] != "wish")


def test_relational_model_a_batch_belongs_to_its_thread() -> None:
    calls: list[list[str]] = []

    def encoder(texts):
        calls.append(list(texts))
        return np.ones((len(texts), rm._WIDTH))
    rm.set_encoder(encoder)
    try:
        with rm.batch(lambda: rm.embed(["mine"])):
            seen = {}

            def other_thread() -> None:  # a second analysis running at the same time (a web job)
                with rm.batch(lambda: rm.embed(["theirs"])):
                    seen["theirs"] = rm.embed(["theirs"])
            worker = threading.Thread(target=other_thread)
            worker.start()
            worker.join()
            assert seen["theirs"].sum() == rm._WIDTH  # encoded for its own batch, not the zeros of a first pass
            assert rm.embed(["mine"]).sum() == rm._WIDTH
        assert calls == [["mine"], ["theirs"]]  # "mine" came from this batch's cache: the other's end left it
    finally:
        rm.set_encoder(None)


def test_relational_model_missing_weights_are_a_model_error(monkeypatch, tmp_path) -> None:
    from reverie.errors import ModelError
    monkeypatch.setattr(rm, "model_path", lambda: tmp_path / "missing.json")
    monkeypatch.setitem(rm._state, "model", None)
    with pytest.raises(ModelError, match="cannot be read"):
        rm.load_model()


# ----- with the encoder ----------------------------------------------------------------------------------------
EPISODES = [  # text, object, W, RO, RS
    ("My dad said he'd come to my match and never showed up. I'd wanted him to be there for once. "
     "I sat on the bench afterwards feeling completely let down.", "father", "W6", "RO4", "RS7"),
    ("When I told my sister I'd got the job she said it must be a pretty low bar. I wanted her to be happy for me. "
     "I went red and apologised for bringing it up.", "sibling", "W6", "RO5", "RS8"),
    ("My manager rearranged my whole week without asking me. I wanted to decide my own schedule. "
     "I just went along with it.", "boss", "W1", "RO2", "RS6"),
    ("My friend came over with a pot of soup when I had flu and stayed all afternoon. I'd wanted company. "
     "I felt really cared for.", "friend", "W5", "RO6", "RS3"),
    ("My husband started shouting about the bills the minute he got in. I wanted to avoid a row. "
     "I cooked his dinner and kept my voice soft.", "partner", "W4", "RO3", "RS1"),
    ("My mum told everyone at the party that I'd been signed off with stress. I wanted to get her back for it. "
     "I shouted at her in the car on the way home.", "mother", "W2", "RO4", "RS4"),
]


@pytest.mark.slow
def test_relational_classifier_codes_episodes_in_new_wording() -> None:
    """Most components of these episodes, in wording the word lists were not built on, are coded as hand-coded."""
    hits = total = 0
    for text, obj, *gold in EPISODES:
        values = analyse_text(text, TextUnit.of(text))
        assert values["episode"] is True and values["object"] == obj, text
        got = [(values[p] or {}).get("cluster") for p in ("wish", "response_of_other", "response_of_self")]
        hits += sum(g == c for g, c in zip(gold, got))
        total += 3
    assert hits >= 15, f"{hits} of {total}"  # five in six


@pytest.mark.slow
def test_relational_classifier_reads_negated_help_as_rejection_and_plain_talk_as_none() -> None:
    values = analyse_text("I asked my brother to help with the move and he never lifted a finger. I felt so alone.")
    assert values["object"] == "sibling"
    assert (values["response_of_other"]["cluster"], values["response_of_other"]["valence"]) == ("RO5", "negative")
    for text in ("My father is an engineer and he designs bridges.", "My sister lives in Cardiff with two cats.",
                 "I wanted to ask you about moving next week's time."):
        assert analyse_text(text)["episode"] is False, text


@pytest.mark.slow
def test_relational_classifier_case_replays_the_pattern_with_the_therapist() -> None:
    sessions = [(sid, [TextUnit(id=f"{sid}:{i}", text=t, session=sid) for i, t in enumerate(texts)])
                for sid, texts in [
        ("s1", ["When I was nine I showed my father my school report. He asked why it wasn't all top marks. "
                "I wanted him to be proud. I said sorry and felt ashamed.",
                "My boss sent my slides back covered in red pen. I wanted her to see the work in them. "
                "I apologised and stayed until midnight fixing them."]),
        ("s2", ["When you looked at the clock just now I thought you were fed up with me. I wanted you to be "
                "interested. I felt embarrassed and said sorry for going on."]),
    ]]
    case = run([RelationalAnalyzer()], sessions).summaries["relational"].case
    assert [e["object"] for e in case["episodes"]] == ["father", "boss", "therapist"]
    assert [e["response_of_self"]["cluster"] for e in case["episodes"]] == ["RS8", "RS8", "RS8"]
    replay = next(r for r in case["replays"] if r["pattern"] == "RO5->RS8")
    assert {"father", "therapist"} <= set(replay["objects"]) and replay["transference"] is True


def test_relational_batch_encoding_gives_what_one_text_at_a_time_gives(stub_encoder) -> None:
    texts = ["My mother criticised my dress and I felt ashamed. Then at work my boss ignored my report.",
             "I wanted my dad to notice. He didn't look up. I went quiet.", "The weather has been awful."]
    units = [TextUnit(id=f"u{i}", text=t) for i, t in enumerate(texts)]
    analyser = RelationalAnalyzer()
    assert [a.values for a in analyser.annotate(units)] == [analyser.annotate_one(u).values for u in units]
