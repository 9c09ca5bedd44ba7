"""Throughput of the ``risk`` screen on this CPU: client turns screened per second (rules + semantic layer).

    .venv/bin/python benchmarks/bench_risk.py [--n 2000] [--threads 2] [--rules-only]

Turns are drawn from the session-talk check set (tests/data/risk_session_talk.jsonl: ordinary session talk
about medication, plans, habits, sleep, hospital, accidents, goodbyes, plus a few risk turns); with
``--with-risk-texts`` the risk check set (half risk) is mixed in, a much harder load for the semantic layer.
Each turn is numbered so no two are identical and has a therapist question before it; turns are screened in
batches of 512 as the workspace does. Model loading is excluded. Issue 15 asks for >= 300 turns/s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch

from reverie.analysis.base import ContextTurn, TextUnit
from reverie.analysis.risk import RiskAnalyzer

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
THERAPIST = ["What happened next?", "How did that feel?", "How have you been sleeping?",
             "It sounds like that was really hard for you.", "What was that like for you?"]


def _texts(with_risk_texts: bool) -> list[str]:
    rows = []
    for name in ("risk_session_talk.jsonl",) + (("risk_check.jsonl",) if with_risk_texts else ()):
        rows += [json.loads(line)["text"] for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--with-risk-texts", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rng = random.Random(0)
    texts = _texts(args.with_risk_texts)
    units = [TextUnit(id=f"u{i}", text=f"{rng.choice(texts)} ({i})", position=2 * i,
                      context=(ContextTurn("therapist", rng.choice(THERAPIST)),)) for i in range(args.n)]
    analyzer = RiskAnalyzer(semantic=not args.rules_only)
    analyzer.annotate(units[:8])  # load the encoder and embed the prototype bank
    started, cpu = time.perf_counter(), time.process_time()
    flagged = 0
    for start in range(0, len(units), 512):
        flagged += sum(bool(a.values["risk"]) for a in analyzer.annotate(units[start:start + 512]))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    layer = "rules only" if args.rules_only else "rules + semantic"
    print(f"risk ({layer}): {args.n} client turns in {elapsed:.2f}s = {args.n / elapsed:.0f} turns/s "
          f"({args.threads} torch threads; {flagged} flagged); {args.n / cpu:.0f} turns per CPU-second "
          f"(on a shared machine, wall time depends on the load: see docs/benchmarks.md)")


if __name__ == "__main__":
    main()
