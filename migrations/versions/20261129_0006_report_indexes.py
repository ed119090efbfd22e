"""report indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 04:49:30.054026

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.create_index('ix_children_status_awaiting_since', ['status', 'awaiting_since'], unique=False)

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.create_index('ix_donations_received_cover', ['received_on', 'reversed', 'amount_fen', 'sponsor_id'], unique=False)

    with op.batch_alter_table('sponsors', schema=None) as batch_op:
        batch_op.create_index('ix_sponsors_status_reviewed_at', ['status', 'reviewed_at'], unique=False)



def downgrade():
    with op.batch_alter_table('sponsors', schema=None) as batch_op:
        batch_op.drop_index('ix_sponsors_status_reviewed_at')

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_index('ix_donations_received_cover')

    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index('ix_children_status_awaiting_since')

