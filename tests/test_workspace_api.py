"""The documented entry point ``reverie.open(path)`` and the shape of the ``Workspace`` class."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import reverie
import reverie.workspace as rw


def test_workspace_api_reverie_open_opens_what_init_made(tmp_path: Path) -> None:
    with rw.init(tmp_path / "ws", user="ruth") as made:
        made.add_client("c7")
    with reverie.open(tmp_path / "ws", user="ruth") as ws:
        assert isinstance(ws, rw.Workspace)
        assert ws.user.name == "ruth"
        assert [c["code"] for c in ws.clients()] == ["c7"]


def test_workspace_api_import_reverie_loads_nothing_else() -> None:
    src = str(Path(reverie.__file__).resolve().parents[1])
    code = "import sys, reverie; print(sorted(m for m in sys.modules if m.startswith('reverie')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": src, "PATH": ""}).stdout
    assert out.strip() == "['reverie']"


def test_workspace_api_methods_are_bound_from_concern_modules() -> None:
    """No mixin: every public call of a Workspace is a function of one concern module, named in ``core``."""
    assert rw.Workspace.__mro__ == (rw.Workspace, object)
    homes = {name: f.__module__ for name, f in vars(rw.Workspace).items()
             if callable(f) and not name.startswith("_")}
    assert homes["grant_consent"] == "reverie.workspace.care"
    assert homes["safety_tasks"] == "reverie.workspace.safety"
    assert homes["import_transcript"] == "reverie.workspace.records"
    assert set(homes.values()) <= {f"reverie.workspace.{m}" for m in (
        "core", "records", "analysis", "care", "safety", "exchange", "governance", "rooms", "portal")}
