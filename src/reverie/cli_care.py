"""The ``reverie`` commands for the duties of care: consent, notes, safety, erasure, holds, audit, keys, backups, users."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from rich.text import Text

from reverie.cli import (ClientOpt, DbOpt, ForceOpt, JsonOpt, KeyOpt, SessionNumberOpt, UserOpt, WorkspaceOpt, emit_json,
                         err, opened, out, table)
from reverie.errors import InputError
from reverie.ingest.bounds import MAX_INT

consent_app = typer.Typer(help="Consent records: grant, withdraw, list.", no_args_is_help=True)
notes_app = typer.Typer(help="Psychotherapy (process) notes, kept apart from the record.", no_args_is_help=True)
safety_app = typer.Typer(help="Safety tasks and safety plans.", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only access log.", no_args_is_help=True)
keys_app = typer.Typer(help="The workspace key.", no_args_is_help=True)
users_app = typer.Typer(help="Users and roles.", no_args_is_help=True)


def mount(app: typer.Typer) -> None:
    for sub, name in ((consent_app, "consent"), (notes_app, "notes"), (safety_app, "safety"), (audit_app, "audit"),
                      (keys_app, "keys"), (users_app, "users")):
        app.add_typer(sub, name=name)
    app.command()(erase)
    app.command()(hold)
    app.command()(backup)
    app.command()(restore)


ScopeOpt = Annotated[str, typer.Option("--scope", help="transcription | analysis | sharing")]
DetailOpt = Annotated[Optional[str], typer.Option("--detail", help="Narrow the scope, e.g. entry:12.")]


@consent_app.command("grant")
def consent_grant(client: ClientOpt, scope: ScopeOpt, detail: DetailOpt = None, workspace: WorkspaceOpt = None,
                  db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Record that the client consented to a use of their text."""
    with opened(workspace, db, key_file, user) as ws:
        ws.grant_consent(client, scope, detail)
    out.print(f"Consent to {scope} recorded for {client}")


@consent_app.command("withdraw")
def consent_withdraw(client: ClientOpt, scope: ScopeOpt, detail: DetailOpt = None, workspace: WorkspaceOpt = None,
                     db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Record the withdrawal of a consent; analysers stop running on the client's text."""
    with opened(workspace, db, key_file, user) as ws:
        n = ws.withdraw_consent(client, scope, detail)
    out.print(f"Withdrew {n} consent record(s) to {scope} for {client}")


@consent_app.command("list")
def consent_list(client: ClientOpt, workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
                 user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """What the client agreed to, when, and any withdrawal."""
    with opened(workspace, db, key_file, user) as ws:
        rows = ws.consents(client)
    if as_json:
        emit_json(rows)
        return
    table(f"Consent of {client}", ["scope", "detail", "granted", "withdrawn"],
          [[r["scope"], r["detail"], r["granted_at"], r["withdrawn_at"]] for r in rows])


@notes_app.command("add")
def notes_add(client: ClientOpt, text: Annotated[str, typer.Option(help="The note.")],
              session: SessionNumberOpt = None,
              workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Add a process note (never shown in the portal, exports or analysis unless chosen)."""
    with opened(workspace, db, key_file, user) as ws:
        note = ws.add_note(client, text, session)
    out.print(f"Process note {note['id']} added for {client}")


@notes_app.command("list")
def notes_list(client: ClientOpt, workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
               user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """A client's process notes (therapist only)."""
    with opened(workspace, db, key_file, user) as ws:
        rows = ws.notes(client)
    emit_json(rows) if as_json else table(f"Process notes of {client}", ["id", "written", "session", "author", "note"],
                                          [[r["id"], r["written_at"], r["session"], r["author"], r["text"]] for r in rows])


@safety_app.command("list")
def safety_list(all_tasks: Annotated[bool, typer.Option("--all", help="Include acknowledged tasks.")] = False,
                workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
                as_json: JsonOpt = False) -> None:
    """Open safety tasks across your caseload, most severe first, with their evidence."""
    with opened(workspace, db, key_file, user) as ws:
        rows = ws.safety_tasks(open_only=not all_tasks)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        out.print("No open safety tasks.")
    for t in rows:
        state = f"acknowledged by {t['acknowledged_by']} at {t['acknowledged_at']}" if t["acknowledged_at"] else "OPEN"
        out.print(Text.assemble((f"Task {t['id']}", "bold red"), f" client {t['client']} — {t['category']} "
                                f"({t['evidence'].get('severity_label') or t['severity']}) from {_said_when(t)}; "
                                f"screened {t['created_at'][:16]} — {state}"))
        for q in t["evidence"].get("quotes", []):
            out.print(f"    “{q}”")
        if t["evidence"].get("erased"):
            out.print(f"    (the flagged words were erased with the {t['evidence']['erased']} at "
                      f"{t['evidence'].get('erased_at', '')[:16]})", markup=False)
        if t["evidence"].get("reason"):
            out.print(f"    {t['evidence']['reason']}")


def _said_when(task: dict) -> str:
    """Where and when the flagged words were said or written (the session's date and turn, the entry's date)."""
    ev = task["evidence"]
    if ev.get("turn") is not None:
        return f"session {ev.get('session_number') or '?'} of {ev.get('session_date') or 'unknown date'}, turn {ev['turn']}"
    if ev.get("entry_date"):
        return f"journal entry {task['source_ref']} written {ev['entry_date'][:16]}"
    if ev.get("instrument") and ev.get("session") is not None:
        return f"questionnaire {task['source_ref']} at session {ev['session']}"
    return f"{task['source']} {task['source_ref']}"


@safety_app.command("ack")
def safety_ack(task: Annotated[int, typer.Argument(min=0, max=MAX_INT)],
               by: Annotated[Optional[str], typer.Option("--by", help="Kept for old scripts; not recorded: the "
                                                          "acknowledgement names the acting user (--user).")] = None,
               workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
               as_json: JsonOpt = False) -> None:
    """Acknowledge a safety task as the acting user (who and when are audited)."""
    with opened(workspace, db, key_file, user) as ws:
        result = ws.acknowledge_task(task, by)
    if result.get("note"):
        err.print(f"note: {result['note']}", markup=False)
    emit_json(result) if as_json else out.print(f"Safety task {task} acknowledged by {result['acknowledged_by']} at "
                                                f"{result['acknowledged_at']}", markup=False)


@safety_app.command("plan")
def safety_plan(client: ClientOpt,
                set_from: Annotated[Optional[Path], typer.Option("--set", help="A JSON file with the Stanley-Brown plan's sections.")] = None,
                workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
                as_json: JsonOpt = False) -> None:
    """Show the client's Stanley-Brown safety plan, or set it from a JSON file."""
    from reverie.safety import SafetyPlan
    with opened(workspace, db, key_file, user) as ws:
        if set_from is not None:
            try:
                plan = json.loads(set_from.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise InputError(f"{set_from}: not a readable JSON safety plan ({exc})") from exc
            ws.set_safety_plan(client, plan)
        current = ws.safety_plan(client)
    if as_json:
        emit_json(current)
        return
    if current is None:
        out.print(f"No safety plan for {client} yet. Write one with --set PLAN.json (sections: "
                  + ", ".join(SafetyPlan.__dataclass_fields__) + ").")
        return
    sections = {k: v for k, v in current.items() if k in SafetyPlan.__dataclass_fields__}  # less updated_at/_by
    out.print(SafetyPlan.from_dict(sections).render_text())
    out.print(f"(updated {current['updated_at'][:16]} by {current['updated_by']})")


def erase(client: ClientOpt, yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
          journal_only: Annotated[bool, typer.Option(help="Erase only the client's own journal (allowed under a legal hold).")] = False,
          workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Erase a client: destroy their data key and delete their rows (crypto-shredding)."""
    if not yes:
        raise InputError("erasure cannot be undone", hint="add --yes to confirm")
    with opened(workspace, db, key_file, user) as ws:
        result = ws.erase(client, journal_only)
    out.print(f"Erased {result['erased']} records of {client}")


def hold(client: ClientOpt, reason: Annotated[Optional[str], typer.Option(help="Why records must be kept.")] = None,
         release: Annotated[bool, typer.Option(help="Lift the hold.")] = False,
         workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Place or lift a legal hold: clinical records cannot be erased while it stands."""
    if not release and not reason:
        raise InputError("a legal hold needs --reason", hint="or --release to lift one")
    with opened(workspace, db, key_file, user) as ws:
        ws.hold(client, None if release else reason)
    out.print(f"Legal hold {'lifted' if release else 'placed'} on {client}")


def backup(out_path: Annotated[Path, typer.Option("--out", help="The backup file to write.")],
           force: ForceOpt = False,
           workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
           as_json: JsonOpt = False) -> None:
    """Write an encrypted, consistent snapshot of the workspace (safe while it is in use)."""
    with opened(workspace, db, key_file, user) as ws:
        result = ws.backup(out_path, force=force)
    emit_json(result) if as_json else out.print(f"Backup written to {result['file']} ({result['rows']} rows)")


def restore(file: Path, workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
            user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Fill a new workspace from a backup, after checking it decrypts and verifies.

    Only a workspace that holds no data yet is accepted (exit 2 otherwise): make it with `reverie init` and the
    backed-up workspace's key file or passphrase. Clients erased after the backup was taken are not restored.
    """
    with opened(workspace, db, key_file, user) as ws:
        result = ws.restore(file)
    if as_json:
        emit_json(result)
        return
    out.print(f"Restored {result['rows']} rows from {file}; audit chain verified")
    if result["erased_not_restored"]:
        erased = ", ".join(result["erased_not_restored"])
        out.print(f"Not restored (erased after the backup was taken): {erased}", markup=False)


@audit_app.command("verify")
def audit_verify(workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Check the audit chain and its anchor outside the database; exit 6 on any finding.

    Reports a changed, removed or inserted row, a cut tail or head, a wiped or recreated log and an older
    copy of the database put back, each with where it is.
    """
    with opened(workspace, db, key_file, user) as ws:
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
def audit_show(client: Annotated[Optional[str], typer.Option("--client", "-c", help="Only this client's record.")] = None,
               workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
               as_json: JsonOpt = False) -> None:
    """Who accessed a client's record (or the whole workspace), when and from where."""
    with opened(workspace, db, key_file, user) as ws:
        rows = ws.audit_show(client)
    emit_json(rows) if as_json else table("Audit log", ["id", "at", "actor", "action", "resource", "client", "origin"],
                                          [[r["id"], r["at"][:19], r["actor"], r["action"], r["resource"], r["client"],
                                            r["origin"]] for r in rows])


@keys_app.command("rotate")
def keys_rotate(workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Make a new workspace key and re-wrap every client key with it."""
    with opened(workspace, db, key_file, user) as ws:
        result = ws.rotate_keys()
    out.print(f"Re-wrapped {result['clients']} client keys; new key in {result['key_file']} "
              f"(previous key kept as {result['previous_key']}: destroy it once backups made with it are retired)")


@users_app.command("add")
def users_add(name: str, role: Annotated[str, typer.Option(help="therapist | client | researcher | admin")],
              client: Annotated[Optional[str], typer.Option("--client", help="For a client user: their code (a client "
                                                                              "in your caseload).")] = None,
              admin: Annotated[bool, typer.Option("--admin", help="Also administers the workspace.")] = False,
              workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Add a user: staff accounts by an admin, a client's account by their treating therapist."""
    with opened(workspace, db, key_file, user) as ws:
        ws.add_user(name, role, client, admin)
    out.print(f"Added user {name} ({role})")


@users_app.command("invite")
def users_invite(client: Annotated[str, typer.Option("--client", help="The client's code (in your caseload).")],
                 name: Annotated[Optional[str], typer.Option("--name", help="The client's account (default: their "
                                                             "existing one, else one named after the code).")] = None,
                 hours: Annotated[float, typer.Option(help="Hours until the link expires (at most 720).")] = 72.0,
                 base_url: Annotated[str, typer.Option("--base-url", help="Where `reverie serve` serves the portal.")]
                 = "http://127.0.0.1:8765",
                 workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Invite a client to the portal: prints a one-time link that expires, where they set their password."""
    from reverie.portal import invitation_link
    with opened(workspace, db, key_file, user) as ws:
        inv = ws.invite(client, name, hours)
    link = invitation_link(base_url, inv["token"])
    if as_json:
        emit_json({"link": link, "user": inv["user"], "client": inv["client"], "expires_at": inv["expires_at"]})
        return
    out.print(f"Invitation for {inv['user']} (client {inv['client']}), valid once until {inv['expires_at']} UTC:")
    out.print(link)


@users_app.command("list")
def users_list(workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
               as_json: JsonOpt = False) -> None:
    """The workspace's users."""
    with opened(workspace, db, key_file, user) as ws:
        rows = [u.to_dict() for u in ws.store.users()]
    emit_json(rows) if as_json else table("Users", ["name", "role", "client", "admin"],
                                          [[r["name"], r["role"], r["client_code"], r["is_admin"]] for r in rows])


@users_app.command("passwd")
def users_passwd(name: str,
                 login: Annotated[Optional[str], typer.Option("--login", help="The name to log in with on the web (e.g. an "
                                                                              "e-mail address); the user name also works.")] = None,
                 password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the "
                                                                                       "first line of stdin.")] = False,
                 workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Set a user's web password (Argon2id): your own, staff's as an admin, a client's as their therapist."""
    import sys
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else \
        typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with opened(workspace, db, key_file, user) as ws:
        result = ws.set_password(name, password, login)
    out.print(f"Set the web password of {name}" + (f" (login: {result['login']})" if result["login"] else ""))
