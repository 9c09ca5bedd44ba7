"""The stage rule of DESIGN.md: nothing below the faces imports them, and analysers never import the store.

Every import in the modules of a stage is read (those inside functions too), so a lazy import cannot slip past.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "reverie"
BELOW_THE_FACES = ("analysis", "ingest", "measures", "store", "safety", "reports", "batch", "evaluation")
FACES = ("reverie.workspace", "reverie.cli", "reverie.web")


def imported_modules(source: str, package: str) -> set[str]:
    """Every module ``source`` (a module of ``package``) imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}  # `from reverie import cli`
    return names


def _reaches(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _violations(stage: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(SRC)} imports {module}"
            for path in sorted((SRC / stage).rglob("*.py"))
            for module in sorted(imported_modules(path.read_text(encoding="utf-8"), _package(path)))
            if _reaches(module, forbidden)]


def _package(path: Path) -> str:
    return ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])


@pytest.mark.parametrize("stage", BELOW_THE_FACES)
def test_stages_below_the_faces_never_import_them(stage: str) -> None:
    assert (SRC / stage).is_dir()
    assert _violations(stage, FACES) == []


def test_stages_analysis_never_imports_the_store() -> None:
    assert _violations("analysis", ("reverie.store",)) == []


def test_stages_checker_sees_lazy_relative_and_from_imports() -> None:
    """The checker itself: an import inside a function, ``from reverie import cli`` and a relative import count."""
    source = "def f():\n    from reverie import cli\n    import reverie.workspace.core\n    from ..web import app\n"
    found = {m for m in imported_modules(source, "reverie.reports") if _reaches(m, FACES)}
    assert found == {"reverie.cli", "reverie.workspace.core", "reverie.web", "reverie.web.app"}


def test_stages_only_the_store_core_reads_its_private_attributes() -> None:
    """The store's public methods are the way in, for its own concept modules (backup included) as for the rest:
    no ``store._x`` or ``db._x`` anywhere but ``store/core.py``, which holds the keys."""
    private = re.compile(r"\b(?:store|st|db)\._[a-z]")
    found = [f"{path.relative_to(SRC)}:{n}" for path in sorted(SRC.rglob("*.py")) if path != SRC / "store" / "core.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if private.search(line)]
    assert found == []
