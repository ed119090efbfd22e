"""confirmed emails: users.email_confirmed_at, one account per confirmed email

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 02:40:00

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

CONFIRMED = sa.text("email_confirmed_at IS NOT NULL")


def upgrade():
    # Emails held so far were never confirmed: they stop serving for login until their owners
    # confirm them (mobile numbers still work), which is the point of the change.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(
            'uq_users_confirmed_email', ['email'], unique=True,
            sqlite_where=CONFIRMED, postgresql_where=CONFIRMED,
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('uq_users_confirmed_email')
        batch_op.drop_column('email_confirmed_at')
