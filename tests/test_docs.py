"""Documentation keeps up with the code: every analyser has a page, the CLI reference matches --help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from reverie.analysis.base import BUILTIN_MODULES, REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def test_docs_registry_has_every_builtin_analyser() -> None:
    REGISTRY.load()
    assert REGISTRY.missing == []
    assert len(REGISTRY.names()) == len(BUILTIN_MODULES)


@pytest.mark.parametrize("name", REGISTRY.names())
def test_docs_every_analyser_has_a_page_with_its_fields(name: str) -> None:
    page = ROOT / "docs" / "analysers" / f"{name}.md"
    assert page.exists(), f"docs/analysers/{name}.md is missing"
    text = page.read_text(encoding="utf-8")
    for field in REGISTRY.get(name).fields:
        assert field in text, f"field '{field}' of {name} is not documented"


def test_docs_cli_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == module.render(), \
        "docs/cli.md is stale: run `python scripts/cli_reference.py`"


@pytest.mark.parametrize("term", ["defense level", "ODF", "relationship episode", "wish", "here-and-now",
                                  "referential activity", "emotion tone", "abstraction", "connecting pattern",
                                  "reliable change", "sudden gain"])
def test_docs_glossary_defines_the_fields_terms(term: str) -> None:
    assert term.lower() in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").lower()
