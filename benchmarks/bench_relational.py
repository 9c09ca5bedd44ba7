"""Client turns per second and relationship episodes per second of the ``relational`` analyser, on one core.

Texts are the demo case's client turns and journal entries (``src/reverie/demo``), repeated with a copy
number appended so no two units are equal, to about N units (default 20,000); annotation and the case
formulation are timed apart. Run: ``.venv/bin/python benchmarks/bench_relational.py [UNITS]``.
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


def main(n: int = 20_000) -> None:
    base = demo_texts()
    units = [TextUnit(id=f"u{i}", text=f"{base[i % len(base)]} ({i // len(base)})") for i in range(n)]
    analyser = RelationalAnalyzer()
    t0 = time.perf_counter()
    annotations = analyser.annotate(units)
    t1 = time.perf_counter()
    case = analyser.summarize([SessionUnits("s", units, annotations)]).case
    t2 = time.perf_counter()
    episodes = len(case["episodes"])
    words = sum(len(u.text.split()) for u in units)
    print(f"units {n}  words {words}  episodes {episodes}")
    print(f"annotate: {n / (t1 - t0):,.0f} units/s  {words / (t1 - t0):,.0f} words/s  "
          f"{episodes / (t1 - t0):,.0f} episodes/s")
    print(f"formulate: {episodes / (t2 - t1):,.0f} episodes/s ({t2 - t1:.2f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
