"""A process killed at a random point of an import, an analysis run or a backup leaves the store consistent;
concurrent writers on SQLite all succeed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import reverie.workspace as rw
from reverie.store.tables import AnnotationRow

CHILD = """
import sys, reverie.workspace as rw
ws = rw.open(sys.argv[1], user="ruth")
mode = sys.argv[2]
if mode == "import":
    for i in range(int(sys.argv[3])):
        ws.import_transcript(sys.argv[4] + f"/t{i}.txt", "c1")
elif mode == "analyze":
    ws.analyze(client="c1", analyzers=["affect", "abstraction", "dialogue", "transference"])
elif mode == "backup":
    for i in range(50):
        ws.backup(sys.argv[3], force=True)
print("done", flush=True)
"""


def _transcripts(folder: Path, n: int, turns: int = 400) -> None:
    folder.mkdir(exist_ok=True)
    rng = random.Random(7)
    for i in range(n):
        lines = [f"T: Session {i}, turn {t}: what comes to mind?\nC: I keep thinking about the {rng.choice(['door', 'kitchen', 'exam'])} "
                 f"and how tired I felt, number {t}." for t in range(turns)]
        (folder / f"t{i}.txt").write_text("\n".join(lines), encoding="utf-8")


def _workspace_with_transcripts(tmp_path: Path, n: int) -> None:
    """A closed workspace at tmp_path/ws holding ``n`` imported 400-turn transcripts for client c1."""
    ws = rw.init(tmp_path / "ws", user="ruth")
    _transcripts(tmp_path / "in", n)
    for i in range(n):
        ws.import_transcript(tmp_path / "in" / f"t{i}.txt", "c1")
    ws.close()


def _run_and_kill(args: list[str], delay: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ})
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _assert_sessions_whole(ws: rw.Workspace) -> int:
    sessions = ws.sessions("c1") if ws.clients() else []
    for meta in sessions:
        assert len(ws.session(meta["id"]).utterances) == meta["utterances"] == 800
    return len(sessions)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_store_killed_import_leaves_whole_sessions(tmp_path: Path, seed: int) -> None:
    ws = rw.init(tmp_path / "ws", user="ruth")
    ws.close()
    _transcripts(tmp_path / "in", 6)
    rng = random.Random(seed)
    for _ in range(2):
        _run_and_kill([str(tmp_path / "ws"), "import", "6", str(tmp_path / "in")], rng.uniform(0.8, 3.0))
        ws = rw.open(tmp_path / "ws", user="ruth")
        _assert_sessions_whole(ws)
        assert ws.audit_verify()["ok"] is True
        ws.close()


def test_store_killed_analysis_stores_all_or_nothing(tmp_path: Path) -> None:
    _workspace_with_transcripts(tmp_path, 3)
    rng = random.Random(5)
    for _ in range(3):
        _run_and_kill([str(tmp_path / "ws"), "analyze"], rng.uniform(0.5, 2.5))
        ws = rw.open(tmp_path / "ws", user="ruth")
        n = ws.db.transaction(lambda s: s.scalar(select(func.count()).select_from(AnnotationRow)))
        # 2,400 utterances: affect/abstraction/dialogue on every one, transference on the 1,200 client turns
        assert n in (0, 2400 * 3 + 1200)
        ws.close()


def test_store_killed_backup_never_leaves_a_damaged_file(tmp_path: Path) -> None:
    _workspace_with_transcripts(tmp_path, 2)
    target = tmp_path / "backup.rvb"
    rng = random.Random(11)
    for _ in range(3):
        _run_and_kill([str(tmp_path / "ws"), "backup", str(target)], rng.uniform(0.6, 2.0))
        if target.exists():
            from reverie.store.backup import read_backup
            ws = rw.open(tmp_path / "ws", user="ruth")
            header, tables = read_backup(ws.store, target)
            assert header["rows"] == sum(len(v) for v in tables.values())
            ws.close()


WRITER = """
import sys, reverie.workspace as rw
from datetime import datetime
from reverie.domain import Entry
ws = rw.open(sys.argv[1], user="ruth")
w = int(sys.argv[2])
for i in range(15):
    ws.add_entries("c1", [Entry("c1", datetime(2026, 1, 1 + w, 0, i), "reflection", f"writer {w} entry {i}", "", True)])
    ws.record_response("c1", "gad7", [1, 1, 1, 1, 1, 1, w % 4], session=100 * w + i)
    ws.entries("c1")
print("ok", flush=True)
"""


def test_store_concurrent_writers_on_sqlite_all_land(tmp_path: Path) -> None:
    ws = rw.init(tmp_path / "ws", user="ruth")
    ws.add_client("c1")
    ws.close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "ws"), str(w)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for w in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [o[1][-500:] for o in outs]
    ws = rw.open(tmp_path / "ws", user="ruth")
    assert len(ws.entries("c1")) == 60
    assert len(ws.responses("c1")) == 60
    assert ws.audit_verify()["ok"] is True
    ws.close()
