"""one live bank handout per campaign beneficiary, enforced by the database

A partial unique index on payouts(beneficiary_id) over included payouts that are proposed or
paid, as uq_payouts_child_year_paying does for a child's school year: a person excluded twice
from a stale page could otherwise be put in two batches and paid twice.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 07:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

PAYING = sa.text("decision = 'included' AND status IN ('proposed', 'paid')")


def upgrade():
    op.create_index(
        'uq_payouts_beneficiary_paying',
        'payouts',
        ['beneficiary_id'],
        unique=True,
        sqlite_where=PAYING,
        postgresql_where=PAYING,
    )


def downgrade():
    op.drop_index('uq_payouts_beneficiary_paying', table_name='payouts')
