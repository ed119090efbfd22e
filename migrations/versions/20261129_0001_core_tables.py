"""core tables

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 04:04:29.667856

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=50), nullable=False),
    sa.Column('period_key', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Enum('running', 'succeeded', 'failed', name='jobrunstatus', native_enum=False, length=20), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job_id', 'period_key', name=op.f('uq_job_runs_job_id_period_key'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_started_at'), ['started_at'], unique=False)

    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Enum('province', 'city', 'county', 'town', 'village', name='regionlevel', native_enum=False, length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('zone', sa.Enum('coastal', 'riverside', 'mountain', name='zone', native_enum=False, length=20), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['regions.id'], name=op.f('fk_regions_parent_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_regions_path'), ['path'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'staff', 'finance', 'viewer', 'sponsor', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('scope_region_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['scope_region_id'], ['regions.id'], name=op.f('fk_users_scope_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('session_token', name=op.f('uq_users_session_token')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_email'), ['email'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('object_type', sa.String(length=30), nullable=True),
    sa.Column('object_id', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)

    op.create_table('guardians',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('relation', sa.String(length=30), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('bank_account', sa.String(length=40), nullable=True),
    sa.Column('consent_given_on', sa.Date(), nullable=False),
    sa.Column('consent_collected_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_collected_by_id'], ['users.id'], name=op.f('fk_guardians_consent_collected_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardians'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('sponsors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'organisation', name='sponsorkind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=True),
    sa.Column('gender', sa.Enum('female', 'male', name='gender', native_enum=False, length=20), nullable=True),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('aid_preference', sa.Enum('any', 'primary', 'middle', 'fostering', name='aidpreference', native_enum=False, length=20), nullable=False),
    sa.Column('distance', sa.Enum('same_town', 'same_county', name='distance', native_enum=False, length=20), nullable=False),
    sa.Column('child_gender', sa.Enum('female', 'male', name='gender', native_enum=False, length=20), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('pledge_per_child_fen', sa.BigInteger(), nullable=False),
    sa.Column('payment_frequency', sa.Enum('yearly', 'semester', 'monthly', name='paymentfrequency', native_enum=False, length=20), nullable=False),
    sa.Column('channel', sa.Enum('email', 'post', 'sms', name='channel', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'withdrawn', name='sponsorstatus', native_enum=False, length=20), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_version', sa.String(length=20), nullable=True),
    sa.Column('consent_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdraw_requested_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity BETWEEN 1 AND 10', name=op.f('ck_sponsors_capacity_range')),
    sa.CheckConstraint('pledge_per_child_fen >= 0', name=op.f('ck_sponsors_pledge_not_negative')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_sponsors_region_id_regions')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_sponsors_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sponsors_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsors')),
    sa.UniqueConstraint('id_number', name=op.f('uq_sponsors_id_number')),
    sa.UniqueConstraint('mobile', name=op.f('uq_sponsors_mobile')),
    sa.UniqueConstraint('user_id', name=op.f('uq_sponsors_user_id'))
    )
    with op.batch_alter_table('sponsors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sponsors_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sponsors_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_sponsors_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sponsors_status'), ['status'], unique=False)

    op.create_table('children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', name='gender', native_enum=False, length=20), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('school', sa.String(length=100), nullable=False),
    sa.Column('school_stage', sa.Enum('preschool', 'primary', 'junior', 'senior', 'not_in_school', name='schoolstage', native_enum=False, length=20), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('aid_type', sa.Enum('education', 'fostering', name='aidtype', native_enum=False, length=20), nullable=False),
    sa.Column('family_situation', sa.Text(), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'verified', 'awaiting', 'paired', 'exited', name='childstatus', native_enum=False, length=20), nullable=False),
    sa.Column('awaiting_since', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.Enum('graduated', 'moved_away', 'aged_out', 'other', name='exitreason', native_enum=False, length=20), nullable=True),
    sa.Column('exit_note', sa.Text(), nullable=True),
    sa.Column('exited_on', sa.Date(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('grade IS NULL OR grade BETWEEN 1 AND 12', name=op.f('ck_children_grade_range')),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardians.id'], name=op.f('fk_children_guardian_id_guardians')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_children_region_id_regions')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_children_registered_by_id_users')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_children_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_children')),
    sa.UniqueConstraint('id_number', name=op.f('uq_children_id_number'))
    )
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_children_guardian_id'), ['guardian_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_children_status_region', ['status', 'region_id'], unique=False)

    op.create_table('child_hardships',
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('orphan', 'unsupported', 'single_mother', 'disabled', 'seriously_ill', 'left_behind', 'low_income', 'other', name='hardship', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_child_hardships_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('child_id', 'category', name=op.f('pk_child_hardships'))
    )
    with op.batch_alter_table('child_hardships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_hardships_category'), ['category'], unique=False)

    op.create_table('pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sponsor_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'active', 'rejected', 'ended', name='pairingstatus', native_enum=False, length=20), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejected_reason', sa.Text(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_pairings_child_id_children')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_pairings_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_pairings_sponsor_id_sponsors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairings'))
    )
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairings_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_pairings_sponsor_status', ['sponsor_id', 'status'], unique=False)
        batch_op.create_index('uq_pairings_child_open', ['child_id'], unique=True, sqlite_where=sa.text("status IN ('proposed', 'active')"), postgresql_where=sa.text("status IN ('proposed', 'active')"))



def downgrade():
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.drop_index('uq_pairings_child_open', sqlite_where=sa.text("status IN ('proposed', 'active')"), postgresql_where=sa.text("status IN ('proposed', 'active')"))
        batch_op.drop_index('ix_pairings_sponsor_status')
        batch_op.drop_index(batch_op.f('ix_pairings_child_id'))

    op.drop_table('pairings')
    with op.batch_alter_table('child_hardships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_hardships_category'))

    op.drop_table('child_hardships')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index('ix_children_status_region')
        batch_op.drop_index(batch_op.f('ix_children_region_id'))
        batch_op.drop_index(batch_op.f('ix_children_name'))
        batch_op.drop_index(batch_op.f('ix_children_guardian_id'))

    op.drop_table('children')
    with op.batch_alter_table('sponsors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sponsors_status'))
        batch_op.drop_index(batch_op.f('ix_sponsors_region_id'))
        batch_op.drop_index(batch_op.f('ix_sponsors_email'))
        batch_op.drop_index(batch_op.f('ix_sponsors_created_at'))

    op.drop_table('sponsors')
    op.drop_table('settings')
    op.drop_table('guardians')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_email'))

    op.drop_table('users')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_path'))
        batch_op.drop_index(batch_op.f('ix_regions_parent_id'))

    op.drop_table('regions')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_started_at'))

    op.drop_table('job_runs')
