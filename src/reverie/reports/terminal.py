"""Themes for a file (transcript or journal) and their terminal view.

The stored path is ``Workspace.themes``; this module adds the file path, which stores nothing, and the rich
view the CLI prints. The computation itself is ``analysis.themes``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def themes_file(path: str | Path, fmt: str = "auto", therapist_label: str | None = None,
                client_label: str | None = None) -> dict[str, Any]:
    """Themes in a transcript, or else a journal file, without storing anything."""
    from reverie.analysis.themes import themes
    from reverie.relational_ops import read_case_file
    return themes(*read_case_file(path, fmt, therapist_label, client_label))


def _strip(timeline: list[int]) -> str:
    return "".join("\u2588" if n else "\u00b7" for n in timeline)


def render_themes(console: Console, data: dict[str, Any]) -> None:
    """Each theme with its words, timeline strip, marks and evidence (all user text as Text, never markup)."""
    found = data.get("themes", [])
    slots = data.get("timeline", [])
    span = f" over {len(slots)} weeks ({slots[0]} to {slots[-1]})" if slots else ""
    console.print(Text(f"{len(found)} recurring themes in {data.get('passages', 0)} passages{span}"))
    if not found:
        return
    table = Table(title=Text("Themes"), title_justify="left", show_lines=True)
    for col in ("id", "words", "timeline", "occurrences", "marks"):
        table.add_column(Text(col), no_wrap=col == "timeline", min_width=len(slots) if col == "timeline" else None)
    for t in found:
        marks = [m for m, on in (("returning", t["returning"]), ("journal only", t["journal_only"]),
                                                ("journal first", t["journal_first"])) if on]
        sources = sum(o["source"] == "session" for o in t["occurrences"])
        table.add_row(Text(t["id"]), Text(", ".join(t["words"])), Text(_strip(t["timeline"])),
                      Text(f"{len(t['occurrences'])} ({sources} in sessions)"), Text(", ".join(marks)))
    console.print(table)
    for t in found:
        for note in t["notes"]:
            console.print(Text(f"{t['id']} ({t['label']}): {note}"))
    for t in found:
        if t["journal_only"] or t["journal_first"]:
            first = max(t["occurrences"], key=lambda o: (sum(w in o["evidence"].lower() for w in t["words"]),
                                                          o["source"] == "entry"))
            where = f"session {first['ref']}" if first["source"] == "session" else f"{first['kind']} {first['ref']}"
            console.print(Text(f"{t['id']} e.g. {where} ({first['date'] or first['slot']}): \u201c{first['evidence']}\u201d"))
