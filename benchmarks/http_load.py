"""The concurrency benchmark over HTTP (issue 16): simulated people against one ``reverie serve``, SQLite and PostgreSQL.

A fresh workspace gets therapist accounts, each with a few clients (one imported session each) and a client account
per client with a GAD-7 assigned. One ``reverie serve`` subprocess serves it. U simulated users (default 50: one in
five a therapist) each log in through the login form, as a browser would (the CSRF token read from the form, the
session cookie kept), then for S seconds (default 60):

- a therapist reads: the caseload, a client's case overview, or one of that client's sessions;
- a client writes: a journal entry (free association, dream, moment or reflection; shared or private) or a check-in
  (the assigned GAD-7), each carrying a unique tag.

Every request's latency is recorded per kind; an error is a transport failure or an unexpected status. Afterwards
the server is stopped and the workspace opened through the Python API: every entry and check-in a client wrote must
be there with its text and answers. Throughput and p50/p95/p99 latency are printed per backend; exit status 1 on
any error or missing write. Not part of the test suite.

Run::

    .venv/bin/python benchmarks/http_load.py --users 50 --seconds 60 \\
        --db postgresql://reverie:reverie@127.0.0.1:5432/reverie_bench

SQLite always runs; PostgreSQL too when ``--db URL`` or ``REVERIE_TEST_POSTGRES_URL`` is given (its public schema is
dropped and recreated first, so point it at a database kept for benchmarks). ``--backend`` picks one.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_concurrency import SENTENCES, _cause, _percentile, _reset_postgres  # noqa: E402

PASSWORD = "load-test-password-42"  # written for the benchmark
ADMIN = "ruth"
CLIENTS_PER_THERAPIST = 4
KINDS = ("login", "caseload", "overview", "session", "journal", "checkin")
JOURNAL_KINDS = ("free_association", "dream", "moment", "reflection")
GAD7 = "gad7"
_CSRF = re.compile(r'name="csrf(?:_token)?"\s+(?:value|content)="([^"]+)"')


# ----- the workspace and the server ----------------------------------------------------------------------------
@dataclass
class Person:
    """One account: its login, its role, and the clients it sees (a client: its own code)."""
    login: str
    role: str
    clients: list[str] = field(default_factory=list)


def build_workspace(path: Path, key_file: Path, db: str | None, users: int, scratch: Path) -> list[Person]:
    """Accounts for ``users`` simulated people: one in five a therapist with four clients, the rest those clients."""
    import reverie.workspace as rw

    therapists = max(1, users // 5)
    clients_needed = max(1, users - therapists)
    people: list[Person] = []
    with rw.init(path, db=db, key_file=key_file, user=ADMIN) as ws:
        codes = [f"LOAD-{i:03d}" for i in range(clients_needed)]
        for t in range(therapists):
            name = f"therapist{t:02d}"
            ws.add_user(name, "therapist")
            ws.set_password(name, PASSWORD, login=f"{name}@load.local")
        for i, code in enumerate(codes):
            therapist = f"therapist{i % therapists:02d}"
            with rw.open(path, db=db, key_file=key_file, user=therapist) as own:
                own.add_client(code)
                own.grant_consent(code, "transcription")
                own.grant_consent(code, "analysis")
                transcript = scratch / f"{code}.txt"
                transcript.write_text("\n".join(f"{'Therapist' if k % 2 == 0 else 'Client'}: {SENTENCES[k % 6]}"
                                                for k in range(8)) + "\n", encoding="utf-8")
                own.import_transcript(transcript, code)
                own.add_user(client_user(code), "client", client=code)
                own.set_password(client_user(code), PASSWORD, login=f"{code.lower()}@load.local")
                own.assign_questionnaire(code, GAD7)
        for t in range(therapists):
            mine = [c for i, c in enumerate(codes) if i % therapists == t]
            people.append(Person(f"therapist{t:02d}@load.local", "therapist", mine))
        people += [Person(f"{code.lower()}@load.local", "client", [code]) for code in codes]
    return people[:users]


def client_user(code: str) -> str:
    return f"client-{code.lower()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(path: Path, key_file: Path, db: str | None, port: int, log: Path) -> subprocess.Popen:
    """``reverie serve`` in its own process, as a practice would run it; returns once it answers."""
    import httpx

    cmd = [sys.executable, "-c", "import sys; from reverie.cli import run; sys.argv[0] = 'reverie'; run()",
           "serve", "--workspace", str(path), "--key-file", str(key_file), "--host", "127.0.0.1", "--port", str(port)]
    if db:
        cmd += ["--db", db]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1] / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"reverie serve exited with {proc.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.kill()
    raise RuntimeError("reverie serve did not answer within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ----- one simulated person ------------------------------------------------------------------------------------
class Unexpected(Exception):
    """A response other than the one a browser would get."""


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise Unexpected("no CSRF token on the page")
    return found.group(1)


def expect(resp: Any, *codes: int) -> Any:
    if resp.status_code not in codes:
        raise Unexpected(f"{resp.request.method} {resp.request.url.path} -> {resp.status_code}")
    return resp


def log_in(http: Any, person: Person) -> None:
    form = expect(http.get("/login"), 200)
    resp = expect(http.post("/login", data={"login": person.login, "password": PASSWORD,
                                            "csrf_token": csrf_token(form.text)}), 303)
    if "/login" in resp.headers.get("location", ""):
        raise Unexpected(f"login of {person.login} was refused")


def therapist_step(http: Any, person: Person, rng: random.Random, state: dict[str, Any]) -> tuple[str, None]:
    kind = rng.choice(("caseload", "overview", "session", "session"))
    code = rng.choice(person.clients)
    if kind == "caseload":
        expect(http.get("/"), 200)
    elif kind == "overview":
        expect(http.get(f"/clients/{code}"), 200)
    else:
        sessions = state.setdefault("sessions", {})
        if code not in sessions:
            page = expect(http.get(f"/clients/{code}"), 200).text
            sessions[code] = sorted(set(re.findall(r'href="(/sessions/\d+)"', page))) or ["none"]
        if sessions[code] == ["none"]:
            raise Unexpected(f"the case overview of {code} links no session")
        expect(http.get(rng.choice(sessions[code])), 200)
    return kind, None


def client_step(http: Any, person: Person, rng: random.Random, tag: str) -> tuple[str, dict[str, Any]]:
    code = person.clients[0]
    if rng.random() < 0.6:
        text = f"{rng.choice(SENTENCES)} Note {tag}."
        kind = rng.choice(JOURNAL_KINDS)
        share = rng.random() < 0.5
        form = expect(http.get(f"/journal/new?kind={kind}"), 200)
        data = {"csrf_token": csrf_token(form.text), "kind": kind, "text": text}
        if share:
            data["shared"] = "on"
        expect(http.post("/journal", data=data), 303)
        return "journal", {"kind": "journal", "client": code, "tag": tag, "text": text, "shared": share}
    answers = [rng.randint(0, 3) for _ in range(7)]
    form = expect(http.get(f"/checkins/{GAD7}"), 200)
    data = {"csrf_token": csrf_token(form.text), **{f"item{i + 1}": str(a) for i, a in enumerate(answers)}}
    expect(http.post(f"/checkins/{GAD7}", data=data), 303)
    return "checkin", {"kind": "checkin", "client": code, "tag": tag, "answers": answers}


def simulate(index: int, person: Person, base: str, seconds: float, seed: int, start: threading.Barrier,
             out: dict[str, Any]) -> None:
    """Log in, wait for everyone, then act until the deadline, recording latencies, errors and writes."""
    import httpx

    rng = random.Random(seed * 1000 + index)
    latency: dict[str, list[float]] = defaultdict(list)
    errors: list[dict[str, str]] = []
    writes: list[dict[str, Any]] = []
    state: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as http:
        t0 = time.perf_counter()
        try:
            log_in(http, person)
            latency["login"].append(time.perf_counter() - t0)
            logged_in = True
        except Exception:  # noqa: BLE001 - the benchmark reports every failure
            errors.append({"kind": "login", "error": traceback.format_exc()})
            logged_in = False
        start.wait()
        began = time.perf_counter()
        deadline = began + seconds
        seq = 0
        while logged_in and time.perf_counter() < deadline:
            seq += 1
            tag = f"u{index}s{seq}r{rng.getrandbits(32):08x}"
            t0 = time.perf_counter()
            kind = "?"
            try:
                if person.role == "therapist":
                    kind, record = therapist_step(http, person, rng, state)
                else:
                    kind, record = client_step(http, person, rng, tag)
            except Exception:  # noqa: BLE001
                errors.append({"kind": kind, "error": traceback.format_exc()})
                continue
            latency[kind].append(time.perf_counter() - t0)
            if record is not None:
                writes.append(record)
    out.update(latency=latency, errors=errors, writes=writes, elapsed=time.perf_counter() - began)


# ----- checking and reporting ---------------------------------------------------------------------------------
def check_writes(path: Path, key_file: Path, db: str | None, writes: list[dict[str, Any]]) -> list[str]:
    """Every entry (text, shared or not) and check-in (answers) a simulated client wrote is stored: read back through
    the Python API as that client's own user, who sees their private entries too."""
    import reverie.workspace as rw

    problems = []
    by_client: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in writes:
        by_client[w["client"]].append(w)
    for code, mine in sorted(by_client.items()):
        with rw.open(path, db=db, key_file=key_file, user=client_user(code)) as ws:
            entries = {e.text: e for e in ws.entries(code)}
            answers = Counter(tuple(r.answers) for r in ws.responses(code) if r.instrument == GAD7)
        for w in mine:
            if w["kind"] == "journal":
                stored = entries.get(w["text"])
                if stored is None:
                    problems.append(f"{code}: journal entry {w['tag']} is missing")
                elif bool(stored.shared_with_therapist) != w["shared"]:
                    problems.append(f"{code}: journal entry {w['tag']} was stored with the wrong sharing")
            else:
                key = tuple(w["answers"])
                if answers[key] <= 0:
                    problems.append(f"{code}: check-in {w['tag']} {list(key)} is missing")
                answers[key] -= 1
    return problems


def report(backend: str, users: int, logs: list[dict[str, Any]], problems: list[str], errors: list[dict]) -> None:
    elapsed = max((lg.get("elapsed", 0.0) for lg in logs), default=0.0) or 1e-9
    latency: dict[str, list[float]] = defaultdict(list)
    for lg in logs:
        for kind, values in lg.get("latency", {}).items():
            latency[kind].extend(values)
    total = sum(len(v) for k, v in latency.items() if k != "login")
    print(f"\n== {backend}: {users} users over HTTP, {elapsed:.1f} s, {total} requests-steps, "
          f"{total / elapsed:.1f} steps/s, {len(errors)} errors, {len(problems)} missing or changed writes")
    print(f"{'kind':<10}{'steps':>7}{'per s':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    every = [x for k, v in latency.items() if k != "login" for x in v]
    for kind, v in [(k, latency.get(k, [])) for k in KINDS] + [("all", every)]:
        if not v:
            print(f"{kind:<10}{0:>7}")
            continue
        rate = "" if kind == "login" else f"{len(v) / elapsed:.2f}"
        print(f"{kind:<10}{len(v):>7}{rate:>9}{_percentile(v, 50) * 1e3:>10.1f}"
              f"{_percentile(v, 95) * 1e3:>10.1f}{_percentile(v, 99) * 1e3:>10.1f}{max(v) * 1e3:>10.1f}")
    if errors:
        for cause, n in Counter(_cause(e["error"]) for e in errors).most_common(10):
            print(f"  {n:>5} x {cause}")
        for e in errors[:3]:
            print(f"--- {e['kind']}\n{e['error'].rstrip()}")
    for p in problems[:20]:
        print(f"MISSING: {p}")


def run_backend(backend: str, users: int, seconds: float, pg_url: str | None, seed: int, keep: bool) -> bool:
    tmp = Path(tempfile.mkdtemp(prefix=f"reverie-http-{backend}-"))
    path, key_file = tmp / "workspace", tmp / "keys" / "load.key"
    db = pg_url if backend == "postgres" else None
    if db:
        _reset_postgres(db)
    (tmp / "scratch").mkdir()
    people = build_workspace(path, key_file, db, users, tmp / "scratch")
    port = free_port()
    server = start_server(path, key_file, db, port, tmp / "server.log")
    print(f"{backend}: {len(people)} users ({sum(p.role == 'therapist' for p in people)} therapists) logging in, "
          f"then {seconds:.0f} s of load on port {port} (workspace {tmp})", file=sys.stderr, flush=True)
    barrier = threading.Barrier(len(people))
    logs: list[dict[str, Any]] = [{} for _ in people]
    threads = [threading.Thread(target=simulate, args=(i, p, f"http://127.0.0.1:{port}", seconds, seed, barrier,
                                                       logs[i]), daemon=True) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 300)
    errors = [e for lg in logs for e in lg.get("errors", [])]
    errors += [{"kind": "hang", "error": "a simulated user never finished"} for lg in logs if not lg]
    stop_server(server)
    writes = [w for lg in logs for w in lg.get("writes", [])]
    problems = check_writes(path, key_file, db, writes)
    report(backend, len(people), logs, problems, errors)
    print(f"writes checked: {dict(Counter(w['kind'] for w in writes))}", flush=True)
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return not errors and not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated people (default 50; one in five a therapist)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of load per backend (default 60)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--db", default=os.environ.get("REVERIE_TEST_POSTGRES_URL"),
                        help="PostgreSQL URL (default: $REVERIE_TEST_POSTGRES_URL); its public schema is reset")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace and the server's log")
    args = parser.parse_args(argv)
    if not 2 <= args.users <= 500 or not 0 < args.seconds <= 3600:
        parser.error("--users must be 2..500 and --seconds 0..3600")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if "postgres" in backends and not args.db:
        if args.backend == "postgres":
            parser.error("--backend postgres needs --db URL or REVERIE_TEST_POSTGRES_URL")
        print("PostgreSQL skipped: give --db URL or set REVERIE_TEST_POSTGRES_URL")
        backends.remove("postgres")
    ok = True
    for backend in backends:
        ok = run_backend(backend, args.users, args.seconds, args.db, args.seed, args.keep) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
