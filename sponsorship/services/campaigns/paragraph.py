"""What a campaign did, in the programme's own words, from its data.

Relief: 「发放慰问金16500元，慰问单亲特困母亲、孤儿、基层老妇干、困难三八红旗手等特殊群体55人」
(money and people: the beneficiaries whose money reached them, paid by the bank or signed for;
groups in the order of BeneficiaryGroup). A children-only handout says
「走访慰问孤儿、残疾、贫困儿童78人，发放慰问金7800元」, naming orphans and disabled children when
there are any and the others as 贫困 (orphans alone: 「走访慰问孤儿3人…」).
Gifts in kind add 「及价值…元的慰问品」.
Drive: 「共募捐善款79161元，已全额上缴县慈善总会」 when everything raised went to one body,
else 「共募捐善款X元，已上缴县慈善总会Y元，结余Z元」.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import (
    Campaign,
    CampaignBeneficiary,
    CampaignGift,
    CampaignHandOver,
    Child,
    Region,
    User,
)
from sponsorship.models.child import hardship_bit
from sponsorship.models.enums import BeneficiaryGroup, CampaignKind, Hardship
from sponsorship.services.campaigns import fund
from sponsorship.services.campaigns.beneficiaries import HANDED_OUT, Summary, summary
from sponsorship.services.core.scope import in_scope
from sponsorship.services.reports.measures import Period
from sponsorship.services.reports.statistics import yuan_text

#: Children's wording: orphans, disabled children, and the others as poor children.
CHILD_WORDS = ((Hardship.ORPHAN, "孤儿"), (Hardship.DISABLED, "残疾"))
POOR = "贫困"


#: The groups as the programme's report names them (fixed wording, whatever the UI language).
GROUP_WORDS = {
    BeneficiaryGroup.CHILD: "困境儿童",
    BeneficiaryGroup.POOR_SINGLE_MOTHER: "单亲特困母亲",
    BeneficiaryGroup.ORPHAN: "孤儿",
    BeneficiaryGroup.OLD_WOMEN_CADRE: "基层老妇干",
    BeneficiaryGroup.RED_BANNER: "困难三八红旗手",
    BeneficiaryGroup.PATIENT: "困难患病妇女",
    BeneficiaryGroup.OTHER: "其他困难群众",
}


def relief_sentence(campaign: Campaign) -> str:
    """The handout's sentence, or "" when nothing has reached anyone yet."""
    done = sa.and_(
        CampaignBeneficiary.campaign_id == campaign.id, CampaignBeneficiary.status.in_(HANDED_OUT)
    )
    rows = db.session.execute(
        sa.select(
            CampaignBeneficiary.group, sa.func.count(), sa.func.sum(CampaignBeneficiary.amount_fen)
        )
        .where(done)
        .group_by(CampaignBeneficiary.group)
    ).all()
    people = sum(int(n) for _g, n, _f in rows)
    money = sum(int(f or 0) for _g, _n, f in rows)
    gifts = int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(CampaignGift.value_fen), 0)).where(
                CampaignGift.campaign_id == campaign.id
            )
        )
    )
    if not people and not gifts:
        return ""
    present = {BeneficiaryGroup(g) for g, _n, _f in rows}
    handed = _handed_words(money, gifts)
    if present == {BeneficiaryGroup.CHILD}:
        return f"走访慰问{_children_noun(_children_words(campaign))}{people}人，{handed}"
    groups = "、".join(GROUP_WORDS[g] for g in BeneficiaryGroup if g in present)
    if not groups:
        return handed
    return f"{handed}，慰问{groups}等特殊群体{people}人"


def _children_noun(words: str) -> str:
    """孤儿 is already a child: 「孤儿3人」, not 「孤儿儿童3人」; others take 儿童."""
    return words if words == "孤儿" else f"{words}儿童"


def _handed_words(money: int, gifts: int) -> str:
    if money and gifts:
        return f"发放慰问金{yuan_text(money)}元及价值{yuan_text(gifts)}元的慰问品"
    if gifts:
        return f"发放价值{yuan_text(gifts)}元的慰问品"
    return f"发放慰问金{yuan_text(money)}元"


def _children_words(campaign: Campaign) -> str:
    """孤儿、残疾、贫困: the kinds of children the handout reached, in that order."""
    mask = Child.hardship_mask
    flags = [(hardship_bit(h), word) for h, word in CHILD_WORDS]
    columns = [sa.func.max(sa.case((mask.op("&")(bit) != 0, 1), else_=0)) for bit, _w in flags]
    special = sum(bit for bit, _w in flags)
    columns.append(sa.func.max(sa.case((mask.op("&")(special) == 0, 1), else_=0)))
    found = db.session.execute(
        sa.select(*columns)
        .select_from(CampaignBeneficiary)
        .join(Child, Child.id == CampaignBeneficiary.child_id)
        .where(
            CampaignBeneficiary.campaign_id == campaign.id,
            CampaignBeneficiary.status.in_(HANDED_OUT),
        )
    ).one()
    words = [word for (_bit, word), hit in zip(flags, found[:-1], strict=True) if hit]
    if found[-1] or not words:
        words.append(POOR)
    return "、".join(words)


def drive_sentence(campaign: Campaign) -> str:
    """The drive's sentence: what was raised and where it went."""
    figures = fund.figures(campaign)
    raised = figures.raised_fen
    bodies = db.session.execute(
        sa.select(CampaignHandOver.receiving_body, sa.func.sum(CampaignHandOver.amount_fen))
        .where(CampaignHandOver.campaign_id == campaign.id)
        .group_by(CampaignHandOver.receiving_body)
        .order_by(sa.func.min(CampaignHandOver.id))
    ).all()
    text = f"共募捐善款{yuan_text(raised)}元"
    handed = sum(int(f) for _b, f in bodies)
    if len(bodies) == 1 and handed == raised and raised:
        return f"{text}，已全额上缴{bodies[0][0]}"
    if bodies:
        parts = "、".join(f"{body}{yuan_text(int(f))}元" for body, f in bodies)
        text += f"，已上缴{parts}"
    return f"{text}，结余{yuan_text(figures.held_fen)}元"


def paragraph(campaign: Campaign) -> str:
    """The campaign's paragraph for the report: drive and/or handout, as its kind says."""
    parts = []
    if campaign.kind in (CampaignKind.DRIVE, CampaignKind.BOTH):
        parts.append(drive_sentence(campaign))
    if campaign.kind in (CampaignKind.RELIEF, CampaignKind.BOTH):
        relief = relief_sentence(campaign)
        if relief:
            parts.append(relief)
    return "；".join(parts)


@dataclass(frozen=True)
class CampaignLine:
    """One campaign of a period: its paragraph and its figures, for the statistics."""

    campaign: Campaign
    paragraph: str
    figures: fund.FundFigures
    people: Summary


def campaigns_in_period(
    period: Period, user: User, area: Region | None = None
) -> list[CampaignLine]:
    """Return the campaigns in the user's area (and in `area`) that ran during the period."""
    stmt = (
        sa.select(Campaign)
        .join(Region, Region.id == Campaign.region_id)
        .where(
            Campaign.starts_on <= period.end,
            sa.or_(Campaign.ends_on.is_(None), Campaign.ends_on >= period.start),
        )
        .order_by(Campaign.starts_on, Campaign.id)
    )
    if area is not None:
        stmt = stmt.where(Region.path.startswith(area.path, autoescape=True))
    rows = db.session.scalars(in_scope(stmt, Campaign.region_id, user))
    return [CampaignLine(c, paragraph(c), fund.figures(c), summary(c)) for c in rows]
