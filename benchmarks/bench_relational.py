"""Client turns per second and relationship episodes per second of the ``relational`` analyser, on one core.

Texts are the demo case's client turns and journal entries (``src/reverie/demo``), repeated with a copy
number appended so no two units are equal, to about N units (default 20,000); annotation and the case
formulation are timed apart. Since v3 the components are coded by a classifier over the MiniLM encoder: the
encoder and the weights are loaded before the clock starts (once per process), and ``--words`` times the word
lists alone (v2's coding). Run: ``.venv/bin/python benchmarks/bench_relational.py [UNITS] [--words]``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from reverie.analysis.base import SessionUnits, TextUnit
from reverie.analysis.relational import RelationalAnalyzer

DEMO = Path(__file__).resolve().parents[1] / "src" / "reverie" / "demo"
CLIENT = re.compile(r"^Client\s*:\s*(.+)$")


def demo_texts() -> list[str]:
    texts = [m.group(1) for p in sorted((DEMO / "sessions").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines() if (m := CLIENT.match(line.strip()))]
    texts += [json.loads(line)["text"] for line in (DEMO / "journal.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    return texts


def main(n: int = 2_000, model: bool = True) -> None:
    base = demo_texts()
    units = [TextUnit(id=f"u{i}", text=f"{base[i % len(base)]} ({i // len(base)})") for i in range(n)]
    analyser = RelationalAnalyzer(model=model)
    if model:
        from reverie.analysis import relational_model
        relational_model.load_model()
        relational_model.embed(["warm up"])
    t0 = time.perf_counter()
    annotations = analyser.annotate(units)
    t1 = time.perf_counter()
    case = analyser.summarize([SessionUnits("s", units, annotations)]).case
    t2 = time.perf_counter()
    episodes = len(case["episodes"])
    words = sum(len(u.text.split()) for u in units)
    print(f"units {n}  words {words}  episodes {episodes}  ({'classifier' if model else 'word lists'})")
    print(f"annotate: {n / (t1 - t0):,.0f} units/s  {words / (t1 - t0):,.0f} words/s  "
          f"{episodes / (t1 - t0):,.0f} episodes/s")
    print(f"formulate: {episodes / (t2 - t1):,.0f} episodes/s ({t2 - t1:.2f} s)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--words"]
    main(int(args[0]) if args else 2_000, model="--words" not in sys.argv)
