"""Queue the yearly thank-you letters from the year's figures the money-in capability computes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Donation, Pairing, Payout, Sponsor
from sponsorship.models.enums import LetterKind, PairingStatus, PayoutStatus
from sponsorship.services.letters.queue import queue_letter


@dataclass(frozen=True)
class YearFigures:
    """One caring parent's year: how many children, what they gave, what the children received."""

    sponsor: Sponsor
    children_count: int
    donated_fen: int
    received_fen: int


def yearly_reference(year: int) -> str:
    """Return the letter reference of a year's thank-you, which keeps it to one per year."""
    return f"year:{year}"


def queue_yearly_thanks(rows: Iterable[YearFigures], year: int) -> int:
    """Queue one yearly thank-you per caring parent (once per year); return how many were new."""
    queued = 0
    for row in rows:
        letter = queue_letter(
            LetterKind.YEARLY_THANKS,
            row.sponsor,
            yearly_reference(year),
            year=year,
            children_count=row.children_count,
            donated_fen=row.donated_fen,
            received_fen=row.received_fen,
        )
        queued += letter is not None
    return queued


def yearly_figures(year: int) -> list[YearFigures]:
    """Return each caring parent's figures for a calendar year, aggregated in SQL.

    Children: paired at any time in the year. Donated: received in the year, not reversed.
    Received: payouts for their children paid in the year.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    year_end = datetime(year + 1, 1, 1, tzinfo=UTC)
    children = (
        sa.select(Pairing.sponsor_id, sa.func.count(sa.distinct(Pairing.child_id)).label("n"))
        .where(
            Pairing.status.in_([PairingStatus.ACTIVE, PairingStatus.ENDED]),
            Pairing.confirmed_at < year_end,
            sa.or_(Pairing.ended_on.is_(None), Pairing.ended_on >= first),
        )
        .group_by(Pairing.sponsor_id)
    )
    donated = (
        sa.select(Donation.sponsor_id, sa.func.sum(Donation.amount_fen).label("fen"))
        .where(Donation.received_on.between(first, last), Donation.reversed.is_(False))
        .group_by(Donation.sponsor_id)
    )
    received = (
        sa.select(Pairing.sponsor_id, sa.func.sum(Payout.amount_fen).label("fen"))
        .join(Pairing, Payout.pairing_id == Pairing.id)
        .where(Payout.status == PayoutStatus.PAID, Payout.paid_on.between(first, last))
        .group_by(Pairing.sponsor_id)
    )
    counts = dict(db.session.execute(children).all())
    gifts = {k: v for k, v in db.session.execute(donated).all() if k is not None}
    paid = dict(db.session.execute(received).all())
    ids = sorted(set(counts) | set(gifts))
    if not ids:
        return []
    sponsors = db.session.scalars(sa.select(Sponsor).where(Sponsor.id.in_(ids))).all()
    return [
        YearFigures(s, int(counts.get(s.id, 0)), int(gifts.get(s.id, 0)), int(paid.get(s.id, 0)))
        for s in sorted(sponsors, key=lambda s: s.id)
    ]
