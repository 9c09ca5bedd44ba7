"""The dreams analyser appears in the case report and on the web case overview through its display declaration
alone (a panel over the journal, a note, the coded dreams as key moments), on dreams written for the tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reverie.analysis.base import TextUnit
from reverie.analysis.dreams import DISPLAY, DreamsAnalyzer
from reverie.domain import Entry

CHASE = "A man chased me across a field and I was afraid."
KITCHEN = "I was in my kitchen with my brother. We laughed."
PRIVATE = "A stranger shouted at me on a ferry and I was furious."  # not shared with the therapist


def _client(wsdir: Path) -> None:
    import reverie.workspace as rw
    with rw.open(wsdir, user="ruth") as ws:
        ws.add_client("c1", sex="F")
        ws.grant_consent("c1", "analysis")
        ws.add_entries("c1", [Entry("c1", datetime(2026, 3, 1, 7, 0), "dream", CHASE, "Chase", shared_with_therapist=True),
                              Entry("c1", datetime(2026, 3, 2, 7, 0), "dream", KITCHEN, "Kitchen",
                                    shared_with_therapist=True),
                              Entry("c1", datetime(2026, 3, 3, 7, 0), "dream", PRIVATE, "Kept")])


def test_dreams_journal_summary_feeds_its_panel_note_and_moments() -> None:
    a = DreamsAnalyzer()
    from reverie.analysis.base import SessionUnits
    units = [TextUnit(id="e1", text=CHASE, kind="dream"), TextUnit(id="e2", text=KITCHEN, kind="dream")]
    anns = [a.annotate_one(u) for u in units]
    summary = a.summarize([SessionUnits("journal", units, anns)]).sessions["journal"]
    assert summary["dreams"] == 2 and summary["characters_per_dream"] == 1.0  # the man; the brother
    [row] = [p.cells(summary) for p in DISPLAY.panels]
    assert row[:2] == [2, 1.0] and row[2] == 50  # one dream of two holds an aggression
    assert "2 dream(s) coded" in DISPLAY.note_text(summary) and "aggression in 1" in DISPLAY.note_text(summary)
    moments = DISPLAY.key_moments(summary, [({"text": u.text}, x.values) for u, x in zip(units, anns)])
    assert moments[0]["text"] == CHASE and "aggression" in moments[0]["kind"] and "apprehension" in moments[0]["kind"]
    assert DISPLAY.panels[0].cells({"dreams": 0}) is None and DISPLAY.note_text({}) is None


def test_dreams_appear_in_the_case_report_from_the_declaration(wsdir: Path, tmp_path: Path) -> None:
    from reverie.cli import main
    _client(wsdir)
    assert main(["analyze", "--client", "c1", "--analyzers", "dreams"]) == 0
    out = tmp_path / "report.html"
    assert main(["report", "--client", "c1", "--out", str(out)]) == 0
    html = out.read_text("utf-8")
    assert "<h3>Dreams in the journal (Hall and Van de Castle codes)</h3>" in html
    assert "2 dream(s) coded" in html  # its note
    assert "A man chased me across a field" in html and "dream: aggression" in html  # a coded dream as a key moment
    assert "ferry" not in html and "2 dream(s) coded" in html  # the dream the client kept is not shown or counted


def test_dreams_appear_on_the_web_case_overview_from_the_declaration(wsdir: Path) -> None:
    import reverie.workspace as rw
    from fastapi.testclient import TestClient

    from reverie.cli import main
    from reverie.web.app import create_app
    from tests.web_support import PASSWORD, login
    _client(wsdir)
    assert main(["analyze", "--client", "c1", "--analyzers", "dreams"]) == 0
    with rw.open(wsdir, user="ruth") as ws:
        ws.set_password("ruth", PASSWORD, login="ruth@test.local")
    page = login(TestClient(create_app(wsdir)), "ruth").get("/clients/c1").text
    assert ">Dreams in the journal (Hall and Van de Castle codes)</h2>" in page
    assert "characters per dream" in page and "dream: aggression" in page


def test_the_journal_group_carries_only_entry_level_analysers_summaries() -> None:
    from reverie.analysis.results import with_journal
    session = {"id": 1, "number": 1, "summary": {}, "utterances": []}
    entry = {"id": 7, "text": CHASE, "annotations": {}}
    groups = with_journal({"sessions": [session], "entries": [entry],
                           "journal_summary": {"affect": {"units": 3}, "dreams": {"dreams": 1}, "gone": {"x": 1}}})
    assert groups[0] is session and groups[1]["number"] == "journal" and groups[1]["id"] is None
    assert list(groups[1]["summary"]) == ["dreams"]  # affect shows in sessions; an unknown analyser is skipped
    assert groups[1]["utterances"][0]["text"] == CHASE
    assert with_journal({"sessions": [session], "journal_summary": {"affect": {"units": 3}}}) == [session]
