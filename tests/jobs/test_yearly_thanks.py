"""The yearly thank-you: one letter per caring parent per year, with that year's figures."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.jobs.scheduler import catch_up
from sponsorship.models import Letter
from sponsorship.models.enums import LetterKind, PairingStatus
from sponsorship.services.letters.thanks import yearly_figures
from sponsorship.services.money.donations import reverse_donation
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import count
from tests.factories import make_donation, make_pairing, make_sponsor


def test_figures_count_the_years_children_and_unreversed_donations():
    sponsor = make_sponsor()
    make_pairing(sponsor=sponsor, confirmed_at=datetime(2026, 3, 1, tzinfo=UTC))
    make_pairing(
        sponsor=sponsor,
        status=PairingStatus.ENDED,
        confirmed_at=datetime(2025, 3, 1, tzinfo=UTC),
        ended_on=date(2026, 2, 1),
    )
    make_pairing(
        sponsor=sponsor,
        status=PairingStatus.ENDED,
        confirmed_at=datetime(2024, 3, 1, tzinfo=UTC),
        ended_on=date(2025, 6, 1),
    )
    make_donation(sponsor, 50_000, received_on=date(2026, 5, 1))
    make_donation(sponsor, 20_000, received_on=date(2025, 12, 31))
    gone = make_donation(sponsor, 30_000, received_on=date(2026, 6, 1))
    reverse_donation(gone, reason="退款")
    [row] = yearly_figures(2026)
    assert (row.sponsor, row.children_count, row.donated_fen, row.received_fen) == (
        sponsor,
        2,
        50_000,
        0,
    )


def test_the_january_job_thanks_each_caring_parent_once(app, frozen):
    sponsor = make_sponsor()
    make_donation(sponsor, 50_000, received_on=date(2026, 5, 1))
    frozen(datetime(2027, 1, 10, 2, tzinfo=UTC))
    spec = registry()["yearly-thanks"]
    assert run_job(spec) == Outcome.SUCCEEDED
    assert run_job(spec) == Outcome.SKIPPED
    assert catch_up(app).get("yearly-thanks") == Outcome.SKIPPED
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.YEARLY_THANKS))
    assert letter.reference == "year:2026" and "2026年" in letter.body and "¥500.00" in letter.body
    assert count(Letter, Letter.kind == LetterKind.YEARLY_THANKS) == 1  # three runs, one letter
    assert letter.recipient_id == sponsor.id
