"""disbursement batches and payouts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 04:57:07.671350

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('cutoff_on', sa.Date(), nullable=False),
    sa.Column('periodic', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'approved', 'exported', 'closed', 'cancelled', name='payoutbatchstatus', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('built_by_id', sa.Integer(), nullable=True),
    sa.Column('built_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('exported_by_id', sa.Integer(), nullable=True),
    sa.Column('exported_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_batches_approved_by_id_users')),
    sa.ForeignKeyConstraint(['built_by_id'], ['users.id'], name=op.f('fk_batches_built_by_id_users')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_batches_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['exported_by_id'], ['users.id'], name=op.f('fk_batches_exported_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_batches_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batches'))
    )
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batches_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_batches_status'), ['status'], unique=False)
        batch_op.create_index('uq_batches_key_live', ['key'], unique=True, sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))

    op.create_table('payouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=True),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=True),
    sa.Column('aid_group', sa.Enum('primary', 'middle', 'fostering', name='aidgroup', native_enum=False, length=20), nullable=False),
    sa.Column('guardian_name', sa.String(length=100), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('bank_account', sa.String(length=40), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('funded_fen', sa.BigInteger(), nullable=False),
    sa.Column('shortfall_fen', sa.BigInteger(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('decision', sa.Enum('included', 'held', 'excluded', name='payoutdecision', native_enum=False, length=20), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('general_fund_cover', sa.Boolean(), nullable=False),
    sa.Column('added_by_hand', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'paid', 'failed', name='payoutstatus', native_enum=False, length=20), nullable=False),
    sa.Column('bank_reference', sa.String(length=80), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('settled_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('transaction_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payouts_amount_positive')),
    sa.CheckConstraint('funded_fen >= 0 AND shortfall_fen >= 0 AND funded_fen + shortfall_fen = amount_fen', name=op.f('ck_payouts_funding_adds_up')),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_payouts_batch_id_batches')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_payouts_child_id_children')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_payouts_pairing_id_pairings')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_payouts_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts')),
    sa.UniqueConstraint('batch_id', 'child_id', name=op.f('uq_payouts_batch_id_child_id')),
    sa.UniqueConstraint('transaction_id', name=op.f('uq_payouts_transaction_id'))
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index('ix_payouts_batch_status', ['batch_id', 'decision', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_child_id'), ['child_id'], unique=False)



def downgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payouts_child_id'))
        batch_op.drop_index('ix_payouts_batch_status')

    op.drop_table('payouts')
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_index('uq_batches_key_live', sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_batches_status'))
        batch_op.drop_index(batch_op.f('ix_batches_key'))

    op.drop_table('batches')
