"""Opening and creating a workspace: its key (key file or passphrase), schema, first user and acting user.

``init`` refuses before it makes anything and undoes what it made when it fails part-way; ``open`` refuses a
wrong key or an unknown user before anything is read.
"""

from __future__ import annotations

import os
import uuid
from contextlib import suppress
from pathlib import Path

from reverie.domain import User
from reverie.errors import AccessDenied, InputError, NotFoundError, WorkspaceKeyError
from reverie.settings import CONFIG_FILE, Settings, resolve, write_config
from reverie.store import Database, crypto, upgrade
from reverie.store import meta
from reverie.store.db import create_sqlite_file, has_schema, sqlite_file
from reverie.workspace.core import Workspace


def _workspace_key(settings: Settings, db: Database, creating: bool) -> tuple[bytes, Path | None, bytes | None]:
    """The workspace key: from the passphrase (scrypt; its salt kept in meta) or from the key file (made on init).

    Returns the key, the key file's path (None for a passphrase) and, when creating with a passphrase, the new salt.
    """
    if settings.passphrase:
        settings.key_source = "passphrase"
        if creating:
            salt = os.urandom(16)
            return crypto.derive_from_passphrase(settings.passphrase, salt), None, salt
        salt = meta.read(db, "kdf_salt")
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
        done = meta.is_finished(database)
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

        meta.bootstrap(database, settings.workspace_id, key, salt, actor)
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
    check = meta.read(database, "key_check")
    if check is None:
        database.dispose()
        raise NotFoundError(f"the workspace at {settings.workspace} was never finished (`reverie init` stopped)",
                            hint="run `reverie init` again with the same options")
    if settings.workspace_id is None:
        settings.workspace_id = (meta.read(database, "workspace_id") or b"").decode()
    key, key_path, _ = _workspace_key(settings, database, creating=False)
    crypto.verify_key(key, check)
    migrated = upgrade(database.engine)  # only once the key is known to be right: a wrong key changes nothing
    name = settings.user or "therapist"
    actor = meta.account(database, name)
    if actor is None:
        raise AccessDenied(f"no user named '{name}' in this workspace", hint="pass --user NAME or set REVERIE_USER")
    meta.refuse_unbound(actor)
    ws = Workspace(settings, database, key, actor, key_path, origin)
    if migrated:
        ws.store.seal_legacy_text()
    return ws
