"""Paper applications: staff type in a caring parent's signed reply form (倡议书回执).

The record says consent was given on paper, which form it was (its reference, unique) and who
typed it in. The caring parent is invited to the portal; staff never choose a password.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Sponsor, User
from sponsorship.models.enums import ConsentMethod, Role, SponsorStatus
from sponsorship.services.core import audit
from sponsorship.services.core.validators import FieldError, clean_text
from sponsorship.services.sponsors.applications import (
    PRIVACY_NOTICE_VERSION,
    Details,
    find_problems,
    sponsor_columns,
)
from sponsorship.services.sponsors.invitations import LinkFor, invite

ENTRY_ROLES = (Role.ADMIN, Role.STAFF)
REFERENCE_LENGTH = Sponsor.__table__.c.paper_reference.type.length


def clean_reference(reference: str | None) -> str:
    """Return the form's reference as written (spaces dropped); it is required."""
    text = clean_text(reference, field="paper_reference", max_length=REFERENCE_LENGTH)
    if not text:
        raise FieldError("paper_reference", _l("Enter the number written on the paper form."))
    return text.replace(" ", "").upper()


def reference_taken(reference: str) -> Sponsor | None:
    """Return the caring parent already entered from the form with this reference, if any."""
    return db.session.scalar(sa.select(Sponsor).where(Sponsor.paper_reference == reference))


#: A mobile taken outside the user's area: that it is taken, never by whom or under which number.
MOBILE_REGISTERED_ELSEWHERE = _l("This mobile number is already registered; ask the county office.")


def mobile_taken(mobile: str | None, *, by: User) -> FieldError | None:
    """Return the problem of a mobile another caring parent has, worded for the user's area.

    Within the user's area the caring parent is named by number; outside it, staff of one town
    learn nothing about another town's people: the county office sorts it out.
    """
    if not mobile:
        return None
    sponsor = db.session.scalar(sa.select(Sponsor).where(Sponsor.mobile == mobile))
    if sponsor is None:
        return None
    if not by.can_see(sponsor.region):
        return FieldError("mobile", MOBILE_REGISTERED_ELSEWHERE)
    return FieldError(
        "mobile",
        _l("This mobile number is already entered as caring parent no. %(id)d.", id=sponsor.id),
    )


def check_entry(details: Details, reference: str | None, *, by: User) -> list[FieldError]:
    """Return every problem of one paper application, as the form and the sheet list them."""
    if by.role not in ENTRY_ROLES:
        raise DomainError(_l("Your account may read but not change."))
    problems = find_problems(details)
    taken = mobile_taken(details.mobile, by=by)
    if taken is not None:
        # In place of the sign-up's wording, which neither names the number nor minds the area.
        at = next((i for i, p in enumerate(problems) if p.field == "mobile"), len(problems))
        problems = [p for p in problems if p.field != "mobile"]
        problems.insert(at, taken)
    try:
        text = clean_reference(reference)
        if reference_taken(text) is not None:
            problems.append(
                FieldError("paper_reference", _l("A form with this number is already entered."))
            )
    except FieldError as problem:
        problems.append(problem)
    if details.region is not None and not by.can_see(details.region):
        problems.append(FieldError("region", _l("That village is outside your area.")))
    return problems


def enter_paper_application(
    details: Details, reference: str, *, by: User, link_for: LinkFor
) -> Sponsor:
    """Record a paper application as pending, consent on paper, and invite the caring parent."""
    problems = check_entry(details, reference, by=by)  # normalises the details in place
    if problems:
        raise problems[0]
    sponsor = Sponsor(
        **sponsor_columns(details),
        status=SponsorStatus.PENDING,
        consent_version=PRIVACY_NOTICE_VERSION,
        consent_at=utcnow(),
        consent_method=ConsentMethod.PAPER,
        paper_reference=clean_reference(reference),
        entered_by=by,
    )
    try:
        with db.session.begin_nested():  # a colleague may be typing in the same form
            db.session.add(sponsor)
            db.session.flush()
    except IntegrityError as error:
        raise FieldError(
            "paper_reference", _l("A form with this number or mobile is already entered.")
        ) from error
    audit.record("sponsor.paper_entry", sponsor, detail=sponsor.paper_reference or "", user=by)
    invite(sponsor, by=by, link_for=link_for)
    return sponsor
