"""Alembic environment: runs on the connection Reverie hands in (no alembic.ini needed)."""

from alembic import context

from reverie.store.tables import Base

connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
