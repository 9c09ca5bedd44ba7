"""Engines, migrations and transactions with retry.

Every transaction in Reverie writes (each read of clinical data appends an audit
row to one hash chain), so writers are serialised on both back ends: SQLite (the
default, a file in the workspace, WAL mode, ``secure_delete`` on) takes the
write lock at ``BEGIN IMMEDIATE``; PostgreSQL takes a workspace-wide advisory
transaction lock as the first statement, and then reads at READ COMMITTED, so
each statement sees everything committed before the lock was granted: the
transactions are serialisable in effect. A transaction that meets a lock or a
serialisation failure is retried with back-off; any other failure rolls back
whole and is reported as a ``StoreError`` saying what happened. A lock held by
another writer for longer than ``RETRY_SECONDS`` (SQLite: each attempt also waits
``BUSY_TIMEOUT_S``; PostgreSQL: ``lock_timeout``) ends in a ``StoreError`` that
names the database and the lock, exit status 5.

Transactions nest: ``transaction`` called inside another one (on the same thread)
joins it, so a workspace call can make several repository calls land whole or
not at all (``Store.atomic``).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from reverie.errors import StoreError

T = TypeVar("T")
MIGRATIONS = Path(__file__).parent / "migrations"
RETRY_SECONDS = 60.0
BUSY_TIMEOUT_S = 30.0  # SQLite's own wait for a lock, per attempt
WRITER_LOCK = 727274  # the PostgreSQL advisory lock that serialises Reverie's transactions


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgres"):
        url = url.replace("postgres://", "postgresql+psycopg://", 1)
        if url.startswith("postgresql://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        try:
            return create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise StoreError("PostgreSQL support is not installed", hint="pip install 'reverie[postgres]'") from exc
    return create_engine(url)


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the newest Alembic revision (creates it in an empty database); True if it changed."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return retrying(lambda: _upgrade(engine, cfg), engine.url)


def _upgrade(engine: Engine, cfg: Any) -> bool:
    from alembic import command
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == ScriptDirectory.from_config(cfg).get_current_head():
            return False
        conn.rollback()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
    return True


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for another back end or an in-memory database."""
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_sqlite_file(url: str) -> Path | None:
    """Make a new SQLite file with mode 0600 (SQLite gives its -wal and -shm files the same mode).

    Returns the file made, or None when the URL is not a SQLite file or the file already exists.
    """
    path = sqlite_file(url)
    if path is None or path.exists():
        return None
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def has_schema(engine: Engine) -> bool:
    return retrying(lambda: "meta" in inspect(engine).get_table_names(), engine.url)


def _retryable(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    if "database is locked" in text or "database table is locked" in text or "busy" in text:
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01"} or "could not serialize" in text or "deadlock detected" in text


def _explain(exc: BaseException, url: Any = None) -> StoreError:
    text = str(getattr(exc, "orig", exc))
    low = text.lower()
    if "disk is full" in low or "no space" in low:
        return StoreError("the database disk is full: nothing was written", hint="free disk space and try again")
    if "locked" in low or "lock timeout" in low or getattr(getattr(exc, "orig", None), "sqlstate", None) == "55P03":
        where = _name(url)
        return StoreError(f"the database{where} stayed locked by another writer (another reverie command, a backup "
                          f"or a program holding its write lock) for more than {RETRY_SECONDS:g} s: nothing was written",
                          hint="wait for the other import or analysis to finish and try again")
    if "readonly" in low or "read-only" in low:
        return StoreError("the database file is read-only: nothing was written", hint="check the file's permissions")
    return StoreError(f"the database refused the change: {text}; nothing was written")


def _name(url: Any) -> str:
    if url is None:
        return ""
    url = make_url(str(url)) if isinstance(url, str) else url
    return f" {url.database}" if url.get_backend_name() == "sqlite" else f" {url.render_as_string(hide_password=True)}"


def retrying(attempt: Callable[[], T], url: Any = None) -> T:
    """Run ``attempt`` again with back-off while the database is locked or a serialisation fails, for up to
    ``RETRY_SECONDS``; any database failure left is a ``StoreError`` saying what happened."""
    deadline = time.monotonic() + RETRY_SECONDS
    delay = 0.02
    while True:
        try:
            return attempt()
        except (OperationalError, DBAPIError) as exc:
            if _retryable(exc) and time.monotonic() < deadline:
                time.sleep(delay + random.random() * delay)
                delay = min(delay * 2, 1.0)
                continue
            raise _explain(exc, url) from exc


class Database:
    """An engine plus a transaction helper that retries on locks and rolls back on any error."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self.is_sqlite = url.startswith("sqlite")
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._local = threading.local()  # the transaction in progress on each thread, which nested calls join

    def transaction(self, work: Callable[[OrmSession], T]) -> T:
        """Run ``work`` in one transaction (retried on locks); inside another transaction, as part of it."""
        joined = getattr(self._local, "session", None)
        if joined is not None:
            return work(joined)
        return retrying(lambda: self._attempt(work), self.engine.url)

    def _attempt(self, work: Callable[[OrmSession], T]) -> T:
        session = self._factory()
        self._local.session = session
        try:
            if self.is_postgres:
                session.execute(text(f"SET LOCAL lock_timeout = '{int(RETRY_SECONDS * 1000)}ms'"))
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK})
            result = work(session)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise
        finally:
            self._local.session = None
            session.close()

    def on_commit(self, hook: Callable[[OrmSession], None]) -> None:
        """Call ``hook(session)`` after each commit (for work outside the database, e.g. the audit anchor)."""
        event.listen(self._factory, "after_commit", hook)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it (SQLite), so deleted pages leave no copy behind."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def vacuum(self) -> None:
        if self.is_sqlite:
            raw = self.engine.raw_connection()
            try:
                raw.execute("VACUUM")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()

    def dispose(self) -> None:
        self.engine.dispose()
