"""paper applications: consent method, form reference, entered by

Volunteers who fill in the printed appeal's reply form are entered by staff: the record keeps
that consent was given on paper, the number written on the form (unique, so a form is never
entered twice) and who typed it in.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 02:07:54.490796

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sponsors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_method', sa.Enum('online', 'paper', name='consentmethod', native_enum=False, length=20), server_default='online', nullable=False))
        batch_op.add_column(sa.Column('paper_reference', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sponsors_paper_reference'), ['paper_reference'])
        batch_op.create_foreign_key(batch_op.f('fk_sponsors_entered_by_id_users'), 'users', ['entered_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('sponsors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sponsors_entered_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_sponsors_paper_reference'), type_='unique')
        batch_op.drop_column('entered_by_id')
        batch_op.drop_column('paper_reference')
        batch_op.drop_column('consent_method')
