"""Relational patterns for a file (transcript or journal) and their terminal view.

The stored path is ``Workspace.patterns`` (it runs ``relational`` through the runner, so
cached results are reused); this module adds the file path, which stores nothing,
and the rich view the CLI prints. The formulation itself is ``analysis.relational_case``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reverie.errors import IngestError


def patterns_of(analysis: dict[str, Any]) -> dict[str, Any]:
    """The relational case summary of an analysis result (the shape ``reverie patterns --json`` prints)."""
    return analysis.get("case", {}).get("relational") or {"episodes": [], "pervasiveness": {}, "ccrt": {},
                                                           "replays": [], "objects": {}}


def patterns_file(path: str | Path, fmt: str = "auto", therapist_label: str | None = None,
                  client_label: str | None = None, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Patterns in a transcript, or else a journal file, without storing anything."""
    from reverie import ingest
    from reverie.analysis.results import analyse
    from reverie.workspace import select_analyzers

    chosen = select_analyzers(["relational"], {"relational": settings or {}})
    try:
        sessions, entries = ingest.read_transcript(path, fmt=fmt, therapist_label=therapist_label,
                                                   client_label=client_label).sessions, []
    except IngestError as transcript_error:
        try:
            entries = [replace(e, id=i + 1) for i, e in enumerate(ingest.read_entries(path))]
        except IngestError:
            raise transcript_error from None
        sessions = []
    out, _ = analyse(chosen, sessions, entries)
    return patterns_of(out)


def _component(c: dict[str, Any] | None) -> Text:
    if not c:
        return Text("-")
    return Text(f"{c['cluster']} {c['label']} ({c['valence'][0]}): \u201c{c['quote']}\u201d")


def render_patterns(console: Console, data: dict[str, Any]) -> None:
    """Episodes with their components, the CCRT, replays and the per-object table (all user text as Text)."""
    episodes = data.get("episodes", [])
    table = Table(title=Text(f"Relationship episodes ({len(episodes)})"), title_justify="left", show_lines=True)
    for col in ("source", "object", "wish", "response of other", "response of self"):
        table.add_column(Text(col))
    for e in episodes:
        table.add_row(Text(str(e["source"])), Text(str(e["object"])), _component(e["wish"]),
                      _component(e["response_of_other"]), _component(e["response_of_self"]))
    console.print(table)
    ccrt = data.get("ccrt") or {}
    parts = [f"{k.replace('_', ' ')}: {v['cluster']} {v['label']} ({v['share']:.0%} of episodes)"
             for k, v in ccrt.items() if v]
    console.print(Text("CCRT  " + ("; ".join(parts) if parts else "no episodes")))
    for r in data.get("replays", []):
        console.print(Text(f"replay {r['pattern']} with {', '.join(r['objects'])} "
                           f"({len(r['episodes'])} episodes): {r['note']}"))
    objects = Table(title=Text("By figure"), title_justify="left")
    for col in ("object", "episodes", "wish", "response of other", "response of self", "negative share"):
        objects.add_column(Text(col))
    for obj, row in (data.get("objects") or {}).items():
        objects.add_row(*[Text("" if v is None else str(v)) for v in (
            obj, row["episodes"], row["wish"], row["response_of_other"], row["response_of_self"],
            row["negative_share"])])
    console.print(objects)
