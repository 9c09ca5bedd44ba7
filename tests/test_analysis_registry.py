"""The analyser registry: every plug-in loaded before it counts as loaded, loud failures, no shadowing, versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reverie.analysis import base
from reverie.analysis.base import BaseAnalyzer, Registry, TextUnit
from reverie.analysis.risk import RiskAnalyzer
from reverie.domain import Annotation
from reverie.errors import InputError, PluginError


class EntryPoint:
    """What importlib.metadata hands the registry: a name, a value and load()."""

    def __init__(self, name: str, target: Any):
        self.name, self.value, self._target = name, f"reverie_test_plugins:{name}", target

    def load(self) -> Any:
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def _plugin(name: str, version: str) -> type:
    class Plugin(BaseAnalyzer):
        def annotate_one(self, unit: TextUnit) -> Annotation:
            return Annotation(self.name, self.version, unit.id, {}, [])
    Plugin.name, Plugin.version = name, version
    return Plugin


def _with(monkeypatch: pytest.MonkeyPatch, *eps: EntryPoint) -> Registry:
    monkeypatch.setattr(base, "entry_points", lambda group: list(eps) if group == base.ENTRY_POINT_GROUP else [])
    return Registry()


def test_registry_a_broken_plugin_fails_loudly_naming_it_and_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    good = _plugin("echoes", "1")
    registry = _with(monkeypatch, EntryPoint("echoes", good), EntryPoint("broken", ImportError("no module named x")))
    for _ in range(2):  # never marked loaded half-way: the second use fails the same way
        with pytest.raises(PluginError, match=r"'broken' \(reverie_test_plugins:broken\).*ImportError") as info:
            registry.names()
        assert "uninstall" in info.value.hint
    monkeypatch.setattr(base, "entry_points", lambda group: [EntryPoint("echoes", good)])
    assert "echoes" in registry.names() and "risk" in registry.names()


def test_registry_refuses_an_entry_point_that_is_not_an_analyser(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = _with(monkeypatch, EntryPoint("helper", len))
    with pytest.raises(PluginError, match="'helper'.*not an analyser class"):
        registry.load()


def test_registry_a_plugin_never_shadows_a_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = _with(monkeypatch, EntryPoint("risk", _plugin("risk", RiskAnalyzer.version)))
    with pytest.raises(PluginError, match=f"'risk'.*version {RiskAnalyzer.version} is registered twice"):
        registry.load()


def test_registry_a_new_version_of_a_builtin_is_chosen_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    newer = _plugin("risk", "99")
    registry = _with(monkeypatch, EntryPoint("risk99", newer))
    assert registry.get("risk") is RiskAnalyzer
    assert registry.get("risk.v99") is newer
    assert registry.get(f"risk.v{RiskAnalyzer.version}") is RiskAnalyzer
    assert registry.versions("risk") == [RiskAnalyzer.version, "99"]
    with pytest.raises(InputError, match="'risk' has no version 4") as info:
        registry.get("risk.v4")
    assert "99" in info.value.hint
    assert registry.names().count("risk") == 1


def test_registry_a_plain_name_gives_the_latest_plugin_version(monkeypatch: pytest.MonkeyPatch) -> None:
    v2, v10 = _plugin("echoes", "2"), _plugin("echoes", "10")
    registry = _with(monkeypatch, EntryPoint("e10", v10), EntryPoint("e2", v2))
    assert registry.get("echoes") is v10 and registry.get("echoes.v2") is v2
    registry.unregister(v10)
    assert registry.get("echoes") is v2


def test_registry_cli_exits_with_a_message_for_a_broken_plugin(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from reverie.cli import main
    monkeypatch.setattr(base, "REGISTRY", _with(monkeypatch, EntryPoint("broken", RuntimeError("boom"))))
    capsys.readouterr()
    assert main(["analyzers", "list"]) == PluginError.exit_code
    err = capsys.readouterr().err
    assert "'broken'" in err and "boom" in err and "Traceback" not in err


def test_registry_cli_selects_a_version_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reverie.cli import main
    from tests.conftest import SESSION_TEXT, run_json
    f = tmp_path / "s.txt"
    f.write_text(SESSION_TEXT, encoding="utf-8")
    out = run_json(capsys, ["analyze", str(f), "--analyzers", f"dialogue.v2,risk.v{RiskAnalyzer.version}"])
    assert set(out["sessions"][0]["summary"]) == {"dialogue", "risk"}
    assert main(["analyze", str(f), "--analyzers", "dialogue.v1"]) == 2
    assert "'dialogue' has no version 1" in capsys.readouterr().err


def test_registry_corpus_workers_build_the_version_the_driver_chose() -> None:
    from reverie.analysis.base import REGISTRY
    from reverie.batch.engine import RunConfig, make_analyzers, resolve
    newer = _plugin("risk", "99")
    REGISTRY.add(newer)
    try:
        config = resolve(RunConfig.of(["risk.v99", "dialogue"], None, "none"))
        assert config.analyzers == ("dialogue.v2", "risk.v99")
        assert [type(a) for a in make_analyzers(config)][1] is newer
    finally:
        REGISTRY.unregister(newer)
    assert REGISTRY.get("risk") is RiskAnalyzer
