"""How the ``defenses`` head reads long turns, whole or in passages (``reverie.analysis.defenses.passages``).

    .venv/bin/python scripts/check_defenses_long_turns.py [--data /work/shared/data/psydefconv/train.json]
        [--cache /tmp/defenses_cache] [--seeds 0,1,2] [--min-words 100]

PsyDefConv turns are short (19 words on average); therapy turns are often 50-150 words. There is
no coded long-turn data, so the check builds some: consecutive turns of one help-seeker that carry
the same label are joined until they hold at least ``--min-words`` words, and the joined text keeps
that label (texts of up to ``PASSAGE_MIN_WORDS`` words are read whole either way, as in the analyser). For each fold of a dialogue-grouped 5-fold split (seed 0) the heads are fitted on the
training part (``scripts/train_defenses.py``'s recipe) and read the joined texts of the test
dialogues whole and in passages. It prints accuracy, recall of level 7, the mean level over texts
coded 1-7 (ODF) against the true one, and the predicted label counts.

Second, the ordinary cross-validation with and without passage reading of the training turns over
``PASSAGE_MIN_WORDS`` words (what the analyser does), macro-F1 over labels 1-8, per split seed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_defenses as T  # noqa: E402  (the same heads, inputs and metric as the shipped model)

from reverie.analysis import defense_features  # noqa: E402
from reverie.analysis.defenses import ENCODER_FILE, MODEL_DIR, PASSAGE_MIN_WORDS, passages, previous_other  # noqa: E402
from reverie.analysis.encoder import pooled_layers  # noqa: E402
from reverie.evaluation.defenses import load_rows, rows_to_units  # noqa: E402


def inputs(texts: list[str], prevs: list[str], positions: list[int]) -> dict:
    """Encoder layers, cues and texts, as ``train_defenses.build_inputs`` makes them for the training turns."""
    cues, _ = defense_features.extract_many(texts, prevs, positions)
    return {"layers": pooled_layers(texts, T.LAYERS, weights=MODEL_DIR / ENCODER_FILE), "cues": np.asarray(cues, dtype=np.float64),
            "texts": np.array(texts, dtype=object)}


def read_passages(texts: list[str], prevs: list[str], positions: list[int]) -> tuple[dict, np.ndarray]:
    """Inputs of every passage of every text, cut as the analyser cuts them, and the text each passage belongs to."""
    pieces, owner = [], []
    for k, text in enumerate(texts):
        for start, end in passages(text):
            pieces.append(text[start:end])
            owner.append(k)
    return inputs(pieces, [prevs[k] for k in owner], [positions[k] for k in owner]), np.array(owner)


def pooled(logp: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Mean passage log-probability per text (the analyser renormalises it, which does not move the argmax)."""
    out = np.zeros((n, logp.shape[1]))
    np.add.at(out, owner, logp)
    return out / np.maximum(np.bincount(owner, minlength=n), 1)[:, None]


def joined_turns(units: list, y: np.ndarray, groups: np.ndarray, min_words: int) -> list[list[int]]:
    """Runs of consecutive same-label turns of one dialogue, cut into groups of at least ``min_words`` words."""
    out, run = [], []
    for i in range(len(units)):
        if run and (groups[run[-1]] != groups[i] or y[run[-1]] != y[i]):
            run = []
        run.append(i)
        if sum(len(units[j].text.split()) for j in run) >= min_words:
            out.append(run)
            run = []
    return out


def report(name: str, truth: np.ndarray, logp: np.ndarray) -> None:
    pred = logp.argmax(1)
    rated = [v for v in pred if 1 <= v <= 7]
    print(f"  {name:9s} accuracy {np.mean(pred == truth):.3f}  recall of 7 {np.mean(pred[truth == 7] == 7):.3f}  "
          f"ODF {np.mean(rated) if rated else float('nan'):.2f} (true {np.mean([v for v in truth if 1 <= v <= 7]):.2f})"
          f"  predicted {dict(sorted(Counter(pred.tolist()).items()))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/psydefconv/train.json"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/defenses_cache"))
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--min-words", default="50,100", help="comma-separated lengths of the joined texts")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(2)
    rows = load_rows(args.data)
    units = rows_to_units(rows)
    x = T.build_inputs(rows, args.cache, MODEL_DIR / ENCODER_FILE)
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["dialogue_id"] for r in rows])

    checks = []  # per --min-words: (truth, dialogue of each text, whole inputs, passage inputs, passage owner)
    for min_words in [int(v) for v in args.min_words.split(",")]:
        joined = joined_turns(units, y, groups, min_words)
        texts = [" ".join(units[i].text.strip() for i in run) for run in joined]
        prevs = [previous_other(units[run[0]]) for run in joined]
        positions = [units[run[0]].position for run in joined]
        truth = np.array([y[run[0]] for run in joined])
        checks.append((min_words, truth, np.array([groups[run[0]] for run in joined]), inputs(texts, prevs, positions),
                       *read_passages(texts, prevs, positions)))
        print(f"{len(texts)} joined texts of >= {min_words} words (mean {np.mean([len(t.split()) for t in texts]):.0f}),"
              f" labels {dict(sorted(Counter(truth.tolist()).items()))}")
    long_rows = np.array([i for i, u in enumerate(units) if len(passages(u.text)) > 1])
    l_parts, l_owner = read_passages([units[i].text for i in long_rows], [previous_other(units[i]) for i in long_rows],
                                     [units[i].position for i in long_rows])
    print(f"{len(long_rows)} of {len(units)} training turns have over {PASSAGE_MIN_WORDS} words")

    for seed in [int(s) for s in args.seeds.split(",")]:
        cv_whole, l_logp = np.zeros((len(y), 9)), np.zeros((len(long_rows), 9))
        j_whole = [np.zeros((len(c[1]), 9)) for c in checks]
        j_parts = [np.zeros((len(c[1]), 9)) for c in checks]
        for tr, te in StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(np.arange(len(y)), y, groups):
            heads = T.fit(x, y, tr)
            cv_whole[te] = T.predict_log(heads, x, te)
            q = np.flatnonzero(np.isin(long_rows[l_owner], te))
            l_logp += pooled(T.predict_log(heads, l_parts, q), l_owner[q], len(long_rows))
            for (_, truth, dialogue, whole, parts, owner), jw, jp in zip(checks, j_whole, j_parts):
                k = np.flatnonzero(np.isin(dialogue, groups[te]))
                jw[k] = T.predict_log(heads, whole, k)
                p = np.flatnonzero(np.isin(owner, k))
                jp += pooled(T.predict_log(heads, parts, p), owner[p], len(truth))
        cv_parts = cv_whole.copy()
        cv_parts[long_rows] = l_logp
        print(f"split seed {seed}: macro-F1 1-8 of the cross-validation, every turn whole "
              f"{T.ranked_f1(y, cv_whole.argmax(1)):.4f}, long turns in passages {T.ranked_f1(y, cv_parts.argmax(1)):.4f}")
        for (min_words, truth, *_), jw, jp in zip(checks, j_whole, j_parts):
            print(f"  joined texts of >= {min_words} words:")
            report("whole", truth, jw)
            report("passages", truth, jp)


if __name__ == "__main__":
    main()
