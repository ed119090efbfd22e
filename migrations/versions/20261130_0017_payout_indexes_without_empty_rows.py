"""payout indexes leave out the rows that have no beneficiary or no transaction

A child's payout has no campaign beneficiary, and no ledger transaction until it is paid, yet
four indexes held an entry for each such missing value: the build and every payment wrote them,
and nothing ever looks a payout up by a missing value. They become partial on the value being
there; what they enforce is unchanged (a unique index never compares missing values).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PAYING = "decision = 'included' AND status IN ('proposed', 'paid')"
HAS_BENEFICIARY = 'beneficiary_id IS NOT NULL'
HAS_TRANSACTION = 'transaction_id IS NOT NULL'


def _index(batch_op, name, columns, where, unique=False):
    where = sa.text(where)
    batch_op.create_index(
        name, columns, unique=unique, sqlite_where=where, postgresql_where=where
    )


def upgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payouts_batch_id_beneficiary_id', type_='unique')
        batch_op.drop_constraint('uq_payouts_transaction_id', type_='unique')
        batch_op.drop_index('ix_payouts_beneficiary_id')
        batch_op.drop_index('uq_payouts_beneficiary_paying')
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        _index(batch_op, 'uq_payouts_batch_id_beneficiary_id', ['batch_id', 'beneficiary_id'],
               HAS_BENEFICIARY, unique=True)
        _index(batch_op, 'ix_payouts_beneficiary_id', ['beneficiary_id'], HAS_BENEFICIARY)
        _index(batch_op, 'uq_payouts_transaction_id', ['transaction_id'], HAS_TRANSACTION,
               unique=True)
        _index(batch_op, 'uq_payouts_beneficiary_paying', ['beneficiary_id'],
               f'{HAS_BENEFICIARY} AND {PAYING}', unique=True)


def downgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        for name in ('uq_payouts_batch_id_beneficiary_id', 'ix_payouts_beneficiary_id',
                     'uq_payouts_transaction_id', 'uq_payouts_beneficiary_paying'):
            batch_op.drop_index(name)
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_payouts_batch_id_beneficiary_id', ['batch_id', 'beneficiary_id']
        )
        batch_op.create_unique_constraint('uq_payouts_transaction_id', ['transaction_id'])
        batch_op.create_index('ix_payouts_beneficiary_id', ['beneficiary_id'])
        _index(batch_op, 'uq_payouts_beneficiary_paying', ['beneficiary_id'], PAYING, unique=True)
