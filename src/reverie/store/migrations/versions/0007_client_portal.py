"""client portal: invitations, journal drafts, questionnaire assignments

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

An invitation keeps only the SHA-256 of its one-time token, with its expiry and
use. A draft holds a journal entry being written (one per account and kind),
sealed under the client's key like the entries. An assignment is a questionnaire
a therapist asked a client to complete, its answers so far sealed the same way.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('invited_by', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_invitations_client_id', 'invitations', ['client_id'])
    op.create_index('ix_invitations_user_id', 'invitations', ['user_id'])
    op.create_table(
        'entry_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('fields_enc', sa.LargeBinary(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'kind'),
    )
    op.create_index('ix_entry_drafts_client_id', 'entry_drafts', ['client_id'])
    op.create_table(
        'assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('instrument', sa.String(length=32), nullable=False),
        sa.Column('assigned_by', sa.String(length=120), nullable=False),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.Column('answers_enc', sa.LargeBinary(), nullable=True),
        sa.Column('completed_at', sa.DateTime(), nullable=True),
        sa.Column('response_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['response_id'], ['responses.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_assignments_client_id', 'assignments', ['client_id'])


def downgrade() -> None:
    op.drop_index('ix_assignments_client_id', table_name='assignments')
    op.drop_table('assignments')
    op.drop_index('ix_entry_drafts_client_id', table_name='entry_drafts')
    op.drop_table('entry_drafts')
    op.drop_index('ix_invitations_user_id', table_name='invitations')
    op.drop_index('ix_invitations_client_id', table_name='invitations')
    op.drop_table('invitations')
