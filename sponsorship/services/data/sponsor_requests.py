"""A caring parent's rights over their data (PIPL art. 44–47): a copy of it, and its erasure.

The copy holds what the portal shows them and nothing about anyone else: their profile, pledges
and instalments, donations with receipt numbers, the children paired with them as the portal
shows them (given name, age, school stage, town), the aid those children received, and the
letters sent to them. Erasure is asked for in the portal and carried out by staff: the pairings
end (future instalments waived, as when a child leaves) and the record is anonymised; the money
records stay, without the name.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from sponsorship.clock import today, utcnow
from sponsorship.errors import ConflictError, DomainError
from sponsorship.extensions import db
from sponsorship.labels import label
from sponsorship.masking import age_this_year
from sponsorship.models import Child, DataRequest, Pairing, Payout, Sponsor, User
from sponsorship.models.data_request import DataRequestKind, DataRequestStatus
from sponsorship.models.enums import PairingStatus, PayoutStatus, SponsorStatus
from sponsorship.services.core import audit
from sponsorship.services.core.scope import in_scope, reaches_everything, region_ids_in_scope
from sponsorship.services.data.anonymise import anonymise_sponsor
from sponsorship.services.letters.queue import letters_for_sponsor
from sponsorship.services.money.statements import sponsor_statement
from sponsorship.services.pairing import pairings as pairing_verbs


def yuan(fen: int) -> str:
    """Write fen as yuan with two decimals, exactly: 123450 → "1234.50"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


#: The reason an erasure writes on the pairings it ends.
ERASURE_REASON = "爱心父母申请注销账户并删除个人信息"


def sponsor_data(sponsor: Sponsor, *, by: User) -> dict:
    """Return everything the programme holds about the caring parent that they may see."""
    statement = sponsor_statement(sponsor)
    day = today()
    pairings = db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.sponsor_id == sponsor.id, Pairing.status == PairingStatus.ACTIVE)
        .order_by(Pairing.confirmed_at, Pairing.id)
    ).all()
    received = db.session.scalars(
        sa.select(Payout)
        .join(Pairing, Payout.pairing_id == Pairing.id)
        .where(Pairing.sponsor_id == sponsor.id, Payout.status == PayoutStatus.PAID)
        .order_by(Payout.paid_on, Payout.id)
    ).all()
    audit.record("sponsor.data_exported", sponsor, user=by)
    return {
        "profile": {
            "name": sponsor.name,
            "kind": label(sponsor.kind),
            "contact_name": sponsor.contact_name,
            "gender": label(sponsor.gender),
            "mobile": sponsor.mobile,
            "email": sponsor.email,
            "address": sponsor.address,
            "region": sponsor.region.name,
            "id_number": sponsor.id_number,
            "aid_preference": label(sponsor.aid_preference),
            "distance": label(sponsor.distance),
            "capacity": sponsor.capacity,
            "pledge_per_child_yuan": yuan(sponsor.pledge_per_child_fen),
            "payment_frequency": label(sponsor.payment_frequency),
            "channel": label(sponsor.channel),
            "status": label(sponsor.status),
            "signed_up_at": sponsor.created_at,
            "consent_version": sponsor.consent_version,
            "consent_at": sponsor.consent_at,
        },
        "pledges": [
            {
                "school_year": pledge.school_year,
                "child": pledge.pairing.child.given_name,
                "due_on": instalment.due_on,
                "amount_yuan": yuan(instalment.amount_fen),
                "paid_yuan": yuan(instalment.paid_fen),
                "status": label(instalment.status),
            }
            for pledge in statement.pledges
            for instalment in pledge.instalments
        ],
        "donations": [
            {
                "receipt_no": d.receipt_no,
                "received_on": d.received_on,
                "amount_yuan": yuan(d.amount_fen),
                "method": label(d.method),
                "reversed": d.reversed,
            }
            for d in statement.donations
        ],
        "children": [
            {
                "given_name": p.child.given_name,
                "age": age_this_year(p.child.birth_date, day),
                "school_stage": label(p.child.school_stage),
                "town": p.child.region.town.name if p.child.region.town else "",
                "paired_on": (p.confirmed_at or p.created_at).date(),
            }
            for p in pairings
        ],
        "aid_received": [
            {
                "child": payout.child.given_name,
                "paid_on": payout.paid_on,
                "amount_yuan": yuan(payout.amount_fen),
            }
            for payout in received
        ],
        "letters": [
            {
                "created_at": letter.created_at,
                "kind": label(letter.kind),
                "channel": label(letter.channel),
                "status": label(letter.status),
                "subject": letter.subject,
                "body": letter.body,
            }
            for letter in letters_for_sponsor(sponsor)
        ],
    }


def open_erasure(sponsor: Sponsor) -> DataRequest | None:
    """Return the caring parent's erasure request that waits for staff, if any."""
    return db.session.scalar(
        sa.select(DataRequest).where(
            DataRequest.sponsor_id == sponsor.id,
            DataRequest.kind == DataRequestKind.ERASURE,
            DataRequest.status == DataRequestStatus.OPEN,
        )
    )


def request_erasure(sponsor: Sponsor, *, by: User) -> DataRequest:
    """Record the caring parent's request to close the account and erase the data (once)."""
    if sponsor.anonymised_at is not None:
        raise DomainError(_l("Your data has already been erased."))
    waiting = open_erasure(sponsor)
    if waiting is not None:
        return waiting
    request = DataRequest(kind=DataRequestKind.ERASURE, sponsor=sponsor)
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError as error:  # asked twice at once: the other request stands
        raise ConflictError(_l("We already have your request.")) from error
    audit.record("data_request.opened", request, user=by, detail="erasure")
    return request


def open_requests_count(user: User) -> int:
    """Return how many erasure requests in the user's area wait for staff."""
    stmt = in_scope(
        sa.select(sa.func.count())
        .select_from(DataRequest)
        .join(Sponsor, DataRequest.sponsor_id == Sponsor.id)
        .where(DataRequest.status == DataRequestStatus.OPEN),
        Sponsor.region_id,
        user,
    )
    return int(db.session.scalar(stmt) or 0)


def _open(request: DataRequest) -> None:
    if request.status != DataRequestStatus.OPEN:
        raise ConflictError(_l("This request has already been dealt with."))


def carry_out_erasure(request: DataRequest, *, by: User) -> None:
    """End the caring parent's pairings, mark them withdrawn, and anonymise their record."""
    _open(request)
    sponsor = request.sponsor
    if not by.can_see(sponsor.region):
        raise ConflictError(_l("This caring parent is outside your area."))
    _ensure_pairings_within(sponsor, by)
    for pairing_id in db.session.scalars(
        sa.select(Pairing.id).where(
            Pairing.sponsor_id == sponsor.id, Pairing.status == PairingStatus.ACTIVE
        )
    ).all():
        pairing_verbs.end(pairing_id, ERASURE_REASON, by=by)
    db.session.execute(
        sa.delete(Pairing)
        .where(Pairing.sponsor_id == sponsor.id, Pairing.status == PairingStatus.PROPOSED)
        .execution_options(synchronize_session="fetch")
    )
    if sponsor.status != SponsorStatus.WITHDRAWN:
        sponsor.status = SponsorStatus.WITHDRAWN
        sponsor.reviewed_by = by
        sponsor.reviewed_at = utcnow()
    anonymise_sponsor(sponsor, by=by, why="erasure request")
    request.status = DataRequestStatus.DONE
    request.handled_by = by
    request.handled_at = utcnow()
    db.session.flush()


def _ensure_pairings_within(sponsor: Sponsor, by: User) -> None:
    """Refuse to a town's user an erasure that would end the pairing of another town's child."""
    if reaches_everything(by):
        return
    elsewhere = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Pairing)
        .join(Child, Child.id == Pairing.child_id)
        .where(
            Pairing.sponsor_id == sponsor.id,
            Pairing.status == PairingStatus.ACTIVE,
            Child.region_id.not_in(region_ids_in_scope(by)),
        )
    )
    if elsewhere:
        raise DomainError(
            _l(
                "This caring parent sponsors children outside your area, whose pairings the "
                "erasure ends: a colleague responsible for the whole county carries it out."
            )
        )


def refuse_erasure(request: DataRequest, note: str, *, by: User) -> None:
    """Refuse an erasure request with the reason the caring parent will be told."""
    _open(request)
    note = (note or "").strip()
    if len(note) < 2:
        raise DomainError(_l("Say why the request is refused; the caring parent is told."))
    request.status = DataRequestStatus.REFUSED
    request.note = note
    request.handled_by = by
    request.handled_at = utcnow()
    audit.record("data_request.refused", request, user=by, detail=note)
    db.session.flush()
