"""Time and peak memory of ``reverie analyze FILE`` (every analyser) on large plain-text transcripts.

Writes a transcript of each size in a temporary folder (written sentences, each turn made
distinct so nothing is shared), runs ``analyze_file`` on it in a fresh process, and prints
the seconds taken (wall clock, and CPU time, steadier on a shared machine) and the process's
peak resident memory (models included). Run:
``.venv/bin/python benchmarks/bench_large_transcript.py [SIZE_MB ...]`` (default: 1 MB and
the maximum input size, ``reverie.ingest.MAX_FILE_BYTES``).
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = (
    "On Tuesday I walked into the kitchen and my hands were shaking.",
    "I think the whole idea of efficiency was a way of not feeling anything.",
    "I'm not happy about it, and I was angry with my father for years.",
    "We drove to the beach with Jonah and sat on the cold sand.",
    "Mm. I suppose, you know, it's kind of hard to explain.",
    "It was fine, really, I don't know why I even mentioned it.",
    "When she left the room I felt small again, like at school.",
)
THERAPIST = ("What comes to mind when you say that?", "It sounds as though you felt very alone then.",
             "Mm.", "Tell me more about the kitchen.")


def write_transcript(path: Path, size: int, seed: int = 7) -> int:
    """A ``T:``/``C:`` transcript of at most ``size`` bytes (and within a line of it); returns the number of turns."""
    rng = random.Random(seed)
    written = turns = 0
    with path.open("w", encoding="utf-8") as fh:
        while True:
            if turns % 2:
                text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 5))) + f" (turn {turns})"
                line = f"C: {text}\n"
            else:
                line = f"T: {rng.choice(THERAPIST)}\n"
            if written + len(line.encode("utf-8")) > size:
                return turns
            fh.write(line)
            written += len(line.encode("utf-8"))
            turns += 1


def measure(path: str) -> None:
    """Child process: analyse the file with every analyser and print seconds and peak RSS."""
    from reverie.workspace import analyze_file

    start = time.perf_counter()
    out = analyze_file(path)
    seconds = time.perf_counter() - start
    n = sum(len(s["utterances"]) for s in out["sessions"])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{Path(path).stat().st_size / 1e6:.2f} MB, {n} utterances: {seconds:.1f} s wall, "
          f"{usage.ru_utime + usage.ru_stime:.1f} s CPU, peak RSS {usage.ru_maxrss / 1024:.0f} MB", flush=True)


def main(sizes_mb: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes_mb:
            path = Path(tmp) / f"transcript_{mb:g}MB.txt"
            write_transcript(path, int(mb * 1_000_000))
            subprocess.run([sys.executable, __file__, "--child", str(path)], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        measure(sys.argv[2])
    else:
        from reverie.ingest import MAX_FILE_BYTES

        main([float(a) for a in sys.argv[1:]] or [1.0, MAX_FILE_BYTES / 1_000_000])
