"""How many sentences per second the ``risk`` analyser handles with its semantic layer (CPU).

Usage: .venv/bin/python scripts/risk_speed.py [N_UNITS]
Builds journal-style units of three sentences each from sentences written here, runs the analyser once
to load the model, then times a second run over all units in one call.
"""

import sys
import time

from reverie.analysis.base import TextUnit
from reverie.analysis.risk import RiskAnalyzer

SENTENCES = [
    "Today I went to work and talked with my manager about the rota.",
    "I cooked dinner with my partner and we watched a film afterwards.",
    "Some days it feels like nothing I do matters to anyone.",
    "The bus was late again and I was soaked by the time I got in.",
    "I keep thinking about what my mum said on the phone.",
    "I slept badly and woke up at four with my heart racing.",
    "My friend invited me to her birthday but I might not go.",
    "I want to end it all.",
]


def main(n_units: int = 300) -> None:
    # Every sentence is made unique (a number in it), so nothing is answered from a cache.
    units = [TextUnit.of(" ".join(SENTENCES[(i + k) % len(SENTENCES)].replace(".", f" ({i}).", 1)
                                  for k in range(3)), unit_id=str(i)) for i in range(n_units)]
    analyzer = RiskAnalyzer()
    analyzer.annotate(units[:2])  # load the encoder and embed the prototype bank
    start, cpu_start = time.perf_counter(), time.process_time()
    annotations = analyzer.annotate(units)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    n_sentences = 3 * n_units
    flagged = sum(bool(a.values["risk"]) for a in annotations)
    print(f"{n_sentences} sentences in {seconds:.2f} s: {n_sentences / seconds:.0f} sentences/s "
          f"wall clock; {n_sentences / cpu:.0f} sentences per CPU-second of this process "
          f"(all threads; a machine shared with other jobs slows the wall clock, not this) "
          f"({flagged} of {n_units} units flagged)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
