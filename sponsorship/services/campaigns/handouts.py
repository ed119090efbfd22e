"""A campaign's handouts: how much each person is given, and how (bank transfer or cash).

Amounts and methods change only for people not handed anything yet and not waiting in a bank
batch (`OPEN`). The bank batch is built in `handouts_bank`, the cash sign-for sheet and the
signatures are in `handouts_cash`.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError, Joined
from sponsorship.extensions import db
from sponsorship.labels import label
from sponsorship.models import Campaign, CampaignBeneficiary, User
from sponsorship.models.enums import BeneficiaryGroup, HandoutMethod, HandoutStatus
from sponsorship.services.campaigns.campaigns import ensure_open
from sponsorship.services.campaigns.handouts_amounts import (
    AmountRule,
    MissingGroupAmountError,
    amounts,
)
from sponsorship.services.core import audit
from sponsorship.services.core.scope import in_scope

#: People whose handout may still change: nothing handed, not waiting at the bank.
OPEN = (HandoutStatus.PENDING, HandoutStatus.NOT_SIGNED, HandoutStatus.FAILED)


def ensure_may_hand_out(campaign: Campaign, user: User | None) -> None:
    """Refuse handout work on a campaign that is closed or lies outside the user's area."""
    if user is not None and not user.can_see(campaign.region):
        raise DomainError(_l("This campaign belongs to another area: its own staff hand it out."))
    ensure_open(campaign)


def people(campaign: Campaign, user: User | None = None) -> sa.Select:
    """Select the campaign's beneficiaries (those in the user's area, if given), by name."""
    stmt = sa.select(CampaignBeneficiary).where(CampaignBeneficiary.campaign_id == campaign.id)
    if user is not None and not user.can_see(campaign.region):
        return stmt.where(sa.false())
    if user is not None:
        # A county campaign's people without a region belong to the county: in scope of the
        # campaign's own region, which the user sees (checked above).
        stmt = in_scope(
            stmt,
            sa.func.coalesce(CampaignBeneficiary.region_id, campaign.region_id),
            user,
        )
    return stmt.order_by(CampaignBeneficiary.name, CampaignBeneficiary.id)


def listed(campaign: Campaign, *, by: User) -> list[CampaignBeneficiary]:
    """Return the people of the handouts page (in the user's area), recording the view."""
    rows = list(db.session.scalars(people(campaign, by)))
    audit.record(
        "campaign.beneficiaries_viewed", campaign, detail=f"handouts rows={len(rows)}", user=by
    )
    return rows


def _chosen(
    campaign: Campaign, ids: Iterable[int] | None, user: User | None
) -> list[CampaignBeneficiary]:
    stmt = people(campaign, user).where(CampaignBeneficiary.status.in_(OPEN))
    if ids is not None:
        stmt = stmt.where(CampaignBeneficiary.id.in_(list(ids)))
    return list(db.session.scalars(stmt))


def set_amounts(
    campaign: Campaign,
    rule: AmountRule,
    *,
    by: User | None = None,
    ids: Iterable[int] | None = None,
) -> int:
    """Give every open beneficiary (or those chosen) the rule's amount; return how many."""
    ensure_may_hand_out(campaign, by)
    chosen = _chosen(campaign, ids, by)
    if not chosen:
        raise DomainError(_l("Nobody on the list is waiting for a handout."))
    try:
        each = amounts(rule, [person.group.value for person in chosen])
    except MissingGroupAmountError as missing:
        raise DomainError(
            _l(
                "Give an amount for these groups too: %(groups)s",
                groups=Joined([label(BeneficiaryGroup(g)) for g in missing.groups], "、"),
            )
        ) from missing
    for person, fen in zip(chosen, each, strict=True):
        person.amount_fen = fen
    db.session.flush()
    how = (
        f"one_fen={rule.one_fen}"
        if rule.one_fen is not None
        else " ".join(f"{g}={fen}" for g, fen in sorted(rule.by_group.items()))
    )
    audit.record(
        "campaign.amounts_set",
        campaign,
        detail=f"count={len(chosen)} total_fen={sum(each)} {how}",
        user=by,
    )
    return len(chosen)


def has_bank_details(person: CampaignBeneficiary) -> bool:
    """Tell whether the person can be paid by bank: a bank's name and an account."""
    return bool(person.bank_name.strip() and person.bank_account.strip())


def set_method(
    campaign: Campaign,
    method: HandoutMethod,
    *,
    by: User | None = None,
    ids: Iterable[int] | None = None,
) -> int:
    """Hand the chosen open beneficiaries their money by `method`; bank needs bank details."""
    ensure_may_hand_out(campaign, by)
    chosen = _chosen(campaign, ids, by)
    if not chosen:
        raise DomainError(_l("Nobody on the list is waiting for a handout."))
    if method == HandoutMethod.BANK:
        without = [p.name for p in chosen if not has_bank_details(p)]
        if without:
            raise DomainError(
                _l(
                    "No bank and account on file for %(names)s: add them, or hand out in cash.",
                    names=Joined(without[:5], "、"),
                )
            )
    for person in chosen:
        person.method = method
    db.session.flush()
    audit.record(
        "campaign.methods_set",
        campaign,
        detail=f"count={len(chosen)} method={method.value}",
        user=by,
    )
    return len(chosen)


def default_methods(campaign: Campaign, *, by: User | None = None) -> tuple[int, int]:
    """Set each open beneficiary to bank when bank details are on file, else cash.

    Return (bank, cash) counts.
    """
    ensure_may_hand_out(campaign, by)
    bank = cash = 0
    for person in _chosen(campaign, None, by):
        if has_bank_details(person):
            person.method, bank = HandoutMethod.BANK, bank + 1
        else:
            person.method, cash = HandoutMethod.CASH, cash + 1
    db.session.flush()
    audit.record("campaign.methods_set", campaign, detail=f"bank={bank} cash={cash}", user=by)
    return bank, cash
