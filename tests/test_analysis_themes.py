"""Themes across sessions and journal: clustering into themes, returning / journal-only / journal-first marks, the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from reverie.analysis.themes import class_tfidf, themes
from reverie.cli import main
from reverie.domain import Entry, Session, Utterance

TOPICS = ("boss", "garden", "exam", "cooking")
START = date(2026, 1, 5)  # a Monday


def keyword_embed(texts):
    """A stand-in encoder written for the tests: one axis per topic word, so the clusters are known."""
    out = np.zeros((len(texts), len(TOPICS) + len(texts)), dtype=np.float32)
    for i, t in enumerate(texts):
        hits = [k for k, w in enumerate(TOPICS) if w in t.lower()]
        for k in hits:
            out[i, k] = 1.0
        if not hits:
            out[i, len(TOPICS) + i] = 1.0  # unrelated talk stands alone
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def session(n: int, text: str) -> Session:
    return Session(client="t1", number=n, date=START + timedelta(weeks=n - 1), utterances=[
        Utterance(0, "therapist", "T", "Where would you like to start today?"),
        Utterance(1, "client", "C", text)])


def entry(i: int, week: int, text: str, kind: str = "reflection") -> Entry:
    return Entry(client="t1", written_at=datetime.combine(START + timedelta(weeks=week - 1, days=3), datetime.min.time()),
                 kind=kind, text=text, id=i)


BOSS = "My boss shouted at me again in the meeting and I said nothing at all."
GARDEN = "I dreamt of the garden where my grandmother grew runner beans, and woke up crying."
CASE_SESSIONS = [session(1, BOSS), session(2, "The boss wants the report by Friday, and I stayed late again."),
                 session(3, "We tried the cooking class on Tuesday, it was fun."),
                 session(4, "My sister visited and the cooking went badly, we laughed a lot."),
                 session(5, "I keep thinking about the boss and how small I feel when he walks past my desk."),
                 session(6, "The boss praised someone else's work and I felt sick with envy.")]
CASE_ENTRIES = [entry(1, 1, GARDEN, "dream"), entry(2, 2, "The garden again, grandmother's apron and the shed smell."),
                entry(3, 3, "Thinking of the garden today; nobody ever talks about grandmother.", "free_association")]


def test_themes_marks_a_returning_theme_and_a_journal_only_one() -> None:
    found = {t["words"][0]: t for t in themes(CASE_SESSIONS, CASE_ENTRIES, embed=keyword_embed)["themes"]}
    assert set(found) == {"boss", "garden"}  # cooking: two passages only, not a theme
    boss, garden = found["boss"], found["garden"]
    assert boss["returning"] and not boss["journal_only"]
    assert [g["absent"] for g in boss["gaps"]] == [2]
    assert [o["ref"] for o in boss["occurrences"]] == [1, 2, 5, 6]
    assert boss["timeline"] == [1, 1, 0, 0, 1, 1]
    assert garden["journal_only"] and not garden["returning"]
    assert {o["kind"] for o in garden["occurrences"]} == {"dream", "reflection", "free_association"}
    assert any("not, so far, in session talk" in n for n in garden["notes"])
    assert "grandmother" in garden["words"]


def test_themes_one_source_alone_is_not_a_theme() -> None:
    one = Session(client="t1", number=1, date=START, utterances=[
        Utterance(i, "client", "C", f"The exam is on my mind, part {i} of it, all day.") for i in range(4)])
    assert themes([one], [], embed=keyword_embed, turns_per_chunk=1)["themes"] == []


def test_themes_journal_first_when_sessions_reach_it_weeks_later() -> None:
    sessions = [session(n, "We tried the cooking class on Tuesday.") if n < 5 else
                session(n, "I want to talk about the garden and my grandmother, finally.") for n in range(1, 7)]
    entries = [entry(1, 1, GARDEN, "dream"), entry(2, 2, "The garden again, grandmother's apron.")]
    (garden,) = [t for t in themes(sessions, entries, embed=keyword_embed)["themes"] if "garden" in t["words"]]
    assert not garden["journal_only"]
    assert garden["journal_first"] == {"journal": "2026-W02", "sessions": "2026-W06", "weeks_between": 3}


def test_class_tfidf_prefers_the_words_distinctive_of_a_class() -> None:
    words = class_tfidf({0: ["mother", "mother", "sleep", "work"], 1: ["work", "work", "deadline", "sleep"]})
    assert words[0][0] == "mother" and words[1][0] in {"deadline", "work"}
    assert "mother" not in words[1]


def test_themes_json_shape_and_no_theme_without_text() -> None:
    data = themes(CASE_SESSIONS, CASE_ENTRIES, embed=keyword_embed)
    assert set(data) >= {"themes", "timeline"}
    assert set(data["themes"][0]) >= {"id", "label", "words", "occurrences", "returning", "journal_only"}
    assert set(data["themes"][0]["occurrences"][0]) >= {"source", "ref", "date", "evidence"}
    assert themes([], [], embed=keyword_embed)["themes"] == []


@pytest.mark.slow
def test_cli_themes_on_a_journal_file_with_the_encoder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [(1, "dream", "I dreamt my grandmother was alive and baking bread in her kitchen."),
            (2, "reflection", "I miss my grandmother; I dreamt of her kitchen and her bread again."),
            (3, "reflection", "Work deadline tomorrow, my manager keeps adding tasks and I can't say no."),
            (5, "moment", "Another late night at the office finishing the quarterly report for my manager."),
            (7, "dream", "My grandmother's kitchen again in a dream, the smell of her bread, then she was gone."),
            (8, "reflection", "My manager emailed at midnight about the report; I answered at once, as always.")]
    f = tmp_path / "journal.jsonl"
    f.write_text("".join(json.dumps({"written_at": f"2026-03-{d:02d}T21:00:00", "kind": k, "text": t}) + "\n"
                         for d, k, t in rows), encoding="utf-8")
    capsys.readouterr()
    assert main(["themes", str(f), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["themes"]
    grief = [t for t in found if "grandmother" in t["words"]]
    assert len(grief) == 1 and grief[0]["journal_only"]
    assert {o["ref"] for o in grief[0]["occurrences"]} == {1, 2, 5}
    assert main(["themes", str(f)]) == 0
    assert "journal" in capsys.readouterr().out


def test_cli_themes_needs_a_file_or_a_client() -> None:
    assert main(["themes"]) == 2


def test_workspace_themes_needs_consent_and_reads_sessions_and_shared_entries(
        ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reverie.analysis import themes as themes_module
    from reverie.errors import ConsentRequired
    monkeypatch.setattr(themes_module, "embed_minilm", keyword_embed)
    for s in CASE_SESSIONS:
        f = tmp_path / f"s{s.number}.txt"
        f.write_text(f"T: Where would you like to start today?\nC: {s.utterances[1].text}\n", encoding="utf-8")
        ws.import_transcript(f, "c1", date=s.date, number=s.number)
    ws.add_entries("c1", [replace(e, client="c1", shared_with_therapist=True) for e in CASE_ENTRIES])
    ws.withdraw_consent("c1", "analysis")
    with pytest.raises(ConsentRequired, match="analysis"):
        ws.themes("c1")
    ws.grant_consent("c1", "analysis")
    found = {t["words"][0]: t for t in ws.themes("c1")["themes"]}
    assert set(found) == {"boss", "garden"}
    assert found["boss"]["returning"] and found["garden"]["journal_only"]


def test_render_themes_prints_user_text_as_text_not_markup() -> None:
    from rich.console import Console

    from reverie.reports.terminal import render_themes
    marked = CASE_ENTRIES[:2] + [entry(3, 3, "[/] [bold]I dreamt of the garden[link=x], the apron, the beans, crying :smile:")]
    console = Console(record=True, width=300)
    render_themes(console, themes(CASE_SESSIONS, marked, embed=keyword_embed))
    shown = console.export_text()
    assert "[/] [bold]I dreamt of the garden[link=x], the apron, the beans, crying :smile:" in shown
    assert "journal only" in shown and "returning" in shown
