"""money in: pledges, donations, ledger

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 04:18:01.118602

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('receipt_sequences',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_receipt_sequences'))
    )
    op.create_table('donation_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('expected_count', sa.Integer(), nullable=False),
    sa.Column('expected_total_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='batchstatus', native_enum=False, length=20), nullable=False),
    sa.Column('mismatch', sa.Boolean(), nullable=False),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('expected_count >= 0', name=op.f('ck_donation_batches_count_not_negative')),
    sa.CheckConstraint('expected_total_fen >= 0', name=op.f('ck_donation_batches_total_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_donation_batches_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation_batches'))
    )
    op.create_table('donations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=20), nullable=False),
    sa.Column('sponsor_id', sa.Integer(), nullable=True),
    sa.Column('donor_name', sa.String(length=100), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Enum('bank', 'cash', 'wechat', 'alipay', 'other', name='donationmethod', native_enum=False, length=20), nullable=False),
    sa.Column('bank_reference', sa.String(length=100), nullable=False),
    sa.Column('campaign', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('remainder_to', sa.Enum('credit', 'general', name='remainderto', native_enum=False, length=20), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('reversed', sa.Boolean(), nullable=False),
    sa.Column('reversal_reason', sa.Text(), nullable=True),
    sa.Column('reversed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("sponsor_id IS NOT NULL OR remainder_to = 'general'", name=op.f('ck_donations_anonymous_to_general')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_donations_amount_positive')),
    sa.CheckConstraint('reversed = false OR reversal_reason IS NOT NULL', name=op.f('ck_donations_reversal_has_reason')),
    sa.ForeignKeyConstraint(['batch_id'], ['donation_batches.id'], name=op.f('fk_donations_batch_id_donation_batches')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_donations_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['users.id'], name=op.f('fk_donations_reversed_by_id_users')),
    sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_donations_sponsor_id_sponsors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donations')),
    sa.UniqueConstraint('receipt_no', name=op.f('uq_donations_receipt_no'))
    )
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donations_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donations_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_donations_sponsor_id'), ['sponsor_id'], unique=False)

    op.create_table('ledger_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('donation', 'reversal', 'payout', 'refund', 'transfer', name='transactionkind', native_enum=False, length=20), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('memo', sa.String(length=255), nullable=False),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ledger_transactions_created_by_id_users')),
    sa.ForeignKeyConstraint(['donation_id'], ['donations.id'], name=op.f('fk_ledger_transactions_donation_id_donations')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_transactions_reverses_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_transactions_reverses_id'))
    )
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_transactions_donation_id'), ['donation_id'], unique=False)

    op.create_table('account_balances',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('account', sa.Enum('bank', 'cash', 'restricted', 'general', 'sponsor_credit', 'payouts', 'refunds', name='account', native_enum=False, length=20), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=True),
    sa.Column('sponsor_id', sa.Integer(), nullable=True),
    sa.Column('balance_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("account NOT IN ('restricted', 'general', 'sponsor_credit') OR balance_fen <= 0", name=op.f('ck_account_balances_funds_never_overdrawn')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_account_balances_pairing_id_pairings')),
    sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_account_balances_sponsor_id_sponsors')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_account_balances')),
    sa.UniqueConstraint('pairing_id', name=op.f('uq_account_balances_pairing_id')),
    sa.UniqueConstraint('sponsor_id', name=op.f('uq_account_balances_sponsor_id'))
    )
    with op.batch_alter_table('account_balances', schema=None) as batch_op:
        batch_op.create_index('ix_account_balances_account', ['account'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.Enum('bank', 'cash', 'restricted', 'general', 'sponsor_credit', 'payouts', 'refunds', name='account', native_enum=False, length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=True),
    sa.Column('sponsor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("account <> 'restricted' OR pairing_id IS NOT NULL", name=op.f('ck_ledger_entries_restricted_has_pairing')),
    sa.CheckConstraint("account <> 'sponsor_credit' OR sponsor_id IS NOT NULL", name=op.f('ck_ledger_entries_credit_has_sponsor')),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_ledger_entries_amount_not_zero')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_ledger_entries_pairing_id_pairings')),
    sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_ledger_entries_sponsor_id_sponsors')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_entries_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_account_pairing', ['account', 'pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_sponsor_id'), ['sponsor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('frequency', sa.Enum('yearly', 'semester', 'monthly', name='paymentfrequency', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('active', 'ended', name='pledgestatus', native_enum=False, length=20), nullable=False),
    sa.Column('mid_year', sa.Boolean(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_pledges_amount_positive')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_pledges_pairing_id_pairings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledges')),
    sa.UniqueConstraint('pairing_id', 'school_year', name=op.f('uq_pledges_pairing_id_school_year'))
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_school_year'), ['school_year'], unique=False)

    op.create_table('instalments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('due', 'paid', 'overdue', 'waived', name='instalmentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('waive_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'waived') = (waive_reason IS NOT NULL)", name=op.f('ck_instalments_waived_has_reason')),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_instalments_amount_not_negative')),
    sa.CheckConstraint('paid_fen >= 0 AND paid_fen <= amount_fen', name=op.f('ck_instalments_paid_within_amount')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_instalments_pledge_id_pledges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instalments')),
    sa.UniqueConstraint('pledge_id', 'seq', name=op.f('uq_instalments_pledge_id_seq'))
    )
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instalments_pledge_id'), ['pledge_id'], unique=False)
        batch_op.create_index('ix_instalments_status_due_on', ['status', 'due_on'], unique=False)

    op.create_table('pledge_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('old_amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('new_amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('from_seq', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_pledge_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_pledge_changes_pledge_id_pledges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_changes'))
    )
    with op.batch_alter_table('pledge_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_changes_pledge_id'), ['pledge_id'], unique=False)

    op.create_table('allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=True),
    sa.Column('from_credit', sa.Boolean(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=True),
    sa.Column('instalment_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('undone', sa.Boolean(), nullable=False),
    sa.CheckConstraint('(donation_id IS NULL) = (from_credit = true)', name=op.f('ck_allocations_donation_or_credit')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_allocations_amount_positive')),
    sa.ForeignKeyConstraint(['donation_id'], ['donations.id'], name=op.f('fk_allocations_donation_id_donations')),
    sa.ForeignKeyConstraint(['instalment_id'], ['instalments.id'], name=op.f('fk_allocations_instalment_id_instalments')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_allocations_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations')),
    sa.UniqueConstraint('donation_id', 'instalment_id', name=op.f('uq_allocations_donation_id_instalment_id'))
    )
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocations_donation_id'), ['donation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_instalment_id'), ['instalment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocations_instalment_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_donation_id'))

    op.drop_table('allocations')
    with op.batch_alter_table('pledge_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_changes_pledge_id'))

    op.drop_table('pledge_changes')
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.drop_index('ix_instalments_status_due_on')
        batch_op.drop_index(batch_op.f('ix_instalments_pledge_id'))

    op.drop_table('instalments')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_school_year'))
        batch_op.drop_index(batch_op.f('ix_pledges_pairing_id'))

    op.drop_table('pledges')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_sponsor_id'))
        batch_op.drop_index('ix_ledger_entries_account_pairing')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('account_balances', schema=None) as batch_op:
        batch_op.drop_index('ix_account_balances_account')

    op.drop_table('account_balances')
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_donation_id'))

    op.drop_table('ledger_transactions')
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donations_sponsor_id'))
        batch_op.drop_index(batch_op.f('ix_donations_received_on'))
        batch_op.drop_index(batch_op.f('ix_donations_batch_id'))

    op.drop_table('donations')
    op.drop_table('donation_batches')
    op.drop_table('receipt_sequences')
