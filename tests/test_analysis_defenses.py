"""The DMRS cues on hand-written utterances, the ODF arithmetic, and model-file errors."""

from __future__ import annotations

import json
import math
import shutil

import pytest

from reverie.analysis import defense_features, defenses
from reverie.analysis.base import ContextTurn, TextUnit
from reverie.domain import Annotation
from reverie.errors import ModelError


def _spans(text: str, cue: str) -> list[str]:
    return [text[a:b] for a, b in defense_features.extract(text).spans[cue]]


# One or more utterances written for each of the nine labels, with the cue and the words it must mark.
@pytest.mark.parametrize("label, text, cue, expected", [
    (0, "Hi, how are you?", "greeting_closing", ["Hi"]),
    (0, "Hi, how are you?", "smalltalk_question", ["how are you"]),
    (1, "Yeah but I already tried that and it won't work.", "help_rejecting",
     ["Yeah but", "I already tried that", "won't work"]),
    (1, "Whatever, I guess it's my fault then.", "passive_aggression", ["Whatever", "I guess it's my fault"]),
    (2, "Everyone lets me down, nobody ever listens.", "splitting", ["Everyone", "nobody"]),
    (3, "I'm fine, honestly it's no big deal.", "denial_minimisation", ["I'm fine", "no big deal"]),
    (3, "It's all because of the pandemic anyway.", "external_cause", ["because of the pandemic"]),
    (4, "My boss is an idiot.", "devaluation_other", ["idiot"]),
    (4, "Honestly I feel like a failure.", "devaluation_self", ["I feel like a failure"]),
    (5, "I can't remember what happened, I just went numb.", "repression_forgetting", ["I can't remember"]),
    (5, "I can't remember what happened, I just went numb.", "dissociation", ["numb"]),
    (6, "Logically the situation makes sense.", "intellectualisation", ["Logically", "situation"]),
    (6, "He was cruel, but then again he was tired.", "undoing", ["but then again"]),
    (7, "I realize I get quiet when I'm hurt.", "self_observation", ["I realize"]),
    (7, "So I will talk to my sister about it, lol.", "affiliation", ["talk to"]),
    (7, "So I will talk to my sister about it, lol.", "anticipation_assertion", ["I will"]),
    (7, "So I will talk to my sister about it, lol.", "humour", ["lol"]),
    (8, "I don't know...", "dont_know", ["I don't know", "..."]),
])
def test_defense_features_cue_fires_with_span(label, text, cue, expected):
    assert defense_features.CUE_LEVEL[cue] == label
    assert _spans(text, cue) == expected


def test_defense_features_plain_sentence_fires_no_defense_cue():
    cues = defense_features.extract("We moved to a new flat in March.")
    assert cues.fired() == []


def test_defense_features_typographic_apostrophe_keeps_spans():
    text = "I\u2019m fine, it\u2019s no big deal"
    assert _spans(text, "denial_minimisation") == ["I\u2019m fine", "no big deal"]


def test_defense_features_scalars_question_and_previous_suggestion():
    names = defense_features.FEATURE_NAMES
    cues = defense_features.extract("How are you doing?", previous_other="Have you tried talking to her?")
    values = dict(zip(names, cues.values))
    assert values["question_only"] == 1.0
    assert values["prev_supporter_suggestion"] == 1.0
    assert values["short_turn"] == 1.0  # four words
    assert len(cues.values) == len(names)


def test_defenses_previous_other_is_last_therapist_turn():
    unit = TextUnit(id="u", text="yes but", context=(
        ContextTurn("therapist", "What helps?"), ContextTurn("client", "Nothing."),
        ContextTurn("therapist", "Have you tried a walk?"), ContextTurn("client", "no")))
    assert defenses.previous_other(unit) == "Have you tried a walk?"
    assert defenses.previous_other(TextUnit.of("alone")) == ""


def _ann(level):
    return Annotation("defenses", "1", "u", {"level": level}, [])


def test_defenses_session_summary_odf_arithmetic():
    # coded: 7, 7, 1, 0, 8, 6 (None is an empty unit and is not counted)
    # ODF rests on the 1-7 levels only: (7 + 7 + 1 + 6) / 4 = 5.25
    result = defenses.session_summary([_ann(v) for v in (7, 7, 1, 0, 8, 6, None)])
    assert result["n"] == 6
    assert result["odf"] == pytest.approx(5.25)
    assert result["odf_n"] == 4
    assert result["shares"]["7"] == pytest.approx(2 / 6)
    assert result["shares"]["0"] == pytest.approx(1 / 6)
    assert result["shares"]["3"] == 0.0


def test_defenses_session_summary_without_rated_levels_has_no_odf():
    result = defenses.session_summary([_ann(0), _ann(8)])
    assert result["odf"] is None and result["odf_n"] == 0


def test_defenses_case_summary_tracks_odf_per_session():
    from reverie.analysis.base import SessionUnits

    analyzer = defenses.DefensesAnalyzer()
    summary = analyzer.summarize([SessionUnits("s1", [], [_ann(1), _ann(3)]),
                                  SessionUnits("s2", [], [_ann(7), _ann(6), _ann(0)])])
    assert summary.case["odf_by_session"] == {"s1": 2.0, "s2": 6.5}
    assert summary.case["odf_n_by_session"] == {"s1": 2, "s2": 2}


def test_defenses_missing_model_file_raises_model_error(tmp_path, monkeypatch):
    monkeypatch.setattr(defenses, "MODEL_DIR", tmp_path)
    with pytest.raises(ModelError, match="missing"):
        defenses.DefensesAnalyzer().annotate([TextUnit.of("I'm fine.")])


def _copy_model(tmp_path):
    for name in (defenses.HEAD_FILE, defenses.META_FILE, defenses.ENCODER_FILE):
        shutil.copy(defenses.MODEL_DIR / name, tmp_path / name)


def test_defenses_corrupt_weights_fail_sha256_check(tmp_path, monkeypatch):
    _copy_model(tmp_path)
    head = tmp_path / defenses.HEAD_FILE
    data = bytearray(head.read_bytes())
    data[len(data) // 2] ^= 0xFF
    head.write_bytes(bytes(data))
    monkeypatch.setattr(defenses, "MODEL_DIR", tmp_path)
    with pytest.raises(ModelError, match="sha256"):
        defenses.load_head()


def test_defenses_corrupt_encoder_weights_fail_sha256_check(tmp_path):
    _copy_model(tmp_path)
    encoder = tmp_path / defenses.ENCODER_FILE
    data = bytearray(encoder.read_bytes())
    data[len(data) // 3] ^= 0xFF
    encoder.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=f"{defenses.ENCODER_FILE} has sha256"):
        defenses.load_head(tmp_path)


def test_defenses_missing_encoder_weights_are_named(tmp_path):
    _copy_model(tmp_path)
    (tmp_path / defenses.ENCODER_FILE).unlink()
    with pytest.raises(ModelError, match=f"missing: .*{defenses.ENCODER_FILE}"):
        defenses.load_head(tmp_path)


@pytest.mark.slow
def test_encoder_weights_that_do_not_fit_minilm_are_refused(tmp_path):
    import numpy as np

    from reverie.analysis.encoder import pooled_layers

    with np.load(defenses.MODEL_DIR / defenses.ENCODER_FILE) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays.pop(sorted(arrays)[-1])  # one weight of the last layer is missing
    np.savez(tmp_path / "short.npz", **arrays)
    with pytest.raises(ModelError, match="do not fit MiniLM's first 4 layers"):
        pooled_layers(["Hello."], [3, 4], weights=tmp_path / "short.npz")


def test_defenses_corrupt_metadata_raises_model_error(tmp_path, monkeypatch):
    _copy_model(tmp_path)
    (tmp_path / defenses.META_FILE).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(defenses, "MODEL_DIR", tmp_path)
    with pytest.raises(ModelError, match="metadata is corrupt"):
        defenses.load_head()


def test_defenses_shipped_metadata_matches_cues():
    meta = json.loads((defenses.MODEL_DIR / defenses.META_FILE).read_text())
    assert meta["feature_names"] == list(defense_features.FEATURE_NAMES)
    assert meta["labels"] == list(range(9)) and len(meta["biases"]) == 9


@pytest.mark.slow
def test_defenses_real_model_probabilities_sum_to_one():
    texts = ["Hi, how are you today?", "Yeah but I already tried that, nothing works.",
             "I realize I get quiet when I'm hurt, so I'll talk to my sister."]
    units = [TextUnit(id=f"u{i}", text=t, context=(ContextTurn("therapist", "What would help?"),))
             for i, t in enumerate(texts)]
    anns = defenses.DefensesAnalyzer().annotate(units)
    for text, ann in zip(texts, anns):
        probs = ann.values["probabilities"]
        assert set(probs) == {str(i) for i in range(9)}
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-3)
        assert ann.values["level"] in range(9)
        assert ann.values["level_name"] == defenses.LEVEL_NAMES[ann.values["level"]]
        assert all(0 <= a < b <= len(text) for a, b in ann.evidence)


def _rewrite_head(folder, change):
    """Apply ``change(arrays, meta)`` to a copy of the shipped model and re-sign it, so only the change is wrong."""
    import hashlib

    import numpy as np

    _copy_model(folder)
    with np.load(folder / defenses.HEAD_FILE) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads((folder / defenses.META_FILE).read_text())
    change(arrays, meta)
    np.savez_compressed(folder / defenses.HEAD_FILE, **arrays)
    meta["sha256"] = hashlib.sha256((folder / defenses.HEAD_FILE).read_bytes()).hexdigest()
    (folder / defenses.META_FILE).write_text(json.dumps(meta))


def test_defenses_weights_of_wrong_shape_are_refused(tmp_path):
    _rewrite_head(tmp_path, lambda arrays, meta: arrays.update(emb_W=arrays["emb_W"][:, :-1]))
    with pytest.raises(ModelError, match="emb_W has shape"):
        defenses.load_head(tmp_path)


def test_defenses_older_head_format_is_refused(tmp_path):
    _rewrite_head(tmp_path, lambda arrays, meta: meta.update(format=1))
    with pytest.raises(ModelError, match="format 1"):
        defenses.load_head(tmp_path)


def test_defenses_geometric_mean_worked_by_hand():
    import numpy as np

    # heads say (0.5, 0.5) and (0.8, 0.2): sqrt(0.4) : sqrt(0.1) = 2 : 1 after renormalising
    logp = defenses.geometric_mean([np.log([[0.5, 0.5]]), np.log([[0.8, 0.2]])])
    assert np.exp(logp[0]) == pytest.approx([2 / 3, 1 / 3])


def _chars_head(vocab, weights):
    import numpy as np

    arrays = {"chars_vocab": np.array(vocab), "chars_idf": np.ones(len(vocab)), "chars_W": np.array(weights, float),
              "chars_b": np.zeros(len(weights))}
    meta = {"labels": list(range(len(weights))), "biases": [0.0] * len(weights), "feature_names": [],
            "encoder": {"layers": [3], "max_seq_length": 128},
            "heads": {"chars": {"kind": "tfidf", "analyzer": "char_wb", "ngram_range": [3, 4]}}}
    return defenses.DefenseHead(arrays, meta)


def test_defenses_word_evidence_marks_the_word_whose_ngrams_favour_the_label():
    # column means are (1, 0, 0): for label 0 "fin" gains +1 per unit, "ine," nothing, "real" -1
    head = _chars_head(["fin", "ine,", "real"], [[2, 0, -1], [0, 0, 1]])
    text = "I'm fine, really."
    row = head.vectorizer("chars").transform([text])[0]  # three n-grams seen once each: 1/sqrt(3) apiece
    found = defenses.word_evidence(head, "chars", text, row, 0)
    assert found == [{"source": "words", "name": "fine", "text": "fine", "start": 4, "end": 8, "weight": 0.577}]
    assert [e["text"] for e in defenses.word_evidence(head, "chars", text, row, 1)] == ["really"]


def test_defenses_word_evidence_shares_an_ngram_between_the_words_holding_it():
    head = _chars_head(["fin", "real"], [[2, 0], [0, 0]])
    row = head.vectorizer("chars").transform(["Fine fine"])[0]  # "fin" is the only n-gram found: value 1
    found = defenses.word_evidence(head, "chars", "Fine fine", row, 0)
    assert [(e["text"], e["start"], e["weight"]) for e in found] == [("Fine", 0, 0.5), ("fine", 5, 0.5)]


@pytest.mark.slow
def test_pooled_layers_do_not_depend_on_batch_mates():
    import numpy as np

    from reverie.analysis.encoder import pooled_layers

    text = "I keep telling myself it doesn't matter."
    distilled = defenses.MODEL_DIR / defenses.ENCODER_FILE
    alone = pooled_layers([text], [3, 4], weights=distilled)
    with_others = pooled_layers(["Hi.", text, "A much longer sentence that pads the batch out quite a bit more."], [3, 4],
                                weights=distilled)
    assert alone.shape == (1, 768)
    assert np.abs(alone[0] - with_others[1]).max() < 1e-5
    assert np.abs(alone[0] - with_others[0]).max() > 0.1  # different texts do differ
    assert np.abs(alone[0] - pooled_layers([text], [3, 4])[0]).max() > 0.1  # the distilled layers are not MiniLM's


def _words(text, spans):
    return [w for a, b in spans for w in text[a:b].split()]


def test_defenses_short_turn_is_read_whole():
    text = "I guess it doesn't matter much. " * 6  # 36 words
    assert defenses.passages(text) == [(0, len(text))]


def test_defenses_long_turn_is_cut_at_sentence_ends_and_a_short_tail_joins_the_last_passage():
    sentences = [" ".join(f"w{s}x{k}" for k in range(9)) + " end." for s in range(7)]  # 7 sentences of 10 words
    text = " ".join(sentences)
    spans = defenses.passages(text)
    # 25 words are reached inside sentence 3, so the cut comes at its end (30 words); again at 60;
    # the 10-word tail is under half of 25, so it joins the second passage.
    assert [len(text[a:b].split()) for a, b in spans] == [30, 40]
    assert text[spans[0][0]:spans[0][1]] == " ".join(sentences[:3])
    assert _words(text, spans) == text.split()


def test_defenses_long_run_on_turn_is_cut_every_fifty_words_and_a_newline_ends_a_sentence():
    run_on = " ".join(f"w{k}" for k in range(130))
    assert [len(run_on[a:b].split()) for a, b in defenses.passages(run_on)] == [50, 50, 30]
    lines = "\n".join(" ".join(f"l{s}x{k}" for k in range(14)) for s in range(5))  # 5 lines of 14 words, no stops
    # cut at the ends of lines 2 and 4; the 14-word tail is not under half of 25, so it stays a passage
    assert [len(lines[a:b].split()) for a, b in defenses.passages(lines)] == [28, 28, 14]


@pytest.mark.slow
def test_defenses_long_turn_is_the_geometric_mean_of_its_passages():
    text = ("Honestly I don't know why I keep going back over it. My father never said a word about the divorce, "
            "and we just carried on as if nothing had happened, every weekend the same drive to his flat. "
            "I suppose I learnt to keep things tidy and quiet. Anyway, it was all fine really, it didn't bother me. "
            "Lately though I notice I go silent with my partner whenever she is upset, and then I feel ashamed "
            "afterwards, as if I had left the room without moving.")
    context = (ContextTurn("therapist", "What comes to mind when you think of that weekend?"),)
    spans = defenses.passages(text)  # 87 words in sentences of 11, 27, 10, 10 and 29: cut after the second
    assert [len(text[a:b].split()) for a, b in spans] == [38, 49]
    whole, *parts = defenses.DefensesAnalyzer().annotate(
        [TextUnit(id="long", text=text, context=context, position=4)]
        + [TextUnit(id=f"p{k}", text=text[a:b], context=context, position=4) for k, (a, b) in enumerate(spans)])
    assert whole.values["passages"] == 2 and all(p.values["passages"] == 1 for p in parts)
    logs = [sum(math.log(p.values["probabilities"][str(c)]) for p in parts) / 2 for c in range(9)]
    norm = math.log(sum(math.exp(v) for v in logs))
    for c in range(9):
        assert whole.values["probabilities"][str(c)] == pytest.approx(math.exp(logs[c] - norm), abs=2e-3)
    for e in whole.values["cues"]:
        assert text[e["start"]:e["end"]] == e["text"]
