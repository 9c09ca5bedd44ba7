"""Train the ``relational`` component classifier on the clauses the project wrote, and ship its weights.

    PYTHONPATH=src python scripts/train_relational.py [--data tests/data/ccrt_train_clauses.jsonl] [--out PATH]

For each CCRT component (wish, response of other, response of self) a multinomial logistic regression reads a
clause's MiniLM sentence embedding and the word lists' cues (``relational_model.features``) and predicts its
edition-3 cluster, or "none" for a response clause that tells no response. The regularisation C is chosen by
5-fold stratified cross-validation (fixed seed) on the training clauses (the written ones, and the clauses
around the components the word lists find in the hand-coded episodes of ``ccrt_check`` and ``ccrt_tune_v3``,
labelled with the episode's coding); the printed figures are those folds'
accuracies. Deterministic: a fixed fold seed and the lbfgs solver. Writes
``src/reverie/resources/relational/components.json`` (classes, weights rounded to 6 decimals, the training
figures and the sha256 of the training file). The holdouts (``tests/data/ccrt_holdout_v*.jsonl``) are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from reverie.analysis import relational_model as rm  # noqa: E402

DATA = ROOT / "tests" / "data" / "ccrt_train_clauses.jsonl"
# hand-coded episodes the word lists were already tuned on: their coded components become clauses in context
EPISODES = (ROOT / "tests" / "data" / "ccrt_check.jsonl", ROOT / "tests" / "data" / "ccrt_tune_v3.jsonl")
OUT = ROOT / "src" / "reverie" / "resources" / "relational" / rm.MODEL_FILE
GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
SEED = 0


def fit(x: np.ndarray, y: list[str], c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, solver="lbfgs").fit(x, y)


def episode_clauses(path: Path) -> list[dict[str, str]]:
    """Training clauses from a hand-coded episode set: where the word lists (``model=False``) place a component,
    the clause around it is labelled with the episode's hand-coded cluster for that component."""
    from reverie.analysis.base import TextUnit
    from reverie.analysis.relational import _mentions, _subjects, analyse_text
    from reverie.analysis.relational_clauses import clauses
    from reverie.evaluation.patterns import load_rows

    out = []
    for row in load_rows(path):
        if not row.get("object"):
            continue
        text = row["text"]
        unit = TextUnit.of(text)
        values = analyse_text(text, unit, model=False)
        found_clauses = clauses(text, _subjects(text, _mentions(text, unit, values["names"], ())))
        for key, part in (("W", "wish"), ("RO", "response_of_other"), ("RS", "response_of_self")):
            found = values.get(part)
            if not row.get(key) or not found:
                continue
            a, b = found["span"]
            if part != "wish":
                a, b = next(((x, y) for x, y, _ in found_clauses if x <= found["span"][0] < y), (a, b))
            out.append({"component": part, "cluster": row[key], "text": text[a:b]})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    raw = args.data.read_bytes()
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    from_episodes = [c for path in EPISODES for c in episode_clauses(path)]
    print(f"{len(rows)} written clauses, {len(from_episodes)} from coded episodes")
    rows += from_episodes
    texts = sorted({r["text"] for r in rows})
    emb = dict(zip(texts, rm.embed_minilm(texts)))
    parts, figures = {}, {}
    for part in rm.PARTS:
        mine = [r for r in rows if r["component"] == part]
        x = rm.features(part, [r["text"] for r in mine], np.array([emb[r["text"]] for r in mine]))
        y = [r["cluster"] for r in mine]
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
        scores = {c: float(np.mean(np.array(cross_val_predict(fit(x, y, c), x, y, cv=folds)) == np.array(y)))
                  for c in GRID}
        best = max(GRID, key=lambda c: (round(scores[c], 4), -c))  # ties: the stronger regularisation
        model = fit(x, y, best)
        parts[part] = {"classes": [str(c) for c in model.classes_],
                       "coef": np.round(model.coef_, 6).tolist(), "intercept": np.round(model.intercept_, 6).tolist()}
        figures[part] = {"n": len(y), "per_class": dict(sorted(Counter(y).items())), "c": best,
                         "cv_accuracy": round(scores[best], 4), "cv_grid": {str(c): round(s, 4) for c, s in scores.items()}}
        print(f"{part:<18} n={len(y)}  C={best}  5-fold accuracy {scores[best]:.3f}")
    out = {"parts": parts, "trained_on": {"data": str(args.data.relative_to(ROOT)) if args.data.is_relative_to(ROOT)
                                          else args.data.name, "sha256": hashlib.sha256(raw).hexdigest(),
                                          "episodes": {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                                                       for p in EPISODES},
                                          "date": date.today().isoformat(), "encoder": "all-MiniLM-L6-v2",
                                          "features": "sentence embedding (384) + word-list cues per cluster",
                                          "figures": figures}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
