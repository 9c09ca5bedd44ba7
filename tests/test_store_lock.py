"""A write lock held by another writer past the retry time ends in a StoreError naming the database, on both back ends."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text

import reverie.workspace as rw
from reverie.errors import StoreError
from reverie.store import db


def test_store_lock_held_past_the_retry_time(ws: rw.Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "RETRY_SECONDS", 0.3)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.05)
    other = rw.open(ws.settings.workspace, db=None if ws.db.is_sqlite else ws.db.url, user="ruth")
    if ws.db.is_sqlite:
        holder = sqlite3.connect(ws.db.engine.url.database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:  # another Reverie writer in the middle of its transaction
        engine = create_engine(ws.db.engine.url)
        holder = engine.connect()
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": db.WRITER_LOCK})
    try:
        with pytest.raises(StoreError) as info:
            other.clients()
    finally:
        holder.rollback()
        holder.close()
        other.close()
    assert info.value.exit_code == 5
    assert "stayed locked by another writer" in info.value.message
    assert (ws.db.engine.url.database or "") in info.value.message
    assert ws.clients() == []  # and once the lock is gone, all is as before
