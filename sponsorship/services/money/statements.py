"""Statements: per sponsor, per child, programme totals and the overdue list, all in fen."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from sponsorship.errors import Message
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Child,
    Donation,
    Instalment,
    LedgerEntry,
    Pairing,
    Pledge,
    Sponsor,
)
from sponsorship.models.enums import Account, InstalmentStatus
from sponsorship.services.money import ledger
from sponsorship.services.money.first_year import explain


@dataclass
class YearLine:
    """The figures of one school year on a caring parent's statement."""

    school_year: int
    pledged_fen: int = 0
    received_fen: int = 0
    waived_fen: int = 0
    #: Why the pledged figure differs from the yearly amounts (a first year pro rata).
    notes: list[Message] = field(default_factory=list)

    @property
    def outstanding_fen(self) -> int:
        """Return what was pledged for the year and not yet received."""
        return self.pledged_fen - self.received_fen


@dataclass
class SponsorStatement:
    """A caring parent's statement: years, donations, credit and pledges."""

    sponsor: Sponsor
    years: list[YearLine]
    donations: list[Donation]
    credit_fen: int
    received_fen: int
    pledges: list[Pledge] = field(default_factory=list)
    #: Per pledge id: what its first year asks and why, where it started mid-year.
    notes: dict[int, Message] = field(default_factory=dict)

    @property
    def outstanding_fen(self) -> int:
        """Return what is pledged and not yet received, over all school years."""
        return sum(y.outstanding_fen for y in self.years)


def sponsor_statement(sponsor: Sponsor) -> SponsorStatement:
    """Pledged, received and outstanding by school year, the credit, and every donation."""
    pledges = db.session.scalars(
        sa.select(Pledge)
        .join(Pledge.pairing)
        .where(Pairing.sponsor_id == sponsor.id)
        .order_by(Pledge.school_year, Pledge.id)
    ).all()
    years: dict[int, YearLine] = {}
    notes: dict[int, Message] = {}
    for pledge in pledges:
        line = years.setdefault(pledge.school_year, YearLine(pledge.school_year))
        note = explain(pledge)
        if note is not None:
            notes[pledge.id] = note
            line.notes.append(note)
        for instalment in pledge.instalments:
            if instalment.status == InstalmentStatus.WAIVED:
                # A waived instalment is no longer pledged; what was paid on it still counts.
                line.pledged_fen += instalment.paid_fen
                line.waived_fen += instalment.amount_fen - instalment.paid_fen
            else:
                line.pledged_fen += instalment.amount_fen
            line.received_fen += instalment.paid_fen
    donations = db.session.scalars(
        sa.select(Donation)
        .where(Donation.sponsor_id == sponsor.id)
        .order_by(Donation.received_on.desc(), Donation.id.desc())
    ).all()
    return SponsorStatement(
        sponsor=sponsor,
        years=sorted(years.values(), key=lambda y: y.school_year),
        donations=list(donations),
        credit_fen=ledger.sponsor_credit(sponsor.id),
        received_fen=sum(d.amount_fen for d in donations if not d.reversed),
        pledges=list(pledges),
        notes=notes,
    )


@dataclass
class ChildStatement:
    """A child's statement: the money received, paid out to the child and still held."""

    child: Child
    pairings: list[Pairing]
    received_fen: int
    paid_out_fen: int
    held_fen: int


def child_statement(child: Child) -> ChildStatement:
    """What the child's pairings received, what was paid out to the child, and what is held."""
    pairings = db.session.scalars(
        sa.select(Pairing).where(Pairing.child_id == child.id).order_by(Pairing.id)
    ).all()
    ids = [p.id for p in pairings] or [-1]

    def legs_sum(account: Account) -> int:
        value = db.session.scalar(
            sa.select(sa.func.sum(LedgerEntry.amount_fen)).where(
                LedgerEntry.account == account, LedgerEntry.pairing_id.in_(ids)
            )
        )
        return int(value or 0)

    # Money for the child lands in the pairing's restricted fund (negative legs) and leaves it
    # for the payouts account, so received = still held + paid out.
    held = -legs_sum(Account.RESTRICTED)
    paid_out = -legs_sum(Account.PAYOUTS)
    return ChildStatement(
        child=child,
        pairings=list(pairings),
        received_fen=held + paid_out,
        paid_out_fen=paid_out,
        held_fen=held,
    )


@dataclass(frozen=True)
class ProgrammeTotals:
    """The federation's money in fen: raised, held per fund, paid out, refunded, handed on.

    Campaigns' money is in the books too (their funds are held, their handouts paid out, their
    hand-overs to other bodies handed on), so raised = paid out + held + refunded + handed on.
    """

    raised_fen: int
    held_restricted_fen: int
    general_fund_fen: int
    sponsor_credit_fen: int
    paid_out_fen: int
    refunded_fen: int
    campaign_funds_fen: int = 0
    handed_on_fen: int = 0

    @property
    def held_fen(self) -> int:
        """Return all money held: restricted funds, the general fund, parents' credit and the
        campaigns' funds."""
        return (
            self.held_restricted_fen
            + self.general_fund_fen
            + self.sponsor_credit_fen
            + self.campaign_funds_fen
        )

    @property
    def reconciles(self) -> bool:
        """Return True when raised equals paid out plus held plus refunded plus handed on."""
        return self.raised_fen == (
            self.paid_out_fen + self.held_fen + self.refunded_fen + self.handed_on_fen
        )


def programme_totals() -> ProgrammeTotals:
    """Raised, held (per fund), paid out, refunded and handed on, which add up to raised."""
    return ProgrammeTotals(
        raised_fen=sum(ledger.account_total(a) for a in ledger.RECEIPT_ACCOUNTS),
        held_restricted_fen=-ledger.account_total(Account.RESTRICTED),
        general_fund_fen=-ledger.account_total(Account.GENERAL),
        sponsor_credit_fen=-ledger.account_total(Account.SPONSOR_CREDIT),
        paid_out_fen=-ledger.account_total(Account.PAYOUTS),
        refunded_fen=-ledger.account_total(Account.REFUNDS),
        campaign_funds_fen=-ledger.account_total(Account.CAMPAIGN),
        handed_on_fen=-ledger.account_total(Account.HANDED_ON),
    )


def held_per_pairing(stmt_filter=None) -> list[tuple[Pairing, int]]:
    """Return each pairing with money in its restricted fund, largest first."""
    stmt = (
        sa.select(Pairing, -AccountBalance.balance_fen)
        .join(AccountBalance, AccountBalance.pairing_id == Pairing.id)
        .where(AccountBalance.account == Account.RESTRICTED, AccountBalance.balance_fen != 0)
        .order_by(AccountBalance.balance_fen, Pairing.id)
    )
    if stmt_filter is not None:
        stmt = stmt_filter(stmt)
    return [(pairing, int(held)) for pairing, held in db.session.execute(stmt)]


def overdue_stmt() -> sa.Select:
    """Select overdue instalments with their pairing's sponsor and child, oldest first."""
    return (
        sa.select(Instalment)
        .join(Instalment.pledge)
        .join(Pledge.pairing)
        .join(Pairing.child)
        .where(Instalment.status == InstalmentStatus.OVERDUE)
        .order_by(Instalment.due_on, Instalment.id)
    )
