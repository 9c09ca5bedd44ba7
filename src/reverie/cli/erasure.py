"""``reverie erase`` and ``reverie hold``: crypto-shredding a client, and the legal hold that forbids it."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from reverie.cli.common import ClientOpt, WorkspaceOptions, out, with_workspace_options
from reverie.errors import InputError


@with_workspace_options
def erase(options: WorkspaceOptions, client: ClientOpt,
          yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
          journal_only: Annotated[bool, typer.Option(help="Erase only the client's own journal (allowed under a legal hold).")] = False) -> None:
    """Erase a client: destroy their data key and delete their rows (crypto-shredding)."""
    if not yes:  # refused before the workspace is opened
        raise InputError("erasure cannot be undone", hint="add --yes to confirm")
    with options.open() as ws:
        result = ws.erase(client, journal_only)
    out.print(f"Erased {result['erased']} records of {client}")


@with_workspace_options
def hold(options: WorkspaceOptions, client: ClientOpt,
         reason: Annotated[Optional[str], typer.Option(help="Why records must be kept.")] = None,
         release: Annotated[bool, typer.Option(help="Lift the hold.")] = False) -> None:
    """Place or lift a legal hold: clinical records cannot be erased while it stands."""
    if not release and not reason:
        raise InputError("a legal hold needs --reason", hint="or --release to lift one")
    with options.open() as ws:
        ws.hold(client, None if release else reason)
    out.print(f"Legal hold {'lifted' if release else 'placed'} on {client}")
