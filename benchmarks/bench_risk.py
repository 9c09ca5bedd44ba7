"""Throughput of the ``risk`` screen on this CPU: client turns screened per second (rules + semantic layer).

    .venv/bin/python benchmarks/bench_risk.py [--n 2000] [--threads 2] [--rules-only] [--turns demo|talk|risk]

``--turns demo`` (default): the client turns of the demo case's fifteen sessions (fiction written for
Reverie, ordinary long therapy turns), each with the four turns before it, as the workspace screens them.
``talk``: the session-talk check set (tests/data/risk_session_talk.jsonl), short turns chosen to be full of
trap words (pills, stop, cut, sleep, plan, goodbye): the worst case for the semantic layer. ``risk``: talk
plus the risk check set (half of it risk). Turns repeat to reach ``--n``, each numbered so no two are
identical; batches of 512 as in the workspace; model loading excluded. Issue 15 asks >= 300 turns/s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import reverie.analysis.encoder  # noqa: F401  (first: it sets the OpenMP wait policy torch reads on import)
import torch
from reverie.analysis.base import ContextTurn, TextUnit
from reverie.analysis.risk import RiskAnalyzer

ROOT = Path(__file__).resolve().parents[1]
DATA, DEMO = ROOT / "tests" / "data", ROOT / "src" / "reverie" / "demo" / "sessions"
THERAPIST = ["What happened next?", "How did that feel?", "How have you been sleeping?",
             "It sounds like that was really hard for you.", "What was that like for you?"]


def _units(kind: str, n: int) -> list[TextUnit]:
    rng = random.Random(0)
    if kind == "demo":
        from reverie.analysis.base import units_from_session
        from reverie.ingest import read_transcript
        pool = [u for f in sorted(DEMO.iterdir()) for sess in read_transcript(f).sessions
                for u in units_from_session(f.stem, sess.utterances) if u.role == "client"]
        return [TextUnit(id=f"u{i}", text=f"{u.text} ({i})", position=u.position, context=u.context)
                for i, u in ((i, pool[i % len(pool)]) for i in range(n))]
    names = ("risk_session_talk.jsonl",) + (("risk_check.jsonl",) if kind == "risk" else ())
    texts = [json.loads(line)["text"] for name in names
             for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]
    return [TextUnit(id=f"u{i}", text=f"{rng.choice(texts)} ({i})", position=2 * i,
                     context=(ContextTurn("therapist", rng.choice(THERAPIST)),)) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--turns", choices=("demo", "talk", "risk"), default="demo")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    units = _units(args.turns, args.n)
    analyzer = RiskAnalyzer(semantic=not args.rules_only)
    analyzer.annotate(units[:8])  # load the encoder and embed the prototype bank
    started, cpu = time.perf_counter(), time.process_time()
    flagged = 0
    for start in range(0, len(units), 512):
        flagged += sum(bool(a.values["risk"]) for a in analyzer.annotate(units[start:start + 512]))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    layer = "rules only" if args.rules_only else "rules + semantic"
    print(f"risk ({layer}, {args.turns} turns): {args.n} client turns in {elapsed:.2f}s = {args.n / elapsed:.0f} turns/s "
          f"({args.threads} torch threads; {flagged} flagged); {args.n / cpu:.0f} turns per CPU-second "
          f"(on a shared machine, wall time depends on the load: see docs/benchmarks.md)")


if __name__ == "__main__":
    main()
