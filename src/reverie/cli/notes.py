"""``reverie notes``: psychotherapy (process) notes, kept apart from the record the client and exports see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from reverie.cli.common import ClientOpt, JsonOpt, SessionNumberOpt, emit_json, out, table, with_workspace

if TYPE_CHECKING:
    from reverie.workspace import Workspace

notes_app = typer.Typer(help="Psychotherapy (process) notes, kept apart from the record.", no_args_is_help=True)


@notes_app.command("add")
@with_workspace
def notes_add(ws: Workspace, client: ClientOpt, text: Annotated[str, typer.Option(help="The note.")],
              session: SessionNumberOpt = None) -> None:
    """Add a process note (never shown in the portal, exports or analysis unless chosen)."""
    note = ws.add_note(client, text, session)
    out.print(f"Process note {note['id']} added for {client}")


@notes_app.command("list")
@with_workspace
def notes_list(ws: Workspace, client: ClientOpt, as_json: JsonOpt = False) -> None:
    """A client's process notes (therapist only)."""
    rows = ws.notes(client)
    emit_json(rows) if as_json else table(f"Process notes of {client}", ["id", "written", "session", "author", "note"],
                                          [[r["id"], r["written_at"], r["session"], r["author"], r["text"]] for r in rows])
