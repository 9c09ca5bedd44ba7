"""Recall and precision of the ``risk`` analyser on every committed set, rules only and rules + semantic.

Usage: .venv/bin/python scripts/risk_eval_all.py [-v]   (-v also lists the errors, never those of the held-out set)

``risk_holdout_v9`` is the held-out measure (written and labelled before any run, never tuned on; run it without
``-v``). ``risk_holdout_v5`` and ``risk_holdout_v7`` were held out until version 7 and are tuning data for precision
since version 8; ``risk_holdout_v8`` was held out until version 8 and is tuning data since version 9; ``risk_tune_v9``
(written for version 9, its first run recorded in its .md) is tuning data too; ``risk_tune_users_v1`` and ``risk_tune_users_v2``
(user histories: several posts joined with blank lines, version 10) are tuning data; ``risk_tune_v11`` (first-person risk posts that name others, and their look-alikes, version 11) is
tuning data; ``risk_tune_v6`` and ``risk_tune_v7`` hold texts written to tune versions 6 and 7 (see their .md
files in tests/data). Also the session-talk set
(tests/data/risk_session_talk.jsonl, with the therapist's turn before some rows) and the CounselChat questions
labelled by id in tests/data/risk_counselchat_labels.csv, read from ../shared/data/counselchat (or $REVERIE_SHARED_DATA) when it is there; the texts are never copied. The last
line gives issue 15's false-alarm figure: tasks per 200 non-risk client turns and questions.
"""

import os

import sys
from pathlib import Path

from reverie.analysis.risk import RiskAnalyzer
from counselchat import counselchat_rows  # scripts/counselchat.py (evaluation data only)
from reverie.evaluation.risk import evaluate, load_rows

SETS = ("risk_check", "risk_holdout_v1", "risk_holdout", "risk_holdout_v3", "risk_holdout_v4", "risk_holdout_v5",
        "risk_holdout_v7", "risk_holdout_v8", "risk_holdout_v9", "risk_tune_v6", "risk_tune_v7", "risk_tune_v9", "risk_tune_users_v1", "risk_tune_users_v2", "risk_tune_v11", "risk_everyday", "risk_session_talk")
HELD_OUT = ("risk_holdout_v9",)  # a measure only: never tuned on
# issue 15's check sets: every set but the held-out and the hard real-post-style sets tuned on since version 7
NOT_CHECK = HELD_OUT + ("risk_holdout_v5", "risk_holdout_v7", "risk_holdout_v8", "risk_tune_v7", "risk_tune_v9",
                        "risk_tune_users_v1", "risk_tune_users_v2", "risk_tune_v11")
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def _counselchat() -> Path | None:
    for folder in (os.environ.get("REVERIE_SHARED_DATA"), ROOT.parent / "shared" / "data", "/work/shared/data"):
        if folder and (Path(folder) / "counselchat" / "counsel_chat.csv").exists():
            return Path(folder) / "counselchat" / "counsel_chat.csv"
    return None


def _rows(name: str) -> list[dict]:
    if name == "counselchat":
        return counselchat_rows(DATA / "risk_counselchat_labels.csv", _counselchat())
    return load_rows(DATA / f"{name}.jsonl")


def main(verbose: bool = False) -> None:
    for semantic in (False, True):
        analyzer = RiskAnalyzer(semantic=semantic)
        print("rules + semantic" if semantic else "rules only")
        quiet = alarms = found = positives = check_found = check_positives = 0
        for name in SETS + (("counselchat",) if _counselchat() else ()):
            res = evaluate(_rows(name), analyzer)
            if name not in HELD_OUT:
                found, positives = found + res["tp"], positives + res["positives"]
            if name not in NOT_CHECK:
                check_found, check_positives = check_found + res["tp"], check_positives + res["positives"]
            if name in ("risk_session_talk", "counselchat"):
                quiet, alarms = quiet + res["fp"] + res["tn"], alarms + res["fp"]
            print(f"  {name:18s} n={res['n']:3d} risk={res['positives']:3d}  recall={res['recall']:.3f}  "
                  f"precision={res['precision']:.3f}  missed={res['fn']}  false_alarms={res['fp']}")
            if verbose and name not in HELD_OUT:  # a held-out set's errors are never printed
                for r in res["false_negatives"]:
                    print(f"      missed: {r['text']}")
                for r in res["false_positives"]:
                    print(f"      false alarm: {r['text']}")
        print(f"  risk texts of every set but the held-out {', '.join(HELD_OUT)}: {found}/{positives} found "
              f"= recall {found / positives:.3f}")
        print(f"  risk texts of the check sets (all but {', '.join(NOT_CHECK)}): {check_found}/{check_positives} "
              f"found = recall {check_found / check_positives:.3f}")
        if quiet:
            print(f"  non-risk session talk + CounselChat: {alarms} tasks over {quiet} turns/questions "
                  f"= {200 * alarms / quiet:.2f} per 200")


if __name__ == "__main__":
    main("-v" in sys.argv)
