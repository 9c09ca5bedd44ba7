"""Concurrent writers and readers through the Python API, on SQLite and PostgreSQL (issue 6, Reliability).

N worker processes (spawned, default 8) each open the same workspace as user ``ruth`` and, for D seconds
(default 60), mix four kinds of operation on a few shared clients:

- ``import``: a small generated plain-text transcript, unique per operation, via ``ws.import_transcript``;
- ``journal``: one shared journal entry via ``ws.add_entries``;
- ``questionnaire``: a GAD-7 via ``ws.record_response`` (a unique session number makes each one distinct);
- ``read``: ``ws.sessions`` plus ``ws.session`` of one of them, or ``ws.entries``, or ``ws.responses``.

Every worker records each write it made (kind, client, the id the API returned, the unique tag in its content)
and every error with its traceback. Afterwards the parent checks each write is present (sessions by count and
utterance count and by the tag in their text, entries and responses by content), then prints throughput
(ops/s, total and per kind) and p50/p95/p99 latency per kind, per backend. Exit status 1 when any error or
missing write was found. Not part of the test suite.

Run::

    .venv/bin/python benchmarks/bench_concurrency.py --workers 8 --seconds 60 --backend both \\
        --pg postgresql://reverie:reverie@127.0.0.1:5432/reverie_bench

PostgreSQL runs when ``--pg URL`` or ``REVERIE_TEST_POSTGRES_URL`` is given; its public schema is dropped and
recreated first, so point it at a database kept for benchmarks.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

USER = "ruth"
CLIENTS = ("BENCH-A", "BENCH-B", "BENCH-C", "BENCH-D")
WEIGHTS = {"import": 2, "journal": 3, "questionnaire": 3, "read": 4}
SENTENCES = (
    "I kept thinking about the drive home and the rain on the windscreen.",
    "What comes to mind when you picture that kitchen?",
    "My sister called and I let it ring, which I never do.",
    "It sounds as though part of you wanted her to notice.",
    "We talked about the garden and the new fence for an hour.",
    "I suppose I was tired more than anything else this week.",
)


# ----- work one worker does ------------------------------------------------------------------------------
def _transcript(path: Path, tag: str, rng: random.Random) -> int:
    """Write a small labelled transcript whose first client turn carries the unique tag; return its turn count."""
    turns = rng.randint(4, 10)
    lines = []
    for i in range(turns):
        label = "Therapist" if i % 2 == 0 else "Client"
        text = rng.choice(SENTENCES)
        if i == 1:
            text = f"{text} Note {tag}."
        lines.append(f"{label}: {text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return turns


def _op(ws: Any, kind: str, client: str, tag: str, seq: int, rng: random.Random, scratch: Path) -> dict | None:
    """Run one operation; return the write record to check later (None for reads)."""
    from reverie.domain import Entry

    if kind == "import":
        path = scratch / f"{tag}.txt"
        turns = _transcript(path, tag, rng)
        out = ws.import_transcript(path, client)
        path.unlink()
        (sess,) = out["sessions"]
        return {"kind": kind, "client": client, "tag": tag, "id": sess["id"], "utterances": turns,
                "reported_utterances": sess.get("utterances"), "duplicate": out["duplicate"]}
    if kind == "journal":
        text = f"{rng.choice(SENTENCES)} Entry {tag}."
        written = datetime(2025, 1, 1) + timedelta(seconds=rng.randint(0, 10_000_000))
        out = ws.add_entries(client, [Entry(client, written, "reflection", text, shared_with_therapist=True)])
        (entry,) = out["entries"]
        return {"kind": kind, "client": client, "tag": tag, "id": entry["id"], "text": text,
                "duplicate": entry["duplicate"]}
    if kind == "questionnaire":
        answers = [rng.randint(0, 3) for _ in range(7)]
        out = ws.record_response(client, "gad7", answers, session=seq)
        return {"kind": kind, "client": client, "tag": tag, "id": out["id"], "answers": answers, "session": seq,
                "duplicate": out["duplicate"]}
    which = rng.choice(("session", "entries", "responses"))
    if which == "session":
        listed = ws.sessions(client)
        if listed:
            ws.session(rng.choice(listed)["id"])
    elif which == "entries":
        ws.entries(client)
    else:
        ws.responses(client)
    return None


def _warm_up(scratch: Path) -> None:
    """Load the risk screen's sentence encoder before the clock starts (journal writes screen every entry),
    on one torch thread per process so eight workers do not oversubscribe the cores."""
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        pass
    import reverie.workspace as rw
    path = scratch / "warm.txt"
    _transcript(path, "warm-up", random.Random(0))
    rw.analyze_file(path, analyzers=["risk"])
    path.unlink()


def _worker(index: int, path: str, db: str | None, key_file: str, seconds: float, seed: int,
            barrier: Any, out_file: str) -> None:
    """One process: open the workspace, wait for the others, run operations until the deadline, save the log."""
    import reverie.workspace as rw

    rng = random.Random(seed * 1000 + index)
    log: dict[str, Any] = {"worker": index, "writes": [], "errors": [], "latency": defaultdict(list)}
    ws = None
    scratch = Path(tempfile.mkdtemp(prefix=f"bench-w{index}-"))
    try:
        _warm_up(scratch)
        ws = rw.open(path, db=db, key_file=key_file, user=USER)
    except Exception:  # noqa: BLE001 - the benchmark reports every failure
        log["errors"].append({"kind": "open", "error": traceback.format_exc()})
    barrier.wait()
    start = time.perf_counter()
    deadline = start + seconds
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    seq = 0
    while ws is not None and time.perf_counter() < deadline:
        seq += 1
        kind = rng.choices(kinds, weights)[0]
        client = rng.choice(CLIENTS)
        tag = f"w{index}s{seq}r{rng.getrandbits(32):08x}"
        t0 = time.perf_counter()
        try:
            record = _op(ws, kind, client, tag, index * 1_000_000 + seq, rng, scratch)
        except Exception:  # noqa: BLE001
            log["errors"].append({"kind": kind, "client": client, "tag": tag, "error": traceback.format_exc()})
            continue
        log["latency"][kind].append(time.perf_counter() - t0)
        if record is not None:
            log["writes"].append(record)
    log["elapsed"] = time.perf_counter() - start
    if ws is not None:
        ws.close()
    shutil.rmtree(scratch, ignore_errors=True)
    Path(out_file).write_text(json.dumps(log), encoding="utf-8")


# ----- setting up, checking, reporting ---------------------------------------------------------------------
def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                           if url.startswith("postgresql://") else url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _check(ws: Any, writes: list[dict]) -> list[str]:
    """Every recorded write present: sessions by count, utterance count and tag; entries and responses by content."""
    problems = []
    by_client: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for w in writes:
        by_client[w["client"]][w["kind"]].append(w)
        if w.get("duplicate"):
            problems.append(f"{w['kind']} {w['tag']} ({w['client']}) was reported as a duplicate of an earlier write")
    for client, kinds in sorted(by_client.items()):
        imports = kinds.get("import", [])
        listed = {s["id"]: s for s in ws.sessions(client)} if imports else {}
        if len(listed) != len(imports):
            problems.append(f"{client}: {len(imports)} transcript imports made but {len(listed)} sessions stored")
        for w in imports:
            stored = listed.get(w["id"])
            if stored is None:
                problems.append(f"{client}: session {w['id']} (import {w['tag']}) is missing")
                continue
            if stored.get("utterances") != w["utterances"]:
                problems.append(f"{client}: session {w['id']} has {stored.get('utterances')} utterances, "
                                f"{w['utterances']} were imported")
            texts = " ".join(u.text for u in ws.session(w["id"]).utterances)
            if w["tag"] not in texts:
                problems.append(f"{client}: session {w['id']} does not hold the text of import {w['tag']}")
        if kinds.get("journal"):
            stored_entries = {(e.id, e.text) for e in ws.entries(client)}
            for w in kinds["journal"]:
                if (w["id"], w["text"]) not in stored_entries:
                    problems.append(f"{client}: journal entry {w['id']} ({w['tag']}) is missing or changed")
        if kinds.get("questionnaire"):
            stored_resp = {(r.id, r.instrument, r.session, tuple(r.answers)) for r in ws.responses(client)}
            for w in kinds["questionnaire"]:
                if (w["id"], "gad7", w["session"], tuple(w["answers"])) not in stored_resp:
                    problems.append(f"{client}: response {w['id']} ({w['tag']}) is missing or changed")
    return problems


def _cause(trace: str) -> str:
    """The final exception line of a traceback, numbers masked, so like errors group together."""
    lines = [ln for ln in trace.splitlines() if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Violation|Denied)\b", ln)]
    return re.sub(r"\d+", "N", (lines or trace.splitlines() or [""])[-1])[:160]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def _report(backend: str, workers: int, logs: list[dict], problems: list[str], errors: list[dict]) -> None:
    elapsed = max((lg.get("elapsed", 0.0) for lg in logs), default=0.0) or 1e-9
    latency: dict[str, list[float]] = defaultdict(list)
    for lg in logs:
        for kind, values in lg["latency"].items():
            latency[kind].extend(values)
    total = sum(len(v) for v in latency.values())
    print(f"\n== {backend}: {workers} workers, {elapsed:.1f} s, {total} ops, {total / elapsed:.1f} ops/s, "
          f"{len(errors)} errors, {len(problems)} missing or changed writes")
    print(f"{'kind':<14}{'ops':>7}{'ops/s':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind in WEIGHTS:
        v = latency.get(kind, [])
        if not v:
            print(f"{kind:<14}{0:>7}")
            continue
        print(f"{kind:<14}{len(v):>7}{len(v) / elapsed:>9.2f}{_percentile(v, 50) * 1e3:>10.1f}"
              f"{_percentile(v, 95) * 1e3:>10.1f}{_percentile(v, 99) * 1e3:>10.1f}{max(v) * 1e3:>10.1f}")
    if errors:
        print(f"errors by kind: {dict(Counter(e['kind'] for e in errors))}")
        causes = Counter(_cause(e["error"]) for e in errors)
        for cause, n in causes.most_common(10):
            print(f"  {n:>5} x {cause}")
        for e in errors[:3]:
            print(f"--- {e['kind']} {e.get('client', '')} {e.get('tag', '')}\n{e['error'].rstrip()}")
        if len(errors) > 3:
            print(f"... and {len(errors) - 3} more errors")
    for p in problems[:20]:
        print(f"MISSING: {p}")
    if len(problems) > 20:
        print(f"... and {len(problems) - 20} more problems")


def run_backend(backend: str, workers: int, seconds: float, pg_url: str | None, seed: int, keep: bool = False) -> bool:
    """One full run on one backend; True when there were no errors and every write is present."""
    import reverie.workspace as rw

    tmp = Path(tempfile.mkdtemp(prefix=f"reverie-bench-{backend}-"))
    path, key_file = tmp / "workspace", tmp / "keys" / "bench.key"
    db = pg_url if backend == "postgres" else None
    if db:
        _reset_postgres(db)
    with rw.init(path, db=db, key_file=key_file, user=USER) as ws:
        for code in CLIENTS:  # the caseload exists before the load starts, as in a practice
            ws.add_client(code)
            ws.grant_consent(code, "transcription")
            ws.grant_consent(code, "analysis")
    print(f"{backend}: {workers} workers warming up, then {seconds:.0f} s of load (workspace {tmp})",
          file=sys.stderr, flush=True)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    outs = [str(tmp / f"worker{i}.json") for i in range(workers)]
    procs = [ctx.Process(target=_worker, args=(i, str(path), db, str(key_file), seconds, seed, barrier, outs[i]))
             for i in range(workers)]
    for p in procs:
        p.start()
    errors: list[dict] = []
    try:
        barrier.wait(timeout=300)
    except Exception:  # noqa: BLE001 - a worker that never got ready
        errors.append({"kind": "start", "error": "workers did not all start within 300 s"})
    limit = time.monotonic() + seconds + 180  # an operation may retry on locks for up to 60 s
    for p in procs:
        p.join(max(1.0, limit - time.monotonic()))
        if p.is_alive():
            p.terminate()
            p.join()
            errors.append({"kind": "hang", "error": f"worker {p.name} still running {seconds + 180:.0f} s after start"})
    logs = []
    for i, out in enumerate(outs):
        if Path(out).exists():
            logs.append(json.loads(Path(out).read_text(encoding="utf-8")))
        else:
            errors.append({"kind": "crash", "error": f"worker {i} left no log (exit code {procs[i].exitcode})"})
    errors += [e for lg in logs for e in lg["errors"]]
    writes = [w for lg in logs for w in lg["writes"]]
    with rw.open(path, db=db, key_file=key_file, user=USER) as ws:
        problems = _check(ws, writes)
        audit = ws.audit_verify()
    if audit.get("problems"):
        problems += [f"audit chain: {p}" for p in audit["problems"]]
    _report(backend, workers, logs, problems, errors)
    print(f"writes checked: {dict(Counter(w['kind'] for w in writes))}; audit rows verified: {audit.get('rows')}",
          flush=True)
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return not errors and not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=8, help="worker processes (default 8)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of load per backend (default 60)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg", default=os.environ.get("REVERIE_TEST_POSTGRES_URL"),
                        help="PostgreSQL URL (default: $REVERIE_TEST_POSTGRES_URL); its public schema is reset")
    parser.add_argument("--seed", type=int, default=1, help="seed of the workers' random choices")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace and the workers' logs")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64 or not 0 < args.seconds <= 3600:
        parser.error("--workers must be 1..64 and --seconds 0..3600")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if "postgres" in backends and not args.pg:
        if args.backend == "postgres":
            parser.error("--backend postgres needs --pg URL or REVERIE_TEST_POSTGRES_URL")
        print("PostgreSQL skipped: give --pg URL or set REVERIE_TEST_POSTGRES_URL")
        backends.remove("postgres")
    ok = True
    for backend in backends:
        ok = run_backend(backend, args.workers, args.seconds, args.pg, args.seed, args.keep) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
