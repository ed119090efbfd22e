"""Yearly thank-you letters: the year's figures, once per caring parent and year."""

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Letter
from sponsorship.models.enums import LetterKind
from sponsorship.services.letters.thanks import YearFigures, queue_yearly_thanks
from tests import factories
from tests.conftest import count


def test_yearly_thanks_carry_the_figures_and_go_once_a_year():
    sponsor = factories.make_letter_sponsor()
    rows = [YearFigures(sponsor, children_count=2, donated_fen=240_000, received_fen=200_000)]
    assert queue_yearly_thanks(rows, 2026) == 1
    assert queue_yearly_thanks(rows, 2026) == 0
    letter = db.session.scalars(
        sa.select(Letter).where(Letter.kind == LetterKind.YEARLY_THANKS)
    ).one()
    assert "2026年" in letter.subject
    assert "2名孩子" in letter.body and "¥2,400.00" in letter.body and "¥2,000.00" in letter.body
    assert queue_yearly_thanks(rows, 2027) == 1
    assert count(Letter) == 2
