"""Receipt numbers stay unique and gapless when two clerks record at the same moment."""

import threading

import pytest

from sponsorship.extensions import db
from sponsorship.services.money.donations import next_receipt_no


@pytest.mark.commits
def test_concurrent_receipt_numbers_are_unique_and_gapless(app):
    next_receipt_no(2031)
    db.session.commit()
    barrier = threading.Barrier(2)
    issued: list[str] = []
    errors: list[BaseException] = []

    def worker():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for _ in range(5):
                    issued.append(next_receipt_no(2031))
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(issued) == [f"HD-2031-{n:06d}" for n in range(2, 12)]


@pytest.mark.commits
def test_first_receipts_of_a_new_year_at_the_same_moment_both_get_a_number(app):
    """The year's counter row does not exist yet: both clerks create it, neither fails."""
    for attempt in range(5):
        year = 2040 + attempt
        barrier = threading.Barrier(2)
        issued: list[str] = []
        errors: list[BaseException] = []

        def worker(year=year, barrier=barrier, issued=issued, errors=errors):
            try:
                with app.app_context():
                    barrier.wait(timeout=30)
                    issued.append(next_receipt_no(year))
                    db.session.commit()
                    db.session.remove()
            except BaseException as exc:  # reported below, not lost in the thread
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sorted(issued) == [f"HD-{year}-000001", f"HD-{year}-000002"]
