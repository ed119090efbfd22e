"""Confirm, reject, make by hand and end pairings: the verbs staff use after matching.

Races: two staff confirming for the same child, or for the same caring parent's last place, must
leave exactly one winner. Every verb locks in one order — caring parent, child, pairing — with
SELECT ... FOR UPDATE on PostgreSQL; on SQLite every transaction begins holding the database's
single write lock (BEGIN IMMEDIATE, see database.py), so the second confirmer waits its turn and
then reads what the first one did. The loser gets a ConflictError (HTTP 409) for what it finds,
never for the lock; the partial unique index on open pairings is the last line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError

from sponsorship import matching
from sponsorship.clock import today
from sponsorship.database import is_postgresql
from sponsorship.errors import ConflictError, DomainError, Message, NotFoundError
from sponsorship.extensions import db
from sponsorship.matching.reasons import reason
from sponsorship.matching.rules import distance_cost
from sponsorship.models import Child, Pairing, Sponsor, User
from sponsorship.models.enums import ChildStatus, PairingStatus, SponsorStatus
from sponsorship.models.pairing import CLOSED_STATUSES
from sponsorship.services.core import audit
from sponsorship.services.letters import queue
from sponsorship.services.money import first_year, pledges
from sponsorship.services.pairing.matching import RegionPaths, weights


def _taken() -> ConflictError:
    return ConflictError(
        _l("Someone else has already dealt with this pairing; refresh the page to see it."),
    )


def _conflict(message: Message) -> ConflictError:
    return ConflictError(message)


def _flush() -> None:
    """Flush, turning a lost race into a ConflictError."""
    try:
        db.session.flush()
    except IntegrityError as error:
        raise _conflict(
            _l("This child has just been paired by someone else."),
        ) from error


def _lock(model, object_id: int):
    """Return the row, re-read and locked for the rest of the transaction."""
    stmt = sa.select(model).where(model.id == object_id).execution_options(populate_existing=True)
    if is_postgresql():  # SQLite's transaction already holds the write lock
        stmt = stmt.with_for_update()
    try:
        row = db.session.scalar(stmt)
    except OperationalError as error:  # PostgreSQL: a deadlock or lock timeout
        raise _taken() from error
    if row is None:  # deleted since the caller read it: someone else got there first
        raise _taken()
    return row


def _active_count(sponsor_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Pairing)
        .where(Pairing.sponsor_id == sponsor_id, Pairing.status == PairingStatus.ACTIVE)
    )


def _check_free_place(sponsor: Sponsor) -> None:
    if sponsor.status != SponsorStatus.APPROVED:
        raise _conflict(_l("This caring parent is not approved."))
    if _active_count(sponsor.id) >= sponsor.capacity:
        raise _conflict(_l("This caring parent has no free place left."))


def _activate(pairing: Pairing, sponsor: Sponsor, child: Child, by: User) -> None:
    """Make a locked, checked proposal active, and do what follows from it."""
    if child.status != ChildStatus.AWAITING:
        raise _conflict(_l("This child is no longer awaiting a sponsor."))
    _check_free_place(sponsor)
    pairing.confirm(by)
    child.mark_paired()
    _flush()
    if _active_count(sponsor.id) >= sponsor.capacity:
        # Proposals the caring parent can no longer take go back to the pool.
        db.session.execute(
            sa.delete(Pairing)
            .where(Pairing.sponsor_id == sponsor.id, Pairing.status == PairingStatus.PROPOSED)
            .execution_options(synchronize_session="fetch")
        )
    pledge = pledges.start_pledge(pairing)
    queue.queue_letter(
        queue.LetterKind.PAIRING_NOTICE,
        sponsor,
        f"pairing:{pairing.id}",
        child=child,
        # The letter states the same first-year figure as the statement and the portal.
        **first_year.letter_context(pledge),
    )
    audit.record("pairing.confirmed", pairing, user=by, detail=f"child={child.id}")


def confirm(pairing_id: int, *, by: User) -> Pairing:
    """Confirm a proposal: the pairing becomes active and the child paired."""
    found = db.session.get(Pairing, pairing_id)
    if found is None:
        raise _taken()
    sponsor = _lock(Sponsor, found.sponsor_id)
    child = _lock(Child, found.child_id)
    pairing = _lock(Pairing, pairing_id)
    if pairing.status != PairingStatus.PROPOSED or pairing.child_id != child.id:
        raise _taken()
    _activate(pairing, sponsor, child, by)
    return pairing


def reject(pairing_id: int, reason_text: str, *, by: User) -> Pairing:
    """Reject a proposal with a reason; the matcher never proposes this pair again."""
    found = db.session.get(Pairing, pairing_id)
    if found is None:
        raise _taken()
    pairing = _lock(Pairing, pairing_id)
    if pairing.status != PairingStatus.PROPOSED:
        raise _taken()
    pairing.reject(reason_text)
    _flush()
    audit.record("pairing.rejected", pairing, user=by, detail=pairing.rejected_reason or "")
    return pairing


def confirm_many(pairing_ids: Iterable[int], *, by: User) -> list[Pairing]:
    """Confirm several proposals, all or none."""
    # Lock caring parents in id order, as every other bulk does: two bulks cannot deadlock.
    rows = db.session.execute(
        sa.select(Pairing.id)
        .where(Pairing.id.in_(set(pairing_ids)))
        .order_by(Pairing.sponsor_id, Pairing.id)
    ).scalars()
    ordered = list(rows)
    if len(ordered) != len(set(pairing_ids)):
        raise _taken()
    return [confirm(pid, by=by) for pid in ordered]


def reject_many(pairing_ids: Iterable[int], reason_text: str, *, by: User) -> list[Pairing]:
    """Reject several proposals with one reason, all or none."""
    if not reason_text.strip():
        raise DomainError(_l("A reason is required to reject a pairing."))
    return [reject(pid, reason_text, by=by) for pid in sorted(set(pairing_ids))]


_RULE_MESSAGES = {
    "aid": _l("The caring parent asked for another aid type."),
    "distance": _l("The child lives outside the area the caring parent chose."),
    "gender": _l("The child's gender is not the one the caring parent asked for."),
}


def pair_by_hand(sponsor_id: int, child_id: int, *, by: User) -> Pairing:
    """Pair a chosen caring parent and child at once, under the matcher's hard rules."""
    sponsor = _lock(Sponsor, sponsor_id)
    child = _lock(Child, child_id)
    paths = RegionPaths()
    sponsor_rec, child_rec = _sponsor_record(sponsor, paths), _child_record(child, paths)
    broken = matching.broken_rule(sponsor_rec, child_rec)
    if broken is not None:
        raise DomainError(_RULE_MESSAGES[broken])
    closed = db.session.scalar(
        sa.select(Pairing.id).where(
            Pairing.sponsor_id == sponsor.id,
            Pairing.child_id == child.id,
            Pairing.status.in_(CLOSED_STATUSES),
        )
    )
    if closed is not None:
        raise DomainError(
            _l("This pair was rejected or ended before and cannot be paired again."),
        )
    if child.status != ChildStatus.AWAITING:
        raise _conflict(_l("This child is no longer awaiting a sponsor."))
    db.session.execute(
        sa.delete(Pairing)
        .where(Pairing.child_id == child.id, Pairing.status == PairingStatus.PROPOSED)
        .execution_options(synchronize_session="fetch")
    )
    near = matching.closeness(sponsor_rec.region, child_rec.region)
    zh, _en = reason(near, child_rec)
    cost = distance_cost(near, weights())
    pairing = Pairing(sponsor=sponsor, child=child, score=cost, reason=f"人工结对 · {zh}")
    db.session.add(pairing)
    _flush()
    _activate(pairing, sponsor, child, by)
    return pairing


def end(pairing_id: int, reason_text: str, *, by: User, on: date | None = None) -> Pairing:
    """End an active pairing: both sides are free again and the history stays."""
    found = db.session.get(Pairing, pairing_id)
    if found is None:
        raise NotFoundError(_l("That pairing does not exist."))
    _lock(Sponsor, found.sponsor_id)
    child = _lock(Child, found.child_id)
    pairing = _lock(Pairing, pairing_id)
    pairing.end(on or today(), reason_text)
    # Future instalments are waived (kept, never deleted): the caring parent owes no more.
    pledges.end_pledges(pairing, pairing.end_reason or reason_text, on=pairing.ended_on)
    if child.status == ChildStatus.PAIRED:
        child.mark_unpaired(on or today())
    _flush()
    audit.record("pairing.ended", pairing, user=by, detail=pairing.end_reason or "")
    return pairing


def _sponsor_record(sponsor: Sponsor, paths: RegionPaths) -> matching.SponsorRecord:
    return matching.SponsorRecord(
        id=sponsor.id,
        region=paths(sponsor.region_id),
        capacity=sponsor.capacity,
        aid_preference=str(sponsor.aid_preference),
        distance=str(sponsor.distance),
        child_gender=str(sponsor.child_gender) if sponsor.child_gender else None,
    )


def _child_record(child: Child, paths: RegionPaths) -> matching.ChildRecord:
    since = child.awaiting_since or today()
    return matching.ChildRecord(
        id=child.id,
        region=paths(child.region_id),
        aid_group=str(child.aid_group),
        gender=str(child.gender),
        waiting_days=max((today() - since).days, 0),
        hardships=tuple(str(h) for h in child.hardships),
    )
