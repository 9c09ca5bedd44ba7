"""Recall and precision of the ``risk`` analyser on every committed set, rules only and rules + semantic.

Usage: .venv/bin/python scripts/risk_eval_all.py [-v]   (-v also lists the errors)
"""

import sys
from pathlib import Path

from reverie.analysis.risk import RiskAnalyzer
from reverie.evaluation.risk import evaluate, load_rows

SETS = ("risk_check", "risk_holdout_v1", "risk_holdout", "risk_holdout_v3", "risk_holdout_v4", "risk_everyday")
DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main(verbose: bool = False) -> None:
    for semantic in (False, True):
        analyzer = RiskAnalyzer(semantic=semantic)
        print("rules + semantic" if semantic else "rules only")
        for name in SETS:
            res = evaluate(load_rows(DATA / f"{name}.jsonl"), analyzer)
            print(f"  {name:18s} n={res['n']:3d} risk={res['positives']:3d}  recall={res['recall']:.3f}  "
                  f"precision={res['precision']:.3f}  missed={res['fn']}  false_alarms={res['fp']}")
            if verbose:
                for r in res["false_negatives"]:
                    print(f"      missed: {r['text']}")
                for r in res["false_positives"]:
                    print(f"      false alarm: {r['text']}")


if __name__ == "__main__":
    main("-v" in sys.argv)
