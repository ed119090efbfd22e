"""letters and letter templates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 04:12:48.313646

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('signup_ack', 'approval', 'rejection', 'pairing_notice', 'pledge_reminder', 'overdue_reminder', 'donation_thanks', 'payout_notice', 'child_received', 'yearly_thanks', 'password_reset', 'appeal', name='letterkind', native_enum=False, length=30), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_letter_templates_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_templates')),
    sa.UniqueConstraint('kind', 'language', 'version', name='uq_letter_templates_version')
    )
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('signup_ack', 'approval', 'rejection', 'pairing_notice', 'pledge_reminder', 'overdue_reminder', 'donation_thanks', 'payout_notice', 'child_received', 'yearly_thanks', 'password_reset', 'appeal', name='letterkind', native_enum=False, length=30), nullable=False),
    sa.Column('recipient_type', sa.Enum('sponsor', 'guardian', name='recipienttype', native_enum=False, length=20), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.Enum('email', 'post', 'sms', name='channel', native_enum=False, length=20), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('recipient_name', sa.String(length=100), nullable=False),
    sa.Column('to_address', sa.String(length=400), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'printed', 'failed', name='letterstatus', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('claim_token', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('printed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_letters_attempts_not_negative')),
    sa.ForeignKeyConstraint(['printed_by_id'], ['users.id'], name=op.f('fk_letters_printed_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_letters_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_letters_dedupe_key'))
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_letters_recipient', ['recipient_type', 'recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_letters_status_channel_next', ['status', 'channel', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_status_channel_next')
        batch_op.drop_index(batch_op.f('ix_letters_region_id'))
        batch_op.drop_index('ix_letters_recipient')
        batch_op.drop_index(batch_op.f('ix_letters_kind'))
        batch_op.drop_index(batch_op.f('ix_letters_created_at'))

    op.drop_table('letters')
    op.drop_table('letter_templates')
