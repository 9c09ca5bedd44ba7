"""Units per second and peak memory of corpus runs: local and dask engines, 1 and 2 workers.

Builds a synthetic corpus of short texts from the project's own sentence bank (the sentences of the
fictional demo sessions; never real data), in sessions of 40 alternating therapist/client turns, and runs
``reverie.corpus.analyze_to_parquet`` with the lexical analysers on each engine. Prints units/s, the
peak memory of the whole process tree (driver and workers, sampled), whether every engine's output is
identical to the single-process run, and the ratios. Peak memory is shown for a 10,000-text corpus too,
to show that it does not grow with the corpus. Run on a quiet machine:

    .venv/bin/python benchmarks/corpus.py [--n 100000] [--small 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq

from reverie.corpus import analyze_to_parquet

DEMO = Path(__file__).resolve().parents[1] / "src" / "reverie" / "demo" / "sessions"
LEXICAL = ["affect", "abstraction", "cycles", "referential", "dialogue", "transference"]
RUNS = [("local", 1), ("local", 2), ("dask", 1), ("dask", 2)]


def sentence_bank() -> list[str]:
    """The sentences of the demo sessions' plain-text transcripts (speaker labels and stage directions removed)."""
    sentences = []
    for path in sorted(DEMO.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            body = re.sub(r"\([^)]*\)", " ", line.split(":", 1)[1])
            sentences += [s.strip() for s in re.split(r"(?<=[.?!])\s+", body) if len(s.split()) >= 3]
    return sentences


def write_corpus(path: Path, n: int) -> None:
    """``n`` short texts (one to three bank sentences each), deterministic, every text distinct."""
    bank = sentence_bank()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            k = 1 + i % 3
            text = " ".join(bank[(i * 7 + j * 13) % len(bank)] for j in range(k))
            fh.write(json.dumps({"id": f"t{i}", "client": f"c{i // 2000}", "session": f"s{i // 40}",
                                 "role": "therapist" if i % 2 else "client", "text": f"{text} ({i})"}) + "\n")


class PeakMemory:
    """Samples the resident memory of this process and all its children; ``peak`` in MiB."""

    def __init__(self, every: float = 0.1):
        self.every, self.peak, self._stop = every, 0.0, threading.Event()

    def _sample(self) -> None:
        me = psutil.Process(os.getpid())
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total / 2**20)
            time.sleep(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed_run(source: Path, out: Path, engine: str, workers: int) -> tuple[float, float]:
    with PeakMemory() as mem:
        report = analyze_to_parquet(source, out, LEXICAL, engine_name=engine, workers=workers, force=True)
    return report.units / report.seconds, mem.peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="texts in the corpus")
    parser.add_argument("--small", type=int, default=10_000, help="texts in the corpus for the memory comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reverie-bench-") as tmp:
        folder = Path(tmp)
        big, small = folder / "big.jsonl", folder / "small.jsonl"
        write_corpus(big, args.n)
        write_corpus(small, args.small)
        print(f"corpus: {args.n:,} texts from {len(sentence_bank())} bank sentences; analysers: {', '.join(LEXICAL)}; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        rates: dict[tuple[str, int], float] = {}
        reference = None
        print(f"{'engine':<8}{'workers':>8}{'units/s':>12}{'peak MiB':>10}{'identical':>11}")
        for engine, workers in RUNS:
            out = folder / f"{engine}{workers}.parquet"
            rate, peak = timed_run(big, out, engine, workers)
            table = pq.read_table(out)
            reference = reference or table
            rates[engine, workers] = rate
            print(f"{engine:<8}{workers:>8}{rate:>12,.0f}{peak:>10,.0f}{'yes' if table.equals(reference) else 'NO':>11}")
        _, peak_small = timed_run(small, folder / "small.parquet", "local", 2)
        _, peak_big = timed_run(big, folder / "big.parquet", "local", 2)
        print(f"speed-up local 2/1: {rates['local', 2] / rates['local', 1]:.2f}x   dask 2/1: "
              f"{rates['dask', 2] / rates['dask', 1]:.2f}x   dask/local (2 workers): "
              f"{rates['dask', 2] / rates['local', 2]:.2f}x   dask/local (1 worker): "
              f"{rates['dask', 1] / rates['local', 1]:.2f}x")
        print(f"peak memory, local 2 workers: {peak_small:,.0f} MiB for {args.small:,} texts, "
              f"{peak_big:,.0f} MiB for {args.n:,} texts; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
