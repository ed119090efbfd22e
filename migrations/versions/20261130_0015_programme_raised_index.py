"""the reports' covering index of donations leaves out gifts earmarked to a campaign

The programme's "raised" figures exclude campaign gifts (a campaign reports its own), so the
covering index becomes partial on `campaign_id IS NULL`: the reports' sums keep reading the
index alone, and campaign gifts do not cost them anything.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 06:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

NAME = 'ix_donations_received_cover'
COLUMNS = ['received_on', 'reversed', 'amount_fen', 'sponsor_id']
PROGRAMME = sa.text('campaign_id IS NULL')


def upgrade():
    op.drop_index(NAME, table_name='donations')
    op.create_index(
        NAME, 'donations', COLUMNS, sqlite_where=PROGRAMME, postgresql_where=PROGRAMME
    )


def downgrade():
    op.drop_index(NAME, table_name='donations')
    op.create_index(NAME, 'donations', COLUMNS)
