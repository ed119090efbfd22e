"""The conflict-skipping INSERTs of sponsorship/bulk_sql.py: cached, yet never confused."""

import sqlalchemy as sa

from sponsorship.bulk_sql import PAYING_PAYOUTS, insert_ignoring_conflicts, paying_conflict_ignored
from sponsorship.extensions import db
from sponsorship.models import AccountBalance, Payout
from tests.conftest import count

BALANCES = AccountBalance.__table__


def _key(stmt):
    key = stmt._generate_cache_key()
    assert key is not None, "the statement cannot be cached: it would be compiled every time"
    return key.key


def test_the_same_conflict_skipping_insert_has_one_cache_key_whatever_its_values():
    first = insert_ignoring_conflicts(BALANCES, "key").values(key="general", account="general")
    again = insert_ignoring_conflicts(BALANCES, "key").values(key="other", account="restricted")
    assert _key(first) == _key(again)


def test_inserts_skipping_other_conflicts_never_share_a_compiled_form():
    by_key = insert_ignoring_conflicts(BALANCES, "key")
    by_account = insert_ignoring_conflicts(BALANCES, "account")
    paying = paying_conflict_ignored(Payout.__table__)
    no_where = insert_ignoring_conflicts(Payout.__table__, "child_id", "school_year")
    plain = sa.insert(BALANCES)
    keys = [_key(stmt) for stmt in (by_key, by_account, paying, no_where, plain)]
    assert len(set(keys)) == len(keys)


def test_the_cached_insert_renders_its_conflict_target_and_where():
    paying = paying_conflict_ignored(Payout.__table__)
    sql = str(paying.compile(dialect=db.session.get_bind().dialect))
    assert "ON CONFLICT (child_id, school_year) WHERE " + str(PAYING_PAYOUTS) in sql
    assert sql.endswith("DO NOTHING")


def test_a_cached_conflict_skipping_insert_still_skips_the_rows_already_there():
    insert = insert_ignoring_conflicts(BALANCES, "key")
    for _ in range(3):  # the second and third run reuse the first's compiled form
        db.session.execute(insert.values(key="general", account="general", balance_fen=0))
    db.session.execute(insert.values(key="payouts", account="payouts", balance_fen=0))
    assert count(AccountBalance) == 2
