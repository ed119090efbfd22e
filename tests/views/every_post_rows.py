"""Whose rows are whose, for the POST guard: what an actor may change, and a hash of the rest.

`owned_by(area)` says, table by table, which rows an actor may change: a town's user those of
their town's subtree (a pairing is its child's town's, a donation its caring parent's and its
campaign's, a ledger transaction everything its legs touch, a batch the town's only if every
payout is), a caring parent their own record, everyone their own account. `snapshot` hashes
every other row; a table not named here (regions, settings, templates, job runs, and any table
added later) is guarded whole until someone says whose its rows are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models.enums import Account
from sponsorship.services.core import background

#: Tables whose changes say nothing about whose records changed: the audit trail (refusals are
#: audited) and the receipt-number counter (shared by every town's receipts).
UNGUARDED = {"audit_events", "receipt_sequences"}


@dataclass(frozen=True)
class Area:
    """What an actor may change: rows in a region subtree, their own caring parent, themselves."""

    user_id: int
    region_ids: sa.Select | None = None
    sponsor_id: int | None = None


def owned_by(area: Area) -> dict[str, sa.ColumnElement[bool]]:
    """Return, per table, the condition of the rows the actor may change (see `Area`)."""
    t = db.metadata.tables
    nowhere = sa.select(t["regions"].c.id).where(sa.false())
    regions = area.region_ids if area.region_ids is not None else nowhere

    def ids(table: str, condition) -> sa.Select:
        return sa.select(t[table].c.id).where(condition)

    children = ids("children", t["children"].c.region_id.in_(regions))
    sponsors = ids(
        "sponsors",
        sa.or_(t["sponsors"].c.region_id.in_(regions), t["sponsors"].c.id == area.sponsor_id),
    )
    pairings = ids("pairings", t["pairings"].c.child_id.in_(children))
    pledges = ids("pledges", t["pledges"].c.pairing_id.in_(pairings))
    campaigns = ids("campaigns", t["campaigns"].c.region_id.in_(regions))
    d = t["donations"].c
    donations = ids(
        "donations",
        sa.or_(
            sa.and_(
                d.sponsor_id.in_(sponsors),
                sa.or_(d.campaign_id.is_(None), d.campaign_id.in_(campaigns)),
            ),
            sa.and_(d.sponsor_id.is_(None), d.campaign_id.in_(campaigns)),
        ),
    )
    gift_batches = ids("donation_batches", t["donation_batches"].c.campaign_id.in_(campaigns))
    e = t["ledger_entries"].c
    mine = sa.or_(
        e.pairing_id.in_(pairings), e.sponsor_id.in_(sponsors), e.campaign_id.in_(campaigns)
    )
    foreign = sa.or_(
        e.account == Account.GENERAL.value,
        sa.and_(e.pairing_id.is_not(None), e.pairing_id.not_in(pairings)),
        sa.and_(e.sponsor_id.is_not(None), e.sponsor_id.not_in(sponsors)),
        sa.and_(e.campaign_id.is_not(None), e.campaign_id.not_in(campaigns)),
    )
    legs = sa.select(e.transaction_id)
    transactions = ids(
        "ledger_transactions",
        sa.and_(
            t["ledger_transactions"].c.id.in_(legs.where(mine)),
            t["ledger_transactions"].c.id.not_in(legs.where(foreign)),
        ),
    )
    p = t["payouts"].c
    staff_here = sa.select(t["users"].c.id).where(t["users"].c.scope_region_id.in_(regions))
    bt = t["batches"].c
    of_batch = sa.select(p.batch_id)
    batches = ids(
        "batches",
        sa.and_(
            bt.id.not_in(of_batch.where(p.region_id.not_in(regions))),
            sa.or_(
                bt.id.in_(of_batch.where(p.region_id.in_(regions))), bt.built_by_id.in_(staff_here)
            ),
        ),
    )
    ab = t["account_balances"].c
    w = t["background_work"].c
    letters = t["letters"].c
    return {
        "users": sa.or_(
            t["users"].c.id == area.user_id,
            t["users"].c.id.in_(
                sa.select(t["sponsors"].c.user_id).where(t["sponsors"].c.id.in_(sponsors))
            ),
        ),
        "children": t["children"].c.id.in_(children),
        "guardians": t["guardians"].c.id.in_(
            sa.select(t["children"].c.guardian_id).where(t["children"].c.id.in_(children))
        ),
        "child_hardships": t["child_hardships"].c.child_id.in_(children),
        "sponsors": t["sponsors"].c.id.in_(sponsors),
        "pairings": t["pairings"].c.id.in_(pairings),
        "pledges": t["pledges"].c.id.in_(pledges),
        "instalments": t["instalments"].c.pledge_id.in_(pledges),
        "pledge_changes": t["pledge_changes"].c.pledge_id.in_(pledges),
        "donations": t["donations"].c.id.in_(donations),
        "allocations": t["allocations"].c.donation_id.in_(donations),
        "donation_batches": t["donation_batches"].c.id.in_(gift_batches),
        "statement_lines": t["statement_lines"].c.batch_id.in_(gift_batches),
        "ledger_transactions": t["ledger_transactions"].c.id.in_(transactions),
        "ledger_entries": e.transaction_id.in_(transactions),
        # Owner-less totals (bank, cash, payouts...) move with every town's money; the general
        # fund is the county's.
        "account_balances": sa.or_(
            ab.pairing_id.in_(pairings),
            ab.sponsor_id.in_(sponsors),
            ab.campaign_id.in_(campaigns),
            sa.and_(
                ab.pairing_id.is_(None),
                ab.sponsor_id.is_(None),
                ab.campaign_id.is_(None),
                ab.account != Account.GENERAL.value,
            ),
        ),
        "campaigns": t["campaigns"].c.id.in_(campaigns),
        "campaign_beneficiaries": t["campaign_beneficiaries"].c.campaign_id.in_(campaigns),
        "campaign_gifts": t["campaign_gifts"].c.campaign_id.in_(campaigns),
        "campaign_hand_overs": t["campaign_hand_overs"].c.campaign_id.in_(campaigns),
        "batches": bt.id.in_(batches),
        "payouts": p.region_id.in_(regions),
        "background_work": sa.or_(
            sa.and_(w.kind == background.PAY_BATCH, w.target_id.in_(batches)),
            sa.and_(w.kind == background.IMPORT_STATEMENT, w.target_id.in_(gift_batches)),
        ),
        "data_requests": t["data_requests"].c.sponsor_id.in_(sponsors),
        "letters": sa.or_(
            letters.region_id.in_(regions),
            sa.and_(letters.recipient_type == "sponsor", letters.recipient_id == area.sponsor_id),
        ),
    }


def snapshot(area: Area) -> dict[tuple[str, str], str]:
    """Hash every row the actor may not change, keyed by table and primary key."""
    owned = owned_by(area)
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in UNGUARDED:
            continue
        # A table nobody has said whose rows are is guarded whole; so is a row whose owner SQL
        # cannot tell (NULL, as from an IN over a NULL): unknown is not the actor's.
        mine = sa.func.coalesce(owned.get(table.name, sa.false()), sa.false())
        stmt = sa.select(table).where(sa.not_(mine))
        for row in db.session.execute(stmt).mappings():
            key = ",".join(str(row[c.name]) for c in table.primary_key.columns)
            text = repr(sorted((k, str(v)) for k, v in row.items()))
            rows[(table.name, key)] = hashlib.sha256(text.encode()).hexdigest()
    return rows


def changed(before: dict, after: dict) -> list[str]:
    """Name the rows that appeared, went or changed between two snapshots."""
    keys = sorted(set(before) | set(after))
    return [
        f"{table} {key}"
        for table, key in keys
        if before.get((table, key)) != after.get((table, key))
    ]
