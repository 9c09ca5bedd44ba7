"""client users bound to their client record by id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

A client user was linked by client code, so the link outlived the erasure of the
record and attached to a later client with the same code. The binding is now the
client's id (set to NULL when the record is deleted); existing client users are
bound to the client that holds their code today.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_users_client_id_clients', 'clients', ['client_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE users SET client_id = (SELECT clients.id FROM clients WHERE clients.code = users.client_code) "
               "WHERE role = 'client' AND client_code IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_client_id_clients', type_='foreignkey')
        batch_op.drop_column('client_id')
