"""``reverie consent``: what a client agreed to (transcription, analysis, sharing), when, and its withdrawal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from reverie.cli.common import ClientOpt, JsonOpt, emit_json, out, table, with_workspace

if TYPE_CHECKING:
    from reverie.workspace import Workspace

consent_app = typer.Typer(help="Consent records: grant, withdraw, list.", no_args_is_help=True)

ScopeOpt = Annotated[str, typer.Option("--scope", help="transcription | analysis | sharing")]
DetailOpt = Annotated[Optional[str], typer.Option("--detail", help="Narrow the scope, e.g. entry:12.")]


@consent_app.command("grant")
@with_workspace
def consent_grant(ws: Workspace, client: ClientOpt, scope: ScopeOpt, detail: DetailOpt = None) -> None:
    """Record that the client consented to a use of their text."""
    ws.grant_consent(client, scope, detail)
    out.print(f"Consent to {scope} recorded for {client}")


@consent_app.command("withdraw")
@with_workspace
def consent_withdraw(ws: Workspace, client: ClientOpt, scope: ScopeOpt, detail: DetailOpt = None) -> None:
    """Record the withdrawal of a consent; analysers stop running on the client's text."""
    n = ws.withdraw_consent(client, scope, detail)
    out.print(f"Withdrew {n} consent record(s) to {scope} for {client}")


@consent_app.command("list")
@with_workspace
def consent_list(ws: Workspace, client: ClientOpt, as_json: JsonOpt = False) -> None:
    """What the client agreed to, when, and any withdrawal."""
    rows = ws.consents(client)
    if as_json:
        emit_json(rows)
        return
    table(f"Consent of {client}", ["scope", "detail", "granted", "withdrawn"],
          [[r["scope"], r["detail"], r["granted_at"], r["withdrawn_at"]] for r in rows])
