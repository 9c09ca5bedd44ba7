"""The concurrency benchmark over HTTP (issue 16): simulated people against one ``reverie serve``, on SQLite and
PostgreSQL.

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
KINDS = ("login", "caseload", "overview", "session", "write-page", "journal", "checkin-page", "checkin-answer",
         "checkin-send")
JOURNAL_KINDS = ("free_association", "dream", "moment", "reflection")
GAD7 = "gad7"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_PART = re.compile(r'<textarea id="f-[\w-]+" name="(\w+)"')


# ----- the workspace and the server ----------------------------------------------------------------------------
@dataclass
class Person:
    """One account: its login, its role, and the clients it sees (a client: its own code) with their session ids."""
    login: str
    role: str
    clients: dict[str, list[int]] = field(default_factory=dict)


def client_user(code: str) -> str:
    return f"client-{code.lower()}"


def build_workspace(path: Path, key_file: Path, db: str | None, users: int, checkins: int,
                    scratch: Path) -> list[Person]:
    """Accounts for ``users`` people: one in five a therapist with about four clients, the rest those clients.

    Each client has one imported session, ``checkins`` GAD-7s assigned, and an account opened as a client would,
    through the invitation link."""
    import reverie.workspace as rw

    therapists = max(1, users // 5)
    codes = [f"LOAD-{i:03d}" for i in range(max(1, users - therapists))]
    people, assigned = [], {}
    with rw.init(path, db=db, key_file=key_file, user=ADMIN) as admin:
        for t in range(therapists):
            name = f"therapist{t:02d}"
            admin.add_user(name, "therapist")
            admin.set_password(name, PASSWORD, login=f"{name}@load.local")
        for t in range(therapists):
            name = f"therapist{t:02d}"
            person = Person(f"{name}@load.local", "therapist")
            with rw.open(path, db=db, key_file=key_file, user=name) as own:
                for code in codes[t::therapists]:
                    own.add_client(code)
                    own.grant_consent(code, "transcription")
                    own.grant_consent(code, "analysis")
                    transcript = scratch / f"{code}.txt"
                    transcript.write_text("\n".join(f"{'Therapist' if k % 2 == 0 else 'Client'}: {SENTENCES[k % 6]}"
                                                    for k in range(8)) + "\n", encoding="utf-8")
                    person.clients[code] = [s["id"] for s in own.import_transcript(transcript, code)["sessions"]]
                    assigned[code] = [own.assign(code, GAD7)["id"] for _ in range(checkins)]
                    invited = own.invite(code, user=client_user(code))
                    own.accept_invitation(invited["token"], PASSWORD)
            people.append(person)
    people += [Person(client_user(code), "client", {code: assigned[code]}) for code in codes]
    return people[:users]


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
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"reverie serve exited with {proc.returncode}:\n{tail}")
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


class Browser:
    """One person's HTTP client (cookies kept, redirects followed, as a browser does) that times every request."""

    def __init__(self, base: str, latency: dict[str, list[float]]):
        import httpx
        self.http = httpx.Client(base_url=base, timeout=120, follow_redirects=True)
        self.latency = latency
        self.csrf = ""

    def call(self, kind: str, method: str, path: str, expect: str | None = None, **form: Any) -> Any:
        """One request (a form post carries the page's CSRF token); its latency is kept under ``kind``."""
        data = {"csrf_token": self.csrf, **form} if method == "POST" else None
        t0 = time.perf_counter()
        resp = self.http.request(method, path, data=data)
        self.latency[kind].append(time.perf_counter() - t0)
        if resp.status_code != 200:
            raise Unexpected(f"{method} {path} -> {resp.status_code} (at {resp.url.path})")
        if expect is not None and not re.search(expect, resp.url.path):
            raise Unexpected(f"{method} {path} ended at {resp.url.path}, not {expect}")
        found = _CSRF.search(resp.text)
        if found:
            self.csrf = found.group(1)
        return resp


def log_in(browser: Browser, person: Person) -> None:
    browser.call("login", "GET", "/login")
    home = "^/portal$" if person.role == "client" else "^/$"
    browser.call("login", "POST", "/login", expect=home, login=person.login, password=PASSWORD)


def therapist_step(browser: Browser, person: Person, rng: random.Random) -> None:
    """A therapist reads: the caseload, a case overview, or a session (the most common)."""
    code = rng.choice(sorted(person.clients))
    what = rng.choices(("caseload", "overview", "session"), (1, 1, 3))[0]
    if what == "caseload":
        browser.call("caseload", "GET", "/")
    elif what == "overview":
        browser.call("overview", "GET", f"/clients/{code}")
    else:
        browser.call("session", "GET", f"/clients/{code}/sessions/{rng.choice(person.clients[code])}")


def client_step(browser: Browser, person: Person, rng: random.Random, tag: str) -> dict[str, Any]:
    """A client writes: a journal entry (two times in three), else the next check-in assigned to them."""
    code = next(iter(person.clients))
    if rng.random() < 2 / 3 or not person.clients[code]:
        kind = rng.choice(JOURNAL_KINDS)
        page = browser.call("write-page", "GET", f"/portal/write/{kind}")
        fields = {name: f"{rng.choice(SENTENCES)} Note {tag}." for name in _PART.findall(page.text)}
        share = rng.random() < 0.5
        if share:
            fields["share"] = "yes"
        saved = browser.call("journal", "POST", f"/portal/write/{kind}", expect=r"^/portal/entries/\d+$", **fields)
        entry = int(saved.url.path.rsplit("/", 1)[1])
        return {"kind": "journal", "client": code, "tag": tag, "id": entry, "shared": share}
    assignment = person.clients[code].pop(0)
    answers = [rng.randint(0, 3) for _ in range(7)]
    browser.call("checkin-page", "GET", f"/portal/checkins/{assignment}")
    for item, value in enumerate(answers, start=1):
        browser.call("checkin-answer", "POST", f"/portal/checkins/{assignment}/answer", item=str(item),
                     value=str(value))
    done = browser.call("checkin-send", "POST", f"/portal/checkins/{assignment}/complete")
    if "Thank you" not in done.text:
        raise Unexpected(f"check-in {assignment} was not thanked for")
    return {"kind": "checkin", "client": code, "tag": tag, "id": assignment, "answers": answers}


def simulate(index: int, person: Person, base: str, seconds: float, seed: int, start: threading.Barrier,
             out: dict[str, Any]) -> None:
    """Log in, wait for everyone, then act until the deadline, recording latencies, errors and writes."""
    rng = random.Random(seed * 1000 + index)
    latency: dict[str, list[float]] = defaultdict(list)
    errors: list[dict[str, str]] = []
    writes: list[dict[str, Any]] = []
    browser = Browser(base, latency)
    try:
        log_in(browser, person)
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
        try:
            if person.role == "therapist":
                therapist_step(browser, person, rng)
            else:
                writes.append(client_step(browser, person, rng, tag))
        except Exception:  # noqa: BLE001
            errors.append({"kind": person.role, "error": traceback.format_exc()})
    browser.http.close()
    out.update(latency=latency, errors=errors, writes=writes, elapsed=time.perf_counter() - began)


def warm_up(base: str, person: Person) -> dict[str, Any]:
    """One journal entry before the clock starts: the server loads the risk screen's sentence encoder for the first
    entry it screens, once. The entry is checked afterwards like the others; its latency is not counted."""
    browser = Browser(base, defaultdict(list))
    log_in(browser, person)
    no_checkins = Person(person.login, "client", {code: [] for code in person.clients})  # so: a journal entry
    record = client_step(browser, no_checkins, random.Random(0), "warm-up")
    browser.http.close()
    return record


# ----- checking and reporting ---------------------------------------------------------------------------------
def check_writes(path: Path, key_file: Path, db: str | None, writes: list[dict[str, Any]]) -> list[str]:
    """Every entry (its text and sharing) and check-in (its answers) a simulated client sent is stored: read back
    through the Python API as that client's own user, who sees their private entries too."""
    import reverie.workspace as rw

    problems = []
    by_client: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in writes:
        by_client[w["client"]].append(w)
    for code, mine in sorted(by_client.items()):
        with rw.open(path, db=db, key_file=key_file, user=client_user(code)) as ws:
            entries = {e.id: e for e in ws.journal()}
            responses = {r.id: r for r in ws.responses(code)}
            for w in mine:
                if w["kind"] == "journal":
                    entry = entries.get(w["id"])
                    if entry is None or w["tag"] not in entry.text:
                        problems.append(f"{code}: journal entry {w['id']} ({w['tag']}) is missing or changed")
                    elif entry.shared_with_therapist != w["shared"]:
                        problems.append(f"{code}: journal entry {w['id']} was stored with the wrong sharing")
                    continue
                a = ws.assignment(w["id"])
                stored = responses.get(a["response"])
                if a["completed_at"] is None or stored is None or list(stored.answers) != w["answers"]:
                    problems.append(f"{code}: check-in {w['id']} {w['answers']} is missing or changed")
    return problems


def report(backend: str, users: int, logs: list[dict[str, Any]], problems: list[str], errors: list[dict],
           writes: list[dict[str, Any]]) -> None:
    elapsed = max((lg.get("elapsed", 0.0) for lg in logs), default=0.0) or 1e-9
    latency: dict[str, list[float]] = defaultdict(list)
    for lg in logs:
        for kind, values in lg.get("latency", {}).items():
            latency[kind].extend(values)
    under_load = [x for k, v in latency.items() if k != "login" for x in v]
    print(f"\n== {backend}: {users} users over HTTP for {elapsed:.1f} s: {len(under_load)} requests, "
          f"{len(under_load) / elapsed:.1f} requests/s, {len(writes)} entries and check-ins written "
          f"({len(writes) / elapsed:.1f}/s); {len(errors)} errors, {len(problems)} writes missing or changed")
    print(f"{'request':<16}{'count':>7}{'per s':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, v in [(k, latency.get(k, [])) for k in KINDS] + [("all under load", under_load)]:
        if not v:
            print(f"{kind:<16}{0:>7}")
            continue
        rate = "" if kind == "login" else f"{len(v) / elapsed:.2f}"
        print(f"{kind:<16}{len(v):>7}{rate:>9}{_percentile(v, 50) * 1e3:>10.1f}"
              f"{_percentile(v, 95) * 1e3:>10.1f}{_percentile(v, 99) * 1e3:>10.1f}{max(v) * 1e3:>10.1f}")
    if errors:
        for cause, n in Counter(_cause(e["error"]) for e in errors).most_common(10):
            print(f"  {n:>5} x {cause}")
        for e in errors[:3]:
            print(f"--- {e['kind']}\n{e['error'].rstrip()}")
    for p in problems[:20]:
        print(f"MISSING: {p}")


def run_backend(backend: str, users: int, seconds: float, pg_url: str | None, seed: int, keep: bool,
                checkins: int) -> bool:
    tmp = Path(tempfile.mkdtemp(prefix=f"reverie-http-{backend}-"))
    path, key_file = tmp / "workspace", tmp / "keys" / "load.key"
    db = pg_url if backend == "postgres" else None
    if db:
        _reset_postgres(db)
    (tmp / "scratch").mkdir()
    t0 = time.perf_counter()
    people = build_workspace(path, key_file, db, users, checkins, tmp / "scratch")
    print(f"{backend}: workspace built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    port = free_port()
    server = start_server(path, key_file, db, port, tmp / "server.log")
    warm = warm_up(f"http://127.0.0.1:{port}", next(p for p in people if p.role == "client"))
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
    writes = [warm] + [w for lg in logs for w in lg.get("writes", [])]
    problems = check_writes(path, key_file, db, writes)
    report(backend, len(people), logs, problems, errors, writes)
    print(f"writes checked afterwards: {dict(Counter(w['kind'] for w in writes))}", flush=True)
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
    parser.add_argument("--checkins", type=int, default=40, help="GAD-7s assigned to each client beforehand (40)")
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
        ok = run_backend(backend, args.users, args.seconds, args.db, args.seed, args.keep, args.checkins) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
