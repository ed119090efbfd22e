"""text for the ledger memo and the letter's subject and address

A ledger memo keeps the reason people wrote (forms allow 2,000 characters); a letter's subject
is rendered from an editable template and its postal address block joins several columns: none
has a natural limit, and cutting them silently lost what they said.

SQLite ignores a VARCHAR's length, so only PostgreSQL needs the change (and a batch rebuild of
tables other tables point at is what we avoid on SQLite).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

COLUMNS = [
    ('ledger_transactions', 'memo', sa.String(length=255)),
    ('letters', 'subject', sa.String(length=255)),
    ('letters', 'to_address', sa.String(length=400)),
]


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column, old_type in COLUMNS:
        op.alter_column(table, column, type_=sa.Text(), existing_type=old_type)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column, old_type in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=old_type,
            existing_type=sa.Text(),
            postgresql_using=f'left({column}, {old_type.length})',
        )
