"""Revision 0014 changes the CHECKs of donations that the ledger already references (SQLite)."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.extensions import db as _db

DONATION = (
    "INSERT INTO donations (id, receipt_no, donor_name, amount_fen, received_on, method, "
    "bank_reference, campaign, note, remainder_to, recorded_at, reversed{extra}) "
    "VALUES ({id}, 'HD-{id}', '', 100, '2026-01-01', 'bank', '', '', '', '{to}', "
    "'2026-01-01 00:00:00', 0{extra_value})"
)


def _donation(id_, to, campaign_id=None):
    extra = ", campaign_id" if campaign_id is not None else ""
    value = f", {campaign_id}" if campaign_id is not None else ""
    return DONATION.format(id=id_, to=to, extra=extra, extra_value=value)


@pytest.fixture
def old_app(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.db'}"

    app = create_app(Config)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_0014_upgrades_donations_the_ledger_references_and_enforces_the_earmark(old_app):
    upgrade(revision="0013")
    with _db.engine.begin() as conn:
        conn.exec_driver_sql(_donation(1, "general"))
        conn.exec_driver_sql(
            "INSERT INTO ledger_transactions (id, kind, donation_id, memo, created_at) "
            "VALUES (1, 'donation', 1, '', '2026-01-01 00:00:00')"
        )
    upgrade()
    with _db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO regions (id, code, name, level, path) "
            "VALUES (1, '1', '县', 'county', '/1/')"
        )
        conn.exec_driver_sql(
            "INSERT INTO campaigns (id, name, kind, status, starts_on, region_id, description, "
            "created_at) VALUES (1, '送温暖', 'relief', 'open', '2026-01-01', 1, '', "
            "'2026-01-01 00:00:00')"
        )
        # An anonymous gift to a campaign is now allowed...
        conn.exec_driver_sql(_donation(2, "campaign", campaign_id=1))
    # ... but not one marked for a campaign without naming it.
    with pytest.raises(sa.exc.IntegrityError), _db.engine.begin() as conn:
        conn.exec_driver_sql(_donation(3, "campaign"))
    with _db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("SELECT count(*) FROM ledger_transactions").scalar() == 1


def test_0014_downgrade_is_refused_once_campaigns_are_recorded(old_app):
    upgrade()
    with _db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO regions (id, code, name, level, path) "
            "VALUES (1, '1', '县', 'county', '/1/')"
        )
        conn.exec_driver_sql(
            "INSERT INTO campaigns (id, name, kind, status, starts_on, region_id, description, "
            "created_at) VALUES (1, '送温暖', 'relief', 'open', '2026-01-01', 1, '', "
            "'2026-01-01 00:00:00')"
        )
    with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error and exits
        downgrade(revision="0013")
    with _db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0014"
        assert conn.exec_driver_sql("SELECT count(*) FROM campaigns").scalar() == 1
