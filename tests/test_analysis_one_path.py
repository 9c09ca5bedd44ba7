"""The runner is the only path into analysis: nothing outside it calls an analyser's ``annotate``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from reverie.errors import InputError

SRC = Path(__file__).resolve().parents[1] / "src" / "reverie"
RUNNER = "analysis/base.py"


def test_one_path_no_annotate_call_outside_the_runner() -> None:
    stray = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == RUNNER:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("annotate", "annotate_one")
                    and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self")):
                stray.append(f"{rel}:{node.lineno}")
    assert stray == []


def test_one_path_evaluations_apply_the_jurisdiction_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """An evaluation runs its analyser through the runner, so a profile that switches it off refuses it too."""
    from reverie.evaluation.interventions import evaluate as interventions
    from reverie.evaluation.patterns import evaluate as patterns
    monkeypatch.setenv("REVERIE_JURISDICTION", "us-il")
    with pytest.raises(InputError, match="'relational'.*us-il"):
        patterns([{"text": "My mother said no again, and I left."}])
    assert interventions([{"text": "What was that like?", "label": "question_open"}])["n"] == 1  # not switched off
