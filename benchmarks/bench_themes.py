"""Seconds to build the themes of a 50-session case with 200 journal entries, and theme assignments per second.

The case is made from the demo's client turns and journal entries (``src/reverie/demo``; fictional), each with
a copy number appended so no two texts are equal: SESSIONS weekly sessions of TURNS client turns and ENTRIES
entries spread over the same weeks. The encoder is loaded before the clock starts (it loads once per process);
the time covers passages, embedding, clustering, labels and marks. The target is under 30 s on 2 cores.
Run: ``.venv/bin/python benchmarks/bench_themes.py [SESSIONS] [TURNS] [ENTRIES]``.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, timedelta

from bench_relational import demo_texts

from reverie.analysis.encoder import minilm
from reverie.analysis.themes import passages, themes
from reverie.domain import Entry, Session, Utterance


def case(n_sessions: int, turns: int, n_entries: int) -> tuple[list[Session], list[Entry]]:
    base, start = demo_texts(), date(2026, 1, 5)
    text = (lambda i: f"{base[i % len(base)]} ({i // len(base)})")
    sessions = [Session(client="b", number=s + 1, date=start + timedelta(weeks=s), utterances=[
        Utterance(t, "client", "C", text(s * turns + t)) for t in range(turns)]) for s in range(n_sessions)]
    entries = [Entry(client="b", kind="reflection", text=text(7 * e + 3), id=e + 1,
                     written_at=datetime.combine(start, datetime.min.time()) + timedelta(days=e * 7 * n_sessions // n_entries))
               for e in range(n_entries)]
    return sessions, entries


def main(n_sessions: int = 50, turns: int = 40, n_entries: int = 200) -> None:
    sessions, entries = case(n_sessions, turns, n_entries)
    minilm()
    t0 = time.perf_counter()
    result = themes(sessions, entries)
    seconds = time.perf_counter() - t0
    n = len(passages(sessions, entries))
    print(f"sessions {n_sessions} x {turns} client turns, entries {n_entries}: {n} passages, "
          f"{len(result['themes'])} themes")
    print(f"themes built in {seconds:.1f} s  {n / seconds:,.0f} theme assignments/s  "
          f"{(n_sessions * turns + n_entries) / seconds:,.0f} turns and entries/s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
