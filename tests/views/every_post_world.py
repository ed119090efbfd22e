"""The world of the POST guard: two towns, each with a record in every state an action takes,
and the county's money, campaign and batches.

Town B's records wait in the state each action needs (a child to verify, a proposal to confirm,
a batch to submit, approve, export and pay...), so that a missing check lets the action succeed
and shows as a changed row, not as a refusal for some other reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch, Region
from sponsorship.models.enums import (
    AidGroup,
    CampaignKind,
    Channel,
    ChildStatus,
    DonationMethod,
    HandoutMethod,
    LetterKind,
    LetterStatus,
    PairingStatus,
    PayoutBatchStatus,
    RegionLevel,
    Role,
    SponsorStatus,
)
from sponsorship.models.payout import payment_reference
from sponsorship.services.campaigns.campaigns import create_campaign
from sponsorship.services.campaigns.fund import record_gift
from sponsorship.services.campaigns.gift_batches import open_gift_batch
from sponsorship.services.campaigns.handouts_cash import record_signed
from sponsorship.services.data.sponsor_requests import request_erasure
from sponsorship.services.letters.queue import queue_letter
from sponsorship.services.money.donation_batches import open_batch
from sponsorship.services.payouts.build import build_batch
from tests import factories
from tests.services.campaigns.handout_data import fund_campaign, make_adult, make_child_beneficiary


@dataclass
class World:
    """Town B's (and the county's) ids by path argument and by form field, and its secrets."""

    town_a: Region
    town_b: Region
    #: Town A's caring parent: the login of the portal's actor and the sponsor they may change.
    parent_login: str
    parent_id: int
    path_ids: dict[str, list[int]] = field(default_factory=dict)
    form_ids: dict[str, list[str]] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    result_file: str = ""


def _town(name: str, admin) -> dict:
    """One town's records, each in the state some action starts from."""
    town = factories.make_town(name=name)
    village = factories.make_region(f"{name}村", level=RegionLevel.VILLAGE, parent=town)
    parent = factories.make_portal_sponsor(region=village, name=f"{name}爱心人", capacity=1)
    child = factories.make_child(
        region=village,
        registered_by=admin,
        status=ChildStatus.PAIRED,
        name=f"{name}秘童",
        id_number=factories.id_number(),
    )
    child.guardian.name = f"{name}秘监护"
    child.guardian.bank_account = f"62284899{town.id:011d}"
    pairing = factories.make_pairing(parent, child)
    pledge = factories.make_pledge(pairing)
    # The whole pledge and 500 yuan of credit beyond it, to refund.
    paid = factories.make_donation(
        parent, pledge.amount_fen + 50_000, received_on=date(2026, 8, 20)
    )
    free = factories.make_sponsor(region=village, capacity=2, channel=Channel.POST, address="1号")
    kids = {
        status: factories.make_child(region=village, registered_by=admin, status=status)
        for status in (ChildStatus.REGISTERED, ChildStatus.VERIFIED, ChildStatus.AWAITING)
    }
    proposal = factories.make_pairing(
        free, kids[ChildStatus.AWAITING], status=PairingStatus.PROPOSED
    )
    pending = factories.make_sponsor(region=village, status=SponsorStatus.PENDING)
    data_request = request_erasure(parent, by=parent.user)
    failed = queue_letter(LetterKind.APPROVAL, parent, f"{name}-failed")
    failed.channel, failed.status = Channel.EMAIL, LetterStatus.FAILED
    postal = queue_letter(LetterKind.APPROVAL, free, f"{name}-postal")
    campaign = create_campaign(
        name=f"{name}慰问",
        kind=CampaignKind.BOTH,
        starts_on=date(2026, 1, 1),
        region=town,
        by=admin,
    )
    fund_campaign(campaign, 100_000)
    waiting = make_child_beneficiary(
        campaign, child=child, bank_name="农行", bank_account=child.guardian.bank_account
    )
    cash = make_adult(campaign, name=f"{name}秘受助", amount_fen=10_000, region=village)
    signed = make_adult(campaign, amount_fen=10_000, method=HandoutMethod.CASH, region=village)
    record_signed(campaign, [signed.id], date(2026, 9, 2), by=admin)
    gift = record_gift(
        campaign,
        amount_fen=10_000,
        received_on=date(2026, 8, 20),
        method=DonationMethod.BANK,
        by=admin,
    )
    return dict(
        town=town,
        village=village,
        staff=factories.make_user(Role.STAFF, scope=town),
        parent=parent,
        child=child,
        pairing=pairing,
        pledge=pledge,
        paid=paid,
        kids=list(kids.values()),
        free=free,
        proposal=proposal,
        pending=pending,
        data_request=data_request,
        letters=[failed, postal],
        campaign=campaign,
        people=[waiting, cash, signed],
        gift=gift,
        gift_batch=open_gift_batch(campaign, "十元捐", 1, 1_000, by=admin),
    )


def _batch(status, year: int, pairings, *, by, periodic: bool = True) -> PayoutBatch:
    """A batch in `status` paying each pairing's child 100 yuan, for its own school year."""
    batch = PayoutBatch(
        key=f"{year}-09" if periodic else f"{year}-补发",
        cutoff_on=date(year, 9, 1),
        periodic=periodic,
        status=status,
        built_by=by,
        submitted_by=by if status != PayoutBatchStatus.DRAFT else None,
    )
    db.session.add(batch)
    for pairing in pairings:
        child = pairing.child
        db.session.add(
            Payout(
                batch=batch,
                pairing=pairing,
                child=child,
                school_year=year,
                region_id=child.region_id,
                town_id=child.region.parent_id,
                aid_group=AidGroup.PRIMARY,
                guardian_name=child.guardian.name,
                bank_name="农商银行",
                bank_account=child.guardian.bank_account,
                amount_fen=10_000,
                funded_fen=10_000,
            )
        )
    db.session.flush()
    return batch


def build_world() -> World:
    """Build both towns, the county's money and campaign, and a batch in every state."""
    admin = factories.make_user(Role.ADMIN)
    a, b = _town("甲镇", admin), _town("乙镇", admin)
    county = factories.county()
    factories.fund_general(200_000)
    county_campaign = create_campaign(
        name="全县慰问", kind=CampaignKind.BOTH, starts_on=date(2026, 1, 1), region=county, by=admin
    )
    fund_campaign(county_campaign, 50_000)
    county_person = make_adult(county_campaign, amount_fen=10_000, region=b["village"])
    statement = open_batch("十月对账", 1, 100, by=admin)
    # Town A's caring parent who sponsors town B's child and asked to be erased: acting on what
    # is town A's must not reach the child's pairing, nor its instalments.
    straddling = factories.make_portal_sponsor(region=a["village"], name="甲镇跨镇爱心")
    child_b = factories.make_child(b["village"], registered_by=admin, status=ChildStatus.PAIRED)
    cross = factories.make_pairing(straddling, child_b)
    factories.make_pledge(cross)
    cross_request = request_erasure(straddling, by=straddling.user)
    both = [a["pairing"], b["pairing"]]
    batches = [build_batch("2026-09", date(2026, 9, 1), by=admin)] + [
        _batch(status, year, both, by=admin)
        for status, year in (
            (PayoutBatchStatus.SUBMITTED, 2025),
            (PayoutBatchStatus.APPROVED, 2024),
            (PayoutBatchStatus.EXPORTED, 2023),
        )
    ]
    batches.append(
        _batch(PayoutBatchStatus.DRAFT, 2022, [b["pairing"]], by=b["staff"], periodic=False)
    )
    theirs = db.session.scalars(
        sa.select(Payout).where(Payout.region_id == b["village"].id).order_by(Payout.id)
    ).all()
    exported = [p for p in theirs if p.batch_id == batches[3].id]
    world = World(
        town_a=a["town"],
        town_b=b["town"],
        parent_login=a["parent"].mobile,
        parent_id=a["parent"].id,
    )
    world.result_file = "参考号,结果\n" + "".join(
        f"{payment_reference(p.batch.key, p.id)},成功\n" for p in exported
    )
    children = [b["child"], *b["kids"], child_b]
    sponsors = [b["parent"], b["free"], b["pending"], straddling]
    people = [*b["people"], county_person]
    campaigns = [b["campaign"], county_campaign, a["campaign"]]
    world.path_ids = {
        "child_id": [c.id for c in children],
        "sponsor_id": [s.id for s in sponsors],
        "pairing_id": [b["pairing"].id, b["proposal"].id, cross.id],
        "pledge_id": [b["pledge"].id],
        "donation_id": [b["paid"].id, b["gift"].id],
        "letter_id": [letter.id for letter in b["letters"]],
        "request_id": [b["data_request"].id, cross_request.id],
        "batch_id": [batch.id for batch in batches],
        "payout_id": [p.id for p in theirs],
        "campaign_id": [c.id for c in campaigns],
        "beneficiary_id": [p.id for p in people],
        "campaign_money.batch_id": [b["gift_batch"].id, statement.id],
        "user_id": [b["staff"].id, admin.id],
    }
    ids = [*children, *sponsors[:3], *theirs, *people, *b["letters"], b["proposal"]]
    world.form_ids = {
        "ids": sorted({str(row.id) for row in ids}),
        "selected": [str(b["proposal"].id)],
        "letter_ids": [",".join(str(letter.id) for letter in b["letters"])],
        "child": [str(b["kids"][-1].id)],
        # One per variant: town B's, and town A's who sponsors a child of town B.
        "sponsor": [str(b["free"].id), str(straddling.id)],
        "beneficiary": [str(b["people"][0].id)],
        "region_id": [str(b["village"].id)],
        "town": [str(b["town"].id)],
        "scope": [str(b["town"].id)],
    }
    world.secrets = [
        b["child"].name,
        b["child"].guardian.name,
        b["child"].guardian.bank_account,
        b["child"].id_number,
        b["people"][1].name,
        b["people"][1].id_number,
    ]
    return world
