"""safety task severity: room for the Columbia ladder's step ids (e.g. 'preparatory_behaviour', 21 characters)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('safety_tasks', schema=None) as batch_op:
        batch_op.alter_column('severity', existing_type=sa.String(length=16), type_=sa.String(length=32),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('safety_tasks', schema=None) as batch_op:
        batch_op.alter_column('severity', existing_type=sa.String(length=32), type_=sa.String(length=16),
                              existing_nullable=False)
