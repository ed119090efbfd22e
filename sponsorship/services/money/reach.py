"""Which donations a user may record, reverse or refund: only what lies wholly in their area.

A donation belongs to every place it touches: its caring parent's region, the children whose
pairings' funds it fills, and, for a donation to the general fund or with no caring parent, the
whole county. A user scoped to a town records, reverses and refunds only donations touching
nothing outside the town; bank-statement batches (lines of any caring parent) and the general
fund, given to or drawn on to cover a payout's shortfall, are for users responsible for the whole
county.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    Campaign,
    Child,
    Donation,
    Instalment,
    LedgerEntry,
    LedgerTransaction,
    Pairing,
    Pledge,
    Sponsor,
    User,
)
from sponsorship.models.enums import Account, RemainderTo, TransactionKind
from sponsorship.models.pledge import OPEN_INSTALMENT
from sponsorship.services.core.scope import reaches_everything, region_ids_in_scope

OUTSIDE = _l(
    "This touches money or children outside your area: a colleague responsible for the whole "
    "county records it."
)


def sponsor_within(sponsor: Sponsor | None, user: User) -> bool:
    """Tell whether the caring parent lies in the user's area (nobody's money: the county's)."""
    if reaches_everything(user):
        return True
    return sponsor is not None and user.can_see(sponsor.region)


def donation_within(donation: Donation, user: User) -> bool:
    """Tell whether everything the donation's ledger transaction touches lies in the area."""
    if reaches_everything(user):
        return True
    if not sponsor_within(donation.sponsor, user):
        return False
    subtree = region_ids_in_scope(user)
    outside = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LedgerEntry)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .outerjoin(Pairing, Pairing.id == LedgerEntry.pairing_id)
        .outerjoin(Child, Child.id == Pairing.child_id)
        .outerjoin(Campaign, Campaign.id == LedgerEntry.campaign_id)
        .where(
            LedgerTransaction.donation_id == donation.id,
            LedgerTransaction.kind == TransactionKind.DONATION,
            sa.or_(
                LedgerEntry.account == Account.GENERAL,
                sa.and_(LedgerEntry.pairing_id.is_not(None), Child.region_id.not_in(subtree)),
                # A gift to a campaign belongs to the campaign's owner region.
                sa.and_(
                    LedgerEntry.account == Account.CAMPAIGN, Campaign.region_id.not_in(subtree)
                ),
            ),
        )
    )
    return not outside


def ensure_may_record(sponsor: Sponsor | None, remainder_to: RemainderTo, user: User) -> None:
    """Refuse a donation whose money would land outside the user's area."""
    if reaches_everything(user):
        return
    if sponsor is None or remainder_to == RemainderTo.GENERAL or not sponsor_within(sponsor, user):
        raise DomainError(OUTSIDE)
    # The money pays the caring parent's oldest open instalments, wherever their children live.
    elsewhere = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Instalment)
        .join(Pledge, Pledge.id == Instalment.pledge_id)
        .join(Pairing, Pairing.id == Pledge.pairing_id)
        .join(Child, Child.id == Pairing.child_id)
        .where(
            Pairing.sponsor_id == sponsor.id,
            Instalment.status.in_(OPEN_INSTALMENT),
            Instalment.paid_fen < Instalment.amount_fen,
            Child.region_id.not_in(region_ids_in_scope(user)),
        )
    )
    if elsewhere:
        raise DomainError(OUTSIDE)


def ensure_donation_within(donation: Donation, user: User) -> None:
    """Refuse reversing a donation that touches anything outside the user's area."""
    if not donation_within(donation, user):
        raise DomainError(OUTSIDE)


def ensure_may_draw_on_general_fund(user: User | None) -> None:
    """Refuse covering a payout's shortfall from the general fund to a user scoped to a town."""
    if user is not None and not reaches_everything(user):
        raise DomainError(
            _l(
                "The general fund is the whole county's: a colleague responsible for the whole "
                "county decides whether it covers a shortfall. Keep the payout held, or leave "
                "it out."
            )
        )


def ensure_whole_county(user: User) -> None:
    """Refuse bank-statement batches to users scoped to part of the county."""
    if not reaches_everything(user):
        raise DomainError(
            _l(
                "Bank statements hold the whole county's lines: a colleague responsible for the "
                "whole county enters them."
            )
        )
