"""letters rendered at delivery, statement lines staged for chunked import, background work

A letter keeps its template version and plain data (context) and is rendered when delivered,
printed or shown; a bank statement's lines are staged whole and recorded chunk by chunk; long
money work (paying a batch, importing a statement) records its progress for the page.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 02:30:00

"""
from alembic import op
import sqlalchemy as sa

from sponsorship.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

LIVE = sa.text("status IN ('queued', 'running')")


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
    op.create_table(
        'statement_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=False),
        sa.Column('payer', sa.String(length=100), nullable=False),
        sa.Column('mobile', sa.String(length=40), nullable=False),
        sa.Column('sponsor_id', sa.Integer(), nullable=True),
        sa.Column('donation_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_statement_lines_amount_positive')),
        sa.ForeignKeyConstraint(['batch_id'], ['donation_batches.id'], name=op.f('fk_statement_lines_batch_id_donation_batches')),
        sa.ForeignKeyConstraint(['donation_id'], ['donations.id'], name=op.f('fk_statement_lines_donation_id_donations')),
        sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_statement_lines_sponsor_id_sponsors')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_lines')),
        sa.UniqueConstraint('batch_id', 'row', name='uq_statement_lines_batch_row'),
        sa.UniqueConstraint('donation_id', name=op.f('uq_statement_lines_donation_id')),
    )
    op.create_table(
        'background_work',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_background_work_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_background_work')),
    )
    with op.batch_alter_table('background_work', schema=None) as batch_op:
        batch_op.create_index(
            'uq_background_work_live', ['kind', 'target_id'], unique=True,
            sqlite_where=LIVE, postgresql_where=LIVE,
        )


def downgrade():
    with op.batch_alter_table('background_work', schema=None) as batch_op:
        batch_op.drop_index('uq_background_work_live')
    op.drop_table('background_work')
    op.drop_table('statement_lines')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('context')
