"""Pledges for active pairings: start, roll over, change the amount, end, and mark overdue."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import local_zone, today
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Instalment, Pairing, Pledge, PledgeChange, User
from sponsorship.models.enums import InstalmentStatus, PairingStatus, PledgeStatus
from sponsorship.models.pledge import OPEN_INSTALMENT
from sponsorship.services.core import audit, settings
from sponsorship.services.money.credit import apply_credit
from sponsorship.services.money.instalments import grace
from sponsorship.services.money.schedules import plan, school_year_of, split_fen


def start_pledge(pairing: Pairing) -> Pledge:
    """Create the pledge for the current school year of a newly active pairing."""
    start_on = (
        pairing.confirmed_at.astimezone(local_zone()).date() if pairing.confirmed_at else today()
    )
    year = school_year_of(start_on)
    amount = max(
        pairing.sponsor.pledge_per_child_fen, settings.standard_fen(pairing.child.aid_group)
    )
    return _create(pairing, year, amount, start_on)


def _create(pairing: Pairing, year: int, amount_fen: int, start_on: date) -> Pledge:
    existing = db.session.scalar(
        sa.select(Pledge).where(Pledge.pairing_id == pairing.id, Pledge.school_year == year)
    )
    if existing is not None:
        return existing
    pro_rata = bool(settings.get("pledge.mid_year_pro_rata"))
    instalments = plan(
        pairing.sponsor.payment_frequency, year, amount_fen, start_on, pro_rata_mid_year=pro_rata
    )
    pledge = Pledge(
        pairing=pairing,
        school_year=year,
        amount_fen=amount_fen,
        frequency=pairing.sponsor.payment_frequency,
        mid_year=start_on > date(year, 9, 30),
    )
    db.session.add(pledge)
    for seq, (due_on, fen) in enumerate(instalments, start=1):
        db.session.add(Instalment(pledge=pledge, seq=seq, due_on=due_on, amount_fen=fen))
    db.session.flush()
    audit.record("pledge.started", pledge, detail=f"year={year} amount_fen={amount_fen}")
    apply_credit(pairing.sponsor)
    return pledge


def rollover(year: int) -> list[Pledge]:
    """Create the `year` pledges of every active pairing that has none yet (idempotent)."""
    has_pledge = sa.select(Pledge.id).where(
        Pledge.pairing_id == Pairing.id, Pledge.school_year == year
    )
    pairings = db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.status == PairingStatus.ACTIVE, ~has_pledge.exists())
        .order_by(Pairing.id)
    ).all()
    created = []
    for pairing in pairings:
        previous = db.session.scalar(
            sa.select(Pledge.amount_fen)
            .where(Pledge.pairing_id == pairing.id, Pledge.school_year < year)
            .order_by(Pledge.school_year.desc())
        )
        amount = max(
            previous or pairing.sponsor.pledge_per_child_fen,
            settings.standard_fen(pairing.child.aid_group),
        )
        created.append(_create(pairing, year, amount, date(year, 9, 1)))
    return created


def change_amount(
    pledge: Pledge, new_amount_fen: int, *, reason: str = "", by: User | None = None
) -> PledgeChange:
    """Change a pledge's yearly amount from its next unpaid instalment on, keeping the history."""
    if pledge.status != PledgeStatus.ACTIVE:
        raise DomainError(_l("An ended pledge cannot be changed."))
    standard = settings.standard_fen(pledge.pairing.child.aid_group)
    if new_amount_fen < standard:
        raise DomainError(
            _l("The pledge cannot be below the standard amount for the child's group."),
        )
    unpaid = [i for i in pledge.instalments if i.status in OPEN_INSTALMENT and i.paid_fen == 0]
    change = PledgeChange(
        pledge=pledge,
        old_amount_fen=pledge.amount_fen,
        new_amount_fen=new_amount_fen,
        from_seq=unpaid[0].seq if unpaid else None,
        reason=reason.strip(),
        changed_by=by,
    )
    if unpaid:
        # The unpaid instalments carry their share of the year at the new rate.
        remaining_old = sum(i.amount_fen for i in unpaid)
        remaining_new = (remaining_old * new_amount_fen * 2 + pledge.amount_fen) // (
            pledge.amount_fen * 2
        )
        for instalment, fen in zip(unpaid, split_fen(remaining_new, len(unpaid)), strict=True):
            instalment.amount_fen = fen
    pledge.amount_fen = new_amount_fen
    db.session.add(change)
    db.session.flush()
    audit.record(
        "pledge.amount_changed",
        pledge,
        detail=f"{change.old_amount_fen} -> {new_amount_fen} from seq {change.from_seq}",
        user=by,
    )
    return change


def end_pledges(pairing: Pairing, reason: str, *, on: date | None = None) -> int:
    """Waive a pairing's unpaid instalments due after `on` (never deleted); return how many."""
    if not reason.strip():
        raise DomainError(_l("A reason is required."))
    on = on or pairing.ended_on or today()
    waived = 0
    pledges = db.session.scalars(
        sa.select(Pledge).where(
            Pledge.pairing_id == pairing.id, Pledge.status == PledgeStatus.ACTIVE
        )
    ).all()
    for pledge in pledges:
        for instalment in pledge.instalments:
            if instalment.status in OPEN_INSTALMENT and instalment.due_on > on:
                instalment.status = InstalmentStatus.WAIVED
                instalment.waive_reason = reason.strip()
                waived += 1
        pledge.status = PledgeStatus.ENDED
        pledge.ended_on = on
        pledge.end_reason = reason.strip()
    db.session.flush()
    if pledges:
        audit.record("pledge.ended", pairing, detail=f"waived={waived} reason={reason.strip()}")
    return waived


def mark_overdue(on: date | None = None) -> int:
    """Mark instalments still unpaid after their due date plus the grace days; return how many."""
    on = on or today()
    result = db.session.execute(
        sa.update(Instalment)
        .where(
            Instalment.status == InstalmentStatus.DUE,
            Instalment.due_on < on - grace(),
            Instalment.paid_fen < Instalment.amount_fen,
        )
        .values(status=InstalmentStatus.OVERDUE)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount
