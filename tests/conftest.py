"""Shared fixtures: an isolated key folder, and fresh workspaces on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

PG_URL = os.environ.get("REVERIE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])

SESSION_TEXT = """# written for the tests
T: What brings you here today?
C: I keep waking at four in the morning (pause) and my chest goes tight before every meeting.
T: Mm. Tell me more about the mornings.
C: I lie there rehearsing what my manager will say. It's like waiting outside my father's study again.
"""


@pytest.fixture(autouse=True)
def _isolated_keys(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Key files go to a temporary config folder, never the developer's ~/.config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    for name in ("REVERIE_WORKSPACE", "REVERIE_DATABASE_URL", "REVERIE_KEY_FILE", "REVERIE_PASSPHRASE", "REVERIE_USER",
                 "REVERIE_JURISDICTION"):
        monkeypatch.delenv(name, raising=False)


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str | None:
    """None for the default SQLite file, or the PostgreSQL URL (reset to an empty schema)."""
    if request.param == "postgres":
        reset_postgres(PG_URL)
        return PG_URL
    return None


@pytest.fixture
def ws(tmp_path: Path, backend: str | None):
    import reverie.workspace as rw
    workspace = rw.init(tmp_path / "ws", db=backend, user="ruth")
    yield workspace
    workspace.close()


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    path = tmp_path / "session.txt"
    path.write_text(SESSION_TEXT, encoding="utf-8")
    return path


def workspace_bytes(folder: Path) -> bytes:
    """Every byte stored under a workspace folder (database, WAL, journal, config)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def run_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> object:
    """Run `reverie ARGS --json` in-process (it must succeed) and parse what it printed."""
    from reverie.cli import main
    capsys.readouterr()
    assert main(args + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def wsdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace made with `reverie init --user ruth`, named by REVERIE_WORKSPACE."""
    from reverie.cli import main
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    assert main(["init", "--user", "ruth"]) == 0
    return tmp_path / "ws"
