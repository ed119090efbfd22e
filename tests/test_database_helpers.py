"""The database helpers chunked money work leans on, on both databases: the chunk's ids as a set
to test columns against, and the planner settings that keep a chunk's statements on indexes."""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.bulk_sql import IdSet, prefer_index_lookups
from sponsorship.database import CACHE_KIB
from sponsorship.extensions import db
from sponsorship.models import Sponsor
from sponsorship.services.payouts.build import build_batch
from tests.factories import make_paid_pairing, make_sponsor


def test_an_id_set_selects_exactly_its_ids_however_often_it_is_used():
    sponsors = [make_sponsor() for _ in range(6)]
    wanted = [sponsors[0].id, sponsors[3].id, sponsors[5].id]
    chunk = IdSet("test_chunk", wanted + [10**9])  # an id no row has changes nothing
    found = db.session.scalars(sa.select(Sponsor.id).where(chunk.has(Sponsor.id))).all()
    again = db.session.scalars(
        sa.select(Sponsor.id).where(~chunk.has(Sponsor.id)).order_by(Sponsor.id)
    ).all()
    assert sorted(found) == wanted
    assert again == [s.id for s in sponsors if s.id not in wanted]


def test_connections_are_set_up_for_chunked_work(dialect):
    """PostgreSQL plans every statement with its values (psycopg prepares none, so an array of
    2,000 ids is never planned as 10 rows); SQLite keeps a page cache of CACHE_KIB."""
    raw = db.session.connection().connection.dbapi_connection
    if dialect == "postgresql":
        assert raw.prepare_threshold is None
    else:
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB


def test_index_lookups_are_preferred_for_one_transaction_only(dialect):
    if dialect != "postgresql":
        pytest.skip("SQLite has no planner cost settings; prefer_index_lookups does nothing there")
    default = db.session.scalar(sa.text("SHOW random_page_cost"))
    prefer_index_lookups()
    assert db.session.scalar(sa.text("SHOW random_page_cost")) == "1.1"
    db.session.rollback()
    assert db.session.scalar(sa.text("SHOW random_page_cost")) == default


def test_a_build_leaves_postgresql_counting_its_payouts(dialect):
    """Paying right after a build planned by statistics from before it (every payout's status
    entry scanned per chunk statement): the build refreshes them."""
    if dialect != "postgresql":
        pytest.skip("SQLite's planner keeps no table statistics to refresh")
    for _ in range(30):
        make_paid_pairing()
    build_batch("2026-09", date(2026, 9, 1))
    counted = db.session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE relname = 'payouts'"))
    assert counted == 30
