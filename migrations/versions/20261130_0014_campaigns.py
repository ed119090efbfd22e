"""campaigns: relief handouts and fundraising drives with their own funds

New tables: campaigns, campaign_beneficiaries, campaign_gifts, campaign_hand_overs. The ledger
learns a CAMPAIGN fund per campaign (ledger_entries.campaign_id, account_balances.campaign_id,
which the never-overdrawn check now covers); donations and donation batches may be earmarked to
a campaign; a bank handout batch belongs to a campaign and its payouts pay a beneficiary instead
of a child (payouts.child_id and aid_group become NULL-able).

CHECK constraints change on ledger_entries, account_balances, donations and payouts: SQLite
rebuilds those tables (batch mode, named constraints reflected); PostgreSQL alters in place.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 05:42:02.149922

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

NEVER_OVERDRAWN = "account NOT IN ('restricted', 'general', 'sponsor_credit', 'campaign') OR balance_fen <= 0"
OLD_NEVER_OVERDRAWN = "account NOT IN ('restricted', 'general', 'sponsor_credit') OR balance_fen <= 0"
ANONYMOUS = "sponsor_id IS NOT NULL OR remainder_to IN ('general', 'campaign')"
OLD_ANONYMOUS = "sponsor_id IS NOT NULL OR remainder_to = 'general'"
EARMARK = "(campaign_id IS NOT NULL) = (remainder_to = 'campaign')"
HAS_CAMPAIGN = "account <> 'campaign' OR campaign_id IS NOT NULL"
CHILD_OR_BENEFICIARY = "(child_id IS NULL) <> (beneficiary_id IS NULL)"


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('relief', 'drive', 'both', name='campaignkind', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='campaignstatus', native_enum=False, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_campaigns_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_campaigns_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('region_id', 'name', name=op.f('uq_campaigns_region_id_name'))
    )
    op.create_table('campaign_beneficiaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', name='gender', native_enum=False, length=20), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('id_tail', sa.String(length=4), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('beneficiary_group', sa.Enum('child', 'poor_single_mother', 'orphan', 'old_women_cadre', 'red_banner', 'patient', 'other', name='beneficiarygroup', native_enum=False, length=20), nullable=False),
    sa.Column('health_condition', sa.String(length=100), nullable=True),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('payee_name', sa.String(length=100), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('bank_account', sa.String(length=40), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.Enum('bank', 'cash', name='handoutmethod', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'in_batch', 'paid', 'signed', 'not_signed', 'failed', name='handoutstatus', native_enum=False, length=20), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('status_note', sa.Text(), nullable=False),
    sa.Column('status_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('transaction_id', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_campaign_beneficiaries_amount_not_negative')),
    sa.CheckConstraint('child_id IS NOT NULL OR id_number IS NOT NULL', name=op.f('ck_campaign_beneficiaries_identified')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_campaign_beneficiaries_added_by_id_users')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_beneficiaries_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_campaign_beneficiaries_child_id_children')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_campaign_beneficiaries_region_id_regions')),
    sa.ForeignKeyConstraint(['status_recorded_by_id'], ['users.id'], name=op.f('fk_campaign_beneficiaries_status_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_campaign_beneficiaries_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_beneficiaries')),
    sa.UniqueConstraint('campaign_id', 'child_id', name=op.f('uq_campaign_beneficiaries_campaign_id_child_id')),
    sa.UniqueConstraint('campaign_id', 'id_number', name=op.f('uq_campaign_beneficiaries_campaign_id_id_number')),
    sa.UniqueConstraint('transaction_id', name=op.f('uq_campaign_beneficiaries_transaction_id'))
    )
    with op.batch_alter_table('campaign_beneficiaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_beneficiaries_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_hand_overs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('receiving_body', sa.String(length=100), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('handed_on', sa.Date(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_campaign_hand_overs_amount_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_hand_overs_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_campaign_hand_overs_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_campaign_hand_overs_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_hand_overs')),
    sa.UniqueConstraint('transaction_id', name=op.f('uq_campaign_hand_overs_transaction_id'))
    )
    with op.batch_alter_table('campaign_hand_overs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_hand_overs_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_gifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=100), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sponsorship.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('count > 0', name=op.f('ck_campaign_gifts_count_positive')),
    sa.CheckConstraint('value_fen >= 0', name=op.f('ck_campaign_gifts_value_not_negative')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['campaign_beneficiaries.id'], name=op.f('fk_campaign_gifts_beneficiary_id_campaign_beneficiaries')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_gifts_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_campaign_gifts_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_gifts'))
    )
    with op.batch_alter_table('campaign_gifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_gifts_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('account_balances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_account_balances_campaign_id'), ['campaign_id'])
        batch_op.create_foreign_key(batch_op.f('fk_account_balances_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_account_balances_funds_never_overdrawn'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_account_balances_funds_never_overdrawn'), NEVER_OVERDRAWN)

    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_batches_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_batches_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])

    with op.batch_alter_table('donation_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_donation_batches_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])

    if op.get_bind().dialect.name == 'sqlite':
        _donations_on_sqlite(upgrade=True)
    else:
        op.add_column('donations', sa.Column('campaign_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_donations_campaign_id_campaigns'), 'donations', 'campaigns', ['campaign_id'], ['id'])
        op.drop_constraint(op.f('ck_donations_anonymous_to_general'), 'donations', type_='check')
        op.create_check_constraint(op.f('ck_donations_anonymous_to_general'), 'donations', ANONYMOUS)
        op.create_check_constraint(op.f('ck_donations_campaign_earmark'), 'donations', EARMARK)
    op.create_index(op.f('ix_donations_campaign_id'), 'donations', ['campaign_id'], unique=False)

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_ledger_entries_campaign_has_campaign'), HAS_CAMPAIGN)
        batch_op.create_index('ix_ledger_entries_account_campaign', ['account', 'campaign_id'], unique=False)

    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('beneficiary_id', sa.Integer(), nullable=True))
        batch_op.alter_column('child_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('aid_group',
               existing_type=sa.VARCHAR(length=20),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_payouts_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_payouts_batch_id_beneficiary_id'), ['batch_id', 'beneficiary_id'])
        batch_op.create_foreign_key(batch_op.f('fk_payouts_beneficiary_id_campaign_beneficiaries'), 'campaign_beneficiaries', ['beneficiary_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_payouts_child_or_beneficiary'), CHILD_OR_BENEFICIARY)



def downgrade():
    # Campaign money cannot be expressed before this revision, and the ledger is append-only:
    # a database that has used campaigns is not downgraded (restore a backup instead).
    if op.get_bind().execute(sa.text('SELECT count(*) FROM campaigns')).scalar():
        raise RuntimeError('campaigns are recorded: their money cannot be downgraded away; restore a backup')
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payouts_child_or_beneficiary'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_payouts_beneficiary_id_campaign_beneficiaries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_payouts_batch_id_beneficiary_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_payouts_beneficiary_id'))
        batch_op.alter_column('aid_group',
               existing_type=sa.VARCHAR(length=20),
               nullable=False)
        batch_op.alter_column('child_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('beneficiary_id')

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_account_campaign')
        batch_op.drop_constraint(batch_op.f('ck_ledger_entries_campaign_has_campaign'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_column('campaign_id')

    op.drop_index(op.f('ix_donations_campaign_id'), table_name='donations')
    if op.get_bind().dialect.name == 'sqlite':
        _donations_on_sqlite(upgrade=False)
    else:
        op.drop_constraint(op.f('ck_donations_campaign_earmark'), 'donations', type_='check')
        op.drop_constraint(op.f('ck_donations_anonymous_to_general'), 'donations', type_='check')
        op.create_check_constraint(op.f('ck_donations_anonymous_to_general'), 'donations', OLD_ANONYMOUS)
        op.drop_constraint(op.f('fk_donations_campaign_id_campaigns'), 'donations', type_='foreignkey')
        op.drop_column('donations', 'campaign_id')

    with op.batch_alter_table('donation_batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_donation_batches_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_column('campaign_id')

    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_batches_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_batches_campaign_id'))
        batch_op.drop_column('campaign_id')

    with op.batch_alter_table('account_balances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_account_balances_funds_never_overdrawn'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_account_balances_funds_never_overdrawn'), OLD_NEVER_OVERDRAWN)
        batch_op.drop_constraint(batch_op.f('fk_account_balances_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_account_balances_campaign_id'), type_='unique')
        batch_op.drop_column('campaign_id')

    with op.batch_alter_table('campaign_gifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_gifts_campaign_id'))

    op.drop_table('campaign_gifts')
    with op.batch_alter_table('campaign_hand_overs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_hand_overs_campaign_id'))

    op.drop_table('campaign_hand_overs')
    with op.batch_alter_table('campaign_beneficiaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_beneficiaries_campaign_id'))

    op.drop_table('campaign_beneficiaries')
    op.drop_table('campaigns')


def _donations_on_sqlite(*, upgrade):
    """Change the donations table's CHECKs on SQLite without rebuilding the table.

    A batch rebuild drops the table, and with foreign keys enforced (they are, and the pragma
    cannot be turned off inside the migration's transaction) SQLite refuses to drop a table
    that ledger_transactions, allocations and statement_lines reference. SQLite documents
    editing the stored CREATE TABLE text for changes that leave the stored rows as they are,
    such as CHECK constraints (sqlite.org/lang_altertable.html, "other kinds of table schema
    changes"): the rows are checked against the new constraints first, and the schema version
    is bumped so that every connection reloads the schema.
    """
    bind = op.get_bind()
    if upgrade:
        bind.exec_driver_sql(
            'ALTER TABLE donations ADD COLUMN campaign_id INTEGER '
            'CONSTRAINT fk_donations_campaign_id_campaigns REFERENCES campaigns (id)'
        )
        old, new = OLD_ANONYMOUS, f"{ANONYMOUS}), CONSTRAINT ck_donations_campaign_earmark CHECK ({EARMARK}"
        offenders = f'SELECT count(*) FROM donations WHERE NOT (({ANONYMOUS}) AND ({EARMARK}))'
    else:
        old, new = f"{ANONYMOUS}), CONSTRAINT ck_donations_campaign_earmark CHECK ({EARMARK}", OLD_ANONYMOUS
        offenders = f'SELECT count(*) FROM donations WHERE NOT ({OLD_ANONYMOUS})'
    if bind.execute(sa.text(offenders)).scalar():
        raise RuntimeError('donations break the new CHECK constraints; fix them first')
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'donations'")).scalar()
    if old not in sql:
        raise RuntimeError(f'donations table is not as expected: {sql}')
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    try:
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'donations'"),
            {'sql': sql.replace(old, new)},
        )
        bind.exec_driver_sql(f'PRAGMA schema_version = {version + 1}')
    finally:
        bind.exec_driver_sql('PRAGMA writable_schema = OFF')
    if not upgrade:
        bind.exec_driver_sql('ALTER TABLE donations DROP COLUMN campaign_id')
    problems = bind.exec_driver_sql('PRAGMA integrity_check').scalars().all()
    if problems != ['ok']:
        raise RuntimeError(f'integrity check failed after changing donations: {problems}')
