"""Build a disbursement batch's draft: one payout per child of every pairing active on the cut-off.

The draft is written by one set-based INSERT ... SELECT inside the caller's transaction, so a
crash leaves either no batch or a whole one. A child already paid, or included in another batch,
for the same school year is left out: the database refuses a second such payout
(`uq_payouts_child_year_paying`), and the INSERT skips what a concurrent build took first.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from sponsorship.bulk_sql import analyze, paying_conflict_ignored, rows_table
from sponsorship.clock import local_zone
from sponsorship.database import is_postgresql
from sponsorship.errors import DomainError, Message
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
    PairingStatus,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    RegionLevel,
)
from sponsorship.services.core import audit
from sponsorship.services.money.schedules import school_year_of
from sponsorship.services.payouts.amounts import (
    amount_expression,
    group_expression,
    standard_expression,
)
from sponsorship.services.payouts.once_a_year import paying_child_ids, paying_elsewhere
from sponsorship.services.payouts.own_credit import cover_from_own_credit

#: Why a payout without a bank account is held: the bank file needs one.
NO_ACCOUNT_REASON = "监护人没有登记银行账户"


#: The form of the September batch's key (`period_key`), which no ad-hoc batch may take: the
#: September job leaves the year alone when a batch holds it, taking it for one built by hand.
PERIOD_KEY = re.compile(r"\d{4}-09")


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


class NothingToPayError(DomainError):
    """The build found no child to pay: no batch is created."""


def left_out(batch: PayoutBatch) -> int:
    """Count the children paired on the batch's cut-off left out: paid elsewhere this year."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Pairing.child_id)))
        .where(_eligible_pairings(batch.cutoff_on))
        .where(paying_elsewhere(school_year_of(batch.cutoff_on), child_id=Pairing.child_id))
        .where(
            ~sa.select(Payout.id)
            .where(Payout.batch_id == batch.id, Payout.child_id == Pairing.child_id)
            .exists()
        )
    )


def left_out_message(count: int) -> Message:
    """Say how many children the build left out and why."""
    return _l(
        "%(count)s children already paid (or in another batch) this school year were left out.",
        count=count,
    )


def build_batch(key: str, cutoff: date, *, by: User | None = None) -> PayoutBatch:
    """Create the draft batch `key` with a proposed payout for every child paired on `cutoff`.

    Children paid or included elsewhere for the school year are left out (see `left_out`); a
    build that finds no child at all raises `NothingToPayError` and leaves no batch behind.
    """
    batch = PayoutBatch(key=_ensure_new_key(key), cutoff_on=cutoff, periodic=True, built_by=by)
    db.session.add(batch)
    db.session.flush()
    year = school_year_of(cutoff)
    group = group_expression(Child.aid_type, Child.school_stage)
    amount = amount_expression(standard_expression(group), Pledge.amount_fen)
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
            sa.literal(year),
        )
        .select_from(Pairing)
        .join(Child, Child.id == Pairing.child_id)
        .join(Guardian, Guardian.id == Child.guardian_id)
        .join(Region, Region.id == Child.region_id)
        .outerjoin(
            Pledge,
            sa.and_(Pledge.pairing_id == Pairing.id, Pledge.school_year == year),
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
    # The children already paid or included this school year are read before the INSERT, not
    # searched by it: a statement must not search the table it is filling. On a new database's
    # first September PostgreSQL planned that search on an empty payouts table as a scan per
    # row, and each scan read every row the statement had just written (58 s at 100,000).
    paying = paying_child_ids(year)
    if paying:
        table = rows_table("paying_children", {"child_id": sa.BigInteger()}, paying)
        select = select.where(Child.id.not_in(sa.select(table.c.child_id)))
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
        "school_year",
    ]
    if is_postgresql():
        # Compiling this one big statement just in time costs more than running it.
        db.session.execute(sa.text("SET LOCAL jit = off"))
    # A concurrent build may include a child between our read and our write: skip that row.
    # (psycopg reports no row count for an INSERT ... ON CONFLICT ... SELECT: we count below.)
    db.session.execute(paying_conflict_ignored(Payout.__table__).from_select(columns, select))
    # The planner's picture of the payouts table predates these rows until autovacuum comes
    # by: paying the batch right after its build searched the status index of all of them.
    analyze(Payout.__table__)
    db.session.flush()
    proposed = db.session.scalar(
        sa.select(sa.func.count()).select_from(Payout).where(Payout.batch_id == batch.id)
    )
    if not proposed:
        skipped = left_out(batch)
        db.session.delete(batch)
        db.session.flush()
        if skipped:
            raise NothingToPayError(
                _l(
                    "Every child paired on %(cutoff)s has already been paid (or is in another "
                    "batch) this school year: no batch was built.",
                    cutoff=cutoff.isoformat(),
                )
            )
        raise NothingToPayError(
            _l(
                "No child was paired on %(cutoff)s: no batch was built. Confirm pairings first.",
                cutoff=cutoff.isoformat(),
            )
        )
    audit.record("batch.built", batch, detail=f"{key} cutoff={cutoff} payouts={proposed}", user=by)
    cover_from_own_credit(batch=batch, by=by)
    return batch


def open_adhoc_batch(
    key: str, *, cutoff: date, note: str = "", by: User | None = None
) -> PayoutBatch:
    """Create an empty ad-hoc draft (re-issues, late additions); children are added by hand."""
    if PERIOD_KEY.fullmatch(key.strip()):
        raise DomainError(
            _l(
                "%(key)s is the September batch's key: give the ad-hoc batch another, such as "
                "%(key)s-extra.",
                key=key.strip(),
            )
        )
    batch = PayoutBatch(
        key=_ensure_new_key(key), cutoff_on=cutoff, periodic=False, note=note.strip(), built_by=by
    )
    db.session.add(batch)
    db.session.flush()
    audit.record("batch.opened", batch, detail=key, user=by)
    return batch
