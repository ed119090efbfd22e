"""job run attempts: one row per attempt, one live (running or succeeded) run per period

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 00:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

LIVE = sa.text("status IN ('running', 'succeeded')")


def upgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_job_runs_job_id_period_key', type_='unique')
        batch_op.create_index(
            'uq_job_runs_live', ['job_id', 'period_key'], unique=True,
            sqlite_where=LIVE, postgresql_where=LIVE,
        )
        batch_op.create_index('ix_job_runs_job_id_started_at', ['job_id', 'started_at'], unique=False)


def downgrade():
    # Keep only each period's latest attempt, so the old one-row-per-period key holds again.
    op.execute(
        "DELETE FROM job_runs WHERE id NOT IN "
        "(SELECT max(id) FROM job_runs GROUP BY job_id, period_key)"
    )
    op.execute("UPDATE job_runs SET status = 'failed' WHERE status = 'abandoned'")
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_job_id_started_at')
        batch_op.drop_index('uq_job_runs_live')
        batch_op.create_unique_constraint('uq_job_runs_job_id_period_key', ['job_id', 'period_key'])
