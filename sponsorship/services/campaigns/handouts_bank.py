"""A campaign's bank handout: a payout batch of its beneficiaries who are paid by bank.

The batch then goes the September batch's way (services/payouts: submit, approval by a second
person, bank file, paid or failed); what differs for beneficiaries' payouts is in
`services.payouts.campaign_payouts`.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import today
from sponsorship.errors import DomainError, Joined
from sponsorship.extensions import db
from sponsorship.models import Campaign, CampaignBeneficiary, Payout, PayoutBatch, Region, User
from sponsorship.models.enums import (
    HandoutMethod,
    HandoutStatus,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    RegionLevel,
)
from sponsorship.services.campaigns.handouts import ensure_may_hand_out, has_bank_details, people
from sponsorship.services.core import audit

#: Who a bank batch takes: waiting, or failed at the bank before (paid again, once).
WAITING = (HandoutStatus.PENDING, HandoutStatus.FAILED)


def waiting_for_bank(campaign: Campaign, user: User | None = None) -> sa.Select:
    """Select the beneficiaries (in the user's area) a bank batch would pay now."""
    return people(campaign, user).where(
        CampaignBeneficiary.method == HandoutMethod.BANK,
        CampaignBeneficiary.status.in_(WAITING),
    )


def _key(campaign: Campaign) -> str:
    """Return a batch key no live batch has: year, campaign, and a running number."""
    taken = set(
        db.session.scalars(
            sa.select(PayoutBatch.key).where(PayoutBatch.status != PayoutBatchStatus.CANCELLED)
        )
    )
    number = 1 + db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PayoutBatch)
        .where(PayoutBatch.campaign_id == campaign.id)
    )
    while (key := f"{campaign.starts_on.year}-C{campaign.id}-{number}") in taken:
        number += 1
    return key


def _towns(region_ids: set[int]) -> dict[int, int | None]:
    """Map each region to its town (itself, a village's parent, or None above the towns)."""
    towns: dict[int, int | None] = {}
    for region in db.session.scalars(sa.select(Region).where(Region.id.in_(region_ids))):
        town = region.ancestor_at(RegionLevel.TOWN)
        towns[region.id] = town.id if town is not None else None
    return towns


def build_bank_batch(campaign: Campaign, *, by: User | None = None) -> PayoutBatch:
    """Put every beneficiary waiting for a bank handout in a new draft batch; return it."""
    ensure_may_hand_out(campaign, by)
    chosen = list(db.session.scalars(waiting_for_bank(campaign, by)))
    if not chosen:
        raise DomainError(
            _l("Nobody is waiting for a bank handout: choose bank as the method first.")
        )
    no_amount = [p.name for p in chosen if p.amount_fen <= 0]
    if no_amount:
        raise DomainError(
            _l(
                "Set the amounts first: %(names)s have none.",
                names=Joined(no_amount[:5], "、"),
            )
        )
    no_bank = [p.name for p in chosen if not has_bank_details(p)]
    if no_bank:
        raise DomainError(
            _l(
                "No bank and account on file for %(names)s: add them, or hand out in cash.",
                names=Joined(no_bank[:5], "、"),
            )
        )
    batch = PayoutBatch(
        key=_key(campaign),
        cutoff_on=today(),
        periodic=False,
        note=campaign.name,
        built_by=by,
        campaign_id=campaign.id,
    )
    db.session.add(batch)
    db.session.flush()
    towns = _towns({p.region_id or campaign.region_id for p in chosen})
    for person in chosen:
        region_id = person.region_id or campaign.region_id
        db.session.add(
            Payout(
                batch_id=batch.id,
                beneficiary_id=person.id,
                # The campaign's year stands for the school year: the child-and-year index
                # ignores these payouts (no child), and the figures read it as the year paid.
                school_year=campaign.starts_on.year,
                region_id=region_id,
                town_id=towns.get(region_id),
                guardian_name=person.payee_name or person.name,
                bank_name=person.bank_name,
                bank_account=person.bank_account,
                amount_fen=person.amount_fen,
                funded_fen=person.amount_fen,
                shortfall_fen=0,
                decision=PayoutDecision.INCLUDED,
                status=PayoutStatus.PROPOSED,
            )
        )
        person.status = HandoutStatus.IN_BATCH
        person.status_note = ""
        person.status_recorded_by = by
    db.session.flush()
    total = sum(p.amount_fen for p in chosen)
    audit.record(
        "batch.built",
        batch,
        detail=f"{batch.key} campaign={campaign.id} payouts={len(chosen)} total_fen={total}",
        user=by,
    )
    return batch
