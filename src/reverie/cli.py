"""The ``reverie`` command: parses, calls one library function, prints (rich tables for people, --json for scripts).

Governance commands (consent, safety, erase, audit, keys, backup) live in
``cli_care.py`` and are mounted here.

Text from users (client codes, titles, notes, quotes) is printed as text, never as rich markup: both consoles
have markup and emoji codes switched off, and styled lines are built with ``rich.text.Text``. The exit
statuses are listed in ``EXIT_CODES`` (shown under ``reverie --help``).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reverie.errors import InputError, ReverieError
from reverie.ingest.bounds import MAX_INT

EXIT_CODES = ("Exit codes: 0 done; 1 internal error (--debug shows the trace); 2 bad input or usage, nothing stored; "
              "3 not allowed (access, consent, legal hold); 4 workspace key missing or wrong; 5 database locked, full or "
              "read-only, nothing written; 6 verification failed.")
app = typer.Typer(help="Reverie: a workbench for psychodynamic psychotherapy.", epilog=EXIT_CODES, no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
import_app = typer.Typer(help="Import transcripts, journal entries and exports.", no_args_is_help=True)
show_app = typer.Typer(help="Show one record.", no_args_is_help=True)
analyzers_app = typer.Typer(help="The registered analysers.", no_args_is_help=True)
measures_app = typer.Typer(help="Questionnaires: list, score, record, import.", no_args_is_help=True)
eval_app = typer.Typer(help="Agreement of analysers with human coding.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(show_app, name="show")
app.add_typer(analyzers_app, name="analyzers")
app.add_typer(measures_app, name="measures")
app.add_typer(eval_app, name="eval")

out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
# typer >= 0.22 vendors click: its errors derive from the ClickException that typer.BadParameter derives from
_CLICK_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_debug = {"on": False}

WorkspaceOpt = Annotated[Optional[Path], typer.Option("--workspace", "-w", help="Workspace folder (env REVERIE_WORKSPACE).")]
DbOpt = Annotated[Optional[str], typer.Option("--db", help="Database URL (env REVERIE_DATABASE_URL).")]
KeyOpt = Annotated[Optional[Path], typer.Option("--key-file", help="Workspace key file (env REVERIE_KEY_FILE).")]
UserOpt = Annotated[Optional[str], typer.Option("--user", help="Acting staff user (env REVERIE_USER); a claim, not a "
                                                              "login.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ClientOpt = Annotated[str, typer.Option("--client", "-c", help="The client's code.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file (never the workspace's own files or a key).")]
SessionNumberOpt = Annotated[Optional[int], typer.Option("--session", min=0, max=MAX_INT, help="Session number.")]


@app.callback()
def _global_options(debug: Annotated[bool, typer.Option("--debug", help="Show the Python trace of an unexpected error (for a bug report).")] = False) -> None:
    _debug["on"] = debug


@contextmanager
def opened(workspace: Path | None, db: str | None, key_file: Path | None, user: str | None) -> Iterator[Any]:
    import reverie.workspace as rw
    ws = rw.open(workspace, db=db, key_file=key_file, user=user)
    if ws.user.role == "client":  # --user is a claim by whoever holds the key: never let it speak for a client
        ws.close()
        raise InputError(f"user '{ws.user.name}' is a client: the command line acts only for staff, since --user "
                         "names a user without proving who you are",
                         hint="clients use the web workspace, which authenticates them (see docs/security.md)")
    try:
        yield ws
    finally:
        ws.close()


def emit_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str)) if sys.stdout.isatty() else \
        print(json.dumps(data, ensure_ascii=False, default=str, indent=1))


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A rich table whose title and cells are plain text: a client code like ``[/]`` prints as typed."""
    t = Table(title=Text(title), title_justify="left")
    for c in columns:
        t.add_column(Text(c))
    for r in rows:
        t.add_row(*[v if isinstance(v, Text) else Text("" if v is None else str(v)) for v in r])
    out.print(t)


def parse_date(value: str | None) -> Date | None:
    if value is None:
        return None
    try:
        return Date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--date '{value}' is not a date", hint="use YYYY-MM-DD") from None


# ----- workspace and records ---------------------------------------------------------------------------------
@app.command()
def init(workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
         passphrase: Annotated[bool, typer.Option("--passphrase", help="Derive the key from a passphrase (prompted, or from REVERIE_PASSPHRASE).")] = False,
         user: Annotated[str, typer.Option("--user", help="Name of the first user (a therapist who administers the workspace).")] = "therapist",
         jurisdiction: Annotated[Optional[str], typer.Option(help="Jurisdiction profile: none, us-il.")] = None,
         locale: Annotated[Optional[str], typer.Option(help="Default locale for crisis contacts, e.g. en-GB.")] = None,
         as_json: JsonOpt = False) -> None:
    """Create a workspace: database, schema, key file (mode 0600, outside the workspace) and the first user."""
    import os

    import reverie.workspace as rw
    phrase = None
    if passphrase:
        phrase = os.environ.get("REVERIE_PASSPHRASE") or typer.prompt("Passphrase", hide_input=True, confirmation_prompt=True)
    ws = rw.init(workspace, db=db, key_file=key_file, passphrase=phrase, user=user, jurisdiction=jurisdiction, locale=locale)
    info = {"workspace": str(ws.settings.workspace), "created": ws.created, "user": ws.user.name,
            "key_file": str(ws.key_path) if ws.key_path else None, "database": ws.settings.db_url.split("://")[0]}
    ws.close()
    if as_json:
        emit_json(info)
        return
    out.print(f"{'Created' if info['created'] else 'Already initialised:'} workspace {info['workspace']} "
              f"(user {info['user']}, {info['database']})")
    if info["key_file"]:
        out.print(f"Key file: {info['key_file']} — back it up apart from the workspace; without it the data cannot be read.")


@import_app.command("transcript")
def import_transcript(file: Path, client: ClientOpt, date: Annotated[Optional[str], typer.Option(help="Session date YYYY-MM-DD.")] = None,
                      fmt: Annotated[str, typer.Option("--format", help="auto|text|vtt|srt|sbv|otter|rev|json|jsonl|csv")] = "auto",
                      therapist_label: Annotated[Optional[str], typer.Option(help="Speaker label used for the therapist.")] = None,
                      client_label: Annotated[Optional[str], typer.Option(help="Speaker label used for the client.")] = None,
                      number: Annotated[Optional[int], typer.Option(min=0, max=MAX_INT, help="Session number (default: the next one).")] = None,
                      encoding: Annotated[Optional[str], typer.Option(help="The file's encoding, e.g. utf-16 or cp1252 (default: detected).")] = None,
                      workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
                      as_json: JsonOpt = False) -> None:
    """Import a session transcript (text with speaker labels, WebVTT, SRT, SBV, Otter/Rev exports, JSON/JSONL, CSV)."""
    with opened(workspace, db, key_file, user) as ws:
        result = ws.import_transcript(file, client, date=parse_date(date), fmt=fmt, therapist_label=therapist_label,
                                      client_label=client_label, number=number, encoding=encoding)
    if as_json:
        emit_json(result)
        return
    for note in result["notes"]:
        err.print(f"note: {note}")
    for s in result["sessions"]:
        out.print(f"{'Already stored' if result['duplicate'] else 'Imported'} session {s['id']} (client {s['client']}, "
                  f"number {s['number']}): {s['utterances']} utterances, {s['client_words']} client words, "
                  f"{s['therapist_words']} therapist words")


@import_app.command("entries")
def import_entries(file: Path, client: ClientOpt, workspace: WorkspaceOpt = None, db: DbOpt = None,
                   key_file: KeyOpt = None, user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Import journal entries (JSONL or CSV: written_at,kind,title,text)."""
    with opened(workspace, db, key_file, user) as ws:
        result = ws.import_entries(file, client)
    if as_json:
        emit_json(result)
        return
    dup = sum(1 for e in result["entries"] if e["duplicate"])
    out.print(f"Imported {result['imported']} journal entries for {client}" + (f" ({dup} already stored)" if dup else ""))
    for f in result["safety"]:
        out.print(Text.assemble((f"Safety task {f['task']}", "bold red"), f" opened: {f['category']} ({f['severity']}) — "
                                f"\"{'; '.join(f['quotes'])}\""))


@import_app.command("workspace-export")
def import_workspace_export(path: Path, workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
                            user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Bring back a client from `reverie export --format json`."""
    with opened(workspace, db, key_file, user) as ws:
        result = ws.import_export(path)
    emit_json(result) if as_json else out.print(
        f"Imported client {result['client']}: {result['sessions']} sessions, {result['entries']} entries, "
        f"{result['responses']} questionnaire responses")


@app.command()
def clients(workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
            as_json: JsonOpt = False) -> None:
    """List the clients you can see."""
    with opened(workspace, db, key_file, user) as ws:
        rows = ws.clients()
    if as_json:
        emit_json(rows)
        return
    table("Clients", ["code", "open safety tasks", "therapist", "sessions", "entries", "responses", "hold"],
          [[r["code"], r["open_safety_tasks"] or "", r["therapist"], r["sessions"], r["entries"], r["responses"],
            "yes" if r["hold"] else ""] for r in rows])


@app.command()
def sessions(client: ClientOpt, workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
             user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """List a client's sessions."""
    with opened(workspace, db, key_file, user) as ws:
        rows = ws.sessions(client)
    if as_json:
        emit_json(rows)
        return
    table(f"Sessions of {client}", ["id", "number", "label", "date", "utterances", "client words", "therapist words", "minutes"],
          [[r["id"], r["number"], Text(r.get("label") or ""), r["date"], r["utterances"], r["client_words"], r["therapist_words"],
            f"{r['duration'] / 60:.1f}" if r["duration"] else ""] for r in rows])


@app.command()
def entries(client: ClientOpt, workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
            user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """List the journal entries you may read (a therapist sees only those the client shared)."""
    with opened(workspace, db, key_file, user) as ws:
        rows = [e.to_dict() for e in ws.entries(client)]
    if as_json:
        emit_json(rows)
        return
    table(f"Journal of {client}", ["id", "written", "kind", "title", "words"],
          [[r["id"], r["written_at"][:16], r["kind"], r["title"], len(r["text"].split())] for r in rows])


@show_app.command("session")
def show_session(session_id: Annotated[int, typer.Argument(min=0, max=MAX_INT)], annotations: Annotated[bool, typer.Option("--annotations", help="Show the markers beside each utterance.")] = False,
                 workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Show a session's utterances (speaker, text, times, markers), optionally with the analysers' markers."""
    from reverie.views import render_session
    with opened(workspace, db, key_file, user) as ws:
        if annotations:
            analysis = ws.analyze(session_id=session_id)
            data = analysis["sessions"][0]
        else:
            s = ws.session(session_id)
            data = {"id": s.id, "client": s.client, "number": s.number, "label": s.label,
                    "date": s.date.isoformat() if s.date else None,
                    "duration": s.duration, "utterances": [u.to_dict() for u in s.utterances]}
    emit_json(data) if as_json else render_session(out, data, annotations)


@app.command()
def export(client: ClientOpt, fmt: Annotated[str, typer.Option("--format", help="json|csv|fhir")] = "json",
           out_path: Annotated[Path, typer.Option("--out", help="Output file (json, fhir) or folder (csv).")] = Path("export.json"),
           include_process_notes: Annotated[bool, typer.Option(help="Include psychotherapy (process) notes.")] = False,
           force: ForceOpt = False,
           workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Export everything a client provided (transcripts, journal, questionnaires), machine-readable."""
    with opened(workspace, db, key_file, user) as ws:
        path = ws.export(client, fmt, out_path, include_process_notes, force=force)
    out.print(f"Wrote {fmt} export of {client} to {path}")


@app.command()
def demo(workspace: WorkspaceOpt = None, no_serve: Annotated[bool, typer.Option("--no-serve", help="Build and report only.")] = False,
         key_file: KeyOpt = None,
         password: Annotated[Optional[str], typer.Option("--password", help="Password of both demo accounts "
                                                                            "(default: generated and printed once).")] = None,
         host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
         port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to serve on.")] = 8765) -> None:
    """Build a fresh demo workspace (default ./reverie-demo) from the fictional demo case, analyse it, report it and
    serve it with two web accounts (therapist@demo.local, client@demo.local).

    Only a folder the demo built is rebuilt; a folder holding any other workspace is refused.
    """
    from reverie.demo_build import DEFAULT_FOLDER, build_demo
    folder = workspace or Path(DEFAULT_FOLDER)
    result = build_demo(folder, key_file=key_file, progress=lambda msg: err.print(msg, style="dim"), password=password)
    out.print(result["summary"])
    out.print(f"Case report: {result['report']}")
    if accounts := result.get("accounts"):
        out.print(f"Web accounts: {accounts['therapist']} (therapist) and {accounts['client']} (client), "
                  f"password: {accounts['password']}")
    if not no_serve:
        from reverie.web.serve import serve as run_server
        run_server(folder, None, key_file, host, port, say=lambda m: err.print(m))


@app.command()
def serve(host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
          secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")] = False,
          workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None) -> None:
    """Serve the web workspace and the client portal (http://127.0.0.1:8765 by default)."""
    from reverie.web.serve import serve as run_server
    run_server(workspace, db, key_file, host, port, secure_cookies, say=lambda m: err.print(m))


# ----- analysis ------------------------------------------------------------------------------------------------
@analyzers_app.command("list")
def analyzers_list(as_json: JsonOpt = False) -> None:
    """Show the registered analysers, their versions, fields and settings."""
    from reverie.analysis.base import REGISTRY
    rows = REGISTRY.describe()
    if as_json:
        emit_json(rows)
        return
    table("Analysers", ["name", "version", "level", "roles", "fields", "settings"],
          [[r["name"], r["version"], r["level"], ",".join(r["roles"]), ", ".join(r["fields"]), ", ".join(r["settings"])]
           for r in rows])


def _progress_bar() -> Any:
    from rich.progress import BarColumn, Progress, TextColumn
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   console=err, transient=True)
    tasks: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total)
        bar.update(tasks[name], completed=done)
    return bar, update


@app.command()
def analyze(file: Annotated[Optional[Path], typer.Argument(help="A transcript file to analyse without storing it.")] = None,
            client: Annotated[Optional[str], typer.Option("--client", "-c", help="Analyse a client's sessions and journal.")] = None,
            session: Annotated[Optional[int], typer.Option("--session", min=0, max=MAX_INT, help="Analyse one stored session.")] = None,
            fmt: Annotated[str, typer.Option("--format", help="Format of FILE.")] = "auto",
            analyzers: Annotated[Optional[str], typer.Option("--analyzers", help="Comma-separated analyser names (default all).")] = None,
            wrad: Annotated[Optional[Path], typer.Option("--wrad", help="A user-supplied WRAD weight file for `referential`.")] = None,
            therapist_label: Annotated[Optional[str], typer.Option(help="Speaker label of the therapist in FILE.")] = None,
            client_label: Annotated[Optional[str], typer.Option(help="Speaker label of the client in FILE.")] = None,
            workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
            as_json: JsonOpt = False) -> None:
    """Annotate sessions with every analyser's markers (stored for --client/--session; nothing stored for FILE)."""
    from reverie.views import render_analysis
    names = [n.strip() for n in analyzers.split(",") if n.strip()] if analyzers else None
    settings = {"referential": {"wrad": str(wrad)}} if wrad else None
    bar, update = _progress_bar()
    with bar:
        if file is not None:
            from reverie.settings import resolve
            from reverie.workspace import analyze_file
            result = analyze_file(file, fmt, names, therapist_label, client_label, settings, update,
                                  jurisdiction=resolve(workspace=workspace).jurisdiction)
        elif client is None and session is None:
            raise InputError("give a transcript FILE, --client CODE or --session ID")
        else:
            with opened(workspace, db, key_file, user) as ws:
                result = ws.analyze(client=client, session_id=session, analyzers=names, settings=settings, progress=update)
    emit_json(result) if as_json else render_analysis(out, result)


@app.command()
def patterns(file: Annotated[Optional[Path], typer.Argument(help="A transcript or journal file (nothing stored).")] = None,
             client: Annotated[Optional[str], typer.Option("--client", "-c", help="A client's sessions and journal.")] = None,
             names: Annotated[Optional[str], typer.Option(help="Known figures, e.g. 'Margaret=boss,Jonah=partner'.")] = None,
             fmt: Annotated[str, typer.Option("--format", help="Format of a transcript FILE.")] = "auto",
             therapist_label: Annotated[Optional[str], typer.Option(help="Speaker label of the therapist in FILE.")] = None,
             client_label: Annotated[Optional[str], typer.Option(help="Speaker label of the client in FILE.")] = None,
             workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
             as_json: JsonOpt = False) -> None:
    """Relationship episodes (CCRT): wish, response of other and of self, the CCRT, and patterns replayed with several figures."""
    from reverie.relational_ops import parse_names, patterns_file, render_patterns
    known = parse_names(names)
    if file is not None:
        result = patterns_file(file, fmt, therapist_label, client_label, known)
    elif client is None:
        raise InputError("give a transcript or journal FILE or --client CODE")
    else:
        with opened(workspace, db, key_file, user) as ws:
            result = ws.patterns(client, known)
    emit_json(result) if as_json else render_patterns(out, result)


@app.command()
def themes(file: Annotated[Optional[Path], typer.Argument(help="A transcript or journal file (nothing stored).")] = None,
           client: Annotated[Optional[str], typer.Option("--client", "-c", help="A client's sessions and journal.")] = None,
           fmt: Annotated[str, typer.Option("--format", help="Format of a transcript FILE.")] = "auto",
           therapist_label: Annotated[Optional[str], typer.Option(help="Speaker label of the therapist in FILE.")] = None,
           client_label: Annotated[Optional[str], typer.Option(help="Speaker label of the client in FILE.")] = None,
           workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
           as_json: JsonOpt = False) -> None:
    """Recurring themes across sessions and journal: their words, timeline, and themes that return or stay in the journal."""
    from reverie.themes_ops import render_themes, themes_file
    if file is not None:
        result = themes_file(file, fmt, therapist_label, client_label)
    elif client is None:
        raise InputError("give a transcript or journal FILE or --client CODE")
    else:
        with opened(workspace, db, key_file, user) as ws:
            result = ws.themes(client)
    emit_json(result) if as_json else render_themes(out, result)


# ----- measures and progress ---------------------------------------------------------------------------------
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
def measures_record(instrument: str, client: ClientOpt, answers: Annotated[str, typer.Option(help="Comma-separated answers.")],
                    session: SessionNumberOpt = None,
                    date: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
                    workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
                    as_json: JsonOpt = False) -> None:
    """Record a client's answers to a questionnaire."""
    from reverie.measures.scoring import parse_answers
    with opened(workspace, db, key_file, user) as ws:
        result = ws.record_response(client, instrument, parse_answers(answers), session, parse_date(date))
    if as_json:
        emit_json(result)
        return
    _print_score(result)
    for f in result["safety"]:
        out.print(Text.assemble((f"Safety task {f['task']}", "bold red"), f" opened for the therapist: {'; '.join(f['quotes'])}"))


@measures_app.command("import")
def measures_import(file: Path, client: ClientOpt, workspace: WorkspaceOpt = None, db: DbOpt = None,
                    key_file: KeyOpt = None, user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Import questionnaire answers (CSV date,session,instrument,answers, or FHIR QuestionnaireResponse JSON)."""
    with opened(workspace, db, key_file, user) as ws:
        result = ws.import_responses(file, client)
    emit_json(result) if as_json else out.print(
        f"Imported {result['imported']} responses for {client} ({result['duplicate']} already stored); "
        f"{len(result['safety'])} safety flags")


@app.command()
def progress(client: ClientOpt, plot: Annotated[Optional[Path], typer.Option(help="Write the progress plot (.png or .svg).")] = None,
             force: ForceOpt = False,
             workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None,
             as_json: JsonOpt = False) -> None:
    """Feeling better vs getting better, session by session, with reliable change and sudden gains."""
    from reverie.outputs import check_target
    from reverie.views import render_progress
    with opened(workspace, db, key_file, user) as ws:
        if plot is not None:
            check_target(plot, force=force, protected=ws.protected())
        result = ws.case_progress(client)
        if plot is not None:
            ws.write_plot(result, plot, force=force)
    emit_json(result) if as_json else render_progress(out, result)
    if plot is not None and not as_json:
        out.print(f"Plot: {plot}")


@app.command()
def report(client: ClientOpt, out_path: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path("report.html"),
           force: ForceOpt = False,
           workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None, user: UserOpt = None) -> None:
    """Write a self-contained HTML case report."""
    with opened(workspace, db, key_file, user) as ws:
        path = ws.report(client, out_path, force=force)
    out.print(f"Wrote case report {path}")


@app.command()
def dreams(client: ClientOpt, plot: Annotated[Optional[Path], typer.Option(help="Write the h-profile chart (.png or .svg).")] = None,
           force: ForceOpt = False, workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None,
           user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """A client's dreams coded with Hall & Van de Castle, the indicators and the h-profile against the norms."""
    from reverie.outputs import check_target
    from reverie.reports.dream_plot import chart_format, plot_h_profile
    from reverie.views import render_dreams
    with opened(workspace, db, key_file, user) as ws:
        if plot is not None:  # checked before any work, like every output
            chart_format(plot)
            check_target(plot, force=force, protected=ws.protected())
        result = ws.dreams(client)
        if plot is not None:
            plot_h_profile(result, plot, force=force, protected=ws.protected())
    emit_json(result) if as_json else render_dreams(out, result)
    if plot is not None and not as_json:
        out.print(f"Chart: {plot}")


# ----- evaluation --------------------------------------------------------------------------------------------
EvalEngineOpt = Annotated[Optional[str], typer.Option("--engine", help="Annotate through the corpus engine: local or dask (default: in this process).")]
EvalWorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=512, help="Worker processes for --engine.")]
EvalSchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="A running Dask scheduler's address, with --engine dask.")]


@eval_app.command("defenses")
def eval_defenses(data: Annotated[Path, typer.Option("--data", help="JSON array in the PsyDefConv format.")], as_json: JsonOpt = False,
                  engine: EvalEngineOpt = None, workers: EvalWorkersOpt = 1, scheduler: EvalSchedulerOpt = None) -> None:
    """Agreement of the defenses analyser with expert DMRS coding."""
    from reverie.batch.scaled import scaled
    from reverie.evaluation.defenses import evaluate, format_report, load_rows
    result = evaluate(load_rows(data), scaled("defenses", engine, workers, scheduler))
    emit_json(result) if as_json else out.print(format_report(result))


@eval_app.command("risk")
def eval_risk(data: Annotated[Optional[Path], typer.Option("--data", help='JSONL of {"text", "label"}.')] = None,
              sessions: Annotated[Optional[list[Path]], typer.Option("--sessions", metavar="FILE", help="Transcripts to screen turn by turn (more may follow).")] = None,
              more: Annotated[Optional[list[Path]], typer.Argument(metavar="FILE", help="More transcripts for --sessions.", show_default=False)] = None,
              risk_free: Annotated[Optional[list[Path]], typer.Option("--risk-free", metavar="FILE", help="A transcript you mark as risk-free (repeatable).")] = None,
              at_risk: Annotated[Optional[list[Path]], typer.Option("--at-risk", metavar="FILE", help="A transcript you mark as holding risk (repeatable).")] = None,
              as_json: JsonOpt = False, engine: EvalEngineOpt = None, workers: EvalWorkersOpt = 1,
              scheduler: EvalSchedulerOpt = None) -> None:
    """Recall and precision of the risk analyser against labelled texts; tasks and false alarms on transcripts."""
    from reverie.batch.scaled import scaled
    from reverie.evaluation import risk as ev
    files = list(sessions or []) + list(more or [])
    if data is None and not (files or risk_free or at_risk):
        raise InputError("nothing to evaluate", hint="give --data FILE (labelled texts) and/or --sessions FILE...")
    result = ev.evaluate(ev.load_rows(data), scaled("risk", engine, workers, scheduler)) if data is not None else None
    screen = ev.evaluate_sessions(files, risk_free or [], at_risk or []) if files or risk_free or at_risk else None
    if as_json:
        emit_json({**result, "session_screen": screen} if result and screen else result or screen)
        return
    if result:
        out.print(ev.format_report(result))
    if screen:
        out.print(ev.format_sessions_report(screen))


@eval_app.command("dreams")
def eval_dreams(data: Annotated[Path, typer.Option("--data", help="A DreamBank XML file with human HVdC codings.")],
                exclude: Annotated[Optional[str], typer.Option("--exclude", help="Comma-separated collection ids to leave out (e.g. partly coded ones).")] = None,
                as_json: JsonOpt = False) -> None:
    """Agreement of the dreams analyser with human Hall & Van de Castle coding."""
    from reverie.evaluation.dreams import evaluate, format_report, load_dreams
    left_out = {c.strip() for c in (exclude or "").split(",") if c.strip()}
    dreams = [d for d in load_dreams(data) if d.collection not in left_out]
    if not dreams:
        raise InputError(f"--exclude leaves no dream of {data} to compare", hint="name fewer collections")
    result = evaluate(dreams)
    emit_json(result) if as_json else out.print(format_report(result), markup=False)


@eval_app.command("patterns")
def eval_patterns(data: Annotated[Path, typer.Option("--data", help='JSONL of {"text", "object", "W", "RO", "RS"}.')],
                  split: Annotated[Optional[str], typer.Option(help="Only rows whose 'split' field is this.")] = None,
                  as_json: JsonOpt = False) -> None:
    """Episode detection, object accuracy and CCRT agreement (Cohen's kappa) of the relational analyser."""
    from reverie.evaluation.patterns import evaluate, format_report, load_rows
    result = evaluate(load_rows(data, split))
    emit_json(result) if as_json else out.print(format_report(result))


@eval_app.command("interventions")
def eval_interventions(data: Annotated[Path, typer.Option("--data", help='JSONL of {"text", "previous", "label"}.')],
                       split: Annotated[str | None, typer.Option("--split", help='Only rows with this "split" value.')] = None,
                       as_json: JsonOpt = False) -> None:
    """Per-label precision, recall and F1 of the dialogue analyser's therapist interventions."""
    from reverie.evaluation.interventions import evaluate, format_report, load_rows
    result = evaluate(load_rows(data, split))
    emit_json(result) if as_json else out.print(format_report(result))


def _mount_care() -> None:
    from reverie import cli_care
    cli_care.mount(app)


_mount_care()


def _mount_corpus() -> None:
    from reverie import cli_corpus
    cli_corpus.mount(app)


_mount_corpus()


def main(argv: list[str] | None = None) -> int:
    """Entry point: no traceback reaches a user unless they ask for it with ``--debug``.

    Usage errors print the usage and exit 2; expected errors print their message and hint and exit with their
    status (2 for bad input); anything unexpected prints one line and exits 1.
    """
    _debug["on"] = False
    try:
        code = app(args=argv, standalone_mode=False, prog_name="reverie")  # a typer.Exit comes back as its code
    except ReverieError as exc:
        _trace()
        err.print(Text.assemble(("error:", "bold red"), f" {exc.message}"))
        if exc.hint:
            err.print(f"  hint: {exc.hint}")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("aborted")
        return 1
    except KeyboardInterrupt:
        err.print("interrupted: nothing more was done")
        return 130
    except _CLICK_ERROR as exc:  # a mistyped command or option: the usage and what was wrong
        exc.show()
        return exc.exit_code
    except Exception as exc:
        _trace()
        err.print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the trace)")
        return 1
    return code if isinstance(code, int) else 0


def _trace() -> None:
    if _debug["on"]:
        import traceback
        traceback.print_exc()


def run() -> None:
    sys.exit(main())
