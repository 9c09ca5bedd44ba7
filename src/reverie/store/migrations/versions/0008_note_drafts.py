"""process note drafts: what a therapist is writing, kept as they type

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

One draft per writer, client and session, sealed under the client's key like
the notes; it is removed when the note is saved. Before it, a note being typed
was lost when the web app logged an idle therapist off.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'note_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('session_number', sa.Integer(), nullable=True),
        sa.Column('text_enc', sa.LargeBinary(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'client_id', 'session_number'),
    )
    op.create_index('ix_note_drafts_client_id', 'note_drafts', ['client_id'])


def downgrade() -> None:
    op.drop_index('ix_note_drafts_client_id', table_name='note_drafts')
    op.drop_table('note_drafts')
