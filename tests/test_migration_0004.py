"""Revision 0004 fills the new search columns of children registered before it."""

import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.extensions import db as _db


def test_0004_fills_id_tail_and_hardship_mask(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.db'}"

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0001")
        with _db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO regions (id, code, name, level, path) "
                "VALUES (1, '1', '村', 'village', '/1/')"
            )
            conn.exec_driver_sql(
                "INSERT INTO users (id, username, display_name, password_hash, role, active, "
                "session_token, created_at) VALUES (1, 'u', '', 'x', 'staff', 1, 't', '2026-01-01')"
            )
            conn.exec_driver_sql(
                "INSERT INTO guardians (id, name, relation, consent_given_on, "
                "consent_collected_by_id, created_at) "
                "VALUES (1, '监护人', '祖母', '2026-01-01', 1, '2026-01-01')"
            )
            conn.exec_driver_sql(
                "INSERT INTO children (id, name, gender, birth_date, id_number, region_id, "
                "address, school, school_stage, aid_type, family_situation, guardian_id, status, "
                "registered_by_id, created_at, updated_at) VALUES (1, '陈', 'female', "
                "'2016-03-01', '44132320160301012X', 1, '', '', 'primary', 'education', '', 1, "
                "'awaiting', 1, '2026-01-01', '2026-01-01')"
            )
            conn.exec_driver_sql(
                "INSERT INTO child_hardships (child_id, category) VALUES (1, 'orphan'), "
                "(1, 'left_behind')"
            )
        upgrade()
        with _db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT id_tail, hardship_mask FROM children")).one()
        _db.engine.dispose()
    assert row == ("012X", 1 | 32)
