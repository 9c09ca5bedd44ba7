"""The Alembic migrations build exactly the schema the table classes describe (no drift)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reverie.store.db import Database, upgrade
from reverie.store.tables import Base


def test_store_migrations_match_the_tables(tmp_path: Path, backend: str | None) -> None:
    db = Database(backend or f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(db.engine)
    upgrade(db.engine)  # a second upgrade is a no-op
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    db.dispose()
