"""Build a disbursement batch's draft: one payout per child of every pairing active on the cut-off.

The draft is written by one set-based INSERT ... SELECT inside the caller's transaction, so a
crash leaves either no batch or a whole one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from sponsorship.clock import local_zone
from sponsorship.database import is_postgresql
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Child,
    Guardian,
    Pairing,
    Payout,
    PayoutBatch,
    Pledge,
    Region,
    User,
)
from sponsorship.models.enums import (
    Account,
    AidGroup,
    AidType,
    PairingStatus,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    RegionLevel,
    SchoolStage,
)
from sponsorship.services.core import audit, settings
from sponsorship.services.money.schedules import school_year_of

#: Why a payout without a bank account is held: the bank file needs one.
NO_ACCOUNT_REASON = "监护人没有登记银行账户"


def period_key(year: int) -> str:
    """Return the key of the yearly September batch: 2026 → "2026-09"."""
    return f"{year}-09"


def _ensure_new_key(key: str) -> str:
    key = key.strip()
    if not key:
        raise DomainError(_l("A batch key is required."))
    if (
        db.session.scalar(
            sa.select(PayoutBatch.id).where(
                PayoutBatch.key == key, PayoutBatch.status != PayoutBatchStatus.CANCELLED
            )
        )
        is not None
    ):
        raise DomainError(_l("Batch %(key)s already exists.", key=key))
    return key


def group_expression(aid_type, stage) -> sa.ColumnElement:
    """The report group in SQL, as `aid_group_of` computes it in Python."""
    return sa.case(
        (aid_type == AidType.FOSTERING.value, AidGroup.FOSTERING.value),
        (
            stage.in_([SchoolStage.JUNIOR.value, SchoolStage.SENIOR.value]),
            AidGroup.MIDDLE.value,
        ),
        else_=AidGroup.PRIMARY.value,
    )


def standard_expression(group) -> sa.ColumnElement:
    """The standard amount of the group, read from the settings now."""
    return sa.case(
        *[
            (group == g.value, settings.standard_fen(g))
            for g in (AidGroup.PRIMARY, AidGroup.MIDDLE)
        ],
        else_=settings.standard_fen(AidGroup.FOSTERING),
    )


def _eligible_pairings(cutoff: date) -> sa.ColumnElement:
    """Pairings active on the cut-off: active now, or ended after it (and not since replaced)."""
    end_of_day = datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=local_zone())
    other = aliased(Pairing)
    replaced = (
        sa.select(other.id)
        .where(other.child_id == Pairing.child_id, other.status == PairingStatus.ACTIVE)
        .exists()
    )
    return sa.and_(
        sa.or_(Pairing.confirmed_at.is_(None), Pairing.confirmed_at < end_of_day),
        sa.or_(
            Pairing.status == PairingStatus.ACTIVE,
            sa.and_(Pairing.status == PairingStatus.ENDED, Pairing.ended_on > cutoff, ~replaced),
        ),
    )


def build_batch(key: str, cutoff: date, *, by: User | None = None) -> PayoutBatch:
    """Create the draft batch `key` with a proposed payout for every child paired on `cutoff`."""
    batch = PayoutBatch(key=_ensure_new_key(key), cutoff_on=cutoff, periodic=True, built_by=by)
    db.session.add(batch)
    db.session.flush()
    group = group_expression(Child.aid_type, Child.school_stage)
    standard = standard_expression(group)
    pledged = sa.func.coalesce(Pledge.amount_fen, 0)
    amount = sa.case((pledged > standard, pledged), else_=standard)
    held = sa.func.coalesce(-AccountBalance.balance_fen, 0)
    funded = sa.case((held >= amount, amount), else_=held)
    account = sa.func.coalesce(Guardian.bank_account, "")
    short = held < amount
    select = (
        sa.select(
            sa.literal(batch.id),
            Pairing.id,
            Child.id,
            Child.region_id,
            sa.case((Region.level == RegionLevel.TOWN.value, Region.id), else_=Region.parent_id),
            group,
            Guardian.name,
            sa.func.coalesce(Guardian.bank_name, ""),
            account,
            amount,
            funded,
            amount - funded,
            short,
            sa.case(
                (sa.or_(short, account == ""), PayoutDecision.HELD.value),
                else_=PayoutDecision.INCLUDED.value,
            ),
            sa.case((account == "", NO_ACCOUNT_REASON), else_=""),
            sa.false(),
            sa.false(),
            sa.literal(PayoutStatus.PROPOSED.value),
        )
        .select_from(Pairing)
        .join(Child, Child.id == Pairing.child_id)
        .join(Guardian, Guardian.id == Child.guardian_id)
        .join(Region, Region.id == Child.region_id)
        .outerjoin(
            Pledge,
            sa.and_(Pledge.pairing_id == Pairing.id, Pledge.school_year == school_year_of(cutoff)),
        )
        .outerjoin(
            AccountBalance,
            sa.and_(
                AccountBalance.pairing_id == Pairing.id,
                AccountBalance.account == Account.RESTRICTED.value,
            ),
        )
        .where(_eligible_pairings(cutoff))
    )
    columns = [
        "batch_id",
        "pairing_id",
        "child_id",
        "region_id",
        "town_id",
        "aid_group",
        "guardian_name",
        "bank_name",
        "bank_account",
        "amount_fen",
        "funded_fen",
        "shortfall_fen",
        "flagged",
        "decision",
        "decision_reason",
        "general_fund_cover",
        "added_by_hand",
        "status",
    ]
    if is_postgresql():
        # Compiling this one big statement just in time costs more than running it.
        db.session.execute(sa.text("SET LOCAL jit = off"))
    inserted = db.session.execute(sa.insert(Payout).from_select(columns, select))
    db.session.flush()
    audit.record(
        "batch.built", batch, detail=f"{key} cutoff={cutoff} payouts={inserted.rowcount}", user=by
    )
    return batch


def open_adhoc_batch(
    key: str, *, cutoff: date, note: str = "", by: User | None = None
) -> PayoutBatch:
    """Create an empty ad-hoc draft (re-issues, late additions); children are added by hand."""
    batch = PayoutBatch(
        key=_ensure_new_key(key), cutoff_on=cutoff, periodic=False, note=note.strip(), built_by=by
    )
    db.session.add(batch)
    db.session.flush()
    audit.record("batch.opened", batch, detail=key, user=by)
    return batch
