"""Words per second of the lexical analysers, one by one and together, on one core.

Builds a long transcript (the demo sessions repeated when ``src/reverie/demo/sessions/*.txt``
exist, otherwise generated sentences), annotates it with ``affect``, ``abstraction``,
``cycles`` and ``referential`` (and ``dialogue`` / ``transference`` when those modules
import), summarises, and prints words/s. Run: ``.venv/bin/python benchmarks/bench_lexical.py [WORDS]``.
"""

from __future__ import annotations

import importlib
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from reverie.analysis.base import BaseAnalyzer, SessionUnits, units_from_session
from reverie.analysis.text import tokenize

DEMO = Path(__file__).resolve().parents[1] / "src" / "reverie" / "demo" / "sessions"
LINE = re.compile(r"^(Therapist|Client)\s*:\s*(.+)$")
CORE = ("affect", "abstraction", "cycles", "referential")
OPTIONAL = ("dialogue", "transference")


@dataclass
class _Utt:
    index: int
    role: str
    text: str
    start: float | None = None
    end: float | None = None
    markers: list[str] = field(default_factory=list)


def _demo_turns() -> list[tuple[str, str]]:
    turns = []
    for path in sorted(DEMO.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = LINE.match(line.strip())
            if m:
                turns.append((m.group(1).lower(), m.group(2)))
    return turns


def _generated_turns(n: int = 400) -> list[tuple[str, str]]:
    rng = random.Random(7)
    parts = [
        "On Tuesday I walked into the kitchen and my hands were shaking.",
        "I think the whole idea of efficiency was a way of not feeling anything.",
        "I'm not happy about it, and I was angry with my father for years.",
        "We drove to the beach with Jonah and sat on the cold sand.",
        "Mm. I suppose, you know, it's kind of hard to explain.",
        "What comes to mind when you say that?",
        "It sounds as though you felt very alone then.",
    ]
    return [("client" if i % 3 else "therapist", " ".join(rng.choice(parts) for _ in range(rng.randint(1, 6))))
            for i in range(n)]


def _analyzer(name: str) -> BaseAnalyzer | None:
    try:
        module = importlib.import_module(f"reverie.analysis.{name}")
    except ImportError:
        return None
    for obj in vars(module).values():
        if isinstance(obj, type) and issubclass(obj, BaseAnalyzer) and getattr(obj, "name", "") == name:
            return obj()
    return None


def main(target_words: int = 200_000) -> None:
    turns = _demo_turns() or _generated_turns()
    source = "demo sessions" if DEMO.exists() and list(DEMO.glob("*.txt")) else "generated text"
    per_copy = sum(len(tokenize(t).words) for _, t in turns)
    copies = max(1, target_words // max(per_copy, 1))
    sessions = []
    for c in range(copies):
        # each copy's texts differ (a trailing space per copy) so that no cache can skip the work
        utts = [_Utt(i, role, text + " " * c) for i, (role, text) in enumerate(turns)]
        sessions.append((f"s{c}", units_from_session(f"s{c}", utts)))
    all_units = [u for _, us in sessions for u in us]
    total = sum(len(tokenize(u.text).words) for u in all_units)
    print(f"transcript: {source} x {copies} = {total:,} words in {len(all_units):,} units")
    analyzers = [a for a in (_analyzer(n) for n in CORE + OPTIONAL) if a is not None]
    missing = [n for n in CORE + OPTIONAL if n not in {a.name for a in analyzers}]
    if missing:
        print(f"skipped (not importable): {', '.join(missing)}")
    tokenize.cache_clear()
    t0 = time.perf_counter()
    tok_words = sum(len(tokenize(u.text).words) for u in all_units)
    dt = time.perf_counter() - t0
    print(f"{'tokenizer':<14}{tok_words / dt:>12,.0f} words/s")
    def timed(chosen: list[BaseAnalyzer]) -> float:
        """Annotate and summarise with the analysers in one run, from a cold tokenizer cache."""
        tokenize.cache_clear()
        t0 = time.perf_counter()
        for a in chosen:
            todo = [u for u in all_units if a.applies(u)]
            by_id = {u.id: ann for u, ann in zip(todo, a.annotate(todo))}
            a.summarize([SessionUnits(sid, list(us), [by_id[u.id] for u in us if u.id in by_id])
                         for sid, us in sessions])
        return time.perf_counter() - t0

    for a in analyzers:
        todo = [u for u in all_units if a.applies(u)]
        words = sum(len(tokenize(u.text).words) for u in todo)
        dt = timed([a])
        print(f"{a.name:<14}{words / dt:>12,.0f} words/s  ({len(todo):,} units, {dt:.2f} s)")
    core = [a for a in analyzers if a.name in CORE]
    print(f"{'lexical set':<14}{total / timed(core):>12,.0f} words/s  (the four lexical analysers in one run)")
    if len(analyzers) > len(core):
        print(f"{'whole set':<14}{total / timed(analyzers):>12,.0f} words/s  ({', '.join(a.name for a in analyzers)})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
