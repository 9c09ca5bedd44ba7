"""``reverie measures``: the questionnaires Reverie scores, their items, and a client's answers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.text import Text

from reverie.cli.common import (ClientOpt, JsonOpt, SessionNumberOpt, WorkspaceOpt, emit_json, out, parse_date, table,
                                with_workspace)

if TYPE_CHECKING:
    from reverie.workspace import Workspace

measures_app = typer.Typer(help="Questionnaires: list, score, record, import.", no_args_is_help=True)


@measures_app.command("list")
def measures_list(as_json: JsonOpt = False) -> None:
    """The instruments Reverie scores."""
    from reverie.measures.instruments import list_instruments
    rows = [{"id": i.id, "name": i.name, "items": len(i.items), "licence": i.licence,
             "item_text": i.has_item_text} for i in list_instruments()]
    if as_json:
        emit_json(rows)
        return
    table("Instruments", ["id", "name", "items", "licence", "item text shipped"],
          [[r["id"], r["name"], r["items"], r["licence"], "yes" if r["item_text"] else "no (supply it)"] for r in rows])


@measures_app.command("items")
def measures_items(instrument: str,
                   load: Annotated[Optional[Path], typer.Option("--load", help="A file of the licensed item text (one item a line, or a YAML/JSON list) to keep in the workspace.")] = None,
                   workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show an instrument's items; load the licensed item text a practice holds for CORE-10, WAI-SR, DSQ-40, LPFS-BF."""
    from reverie.measures.instruments import get_instrument, kept_item_file, load_item_text
    from reverie.outputs import atomic_write
    from reverie.settings import resolve
    folder = resolve(workspace=workspace).workspace / "instruments"
    kept = kept_item_file(folder.parent, instrument)
    if load is not None:
        load_item_text(instrument, load)  # validates the count and order before anything is kept
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{instrument}.*"):
            old.unlink()
        kept = folder / f"{instrument}{load.suffix or '.txt'}"
        atomic_write(kept, load.read_bytes())
    inst = load_item_text(instrument, kept) if kept else get_instrument(instrument)
    items = [{"number": i, "text": t} for i, t in enumerate(inst.items, start=1)]
    if as_json:
        emit_json({"instrument": inst.id, "items": items, "source": str(kept) if kept else "shipped"})
        return
    if not inst.has_item_text:
        out.print(f"{inst.name}: item text is licensed and not shipped. Load the practice's copy with "
                  f"`reverie measures items {inst.id} --load FILE`.")
    for item in items:
        out.print(f"{item['number']:>3}. {item['text'] or '(item text not supplied)'}")


@measures_app.command("score")
def measures_score(instrument: str, answers: Annotated[str, typer.Option(help="Comma-separated answers in item order; leave a blank for a missing item.")],
                   as_json: JsonOpt = False) -> None:
    """Score one set of answers (nothing stored)."""
    from reverie.measures.scoring import parse_answers, score
    result = score(instrument, parse_answers(answers)).to_dict()
    if as_json:
        emit_json(result)
        return
    _print_score(result)


def _print_score(result: dict[str, Any]) -> None:
    total = "incomplete" if not result["complete"] else result["total"]
    out.print(f"{result['instrument']}: total {total}" + (f", band {result['band']}" if result.get("band") else ""))
    for name, value in (result.get("subscales") or {}).items():
        out.print(f"  {name}: {value}")
    for flag in result.get("flags") or []:
        out.print(Text.assemble("  ", ("safety flag", "bold red"), f": {flag}"))
    if result.get("reason"):
        out.print(f"  {result['reason']}")


@measures_app.command("record")
@with_workspace
def measures_record(ws: Workspace, instrument: str, client: ClientOpt, answers: Annotated[str, typer.Option(help="Comma-separated answers.")],
                    session: SessionNumberOpt = None,
                    date: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
                    as_json: JsonOpt = False) -> None:
    """Record a client's answers to a questionnaire."""
    from reverie.measures.scoring import parse_answers
    result = ws.record_response(client, instrument, parse_answers(answers), session, parse_date(date))
    if as_json:
        emit_json(result)
        return
    _print_score(result)
    for f in result["safety"]:
        out.print(Text.assemble((f"Safety task {f['task']}", "bold red"), f" opened for the therapist: {'; '.join(f['quotes'])}"))


@measures_app.command("import")
@with_workspace
def measures_import(ws: Workspace, file: Path, client: ClientOpt, as_json: JsonOpt = False) -> None:
    """Import questionnaire answers (CSV date,session,instrument,answers, or FHIR QuestionnaireResponse JSON)."""
    result = ws.import_responses(file, client)
    emit_json(result) if as_json else out.print(
        f"Imported {result['imported']} responses for {client} ({result['duplicate']} already stored); "
        f"{len(result['safety'])} safety flags")
