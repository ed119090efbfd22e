"""Two transactions posting to the same brand-new account at the same moment both land."""

import threading

import pytest

from sponsorship.extensions import db
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.money import ledger, ledger_check
from sponsorship.services.money.ledger import Leg
from tests.factories import make_sponsor


@pytest.mark.commits
def test_concurrent_first_postings_to_one_account_both_count(app):
    sponsor = make_sponsor()
    db.session.commit()
    sponsor_id = sponsor.id
    db.session.rollback()  # end the read that began: on SQLite a transaction holds the write lock
    barrier = threading.Barrier(2)
    errors = []

    def give(amount: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                legs = [
                    Leg(Account.BANK, amount),
                    Leg(Account.SPONSOR_CREDIT, -amount, sponsor_id=sponsor_id),
                ]
                ledger.post(TransactionKind.DONATION, legs, memo="race")
                db.session.commit()
            except Exception as exc:  # the assertion below reports it
                errors.append(exc)
                db.session.rollback()

    threads = [threading.Thread(target=give, args=(amount,)) for amount in (30_000, 12_345)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert ledger.sponsor_credit(sponsor_id) == 42_345
    assert ledger_check.verify() == []
