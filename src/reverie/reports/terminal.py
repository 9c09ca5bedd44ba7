"""Terminal views of the rooms (rich tables the CLI prints): relational patterns and recurring themes.

They render results in hand and never run an analyser; every text that came from a user is printed as ``Text``,
never as markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


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


def _component(c: dict[str, Any] | None) -> Text:
    """A CCRT component as cluster, label, valence and quote; one the analyser is not sure of (``grounded`` false:
    neither the word lists nor the classifier at 0.5 agree) says so, as it never counts in the CCRT."""
    if not c:
        return Text("-")
    sure = "" if c.get("grounded", True) else ", tentative"
    return Text(f"{c['cluster']} {c['label']} ({c['valence'][0]}{sure}): \u201c{c['quote']}\u201d")


def render_patterns(console: Console, data: dict[str, Any]) -> None:
    """Episodes with their components, the CCRT, replays and the per-object table (all user text as Text)."""
    episodes = data.get("episodes", [])
    table = Table(title=Text(f"Relationship episodes ({len(episodes)})"), title_justify="left", show_lines=True)
    for col in ("source", "object", "wish", "response of other", "response of self"):
        table.add_column(Text(col))
    for e in episodes:
        source = f"{e['source']} ({e['part']})" if e.get("part") else str(e["source"])  # one of a turn's episodes
        table.add_row(Text(source), Text(str(e["object"])), _component(e["wish"]),
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
