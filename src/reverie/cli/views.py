"""Terminal views for people (rich): a session with its markers, an analysis overview, the progress picture.

What an analyser contributes (the chips beside an utterance, the overview's columns) comes from its display
declaration (``analysis/display.py``), so no view here names an analyser and a plug-in appears like a built-in.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reverie.analysis.base import REGISTRY
from reverie.analysis.display import KIND_STYLES


def _time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"


def _chips(annotations: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, kind) of every marker chip the annotations give, analyser by analyser."""
    return [chip for name, ann in annotations.items() for chip in REGISTRY.display(name).chip_texts(ann)]


def _tags(annotations: dict[str, Any]) -> str:
    return "; ".join(text for text, _ in _chips(annotations))


def _styled_tags(annotations: dict[str, Any]) -> Text:
    out = Text()
    for i, (text, kind) in enumerate(_chips(annotations)):
        out.append("; " if i else "")
        out.append(text, style=KIND_STYLES.get(kind, ""))
    return out


def render_session(out: Console, data: dict[str, Any], with_annotations: bool) -> None:
    label = f" {data['label']!r}" if data.get("label") else ""
    out.print(Text.assemble((f"Session {data.get('number')}", "bold"), label,
                            f" (id {data.get('id')}, {data.get('date') or 'no date'})"))
    if not out.is_terminal:  # piped: one plain line per utterance, easy to grep
        for u in data["utterances"]:
            markers = f"  ({'; '.join(u['markers'])})" if u.get("markers") else ""
            tags = _tags(u.get("annotations", {})) if with_annotations else ""
            line = f"{u['index']:>4} {_time(u.get('start')):>5} {u.get('speaker') or u.get('role')}: {u['text']}{markers}"
            out.print(Text(line + (f"   [{tags}]" if tags else "")))
        return
    t = Table(show_header=True, header_style="bold", expand=True)
    t.add_column("#", justify="right", width=4)
    t.add_column("time", width=6)
    t.add_column("speaker", width=12)
    t.add_column("text", ratio=3, overflow="fold")
    if with_annotations:
        t.add_column("markers", ratio=1, overflow="fold")
    for u in data["utterances"]:
        text = Text(u["text"])
        if u.get("markers"):
            text.append("  (" + "; ".join(u["markers"]) + ")", style="dim")
        row = [str(u["index"]), _time(u.get("start")), Text(u.get("speaker") or u.get("role")), text]
        if with_annotations:
            row.append(_styled_tags(u.get("annotations", {})))
        t.add_row(*row)
    out.print(t)


def render_analysis(out: Console, result: dict[str, Any]) -> None:
    """One line per session of the headline markers; the JSON has everything."""
    names = REGISTRY.ordered(n for s in result["sessions"] for n in s["summary"])
    columns = [(n, c) for n in names for c in REGISTRY.display(n).columns]
    t = Table(title="Analysis", title_justify="left")
    for col in ["session", *(c.header for _, c in columns)]:
        t.add_column(col)
    for s in result["sessions"]:
        summ = s["summary"]
        t.add_row(str(s.get("number") or s["id"]), *(c.text(summ.get(n) or {}) for n, c in columns))
    out.print(t)
    if result.get("safety"):
        out.print(Text.assemble((f"{len(result['safety'])} safety flag(s)", "bold red"), ": see `reverie safety list`"))
    out.print(f"{result.get('computed', 0)} annotations computed, {result.get('reused', 0)} reused. "
              "Use --json for every marker with its evidence.", style="dim")


def render_progress(out: Console, result: dict[str, Any]) -> None:
    out.print(Text.assemble((f"Progress of {result['client']}", "bold"), f": {result['case']['class']}"))
    out.print(result["case"]["explanation"])
    pm = result.get("process_markers") or {}
    if pm.get("status") in ("missing", "partial"):
        sessions = ", ".join(map(str, pm["missing_sessions"])) or "all"
        out.print(Text(f"Process markers missing (sessions {sessions}): {pm['reason']}"), style="yellow")
    t = Table(title_justify="left")
    for col in ("session", "feeling better", "getting better", "class"):
        t.add_column(col)
    for s in result["sessions"]:
        fb, gb = s.get("feeling_better"), s.get("getting_better")
        t.add_row(str(s["number"]), "" if fb is None else f"{fb:+.2f}", "" if gb is None else f"{gb:+.2f}", s["class"])
    out.print(t)
    t = Table(title="Instruments", title_justify="left")
    for col in ("instrument", "baseline", "latest", "reliable change", "clinical", "sudden gains", "sudden losses"):
        t.add_column(col, overflow="fold")
    def num(v: Any) -> str:
        return "" if v is None else f"{v:g}" if isinstance(v, int) else f"{v:.2f}".rstrip("0").rstrip(".")

    for name, inst in result["instruments"].items():
        t.add_row(name, num(inst.get("baseline")), num(inst.get("latest")), inst.get("reliable_change") or "",
                  inst.get("clinical") or "", ", ".join(f"s{g['session']} ({g['magnitude']})" for g in inst.get("sudden_gains", [])),
                  ", ".join(f"s{g['session']} ({g['magnitude']})" for g in inst.get("sudden_losses", [])))
    out.print(t)
    for flag in result.get("flags", []):
        out.print(Text.assemble(("flag", "bold red"), f": {flag if isinstance(flag, str) else flag.get('message', flag)}"))


def _link_lines(links: list[dict[str, Any]], shown: int = 4) -> list[str]:
    """A dream's links, one line per observation (kind and label) with the places it was met (``s3:41`` session 3,
    turn 41; ``e7`` entry 7): relational patterns first, then the most often met, at most ``shown`` places each."""
    places: dict[tuple[str, str], list[str]] = {}
    for o in links:
        found = places.setdefault((o["kind"], o["label"]), [])
        if o["source"] not in found:
            found.append(o["source"])
    order = sorted(places.items(), key=lambda kv: (kv[0][0] != "relational pattern", -len(kv[1]), kv[0]))
    return [f"{kind} {label} in {', '.join(where[:shown])}" + (f" and {len(where) - shown} more" if len(where) > shown else "")
            for (kind, label), where in order]


def render_dreams(out: Console, result: dict[str, Any]) -> None:
    """Coded dreams (counts per code family), then the h-profile against the norms."""
    out.print(Text.assemble((f"Dreams of {result['client']}", "bold"),
                            f": {result['dreams']} coded, against the {result['norms']} norms"))
    t = Table(title_justify="left")
    for col in ("dream", "written", "characters", "aggr.", "friendl.", "sex.", "emotions", "misfortunes",
                "success/failure", "settings"):
        t.add_column(col, overflow="fold")
    for d in result["coded"]:
        c = d["codes"]
        if c.get("characters") is None:
            continue
        t.add_row(Text(d["title"] or str(d["id"])), d["written_at"][:10], str(c["characters_count"]),
                  str(len(c["aggression"])), str(len(c["friendliness"])), str(len(c["sexuality"])),
                  " ".join(sorted({e["code"] for e in c["emotions"]})), str(len(c["misfortunes"])),
                  f"{len(c['successes'])}/{len(c['failures'])}", " ".join(s["code"] for s in c["settings"]))
    out.print(t)
    for d in result["coded"]:
        if d.get("links"):
            out.print(Text.assemble((d["title"] or str(d["id"]), "bold"),
                                    f" links to nearby texts: {'; '.join(_link_lines(d['links']))}"))
    t = Table(title="h-profile (Cohen's h = 2·asin√client − 2·asin√norm)", title_justify="left")
    for col in ("indicator", "client", "norm", "h", "n", "beyond chance"):
        t.add_column(col)
    for r in result["profile"]:
        verdict = {True: Text("yes", style="bold"), False: "no", None: ""}[r["beyond_chance"]]
        t.add_row(r["indicator"], "" if r["value"] is None else f"{r['value']:.2f}", f"{r['norm']:.2f}",
                  "" if r["h"] is None else f"{r['h']:+.2f}", str(r["n"]), verdict)
    out.print(t)
    if result.get("warning"):
        out.print(Text.assemble(("note", "yellow"), f": {result['warning']}"))
    out.print("HVdC content codes are markers to read against the dream text, not a diagnosis. "
              "Use --json for every code with its evidence span.", style="dim")
