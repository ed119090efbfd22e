"""Retention: forget the people the programme no longer needs to know (PIPL art. 19, 47).

Three clocks, each a setting (the defaults and their reasons are in the README):
- a child who left the programme: `retention.exited_child_years` after the exit date;
- a caring parent who withdrew: `retention.withdrawn_sponsor_years` after the withdrawal;
- a rejected applicant: `retention.rejected_applicant_months` after the rejection.
A caring parent who still has an active pairing is never due, whatever the dates say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from sponsorship.clock import local_zone
from sponsorship.extensions import db
from sponsorship.models import Child, Pairing, Sponsor
from sponsorship.models.enums import ChildStatus, PairingStatus, SponsorStatus
from sponsorship.services.core import settings
from sponsorship.services.data.anonymise import anonymise_child, anonymise_sponsor


@dataclass(frozen=True)
class RetentionResult:
    """How many records one retention run anonymised."""

    children: int
    sponsors: int


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def due_children(now: datetime) -> list[Child]:
    """Return the children whose exit is older than the retention period."""
    today = now.astimezone(local_zone()).date()
    cutoff = _years_before(today, int(settings.get("retention.exited_child_years")))
    return list(
        db.session.scalars(
            sa.select(Child)
            .where(
                Child.status == ChildStatus.EXITED,
                Child.exited_on < cutoff,
                Child.anonymised_at.is_(None),
            )
            .order_by(Child.id)
        )
    )


def due_sponsors(now: datetime) -> list[Sponsor]:
    """Return the withdrawn and rejected caring parents whose retention period has run out."""
    today = now.astimezone(local_zone()).date()
    withdrawn_cutoff = _years_before(today, int(settings.get("retention.withdrawn_sponsor_years")))
    months = int(settings.get("retention.rejected_applicant_months"))
    rejected_cutoff = today - timedelta(days=months * 366 // 12)
    zone = local_zone()

    def moment(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), zone)

    since = sa.func.coalesce(Sponsor.reviewed_at, Sponsor.created_at)
    active = (
        sa.select(Pairing.id)
        .where(Pairing.sponsor_id == Sponsor.id, Pairing.status == PairingStatus.ACTIVE)
        .exists()
    )
    return list(
        db.session.scalars(
            sa.select(Sponsor)
            .where(
                Sponsor.anonymised_at.is_(None),
                sa.or_(
                    sa.and_(
                        Sponsor.status == SponsorStatus.WITHDRAWN,
                        since < moment(withdrawn_cutoff),
                    ),
                    sa.and_(
                        Sponsor.status == SponsorStatus.REJECTED,
                        since < moment(rejected_cutoff),
                    ),
                ),
                ~active,
            )
            .order_by(Sponsor.id)
        )
    )


def apply_retention(now: datetime) -> RetentionResult:
    """Anonymise every child and caring parent whose retention period has run out."""
    children = due_children(now)
    for child in children:
        anonymise_child(child)
    sponsors = due_sponsors(now)
    for sponsor in sponsors:
        anonymise_sponsor(sponsor)
    db.session.flush()
    return RetentionResult(len(children), len(sponsors))
