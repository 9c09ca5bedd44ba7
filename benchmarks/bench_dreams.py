"""Dreams coded per second by the ``dreams`` analyser (rules and presence model), on one process.

Builds distinct dream reports from the sentences of the demo case's dreams (shuffled with a fixed
seed, so no two texts are equal and the tokenizer's cache does not flatter the figure), codes them
in batches through ``annotate`` and prints dreams/s and words/s. The issue asks for at least 50
dreams/s on 2 cores. Run: ``.venv/bin/python benchmarks/bench_dreams.py [DREAMS]``.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from pathlib import Path

from reverie.analysis.base import TextUnit
from reverie.analysis.dreams import DreamsAnalyzer, presence_model

JOURNAL = Path(__file__).resolve().parents[1] / "src" / "reverie" / "demo" / "journal.jsonl"


def _dreams(n: int) -> list[str]:
    rows = [json.loads(line) for line in JOURNAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences = [s for r in rows if r["kind"] == "dream" for s in re.split(r"(?<=[.!?])\s+", r["text"]) if s]
    rng = random.Random(11)
    return [f"Dream {i}. " + " ".join(rng.sample(sentences, k=min(len(sentences), rng.randint(5, 12))))
            for i in range(n)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    texts = _dreams(n)
    analyzer = DreamsAnalyzer()
    presence_model()  # load once, outside the timing
    analyzer.annotate([TextUnit.of("I dreamt of a warm-up.", kind="dream")])
    units = [TextUnit(id=f"d{i}", text=t, kind="dream") for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    analyzer.annotate(units)
    dt = time.perf_counter() - t0
    print(f"dreams: {n} ({words / n:.0f} words each), {dt:.2f} s: {n / dt:.0f} dreams/s, {words / dt:.0f} words/s "
          f"(presence model: {'yes' if presence_model() else 'no'})")


if __name__ == "__main__":
    main()
