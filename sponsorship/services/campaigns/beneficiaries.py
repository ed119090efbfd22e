"""The people a campaign helps: children chosen from the register, and who may see what of them.

One person once per campaign: a child by the register's id, an adult by the resident ID
(`beneficiary_import` brings adults in from a sheet). ID numbers are shown masked; only those
who may reveal a child's numbers may reveal a beneficiary's, with a reason, audited. A health
condition is shown only to administrators and county staff who record a reason, never in lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from sponsorship.clock import today
from sponsorship.errors import DomainError, NotFoundError
from sponsorship.extensions import db
from sponsorship.masking import mask_id_number
from sponsorship.models import Campaign, CampaignBeneficiary, Child, Region, User
from sponsorship.models.child import hardship_bit
from sponsorship.models.enums import (
    BeneficiaryGroup,
    ChildStatus,
    HandoutStatus,
    Hardship,
    Role,
)
from sponsorship.services.campaigns.campaigns import ensure_open
from sponsorship.services.children.register import REVEAL_ROLES
from sponsorship.services.core import audit
from sponsorship.services.core.scope import reaches_everything

#: The most children one filter may add at once (a county's register has a few thousand).
MAX_CHILDREN = 5_000
#: Statuses whose money has reached the person: the report counts these.
HANDED_OUT = (HandoutStatus.PAID, HandoutStatus.SIGNED)


@dataclass(frozen=True)
class ChildFilter:
    """Which children of the register to add: each part optional."""

    hardship: Hardship | None = None
    town_id: int | None = None
    #: Ages the children turn this year (as the register shows them), inclusive.
    min_age: int | None = None
    max_age: int | None = None
    status: ChildStatus | None = None


def children_stmt(campaign: Campaign, flt: ChildFilter, user: User) -> sa.Select:
    """Select the register's children matching the filter, in the campaign's and user's area."""
    area = campaign.region.path
    stmt = (
        sa.select(Child)
        .join(Region, Region.id == Child.region_id)
        .where(Region.path.startswith(area, autoescape=True), Child.anonymised_at.is_(None))
    )
    if not reaches_everything(user) and user.scope_region is not None:
        stmt = stmt.where(Region.path.startswith(user.scope_region.path, autoescape=True))
    if flt.town_id is not None:
        town = db.session.get(Region, flt.town_id)
        stmt = stmt.where(Region.path.startswith(town.path if town else "\0", autoescape=True))
    if flt.hardship is not None:
        stmt = stmt.where(Child.hardship_mask.op("&")(hardship_bit(flt.hardship)) != 0)
    if flt.status is not None:
        stmt = stmt.where(Child.status == flt.status)
    else:
        stmt = stmt.where(Child.status != ChildStatus.EXITED)
    year = today().year
    if flt.min_age is not None:
        stmt = stmt.where(Child.birth_date <= date(max(1, year - flt.min_age), 12, 31))
    if flt.max_age is not None:
        stmt = stmt.where(Child.birth_date >= date(max(1, year - flt.max_age), 1, 1))
    return stmt.order_by(Region.code, Child.id)


def preview_children(
    campaign: Campaign, flt: ChildFilter, user: User
) -> tuple[list[Child], set[int]]:
    """Return the matching children (at most MAX_CHILDREN + 1) and the ids already added."""
    found = list(
        db.session.scalars(
            children_stmt(campaign, flt, user)
            .options(joinedload(Child.guardian), joinedload(Child.region))
            .limit(MAX_CHILDREN + 1)
        ).unique()
    )
    ids = [c.id for c in found]
    already = (
        set(
            db.session.scalars(
                sa.select(CampaignBeneficiary.child_id).where(
                    CampaignBeneficiary.campaign_id == campaign.id,
                    CampaignBeneficiary.child_id.in_(ids),
                )
            )
        )
        if ids
        else set()
    )
    return found, already


def add_children(campaign: Campaign, flt: ChildFilter, *, by: User) -> tuple[int, int]:
    """Add the matching children (payee: the guardian); return (added, skipped as already in)."""
    ensure_open(campaign)
    found, already = preview_children(campaign, flt, by)
    if len(found) > MAX_CHILDREN:
        raise DomainError(
            _l(
                "More than %(n)s children match: narrow the filter (a town, a hardship, ages).",
                n=MAX_CHILDREN,
            )
        )
    added = 0
    for child in found:
        if child.id in already:
            continue
        guardian = child.guardian
        db.session.add(
            CampaignBeneficiary(
                campaign_id=campaign.id,
                child_id=child.id,
                name=child.name,
                gender=child.gender,
                id_tail=child.id_tail,
                birth_date=child.birth_date,
                region_id=child.region_id,
                address=child.address or "",
                group=BeneficiaryGroup.CHILD,
                mobile=guardian.mobile,
                payee_name=guardian.name,
                bank_name=guardian.bank_name or "",
                bank_account=guardian.bank_account or "",
                added_by=by,
            )
        )
        added += 1
    db.session.flush()
    audit.record(
        "campaign.children_added",
        campaign,
        detail=f"added={added} skipped={len(already)} filter={_describe(flt)}",
        user=by,
    )
    return added, len(already)


def _describe(flt: ChildFilter) -> str:
    parts = [
        f"{name}={value.value if hasattr(value, 'value') else value}"
        for name, value in vars(flt).items()
        if value is not None
    ]
    return " ".join(parts) or "all"


def beneficiaries(
    campaign: Campaign, *, by: User, page: str = "campaign"
) -> list[CampaignBeneficiary]:
    """Return the campaign's beneficiaries in the user's area, recording the view (audited)."""
    stmt = (
        sa.select(CampaignBeneficiary)
        .outerjoin(Region, Region.id == CampaignBeneficiary.region_id)
        .where(CampaignBeneficiary.campaign_id == campaign.id)
        .options(joinedload(CampaignBeneficiary.child).joinedload(Child.guardian))
        .order_by(CampaignBeneficiary.group, Region.code, CampaignBeneficiary.id)
    )
    rows = list(db.session.scalars(stmt).unique())
    audit.record(
        "campaign.beneficiaries_viewed", campaign, detail=f"{page} rows={len(rows)}", user=by
    )
    return rows


def record_person_view(beneficiary: CampaignBeneficiary, *, by: User) -> None:
    """Record that the user opened one person's page (as a child's page is audited)."""
    audit.record("campaign.person_viewed", beneficiary, detail=beneficiary.campaign.name, user=by)


def masked_id(beneficiary: CampaignBeneficiary) -> str:
    """The beneficiary's resident ID as anyone may see it."""
    number = beneficiary.id_number or (beneficiary.child.id_number if beneficiary.child else None)
    return mask_id_number(number)


def get_beneficiary(campaign: Campaign, beneficiary_id: int) -> CampaignBeneficiary:
    """Return one of the campaign's beneficiaries, or raise NotFoundError."""
    row = db.session.get(CampaignBeneficiary, beneficiary_id)
    if row is None or row.campaign_id != campaign.id:
        raise NotFoundError(_l("No such person in this campaign."))
    return row


def may_reveal(user: User, campaign: Campaign) -> bool:
    """Tell whether the user may ask to see beneficiaries' full ID numbers (as for children)."""
    return user.role in REVEAL_ROLES and user.can_see(campaign.region)


def reveal_id(beneficiary: CampaignBeneficiary, reason: str, *, by: User) -> str:
    """Return the full ID number, recording who asked and why."""
    if not may_reveal(by, beneficiary.campaign):
        raise NotFoundError(_l("No such person in this campaign."))
    reason = reason.strip()
    if len(reason) < 2:
        raise DomainError(_l("Say why you need to see the numbers."))
    audit.record("campaign.id_revealed", beneficiary, detail=reason, user=by)
    if beneficiary.child is not None:
        return beneficiary.child.id_number or ""
    return beneficiary.id_number or ""


def may_view_health(user: User) -> bool:
    """Administrators, and staff responsible for the whole county, may see health conditions."""
    return user.role == Role.ADMIN or (user.role == Role.STAFF and reaches_everything(user))


def view_health(beneficiary: CampaignBeneficiary, reason: str, *, by: User) -> str:
    """Return the health condition, recording who asked and why (`campaign.health_viewed`)."""
    if not may_view_health(by) or not by.can_see(beneficiary.campaign.region):
        raise NotFoundError(_l("No such person in this campaign."))
    reason = reason.strip()
    if len(reason) < 2:
        raise DomainError(_l("Say why you need to see the health condition."))
    audit.record("campaign.health_viewed", beneficiary, detail=reason, user=by)
    return beneficiary.health_condition or ""


def remove_beneficiary(beneficiary: CampaignBeneficiary, *, by: User) -> None:
    """Take a person out of the campaign, while nothing has been handed out to them."""
    ensure_open(beneficiary.campaign)
    if beneficiary.status != HandoutStatus.PENDING or beneficiary.transaction_id is not None:
        raise DomainError(_l("Money has been handed out to this person: they stay in the list."))
    audit.record(
        "campaign.beneficiary_removed",
        beneficiary.campaign,
        detail=f"beneficiary={beneficiary.id} {beneficiary.group}",
        user=by,
    )
    db.session.delete(beneficiary)
    db.session.flush()


@dataclass(frozen=True)
class Summary:
    """How many people a campaign has, by group, and how many have received their money."""

    total: int
    by_group: dict[BeneficiaryGroup, int]
    handed_out: int
    handed_out_fen: int


def summary(campaign: Campaign) -> Summary:
    """Count the campaign's people by group and those whose money reached them (one query)."""
    done = CampaignBeneficiary.status.in_(HANDED_OUT)
    rows = db.session.execute(
        sa.select(
            CampaignBeneficiary.group,
            sa.func.count(),
            sa.func.sum(sa.case((done, 1), else_=0)),
            sa.func.sum(sa.case((done, CampaignBeneficiary.amount_fen), else_=0)),
        )
        .where(CampaignBeneficiary.campaign_id == campaign.id)
        .group_by(CampaignBeneficiary.group)
    ).all()
    by_group = {BeneficiaryGroup(g): int(n) for g, n, _d, _f in rows}
    ordered = {g: by_group[g] for g in BeneficiaryGroup if g in by_group}
    return Summary(
        total=sum(by_group.values()),
        by_group=ordered,
        handed_out=sum(int(d or 0) for _g, _n, d, _f in rows),
        handed_out_fen=sum(int(f or 0) for _g, _n, _d, f in rows),
    )
