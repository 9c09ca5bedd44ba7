"""Keeping the workspace: ``reverie backup``, ``restore``, ``audit``, ``keys`` and ``users``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from reverie.cli.common import ForceOpt, JsonOpt, emit_json, err, out, table, with_workspace

if TYPE_CHECKING:
    from reverie.workspace import Workspace

audit_app = typer.Typer(help="The append-only access log.", no_args_is_help=True)
keys_app = typer.Typer(help="The workspace key.", no_args_is_help=True)
users_app = typer.Typer(help="Users and roles.", no_args_is_help=True)


@with_workspace
def backup(ws: Workspace, out_path: Annotated[Path, typer.Option("--out", help="The backup file to write.")],
           force: ForceOpt = False, as_json: JsonOpt = False) -> None:
    """Write an encrypted, consistent snapshot of the workspace (safe while it is in use)."""
    result = ws.backup(out_path, force=force)
    emit_json(result) if as_json else out.print(f"Backup written to {result['file']} ({result['rows']} rows)")


@with_workspace
def restore(ws: Workspace, file: Path, as_json: JsonOpt = False) -> None:
    """Fill a new workspace from a backup, after checking it decrypts and verifies.

    Only a workspace that holds no data yet is accepted (exit 2 otherwise): make it with `reverie init` and the
    backed-up workspace's key file or passphrase. Clients erased after the backup was taken are not restored.
    """
    result = ws.restore(file)
    if as_json:
        emit_json(result)
        return
    out.print(f"Restored {result['rows']} rows from {file}; audit chain verified")
    if result["erased_not_restored"]:
        erased = ", ".join(result["erased_not_restored"])
        out.print(f"Not restored (erased after the backup was taken): {erased}", markup=False)


@audit_app.command("verify")
@with_workspace
def audit_verify(ws: Workspace, as_json: JsonOpt = False) -> None:
    """Check the audit chain and its anchor outside the database; exit 6 on any finding.

    Reports a changed, removed or inserted row, a cut tail or head, a wiped or recreated log and an older
    copy of the database put back, each with where it is.
    """
    result = ws.audit_verify()
    if as_json:
        emit_json(result)
    elif result["ok"]:
        out.print(f"Audit log verified: {result['rows']} rows, chain intact")
    else:
        for p in result["problems"]:
            err.print(p, style="bold red")
    if not result["ok"]:
        raise typer.Exit(6)


@audit_app.command("show")
@with_workspace
def audit_show(ws: Workspace, client: Annotated[Optional[str], typer.Option("--client", "-c", help="Only this client's record.")] = None,
               as_json: JsonOpt = False) -> None:
    """Who accessed a client's record (or the whole workspace), when and from where."""
    rows = ws.audit_show(client)
    emit_json(rows) if as_json else table("Audit log", ["id", "at", "actor", "action", "resource", "client", "origin"],
                                          [[r["id"], r["at"][:19], r["actor"], r["action"], r["resource"], r["client"],
                                            r["origin"]] for r in rows])


@keys_app.command("rotate")
@with_workspace
def keys_rotate(ws: Workspace) -> None:
    """Make a new workspace key and re-wrap every client key with it."""
    result = ws.rotate_keys()
    out.print(f"Re-wrapped {result['clients']} client keys; new key in {result['key_file']} "
              f"(previous key kept as {result['previous_key']}: destroy it once backups made with it are retired)")


@users_app.command("add")
@with_workspace
def users_add(ws: Workspace, name: str, role: Annotated[str, typer.Option(help="therapist | client | researcher | admin")],
              client: Annotated[Optional[str], typer.Option("--client", help="For a client user: their code (a client "
                                                                              "in your caseload).")] = None,
              admin: Annotated[bool, typer.Option("--admin", help="Also administers the workspace.")] = False) -> None:
    """Add a user: staff accounts by an admin, a client's account by their treating therapist."""
    ws.add_user(name, role, client, admin)
    out.print(f"Added user {name} ({role})")


@users_app.command("invite")
@with_workspace
def users_invite(ws: Workspace, client: Annotated[str, typer.Option("--client", help="The client's code (in your caseload).")],
                 name: Annotated[Optional[str], typer.Option("--name", help="The client's account (default: their "
                                                             "existing one, else one named after the code).")] = None,
                 hours: Annotated[float, typer.Option(help="Hours until the link expires (at most 720).")] = 72.0,
                 base_url: Annotated[str, typer.Option("--base-url", help="Where `reverie serve` serves the portal.")]
                 = "http://127.0.0.1:8765",
                 as_json: JsonOpt = False) -> None:
    """Invite a client to the portal: prints a one-time link that expires, where they set their password."""
    from reverie.workspace.portal import invitation_link
    inv = ws.invite(client, name, hours)
    link = invitation_link(base_url, inv["token"])
    if as_json:
        emit_json({"link": link, "user": inv["user"], "client": inv["client"], "expires_at": inv["expires_at"]})
        return
    out.print(f"Invitation for {inv['user']} (client {inv['client']}), valid once until {inv['expires_at']} UTC:")
    out.print(link)


@users_app.command("list")
@with_workspace
def users_list(ws: Workspace, as_json: JsonOpt = False) -> None:
    """The workspace's users."""
    rows = [u.to_dict() for u in ws.store.users()]
    emit_json(rows) if as_json else table("Users", ["name", "role", "client", "admin"],
                                          [[r["name"], r["role"], r["client_code"], r["is_admin"]] for r in rows])


@users_app.command("passwd")
@with_workspace
def users_passwd(ws: Workspace, name: str,
                 login: Annotated[Optional[str], typer.Option("--login", help="The name to log in with on the web (e.g. an "
                                                                              "e-mail address); the user name also works.")] = None,
                 password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the "
                                                                                       "first line of stdin.")] = False) -> None:
    """Set a user's web password (Argon2id): your own, staff's as an admin, a client's as their therapist."""
    import sys
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else \
        typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    result = ws.set_password(name, password, login)
    out.print(f"Set the web password of {name}" + (f" (login: {result['login']})" if result["login"] else ""))
