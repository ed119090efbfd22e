"""Demo money: pledges for the demo pairings and some fictional donations, so statements show."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import Pairing, User
from sponsorship.models.enums import DonationMethod, PairingStatus, RemainderTo
from sponsorship.services.money.donations import record_donation
from sponsorship.services.money.pledges import start_pledge


def load_money(rng: random.Random, by: User) -> dict:
    """Start a pledge per active pairing; about two in three caring parents have paid something."""
    pairings = db.session.scalars(
        sa.select(Pairing).where(Pairing.status == PairingStatus.ACTIVE).order_by(Pairing.id)
    ).all()
    pledges = [start_pledge(pairing) for pairing in pairings]
    donations = 0
    for pledge in pledges:
        if rng.random() > 0.67:
            continue
        owed = sum(i.amount_fen for i in pledge.instalments)
        amount = rng.choice([owed, owed // 2, owed + 20_000])
        record_donation(
            sponsor=pledge.pairing.sponsor,
            amount_fen=amount,
            received_on=today() - timedelta(days=rng.randint(0, 20)),
            method=rng.choice([DonationMethod.BANK, DonationMethod.WECHAT, DonationMethod.CASH]),
            remainder_to=RemainderTo.CREDIT,
            bank_reference=f"DEMO{rng.randint(100000, 999999)}",
            note="演示数据",
            by=by,
        )
        donations += 1
    record_donation(
        sponsor=None,
        amount_fen=500_000,
        received_on=today(),
        method=DonationMethod.BANK,
        donor_name="演示爱心企业",
        campaign="六一关爱",
        note="演示数据",
        by=by,
    )
    return {"pledges": len(pledges), "donations": donations + 1}
