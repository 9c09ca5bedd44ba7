"""free text sealed: hold reason, consent detail and the audit log's client detail

The hold reason and the consent detail move from clear columns to ciphertext
columns. A migration cannot reach the workspace key, so a value already
stored is moved marked as clear (a leading zero byte, ``LEGACY_CLEAR``) and
sealed under the client's key when the workspace is next opened
(``Store.seal_legacy_text``). The audit log gains ``detail_enc``; its rows
written before this revision keep their clear ``detail`` (the chain's MACs
cover it, and the log is append-only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LEGACY_CLEAR = b"\x00"


def _move_to_blob(table: str, old: str, new: str) -> None:
    """Add ``new`` (binary), copy each ``old`` value into it marked as clear, then drop ``old``."""
    op.add_column(table, sa.Column(new, sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {old} FROM {table} WHERE {old} IS NOT NULL")).all()
    for row_id, value in rows:
        conn.execute(sa.text(f"UPDATE {table} SET {new} = :v WHERE id = :id"),
                     {"v": LEGACY_CLEAR + value.encode(), "id": row_id})
    op.drop_column(table, old)  # SQLite >= 3.35 drops natively: no table copy, so no cascading delete


def upgrade() -> None:
    _move_to_blob("clients", "hold_reason", "hold_enc")
    _move_to_blob("consents", "detail", "detail_enc")
    op.add_column("audit_log", sa.Column("detail_enc", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("sealed text cannot be moved back into clear columns without the workspace key")
