"""one payout per child per school year, and re-issues of failed payouts

A payout now carries the school year it pays (its batch's cut-off's, backfilled from the
batches) and, for a re-issue, the failed payout it pays again. A partial unique index over the
payouts that pay or are about to pay (included and proposed, or paid) lets the database refuse a
second payout for a child in a school year, on SQLite and PostgreSQL alike. Payouts of batches
cancelled before now are marked cancelled, so that they no longer hold the child's year.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

PAYING = sa.text("decision = 'included' AND status IN ('proposed', 'paid')")


def upgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reissue_of_id', sa.Integer(), nullable=True))
    bind = op.get_bind()
    # School years start on 1 September; a batch's cut-off names its year.
    for batch_id, cutoff in bind.execute(sa.text('SELECT id, cutoff_on FROM batches')).all():
        if isinstance(cutoff, str):
            year, month = int(cutoff[:4]), int(cutoff[5:7])
        else:
            year, month = cutoff.year, cutoff.month
        bind.execute(
            sa.text('UPDATE payouts SET school_year = :year WHERE batch_id = :batch'),
            {'year': year if month >= 9 else year - 1, 'batch': batch_id},
        )
    bind.execute(
        sa.text(
            "UPDATE payouts SET status = 'cancelled' WHERE status = 'proposed' AND batch_id IN "
            "(SELECT id FROM batches WHERE status = 'cancelled')"
        )
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.alter_column('school_year', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_payouts_reissue_of_id_payouts'), 'payouts', ['reissue_of_id'], ['id']
        )
        batch_op.create_index(
            'uq_payouts_child_year_paying',
            ['child_id', 'school_year'],
            unique=True,
            sqlite_where=PAYING,
            postgresql_where=PAYING,
        )


def downgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_payouts_child_year_paying', sqlite_where=PAYING, postgresql_where=PAYING
        )
        batch_op.drop_constraint(batch_op.f('fk_payouts_reissue_of_id_payouts'), type_='foreignkey')
    op.get_bind().execute(sa.text("UPDATE payouts SET status = 'proposed' WHERE status = 'cancelled'"))
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_column('reissue_of_id')
        batch_op.drop_column('school_year')
