"""Queue the two letters of each paid payout in bulk: a notice to the guardian, and to the
sponsor "your child has received ...". The same letters `queue_letter` would write (same data,
recipient, channel and dedupe key), queued through `queue_many` unrendered: their text is
rendered when they are delivered, printed or shown, not while the payment's chunk holds locks.

One query reads the columns the letters need (no model objects: at 100,000 payouts loading
them cost more than the payment itself); the recipient rules are the ones `recipient_of` uses.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import aliased

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.masking import age_this_year
from sponsorship.models import Child, Guardian, Pairing, Payout, Region, Sponsor
from sponsorship.models.child import given_name
from sponsorship.models.enums import LetterKind
from sponsorship.services.letters.queue import Pending, queue_many
from sponsorship.services.letters.recipients import (
    card_place,
    common_context,
    guardian_recipient,
    place_names,
    recipient_of,
    sponsor_recipient,
)

LANGUAGE = "zh"


def queue_payout_letters(payout_ids: list[int], paid_on: date) -> int:
    """Queue PAYOUT_NOTICE and CHILD_RECEIVED for each payout; return how many were new."""
    child, sponsor = Child, Sponsor
    rows = db.session.execute(
        sa.select(
            Payout.id.label("payout_id"),
            Payout.amount_fen,
            child.name.label("child_name"),
            child.birth_date,
            child.school_stage,
            child.region_id.label("child_region_id"),
            child.address.label("child_address"),
            Guardian.id.label("guardian_id"),
            Guardian.name.label("guardian_name"),
            Guardian.mobile.label("guardian_mobile"),
            sponsor.id.label("sponsor_id"),
            sponsor.name.label("sponsor_name"),
            sponsor.channel,
            sponsor.email,
            sponsor.mobile.label("sponsor_mobile"),
            sponsor.address.label("sponsor_address"),
            sponsor.contact_name,
            sponsor.region_id.label("sponsor_region_id"),
        )
        .join(child, child.id == Payout.child_id)
        .join(Guardian, Guardian.id == child.guardian_id)
        .outerjoin(Pairing, Pairing.id == Payout.pairing_id)
        .outerjoin(sponsor, sponsor.id == Pairing.sponsor_id)
        .where(Payout.id.in_(payout_ids))
        .order_by(Payout.id)
    ).all()
    regions = {region.id: region for region in db.session.scalars(sa.select(Region))}
    several = _guardians_of_several([row.guardian_id for row in rows])
    with force_locale(LANGUAGE):
        letters = _letters(rows, regions, several, paid_on)
    return queue_many(letters, about=f"payout letters for {len(rows)} payouts")


def _guardians_of_several(guardian_ids: list[int]) -> set[int]:
    """The guardians with more than one child: their letters follow `recipient_of` exactly."""
    other = aliased(Child)
    return set(
        db.session.scalars(
            sa.select(Child.guardian_id)
            .join(other, sa.and_(other.guardian_id == Child.guardian_id, other.id != Child.id))
            .where(Child.guardian_id.in_(guardian_ids))
            .distinct()
        )
    )


def _letters(rows, regions: dict, several: set[int], paid_on: date) -> list[Pending]:
    """Both letters of each payout, with their data (`plain_context` of child, amount, date)."""
    common = common_context("", LANGUAGE)
    on = today()
    letters = []
    places_of: dict = {}  # stage label and town, the same for every child of a village
    names_of: dict = {}  # the town and village names of an address, the same for a region

    def names(region_id):
        if region_id not in names_of:
            names_of[region_id] = place_names(regions.get(region_id))
        return names_of[region_id]

    for row in rows:
        key = (row.school_stage, row.child_region_id)
        if key not in places_of:
            places_of[key] = card_place(row.school_stage, regions.get(row.child_region_id))
        card = {
            "given_name": given_name(row.child_name),
            # The age turned this year, as `child_card` gives it (see sponsorship/masking.py).
            "age": age_this_year(row.birth_date, on),
            **places_of[key],
        }
        context = {
            **common,
            "child": card,
            "amount_fen": row.amount_fen,
            "paid_on": paid_on,
            "child_name": card["given_name"],
        }
        reference = f"payout:{row.payout_id}"
        guardian = _guardian(row, regions, several, names)
        letters.append(
            Pending(
                LetterKind.PAYOUT_NOTICE,
                guardian,
                reference,
                LANGUAGE,
                {**context, "name": guardian.name},
            )
        )
        if row.sponsor_id is None:
            continue
        sponsor = sponsor_recipient(
            LetterKind.CHILD_RECEIVED,
            id=row.sponsor_id,
            name=row.sponsor_name,
            channel=row.channel,
            email=row.email,
            mobile=row.sponsor_mobile,
            region=regions.get(row.sponsor_region_id),
            address=row.sponsor_address,
            contact_name=row.contact_name,
            region_id=row.sponsor_region_id,
            places=names(row.sponsor_region_id),
        )
        letters.append(
            Pending(
                LetterKind.CHILD_RECEIVED,
                sponsor,
                reference,
                LANGUAGE,
                {**context, "name": sponsor.name},
            )
        )
    return letters


def _guardian(row, regions: dict, several: set[int], names):
    if row.guardian_id in several:
        return recipient_of(db.session.get(Guardian, row.guardian_id), LetterKind.PAYOUT_NOTICE)
    return guardian_recipient(
        id=row.guardian_id,
        name=row.guardian_name,
        mobile=row.guardian_mobile,
        region_id=row.child_region_id,
        region=regions.get(row.child_region_id),
        address=row.child_address,
        places=names(row.child_region_id),
    )
