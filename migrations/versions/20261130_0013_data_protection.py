"""data protection: when a person's data was anonymised, and their requests about it

Children, guardians and caring parents get `anonymised_at`: the retention job and erasure
requests set it when the personal fields are wiped, and skip those rows afterwards. The
`data_requests` table keeps a caring parent's request to close the account and erase the data
until staff carry it out (PIPL art. 47).

The columns are added and dropped with plain ALTER TABLE (SQLite 3.35+ drops a column in place):
a batch rebuild of tables that others reference is what we avoid.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 02:07:02

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = ('children', 'guardians', 'sponsors')
OPEN = sa.text("status = 'open'")


def upgrade():
    op.create_table('data_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('erasure', name='datarequestkind', native_enum=False, length=20), nullable=False),
    sa.Column('sponsor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'refused', name='datarequeststatus', native_enum=False, length=20), nullable=False),
    sa.Column('requested_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_data_requests_handled_by_id_users')),
    sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_data_requests_sponsor_id_sponsors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_requests'))
    )
    op.create_index(op.f('ix_data_requests_sponsor_id'), 'data_requests', ['sponsor_id'], unique=False)
    op.create_index(op.f('ix_data_requests_status'), 'data_requests', ['status'], unique=False)
    op.create_index('uq_data_requests_open', 'data_requests', ['sponsor_id', 'kind'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
    for table in TABLES:
        op.add_column(table, sa.Column('anonymised_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        op.drop_column(table, 'anonymised_at')
    op.drop_index('uq_data_requests_open', table_name='data_requests', sqlite_where=OPEN, postgresql_where=OPEN)
    op.drop_index(op.f('ix_data_requests_status'), table_name='data_requests')
    op.drop_index(op.f('ix_data_requests_sponsor_id'), table_name='data_requests')
    op.drop_table('data_requests')
