"""The Python API: ``reverie.open(path)`` gives a ``Workspace`` that wires ingest, store, analysis and measures.

The CLI and the web app are thin faces over this module; nothing below it
imports it. Every call acts as one user and goes through the scoped, audited,
encrypting store.
"""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Callable, Sequence
from datetime import date as Date
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy import select

from reverie import ingest
from reverie.analysis.base import REGISTRY, BaseAnalyzer, TextUnit, settings_digest, switched_off
from reverie.analysis.results import analyse
from reverie.domain import Client, Entry, Response, Session, User
from reverie.errors import AccessDenied, ConsentRequired, InputError, NotFoundError, WorkspaceKeyError
from reverie.ingest.bounds import MAX_INT
from reverie.settings import CONFIG_FILE, Settings, resolve, write_config
from reverie.store import Database, Store, crypto, upgrade
from reverie.store.anchor import Anchor
from reverie.store.db import create_sqlite_file, has_schema, sqlite_file
from reverie.store.tables import Meta, UserRow
from reverie.portal import PortalOps
from reverie.workspace_ops import WorkspaceOps

ProgressFn = Callable[[str, int, int], None]
ATTESTED_ON_IMPORT = ("transcription", "analysis")


# ----- opening and creating ------------------------------------------------------------------------------
def _workspace_key(settings: Settings, db: Database, creating: bool) -> tuple[bytes, Path | None, bytes | None]:
    """The workspace key: from the passphrase (scrypt; its salt kept in meta) or from the key file (made on init).

    Returns the key, the key file's path (None for a passphrase) and, when creating with a passphrase, the new salt.
    """
    if settings.passphrase:
        settings.key_source = "passphrase"
        if creating:
            salt = os.urandom(16)
            return crypto.derive_from_passphrase(settings.passphrase, salt), None, salt
        salt = db.transaction(lambda s: (row.value if (row := s.get(Meta, "kdf_salt")) else None))
        if salt is None:
            raise WorkspaceKeyError("this workspace was not created with a passphrase", hint="use its key file")
        return crypto.derive_from_passphrase(settings.passphrase, salt), None, None
    path = _key_path(settings)
    if creating and not path.exists():
        crypto.write_key_file(path, crypto.new_key())
    return crypto.read_key_file(path), path, None


def _key_path(settings: Settings) -> Path:
    return settings.key_file or crypto.default_key_dir() / f"{settings.workspace_id}.key"


def _refusals(settings: Settings) -> None:
    """Everything that makes init refuse, checked before it makes anything (a refused init leaves nothing)."""
    folder = settings.workspace
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file, not a folder", hint="choose another --workspace folder")
    if settings.passphrase:
        return
    path = _key_path(settings)
    workspace = folder.resolve()
    if workspace == path.resolve().parent or workspace in path.resolve().parents:
        raise InputError(f"the key file {path} lies inside the workspace folder",
                         hint="keep the key apart from the database, e.g. under ~/.config/reverie/")
    if path.exists():
        crypto.read_key_file(path)  # an existing key file must be private and hold a key


def _missing_folders(folder: Path) -> list[Path]:
    """The folders, deepest first, that creating ``folder`` would make."""
    return [p for p in (folder, *folder.parents) if not p.exists()]


def _to_make(settings: Settings, db_file: Path | None) -> tuple[list[Path], list[Path]]:
    """The files and folders init is about to make (none there yet), so that a failed init can remove them."""
    files = [settings.workspace / CONFIG_FILE]
    folders = _missing_folders(settings.workspace)
    if db_file is not None:
        files += [db_file.with_name(db_file.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    if not settings.passphrase:
        files.append(_key_path(settings))
        folders += _missing_folders(_key_path(settings).parent)
    return [f for f in files if not f.exists()], folders


def _undo(made_files: list[Path], made_folders: list[Path]) -> None:
    """Remove what a failed init made: its files, then its folders if nothing else has appeared in them."""
    for f in made_files:
        with suppress(OSError):
            f.unlink()
    for d in made_folders:
        with suppress(OSError):
            d.rmdir()


def init(workspace: str | Path | None = None, *, db: str | None = None, key_file: str | Path | None = None,
         passphrase: str | None = None, user: str = "therapist", jurisdiction: str | None = None,
         locale: str | None = None) -> Workspace:
    """Create a workspace (folder, schema, keys, the first user: a therapist who also administers it).

    Every refusal is checked before anything is made, and a failure part-way removes what this call made
    (SQLite; a PostgreSQL schema is left, and a later init finishes it).
    """
    settings = resolve(workspace=workspace, db=db, key_file=key_file, passphrase=passphrase, user=user,
                       jurisdiction=jurisdiction, locale=locale)
    db_file = sqlite_file(settings.db_url)
    if db_file is None or db_file.exists():
        database = Database(settings.db_url)
        done = has_schema(database.engine) and database.transaction(lambda s: s.get(Meta, "key_check")) is not None
        database.dispose()
        if done:
            ws = open(settings.workspace, db=db, key_file=key_file, passphrase=passphrase, user=None)
            ws.created = False
            return ws
    settings.workspace_id = settings.workspace_id or uuid.uuid4().hex[:12]
    _refusals(settings)
    made_files, made_folders = _to_make(settings, db_file)
    database = None
    try:
        settings.workspace.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_sqlite_file(settings.db_url)
        database = Database(settings.db_url)
        upgrade(database.engine)
        key, key_path, salt = _workspace_key(settings, database, creating=True)
        actor = settings.user or "therapist"

        def bootstrap(s: Any) -> None:
            from reverie.store.repository import now
            s.add(Meta(key="workspace_id", value=settings.workspace_id.encode()))
            s.add(Meta(key="key_check", value=crypto.make_key_check(key)))
            s.add(Meta(key="audit_key", value=crypto.encrypt(key, crypto.new_key(), b"audit-key")))
            if salt is not None:
                s.add(Meta(key="kdf_salt", value=salt))
            s.add(UserRow(name=actor, role="therapist", is_admin=True, created_at=now()))

        database.transaction(bootstrap)
        write_config(settings.workspace, {
            "workspace_id": settings.workspace_id, "key_source": settings.key_source, "default_user": actor,
            "jurisdiction": settings.jurisdiction, "locale": settings.locale,
            **({"db": _without_password(db)} if db else {}),
        })
        ws = Workspace(settings, database, key, User(actor, "therapist", None, True), key_path)
        ws.store.audit_event("init", "workspace", f"created by {actor}")
    except BaseException:
        if database is not None:
            database.dispose()
        _undo(made_files, made_folders)
        raise
    ws.created = True
    return ws


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True).replace(":***@", "@")


def open(workspace: str | Path | None = None, *, db: str | None = None, key_file: str | Path | None = None,  # noqa: A001
         passphrase: str | None = None, user: str | None = None, origin: str = "") -> Workspace:
    """Open an existing workspace as a user; a wrong key or an unknown user is refused before anything is read."""
    settings = resolve(workspace=workspace, db=db, key_file=key_file, passphrase=passphrase, user=user)
    db_file = sqlite_file(settings.db_url)
    if db_file is not None and not db_file.exists():  # connecting would create an empty database file
        raise NotFoundError(f"no Reverie workspace at {settings.workspace}", hint="run `reverie init` first")
    database = Database(settings.db_url)
    if not has_schema(database.engine):
        database.dispose()
        raise NotFoundError(f"no Reverie workspace at {settings.workspace}", hint="run `reverie init` first")
    check = database.transaction(lambda s: (row.value if (row := s.get(Meta, "key_check")) else None))
    if check is None:
        database.dispose()
        raise NotFoundError(f"the workspace at {settings.workspace} was never finished (`reverie init` stopped)",
                            hint="run `reverie init` again with the same options")
    if settings.workspace_id is None:
        settings.workspace_id = database.transaction(lambda s: s.get(Meta, "workspace_id").value.decode())
    key, key_path, _ = _workspace_key(settings, database, creating=False)
    crypto.verify_key(key, check)
    migrated = upgrade(database.engine)  # only once the key is known to be right: a wrong key changes nothing
    name = settings.user or "therapist"
    row = database.transaction(lambda s: s.scalar(select(UserRow).where(UserRow.name == name)))
    if row is None:
        raise AccessDenied(f"no user named '{name}' in this workspace", hint="pass --user NAME or set REVERIE_USER")
    ws = Workspace(settings, database, key, _actor(database, row), key_path, origin)
    if migrated:
        ws.store.seal_legacy_text()
    return ws


def _actor(database: Database, row: UserRow) -> User:
    """The acting user; a client user acts for the record they are bound to (by id), and for none once it is erased."""
    if row.role != "client":
        return User(row.name, row.role, None, row.is_admin, row.id)
    from reverie.store.tables import ClientRow
    code = database.transaction(lambda s: (c.code if row.client_id and (c := s.get(ClientRow, row.client_id)) else None))
    if code is None:
        raise AccessDenied(f"user '{row.name}' is bound to no client record (it was erased)",
                           hint="the treating therapist can create a new account for the client")
    return User(row.name, row.role, code, False, row.id, row.client_id)


class Workspace(WorkspaceOps, PortalOps):
    """One workspace as seen by one user: the calls the CLI, the web app and scripts make."""

    def __init__(self, settings: Settings, db: Database, key: bytes, actor: User, key_path: Path | None = None,
                 origin: str = ""):
        self.settings = settings
        self.db = db
        self.key_path = key_path
        self.store = Store(db, key, actor, origin)
        self.store.anchor = Anchor(key_path.parent if key_path else crypto.default_key_dir(), settings.workspace_id)
        self.created = False

    @property
    def user(self) -> User:
        return self.store.actor

    def acting_as(self, actor: User, origin: str = "") -> Workspace:
        """This open workspace as another, already authenticated user (the web app's per-request view): cheap, it
        shares the engine, keys and caches; every call still goes through the scoped, audited store."""
        view = copy.copy(self)
        view.store = self.store.acting_as(actor, origin)
        return view

    # ----- web accounts (reverie.accounts) ---------------------------------------------------------------
    def set_password(self, name: str, password: str, login: str | None = None) -> dict[str, Any]:
        """Set a user's web password (Argon2id) and optional login alias; audited."""
        from reverie.accounts import Accounts
        return Accounts(self).set_password(self.user, name, password, login)

    def verify_login(self, login: str, password: str, code: str | None = None) -> User:
        """The user a login, password (and TOTP code) belong to; AccessDenied otherwise. Audited, rate-limited."""
        from reverie.accounts import Accounts
        return Accounts(self).verify(login, password, code)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- clients and records ---------------------------------------------------------------------------
    def add_client(self, code: str, **profile: Any) -> Client:
        return self.store.add_client(Client(code, **profile))

    def clients(self) -> list[dict[str, Any]]:
        return self.store.clients()

    def sessions(self, client: str) -> list[dict[str, Any]]:
        return self.store.sessions(client)

    def session(self, session_id: int) -> Session:
        return self.store.session(session_id)

    def entries(self, client: str) -> list[Entry]:
        return self.store.entries(client)

    def _require_consent(self, code: str, scope: str) -> None:
        if not self.store.has_consent(code, scope):
            raise ConsentRequired(f"client '{code}' has no active consent to {scope}",
                                  hint=f"record it with `reverie consent grant --client {code} --scope {scope}`")

    def import_transcript(self, path: str | Path, client: str, date: Date | None = None, fmt: str = "auto",
                          therapist_label: str | None = None, client_label: str | None = None,
                          number: int | None = None, encoding: str | None = None,
                          data: bytes | None = None) -> dict[str, Any]:
        """Read a transcript file and store its sessions in one transaction (a second import is a no-op).

        With ``data`` (an upload) the bytes are read and ``path`` only names the file."""
        transcript = ingest.read_transcript(path, client=client, fmt=fmt, therapist_label=therapist_label,
                                            client_label=client_label, encoding=encoding, data=data)
        if number is not None and not 0 <= number <= MAX_INT:
            raise InputError(f"session number {number} is out of range", hint=f"use 0 to {MAX_INT}")
        if (date is not None or number is not None) and len(transcript.sessions) > 1:
            raise InputError(f"{path} holds {len(transcript.sessions)} sessions: --date/--number apply to one session")
        for s in transcript.sessions:
            s.client = client
            s.source = Path(path).name
            if date is not None:
                s.date = date
            if number is not None:
                s.number = number
            elif transcript.numbered_by_order:
                s.number = None  # places in the file, not the case's numbers: append after the client's sessions

        def store() -> list[tuple[dict[str, Any], bool]]:
            # a client first met through an import gets the importing therapist's attestation of consent, in the
            # import's own transaction: a refused import leaves neither the client nor the attestation behind
            self.store.ensure_client(client, attest_consents=ATTESTED_ON_IMPORT)
            self._require_consent(client, "transcription")
            return self.store.add_sessions(client, transcript.sessions)
        stored = self.store.atomic(store)
        return {
            "sessions": [meta for meta, _dup in stored],
            "duplicate": all(dup for _s, dup in stored),
            "format": transcript.format,
            "notes": transcript.notes,
        }

    def import_entries(self, path: str | Path, client: str) -> dict[str, Any]:
        entries = ingest.read_entries(path, client=client)
        return self.add_entries(client, entries)

    def add_entries(self, client: str, entries: Sequence[Entry],
                    also: Callable[[], object] | None = None) -> dict[str, Any]:
        """Store journal entries, then screen the new ones for risk (a safety task for the therapist).

        ``also`` runs in the storing transaction (the portal drops the draft an entry was written in).
        """
        def store() -> list[tuple[Entry, bool]]:
            self.store.ensure_client(client)
            stored = self.store.add_entries(client, entries)
            if also is not None:
                also()
            return stored
        stored = self.store.atomic(store)
        new = [e for e, dup in stored if not dup]
        from reverie.safety_service import message_for, screen_entries
        flags = screen_entries(self, client, new)
        return {"entries": [{"id": e.id, "written_at": e.written_at.isoformat(), "kind": e.kind, "duplicate": dup}
                            for e, dup in stored],
                "imported": len(new), "duplicate": not new and bool(stored), "safety": flags,
                "safety_message": message_for(self, client) if flags else None}

    def record_response(self, client: str, instrument: str, answers: Sequence[int | None], session: int | None = None,
                        date: Date | None = None) -> dict[str, Any]:
        from reverie.measures.scoring import score
        from reverie.safety_service import screen_response
        result = score(instrument, answers)  # rejects out-of-range answers with the item named
        def store() -> list[tuple[Response, bool]]:
            self.store.ensure_client(client)
            return self.store.add_responses(client, [Response(client, instrument, list(answers), session, date)])
        (resp, dup), = self.store.atomic(store)
        flags = screen_response(self, client, resp) if not dup else []
        return {**result.to_dict(), "id": resp.id, "session": session, "duplicate": dup, "safety": flags}

    def import_responses(self, path: str | Path, client: str) -> dict[str, Any]:
        from reverie.measures.responses_io import read_responses
        from reverie.measures.scoring import score
        from reverie.safety_service import screen_response
        responses = read_responses(path, client)
        for i, r in enumerate(responses, start=1):
            try:
                score(r.instrument, r.answers)
            except InputError as exc:
                raise InputError(f"{path}, response {i} ({r.instrument}, session {r.session}): {exc.message}",
                                 exc.hint) from exc
        def store() -> list[tuple[Response, bool]]:
            self.store.ensure_client(client)
            return self.store.add_responses(client, responses)
        stored = self.store.atomic(store)
        flags = [f for r, dup in stored if not dup for f in screen_response(self, client, r)]
        return {"imported": sum(1 for _r, d in stored if not d), "duplicate": sum(1 for _r, d in stored if d),
                "safety": flags}

    def responses(self, client: str) -> list[Response]:
        return self.store.responses(client)

    # ----- analysis --------------------------------------------------------------------------------------
    def analyzers(self, names: Sequence[str] | None = None, settings: dict[str, dict[str, Any]] | None = None
                  ) -> list[BaseAnalyzer]:
        """The analysers to run: those named (default all), less those the jurisdiction profile switches off."""
        return select_analyzers(names, settings, self.settings.jurisdiction)

    def analyze(self, client: str | None = None, session_id: int | None = None, analyzers: Sequence[str] | None = None,
                settings: dict[str, dict[str, Any]] | None = None, progress: ProgressFn | None = None,
                include_entries: bool = True) -> dict[str, Any]:
        """Analyse a client's sessions (and the journal entries this user may read) and store the results."""
        if session_id is not None:
            session = self.store.session(session_id)
            client, sessions, entries = session.client, [session], []
        elif client is not None:
            sessions = self.store.client_sessions(client)
            entries = self.store.entries(client) if include_entries else []
        else:
            raise InputError("name a client (--client CODE) or a session (--session ID)")
        self._require_consent(client, "analysis")
        chosen = self.analyzers(analyzers, settings)
        out, result = analyse(chosen, sessions, entries, cache=self.store.result_cache(client), progress=progress,
                              jurisdiction=self.settings.jurisdiction)
        self.store.record_run(client, {"analyzers": {a.name: {"version": a.version, "settings": a.settings,
                                                              "digest": settings_digest(a)} for a in chosen},
                                       "settings": self.settings.public(), "computed": result.computed,
                                       "reused": result.reused})
        from reverie.safety_service import screen_analysis
        out["safety"] = screen_analysis(self, client, out)
        out["client"] = client
        return out

    def stored_analysis(self, client: str, session_id: int | None = None) -> dict[str, Any]:
        """The client's stored results in ``analyze``'s shape, read without running an analyser (what views show).

        With ``session_id``, only that session of the client's (no journal entries): one page's worth.

        Each analyser's results are those of the newest run that included it; a unit without a
        stored result has no annotation. ``missing`` says why there is nothing at all: no active
        consent to analysis (withdrawal hides results already stored), a role that may not read
        results, or no run yet.
        """
        if session_id is not None:
            sessions, entries = [self.store.session(session_id)], []
            if sessions[0].client != client:
                raise NotFoundError(f"no session {session_id} for client '{client}'")
        else:
            sessions, entries = self.store.client_sessions(client), self.store.entries(client)
        chosen: list[BaseAnalyzer] = []
        digests: dict[str, str] = {}
        missing = None
        if not self.store.has_consent(client, "analysis"):
            missing = f"client '{client}' has no active consent to analysis"
        else:
            try:
                runs = self.store.analysis_runs(client)
            except AccessDenied:
                runs, missing = [], f"a {self.user.role} user may not read analysis results"
            for config in runs:
                for name, spec in config.get("analyzers", {}).items():
                    analyzer = None if name in digests else _stored_analyzer(name, spec, self.settings.jurisdiction)
                    if analyzer is not None:
                        chosen.append(analyzer)
                        digests[name] = spec["digest"]
            if not runs and missing is None:
                missing = f"client '{client}' has not been analysed: run `reverie analyze --client {client}`"
        cache = self.store.result_cache(client) if chosen else None
        out, _ = analyse(chosen, sessions, entries, cache=cache, jurisdiction=self.settings.jurisdiction,
                         compute=False, digests=digests)
        out["client"], out["missing"] = client, missing
        return out

    # ----- outcomes --------------------------------------------------------------------------------------
    def progress(self, client: str, markers: dict[int, dict[str, float]] | None = None) -> dict[str, Any]:
        from reverie.measures.progress import progress
        return progress(client, self.store.responses(client), markers)


def select_analyzers(names: Sequence[str] | None, settings: dict[str, dict[str, Any]] | None = None,
                     jurisdiction: str = "none") -> list[BaseAnalyzer]:
    """The analysers named (default: all, less those the profile switches off; the runner refuses a named one)."""
    settings = settings or {}
    classes = [REGISTRY.get(n) for n in names] if names else \
        [c for c in map(REGISTRY.get, REGISTRY.names()) if not switched_off(c, jurisdiction)]
    return [cls(**settings.get(cls.name, {})) for cls in classes]


def _stored_analyzer(name: str, spec: dict[str, Any], jurisdiction: str) -> BaseAnalyzer | None:
    """The analyser a stored run recorded, to read its results by; None when they can no longer be matched.

    File settings are left out (their content is in the recorded digest), so a moved WRAD file
    does not hide results made with it.
    """
    try:
        cls = REGISTRY.get(name)
        if spec.get("digest") is None or spec.get("version") != cls.version or switched_off(cls, jurisdiction):
            return None
        files = {s.name for s in cls.settings_spec if s.file}
        return cls(**{k: v for k, v in (spec.get("settings") or {}).items() if k not in files})
    except (InputError, TypeError):
        return None


def analyze_file(path: str | Path, fmt: str = "auto", analyzers: Sequence[str] | None = None,
                 therapist_label: str | None = None, client_label: str | None = None,
                 settings: dict[str, dict[str, Any]] | None = None, progress: ProgressFn | None = None,
                 jurisdiction: str | None = None) -> dict[str, Any]:
    """The researcher's quick path: a transcript file straight in, nothing stored.

    ``jurisdiction`` None: the profile of the settings layers (environment, workspace file).
    """
    jurisdiction = resolve().jurisdiction if jurisdiction is None else jurisdiction
    transcript = ingest.read_transcript(path, fmt=fmt, therapist_label=therapist_label, client_label=client_label)
    out, _ = analyse(select_analyzers(analyzers, settings, jurisdiction), transcript.sessions, progress=progress,
                     jurisdiction=jurisdiction)
    out["notes"] = transcript.notes
    return out


__all__ = ["Workspace", "analyze_file", "init", "open", "select_analyzers", "TextUnit"]
