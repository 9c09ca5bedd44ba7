"""Throughput of the ``defenses`` analyser on this CPU: utterances per second, model loading excluded.

    .venv/bin/python benchmarks/bench_defenses.py [--n 1000] [--threads 2] [--data FILE]

With ``--data`` (a PsyDefConv-format file, e.g. /work/shared/data/psydefconv/train.json) it times
the file's real client turns, with their context, instead of the written sentences.
"""

from __future__ import annotations

import argparse
import random
import time

import torch

from reverie.analysis.base import ContextTurn, TextUnit
from reverie.analysis.defenses import DefensesAnalyzer

# Sentences written for the benchmark; lengths roughly like client turns in chat (5-40 words).
CLIENT = [
    "I'm fine, it's no big deal really.",
    "Yeah but I already tried that and it didn't help at all.",
    "My boss is an idiot and everyone at work knows it, nobody ever says anything though.",
    "I realize I get quiet when I'm hurt, and then I blame myself for being quiet.",
    "I don't know...",
    "Logically I know the situation isn't my fault, but then again I keep thinking about it every night.",
    "Hi, how are you?",
    "I will talk to my sister about it this weekend, she usually helps me see things more clearly.",
]
THERAPIST = ["What happened next?", "How did that feel?", "Have you tried talking to someone about it?",
             "It sounds like that was really hard for you."]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", help="time the client turns of this PsyDefConv-format file instead")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rng = random.Random(0)
    if args.data:
        from reverie.evaluation.defenses import load_rows, rows_to_units

        units = rows_to_units(load_rows(args.data))[: args.n]
        args.n = len(units)
    else:
        units = [TextUnit(id=f"u{i}", text=f"{rng.choice(CLIENT)} ({i})", position=2 * i,
                          context=(ContextTurn("therapist", f"{rng.choice(THERAPIST)} ({i})"),))
                 for i in range(args.n)]  # numbered so no two texts are identical
    analyzer = DefensesAnalyzer()
    analyzer.annotate(units[:8])  # load the encoder and the head
    started = time.perf_counter()
    for start in range(0, len(units), 512):
        analyzer.annotate(units[start:start + 512])
    elapsed = time.perf_counter() - started
    print(f"defenses: {args.n} utterances in {elapsed:.2f}s = {args.n / elapsed:.0f} utterances/s "
          f"({args.threads} torch threads)")


if __name__ == "__main__":
    main()
