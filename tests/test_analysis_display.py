"""Analysers declare how they are shown; views and reports render only from those declarations."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from reverie.analysis.base import REGISTRY, BaseAnalyzer, SessionUnits, Summary, TextUnit
from reverie.analysis.display import Chip, Column, Display, Panel, ProgressMarker
from reverie.domain import Annotation

SRC = Path(__file__).resolve().parents[1] / "src" / "reverie"
# Where things are shown. views.py may move into cli/ (both places are checked).
SHOWING = ["views.py", "cli/views.py", "reports", "web/display.py", "web/routes/workspace.py", "web/templates"]
# String literals that are an analyser's name but not a lookup of its results, each with why.
ALLOWED = {
    ("web/display.py", "risk"): "the declared chip kind 'risk' (an alert style), not a lookup of the risk analyser",
    ("web/templates/safety.html", "risk"): "prose on the safety page: 'Opened by risk screening of sessions...'",
    ("views.py", "dreams"): "the `reverie dreams` command's own result key (the number of dreams coded)",
    ("reports/charts.py", "dreams"): "the same result key, in the plot's title",
}


def _literals(path: Path) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_display_no_view_or_report_names_an_analyser() -> None:
    names = set(REGISTRY.names())
    files = [p for entry in SHOWING for p in ((SRC / entry).rglob("*") if (SRC / entry).is_dir() else [SRC / entry])
             if p.is_file() and p.suffix in (".py", ".html")]
    assert len(files) >= 4
    found = []
    for path in files:
        rel = path.relative_to(SRC).as_posix()
        if path.suffix == ".py":
            words = _literals(path)
        else:  # a template: any analyser name as a word
            words = set(re.findall(r"[a-z_]+", path.read_text("utf-8")))
        found += [(rel, n) for n in sorted(names & words)
                  if (rel, n) not in ALLOWED and (rel.removeprefix("cli/"), n) not in ALLOWED]
    assert found == []


def test_display_every_builtin_declares_its_title_explanation_and_evidence() -> None:
    for name in REGISTRY.names():
        display = REGISTRY.display(name)
        assert display.title and display.explanation and display.evidence, name
        assert "diagnos" not in display.explanation or "never a diagnosis" in display.explanation, name


def test_display_readers_give_nothing_for_values_they_cannot_use() -> None:
    display = Display(chips=(Chip(lambda a: f"x {a['n']:.0f}"),), columns=(Column("n", lambda s: f"{s['n']:.1f}"),),
                      progress=(ProgressMarker("n", lambda s: s["n"]),))
    assert display.chip_texts({"n": "not a number"}) == [] and display.chip_texts({"n": 2}) == [("x 2", "process")]
    assert display.columns[0].text({}) == "" and display.progress[0].value({}) is None
    assert REGISTRY.display("no_such_analyser") == Display()


def test_display_progress_markers_come_from_the_declarations() -> None:
    from reverie.analysis.markers import markers_from_analysis
    summary = {"defenses": {"odf": 4.5, "odf_n": 6}, "cycles": {"shares": {"connecting": 0.25}},
               "referential": {"mean_ra": 0.4}, "affect": {"client": {"positive": 3.0}}}
    assert markers_from_analysis({"sessions": [{"number": 2, "summary": summary}]}) == {
        2: {"odf": 4.5, "connecting_share": 0.25, "referential_activity": 0.4}}
    summary["defenses"]["odf_n"] = 4  # too few rated turns for an ODF
    assert "odf" not in markers_from_analysis({"sessions": [{"number": 2, "summary": summary}]})[2]


def test_display_web_case_series_and_gaps_come_from_the_declarations() -> None:
    from reverie.web.display import session_series, silence
    summary = {"defenses": {"odf": 4.5, "odf_n": 6}, "cycles": {"shares": {"connecting": 0.25}}}
    series = session_series([{"number": 2, "id": 9, "summary": summary},
                             {"number": 3, "id": 10, "summary": {"defenses": {"odf": 5.0, "odf_n": 2}}}])
    assert [(s["label"], s["share"], [(p["number"], p["value"]) for p in s["points"]]) for s in series] == [
        ("connecting share (cycle)", True, [(2, 0.25)]),  # cycles rank before defenses
        ("ODF (defensive functioning, 1-7)", False, [(2, 4.5)])]  # session 3: too few rated turns, no point
    assert silence({"dialogue": {"silence_before": 25.0}}) == {"seconds": 25.0, "size": "l"}
    assert silence({"dialogue": {"marker_silence": True}}) == {"seconds": None, "size": "s"}  # written, untimed
    assert silence({"dialogue": {"intervention": "question_open"}}) is None


# ----- a plug-in registered in the test appears everywhere, with no other change -----------------------------
class EchoAnalyzer(BaseAnalyzer):
    """Counts the word 'again' (a plug-in written for this test)."""

    name = "echoes"
    version = "1"
    description = "The word 'again', counted."
    roles = frozenset({"client", "therapist"})
    kinds = frozenset({"utterance"})
    fields = {"agains": "how many times 'again' is said"}
    display = Display(
        title="Echo words",
        explanation="How often a speaker says 'again': a marker written for a test.",
        evidence="each 'again'",
        chips=(Chip(lambda a: f"echo x{a['agains']}" if a.get("agains") else None),),
        columns=(Column("echoes", lambda s: str(s.get("total"))),),
        panels=(Panel("Echoes over sessions", ("echoes in the session",), lambda s: (s.get("total"),)),),
        note=lambda s: f"echo note: {s.get('total')} in all",
        moments=lambda s, annotated: [{"kind": "an echo", "text": u["text"]} for u, v in annotated if v.get("agains")],
    )

    def annotate_one(self, unit: TextUnit) -> Annotation:
        spans = [m.span() for m in re.finditer(r"\bagain\b", unit.text, re.IGNORECASE)]
        return Annotation(self.name, self.version, unit.id, {"agains": len(spans)}, spans)

    def summarize(self, sessions: list[SessionUnits]) -> Summary:
        return Summary(sessions={s.session_id: {"total": sum(a.values["agains"] for a in s.annotations)}
                                 for s in sessions})


@pytest.fixture
def echo_plugin() -> Any:
    REGISTRY.add(EchoAnalyzer)
    yield EchoAnalyzer
    REGISTRY.unregister(EchoAnalyzer)


ECHO_TEXT = """# written for the tests
T: What happened on Sunday?
C: My brother shouted again, and again I went quiet.
T: Quiet again.
C: Yes.
"""


def test_display_a_plugin_appears_in_show_session_and_the_case_report(
        echo_plugin: Any, wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reverie.cli import main
    f = tmp_path / "s1.txt"
    f.write_text(ECHO_TEXT, encoding="utf-8")
    assert main(["import", "transcript", str(f), "--client", "c1"]) == 0
    capsys.readouterr()
    assert main(["show", "session", "1", "--annotations"]) == 0
    shown = capsys.readouterr().out
    assert "echo x2" in shown and "echo x1" in shown  # the client's and the therapist's turns
    assert main(["analyze", "--client", "c1", "--analyzers", "echoes,dialogue"]) == 0
    overview = capsys.readouterr().out
    assert "echoes" in overview and re.search(r"\b3\b", overview)  # its column: 3 in the session
    out = tmp_path / "report.html"
    assert main(["report", "--client", "c1", "--out", str(out)]) == 0
    html = out.read_text("utf-8")
    assert "<h4>Echo words</h4>" in html and "a marker written for a test" in html
    assert "<h3>Echoes over sessions</h3>" in html and "echo note: 3 in all" in html
    assert "an echo" in html and "My brother shouted again" in html  # a key moment it declared


def test_display_a_plugin_appears_on_the_web_case_overview_and_session_view(echo_plugin: Any, wsdir: Path,
                                                                          tmp_path: Path) -> None:
    import reverie.workspace as rw
    from fastapi.testclient import TestClient

    from reverie.cli import main
    from reverie.web.app import create_app
    from tests.web_support import PASSWORD, login
    f = tmp_path / "s1.txt"
    f.write_text(ECHO_TEXT, encoding="utf-8")
    assert main(["import", "transcript", str(f), "--client", "c1"]) == 0
    assert main(["analyze", "--client", "c1", "--analyzers", "echoes,dialogue"]) == 0
    with rw.open(wsdir, user="ruth") as ws:
        ws.set_password("ruth", PASSWORD, login="ruth@test.local")
        [session] = ws.sessions("c1")
    client = login(TestClient(create_app(wsdir)), "ruth")
    case = client.get("/clients/c1").text
    assert ">Echoes over sessions</h2>" in case and "a marker written for a test" in case  # its declared panel
    page = client.get(f"/clients/c1/sessions/{session['id']}").text
    assert "<summary>echo x2</summary>" in page and "Echo words" in page  # its chip and its filter's title


def test_display_builtin_chips_read_the_annotation_values() -> None:
    chips = {n: REGISTRY.display(n).chip_texts for n in ("relational", "dialogue", "defenses")}
    assert chips["relational"]({"episode": True, "object": "father", "object_basis": "word"}) == \
        [("episode: father", "relational")]
    assert chips["relational"]({"episode": True, "object": "friend", "object_basis": "guess"}) == []  # a guess
    assert [t for t, _ in chips["dialogue"]({"intervention": "reflection", "silence_before": 4.2})] == \
        ["[reflection]", "silence 4s"]
    assert chips["defenses"]({"level": 8, "level_name": "no defense"}) == []
    assert chips["defenses"]({"level": 4, "level_name": "disavowal"}) == [("defense: disavowal", "defense")]
