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

from reverie.errors import IngestError, InputError


def patterns_of(analysis: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """The relational formulation of an analysis result (the shape ``reverie patterns --json`` prints).

    Rebuilt from the stored annotations, so names known to the caller (``--names``, the therapist's own
    name) settle the figures without re-running the analyser.
    """
    from reverie.analysis.relational_case import from_analysis
    return from_analysis(analysis, names)


def parse_names(raw: str | None) -> dict[str, str]:
    """``'Margaret=boss,Jonah=partner'`` -> a dict; an unknown object is a usage error."""
    from reverie.analysis.relational_lexicon import OBJECTS
    out: dict[str, str] = {}
    for pair in (raw or "").split(","):
        if not pair.strip():
            continue
        name, _, obj = pair.partition("=")
        if not name.strip() or obj.strip() not in OBJECTS:
            raise InputError(f"--names: '{pair.strip()}' is not NAME=OBJECT",
                             hint=f"objects: {', '.join(OBJECTS)}")
        out[name.strip()] = obj.strip()
    return out


def patterns_file(path: str | Path, fmt: str = "auto", therapist_label: str | None = None,
                  client_label: str | None = None, names: dict[str, str] | None = None) -> dict[str, Any]:
    """Patterns in a transcript, or else a journal file, without storing anything."""
    from reverie.analysis.results import analyse
    from reverie.workspace import select_analyzers

    sessions, entries = read_case_file(path, fmt, therapist_label, client_label)
    out, _ = analyse(select_analyzers(["relational"]), sessions, entries)
    return patterns_of(out, names)


def read_case_file(path: str | Path, fmt: str = "auto", therapist_label: str | None = None,
                   client_label: str | None = None) -> tuple[list[Any], list[Any]]:
    """The sessions of a transcript, or else the entries (numbered from 1) of a journal file."""
    from reverie import ingest
    try:
        return ingest.read_transcript(path, fmt=fmt, therapist_label=therapist_label,
                                      client_label=client_label).sessions, []
    except IngestError as transcript_error:
        try:
            return [], [replace(e, id=i + 1) for i, e in enumerate(ingest.read_entries(path))]
        except IngestError:
            raise transcript_error from None


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
    parts = [f"{k.replace('_', ' ')}: {ccrt[k]['cluster']} {ccrt[k]['label']} ({ccrt[k]['share']:.0%} of episodes)"
             for k in ("wish", "response_of_other", "response_of_self") if ccrt.get(k)]
    console.print(Text("CCRT  " + ("; ".join(parts) if parts else "no episodes")))
    if ccrt.get("figures"):
        console.print(Text("the CCRT's components appear with: " + ", ".join(
            f"{obj} ({sum(row.values())})" for obj, row in ccrt["figures"].items())))
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
