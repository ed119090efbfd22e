"""The register of children: create, update, move through the status workflow, reveal."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import today, utcnow
from sponsorship.errors import DomainError, NotFoundError
from sponsorship.extensions import db
from sponsorship.models import OPEN_STATUSES, Child, Guardian, Pairing, Region, User
from sponsorship.models.child import hardship_mask
from sponsorship.models.enums import ChildStatus, ExitReason, PairingStatus, RegionLevel, Role
from sponsorship.services.children.rules import (
    ChildData,
    ChildInvalidError,
    FieldError,
    check_child,
)
from sponsorship.services.core import audit
from sponsorship.services.pairing import pairings

#: Roles that may see a resident ID or bank account unmasked (in scope, with a reason).
REVEAL_ROLES = (Role.ADMIN, Role.STAFF)
EDIT_ROLES = (Role.ADMIN, Role.STAFF)
#: Fields of ChildData stored on the child and on the guardian.
CHILD_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "school_stage",
    "grade",
    "aid_type",
    "address",
    "school",
    "family_situation",
)
GUARDIAN_FIELDS = {
    "guardian_name": "name",
    "guardian_relation": "relation",
    "guardian_mobile": "mobile",
    "bank_name": "bank_name",
    "bank_account": "bank_account",
    "consent_given_on": "consent_given_on",
}


@dataclass
class Revealed:
    """The protected numbers of one child, for one page only."""

    id_number: str | None
    bank_account: str | None


def _region_for(data: ChildData, by: User) -> Region:
    region = db.session.get(Region, data.region_id)
    if region is None or region.level != RegionLevel.VILLAGE:
        raise ChildInvalidError([FieldError("region_id", _l("Choose the village"))])
    if not by.can_see(region):
        raise NotFoundError(_l("That village is outside your area."))
    return region


def _ensure_editor(by: User) -> None:
    if by.role not in EDIT_ROLES:
        raise DomainError(_l("Your account may read but not change."))


def _ensure_unique_id(id_number: str | None, child: Child | None) -> None:
    if not id_number:
        return
    other = db.session.scalar(sa.select(Child.id).where(Child.id_number == id_number))
    if other is not None and (child is None or other != child.id):
        raise ChildInvalidError(
            [FieldError("id_number", _l("That resident ID is already registered"))]
        )


def child_columns(data: ChildData) -> dict:
    """Return the child's own columns from checked data (the one mapping form and import use)."""
    columns = {name: getattr(data, name) for name in CHILD_FIELDS}
    columns["id_tail"] = data.id_number[-4:] if data.id_number else None
    columns["hardship_mask"] = hardship_mask(data.hardships)
    return columns


def guardian_columns(data: ChildData) -> dict:
    """Return the guardian's columns from checked data."""
    return {target: getattr(data, source) for source, target in GUARDIAN_FIELDS.items()}


def apply_data(child: Child, data: ChildData, region: Region, collector: User) -> None:
    """Copy checked data onto a child and its guardian (no checks, no flush)."""
    for name, value in child_columns(data).items():
        setattr(child, name, value)
    child.region = region
    child.hardships = data.hardships
    guardian = child.guardian
    if guardian is None:
        guardian = child.guardian = Guardian(consent_collected_by=collector)
    consent_changed = guardian.consent_given_on != data.consent_given_on
    for name, value in guardian_columns(data).items():
        setattr(guardian, name, value)
    if consent_changed:
        guardian.consent_collected_by = collector


def register_child(data: ChildData, *, by: User) -> Child:
    """Register a child with the guardian's recorded consent, collected by `by`."""
    _ensure_editor(by)
    check_child(data, today())
    region = _region_for(data, by)
    _ensure_unique_id(data.id_number, None)
    child = Child(status=ChildStatus.REGISTERED, registered_by=by)
    apply_data(child, data, region, by)
    db.session.add(child)
    db.session.flush()
    audit.record("child.create", child)
    return child


def update_child(child: Child, data: ChildData, *, by: User) -> Child:
    """Change a child's record and guardian; a new consent date records `by` as its collector."""
    _ensure_editor(by)
    ensure_can_see(child, by)
    check_child(data, today())
    region = _region_for(data, by)
    _ensure_unique_id(data.id_number, child)
    apply_data(child, data, region, by)
    db.session.flush()
    audit.record("child.update", child)
    return child


def ensure_can_see(child: Child, user: User) -> None:
    """Raise NotFoundError when the child lies outside the user's scope."""
    if not user.can_see(child.region):
        raise NotFoundError(_l("No such child."))


def verify_child(child: Child, *, by: User) -> None:
    """Confirm a registered child's record; the registrar may not verify their own entry."""
    _ensure_editor(by)
    ensure_can_see(child, by)
    if child.status != ChildStatus.REGISTERED:
        raise DomainError(_l("Only a newly registered child can be verified."))
    if child.registered_by_id == by.id:
        raise DomainError(
            _l("Another user must verify the child you registered."),
        )
    child.status = ChildStatus.VERIFIED
    child.verified_by = by
    child.verified_at = utcnow()
    audit.record("child.verify", child)


def open_for_sponsors(child: Child, *, by: User) -> None:
    """Put a verified child on the waiting list for a caring parent."""
    _ensure_editor(by)
    ensure_can_see(child, by)
    if child.status != ChildStatus.VERIFIED:
        raise DomainError(_l("Only a verified child can await a sponsor."))
    child.status = ChildStatus.AWAITING
    child.awaiting_since = today()
    audit.record("child.awaiting", child)


def exit_child(child: Child, reason: ExitReason, note: str = "", *, by: User) -> None:
    """Take a child out of the programme, with a reason; 'other' needs a note."""
    _ensure_editor(by)
    ensure_can_see(child, by)
    if child.status == ChildStatus.EXITED:
        raise DomainError(_l("The child has already left the programme."))
    if reason == ExitReason.OTHER and not note.strip():
        raise DomainError(_l("Describe the reason for leaving."))
    # A child who leaves takes no more aid: the active pairing ends (its future instalments are
    # waived) and open proposals go, so no batch pays and no sponsor owes for them.
    why = f"儿童退出帮扶：{reason.value} {note.strip()}".strip()
    for pairing in db.session.scalars(
        sa.select(Pairing).where(Pairing.child_id == child.id, Pairing.status.in_(OPEN_STATUSES))
    ).all():
        if pairing.status == PairingStatus.ACTIVE:
            pairings.end(pairing.id, why, by=by)
        else:
            db.session.delete(pairing)
    child.status = ChildStatus.EXITED
    child.exit_reason = reason
    child.exit_note = note.strip() or None
    child.exited_on = today()
    audit.record("child.exit", child, detail=f"{reason.value} {note.strip()}".strip())


def can_reveal(user: User, child: Child) -> bool:
    """Tell whether the user may ask to see the child's protected numbers."""
    return user.role in REVEAL_ROLES and user.can_see(child.region)


def reveal(child: Child, reason: str, *, by: User) -> Revealed:
    """Return the child's unmasked ID and bank account, recording who asked and why."""
    if not can_reveal(by, child):
        raise NotFoundError(_l("No such child."))
    reason = reason.strip()
    if len(reason) < 2:
        raise DomainError(_l("Say why you need to see the numbers."))
    audit.record("child.reveal", child, detail=reason, user=by)
    return Revealed(child.id_number, child.guardian.bank_account)


def record_view(child: Child, *, by: User, page: str = "") -> None:
    """Record that the user saw the child's personal data, and on which page."""
    audit.record("child.view", child, user=by, detail=page)
