"""The analyser contract: registry (decorator and entry points), runner batching, caching and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from reverie.analysis import base
from reverie.analysis.base import BaseAnalyzer, Registry, Setting, SessionUnits, Summary, TextUnit, run
from reverie.domain import Annotation, Utterance
from reverie.errors import InputError


class CountingAnalyzer(BaseAnalyzer):
    """Marks the word 'door' and counts how many units it was asked to annotate."""

    name = "doors"
    version = "3"
    roles = frozenset({"client"})
    fields = {"doors": "how often the word 'door' occurs"}
    settings_spec = (Setting("word", "door", "the word to look for"),)
    calls: list[int] = []

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]:
        self.calls.append(len(units))
        out = []
        for u in units:
            word = self.settings["word"]
            spans = []
            start = u.text.lower().find(word)
            while start >= 0:
                spans.append((start, start + len(word)))
                start = u.text.lower().find(word, start + 1)
            out.append(Annotation(self.name, self.version, u.id, {"doors": len(spans)}, spans))
        return out

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        per = {s.session_id: {"doors": sum(a.values["doors"] for a in s.annotations)} for s in sessions}
        return Summary(per, {"doors": sum(v["doors"] for v in per.values())})


class MemoryCache:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.puts = 0

    def get_many(self, keys):
        return {k: self.data[k] for k in keys if k in self.data}

    def put_many(self, items):
        self.puts += 1
        self.data.update(dict(items))


def _session(texts: list[tuple[str, str]]) -> list[TextUnit]:
    return base.units_from_session("s1", [Utterance(i, role, role, text) for i, (role, text) in enumerate(texts)])


def test_analysis_base_runner_annotates_only_applicable_units_with_spans() -> None:
    units = _session([("therapist", "The door?"), ("client", "My father's study door, the door.")])
    result = run([CountingAnalyzer()], [("s1", units)])
    assert "doors" not in result.annotations.get("s1:0", {})
    ann = result.annotations["s1:1"]["doors"]
    assert ann.values == {"doors": 2}
    assert [units[1].text[s:e] for s, e in ann.evidence] == ["door", "door"]
    assert result.summaries["doors"].sessions["s1"] == {"doors": 2}


def test_analysis_base_cache_skips_unchanged_units_and_writes_once() -> None:
    cache = MemoryCache()
    CountingAnalyzer.calls = []
    units = _session([("client", "door one"), ("client", "no match")])
    first = run([CountingAnalyzer()], [("s1", units)], cache=cache)
    assert (first.computed, first.reused, cache.puts) == (2, 0, 1)
    changed = _session([("client", "door one"), ("client", "a door now")])
    second = run([CountingAnalyzer()], [("s1", changed)], cache=cache)
    # the first unit is unchanged (same text and context); the second changed
    assert (second.computed, second.reused) == (1, 1)
    assert CountingAnalyzer.calls == [2, 1]
    assert second.annotations["s1:0"]["doors"].evidence == [(0, 4)]


def test_analysis_base_new_version_recomputes() -> None:
    cache = MemoryCache()
    units = _session([("client", "door")])
    run([CountingAnalyzer()], [("s1", units)], cache=cache)

    class Newer(CountingAnalyzer):
        version = "4"
    assert run([Newer()], [("s1", units)], cache=cache).computed == 1


def test_analysis_base_batches_and_reports_progress() -> None:
    CountingAnalyzer.calls = []
    units = _session([("client", f"door {i}") for i in range(5)])
    seen = []
    run([CountingAnalyzer()], [("s1", units)], batch_size=2, progress=lambda n, d, t: seen.append((n, d, t)))
    assert CountingAnalyzer.calls == [2, 2, 1]
    assert seen == [("doors", 2, 5), ("doors", 4, 5), ("doors", 5, 5)]


def test_analysis_base_unknown_setting_is_refused() -> None:
    with pytest.raises(InputError, match="no setting"):
        CountingAnalyzer(colour="red")
    assert CountingAnalyzer(word="kitchen").settings == {"word": "kitchen"}


def test_analysis_base_context_changes_the_content_hash() -> None:
    a = _session([("therapist", "Why?"), ("client", "Because.")])[1]
    b = _session([("therapist", "How?"), ("client", "Because.")])[1]
    assert a.text == b.text and a.content_hash != b.content_hash


def test_analysis_base_registry_loads_entry_point_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    class EntryPoint:
        def load(self) -> type:
            return CountingAnalyzer

    monkeypatch.setattr(base, "BUILTIN_MODULES", ())
    monkeypatch.setattr(base, "entry_points", lambda group: [EntryPoint()] if group == "reverie.analyzers" else [])
    registry = Registry()
    assert registry.names() == ["doors"]
    assert registry.get("doors.v3") is CountingAnalyzer
    with pytest.raises(InputError, match="no analyser named 'nope'"):
        registry.get("nope")


@pytest.mark.parametrize("text", ["", "   ", "a", "中文", "😊"])
def test_analysis_base_builtins_give_same_fields_for_empty_or_tiny_units(text: str) -> None:
    for name in base.REGISTRY.names():
        if name == "defenses":
            continue  # model-backed: covered in its own tests
        analyzer = base.REGISTRY.create(name, **({"semantic": False} if name == "risk" else {}))
        unit = TextUnit.of(text, role=next(iter(sorted(analyzer.roles))), kind=sorted(analyzer.kinds)[0])
        (ann,) = analyzer.annotate([unit])
        assert set(analyzer.fields) <= set(ann.values), name


class FeelingAnalyzer(CountingAnalyzer):
    """The counting analyser dressed as one that infers mental states (switched off under us-il)."""

    name = "feelings"
    infers_mental_state = True


def test_analysis_base_runner_refuses_what_the_profile_switches_off(monkeypatch: pytest.MonkeyPatch) -> None:
    units = _session([("client", "The door.")])
    with pytest.raises(InputError, match="'feelings'.*us-il"):
        run([FeelingAnalyzer()], [("s1", units)], jurisdiction="us-il")
    monkeypatch.setenv("REVERIE_JURISDICTION", "us-il")  # a caller that names no profile gets the environment's
    with pytest.raises(InputError, match="switched off"):
        run([FeelingAnalyzer()], [("s1", units)])
    with pytest.raises(InputError, match="switched off"):
        base.annotate_units(FeelingAnalyzer(), units)
    assert run([CountingAnalyzer()], [("s1", units)]).annotations["s1:0"]["doors"].values == {"doors": 1}


def test_analysis_base_cache_is_keyed_on_settings() -> None:
    units = _session([("client", "A door and a window.")])
    cache = MemoryCache()
    first = run([CountingAnalyzer()], [("s1", units)], cache=cache)
    other = run([CountingAnalyzer(word="window")], [("s1", units)], cache=cache)
    assert other.computed == 1 and other.reused == 0
    assert first.annotations["s1:0"]["doors"].values == {"doors": 1}
    assert [units[0].text[s:e] for s, e in other.annotations["s1:0"]["doors"].evidence] == ["window"]
    assert run([CountingAnalyzer(word="window")], [("s1", units)], cache=cache).reused == 1


class WordFileAnalyzer(CountingAnalyzer):
    """Counts the word written in a settings file: the cache must follow the file's content, not its name."""

    name = "wordfile"
    settings_spec = (Setting("word_file", None, "a file holding the word", file=True), Setting("word", "door", ""))

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]:
        self.settings["word"] = open(self.settings["word_file"], encoding="utf-8").read().strip()
        return super().annotate(units)


def test_analysis_base_file_setting_is_keyed_by_content(tmp_path) -> None:
    units = _session([("client", "A door and a window.")])
    path = tmp_path / "word.txt"
    path.write_text("door", encoding="utf-8")
    cache = MemoryCache()
    assert run([WordFileAnalyzer(word_file=str(path))], [("s1", units)], cache=cache).computed == 1
    path.write_text("window", encoding="utf-8")
    again = run([WordFileAnalyzer(word_file=str(path))], [("s1", units)], cache=cache)
    assert again.computed == 1 and again.reused == 0
    assert [units[0].text[s:e] for s, e in again.annotations["s1:0"]["wordfile"].evidence] == ["window"]


def test_analysis_base_stored_only_run_computes_nothing() -> None:
    units = _session([("client", "A door."), ("client", "Another door, a door.")])
    cache = MemoryCache()
    run([CountingAnalyzer()], [("s1", units[:1])], cache=cache)
    stored = run([CountingAnalyzer()], [("s1", units)], cache=cache, compute=False)
    assert (stored.computed, stored.reused) == (0, 1)
    assert "s1:1" not in stored.annotations and stored.summaries["doors"].sessions["s1"] == {"doors": 1}
