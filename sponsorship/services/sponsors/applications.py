"""Caring parents' applications: sign up, edit details, and ask to withdraw."""

from __future__ import annotations

from dataclasses import dataclass, fields

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from sponsorship.clock import today, utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Region, Sponsor, User
from sponsorship.models.enums import (
    AidGroup,
    AidPreference,
    Channel,
    Distance,
    Gender,
    PaymentFrequency,
    RegionLevel,
    Role,
    SponsorKind,
    SponsorStatus,
)
from sponsorship.services.core import audit, email_confirmation, settings, users
from sponsorship.services.core.validators import (
    FieldError,
    clean_text,
    normalize_email,
    normalize_id_number,
    normalize_mobile,
)
from sponsorship.services.letters.queue import LetterKind, queue_letter
from sponsorship.services.sponsors import repeat_signups
from sponsorship.services.sponsors.invitations import LinkFor

#: The version of the privacy notice people consent to; change it when the notice changes.
PRIVACY_NOTICE_VERSION = "2026-11"
MIN_CAPACITY, MAX_CAPACITY = 1, 10
#: The report group whose standard applies to each preference; "any" takes the lowest standard.
PREFERENCE_GROUPS = {
    AidPreference.PRIMARY: (AidGroup.PRIMARY,),
    AidPreference.MIDDLE: (AidGroup.MIDDLE,),
    AidPreference.FOSTERING: (AidGroup.FOSTERING,),
    AidPreference.ANY: tuple(AidGroup),
}


@dataclass
class Details:
    """What a caring parent tells us about themselves and the sponsorship they want."""

    kind: SponsorKind
    name: str
    mobile: str
    region: Region | None
    address: str = ""
    contact_name: str | None = None
    gender: Gender | None = None
    email: str | None = None
    id_number: str | None = None
    aid_preference: AidPreference = AidPreference.ANY
    distance: Distance = Distance.SAME_COUNTY
    child_gender: Gender | None = None
    capacity: int = 1
    pledge_per_child_fen: int = 0
    payment_frequency: PaymentFrequency = PaymentFrequency.YEARLY
    channel: Channel = Channel.POST


def minimum_pledge_fen(preference: AidPreference) -> int:
    """Return the least yearly pledge per child for a preference: its group's standard amount."""
    return min(settings.standard_fen(group) for group in PREFERENCE_GROUPS[preference])


def check_details(
    details: Details, *, sponsor: Sponsor | None = None, unique: bool = True
) -> Details:
    """Validate and normalise every field; raise FieldError naming the first bad one."""
    problems = find_problems(details, sponsor=sponsor, unique=unique)
    if problems:
        raise problems[0]
    return details


def find_problems(
    details: Details, *, sponsor: Sponsor | None = None, unique: bool = True
) -> list[FieldError]:
    """Normalise every field and return each rule broken, in form order (a sheet lists them all).

    `unique=False` leaves out whether another caring parent uses the mobile or ID number: the
    public sign-up must not say (see `repeat_signups`); staff and caring parents editing are told.
    """
    d, problems = details, []

    def check(rule) -> None:
        try:
            rule()
        except FieldError as problem:
            problems.append(problem)

    def normalise(name: str, clean) -> None:
        check(lambda: setattr(d, name, clean(getattr(d, name))))

    normalise("name", lambda v: clean_text(v, field="name", max_length=100))
    if d.kind == SponsorKind.ORGANISATION:
        normalise("contact_name", lambda v: clean_text(v, field="contact_name", max_length=100))
    else:
        d.contact_name = None
    normalise("mobile", normalize_mobile)
    normalise("email", normalize_email)
    normalise("address", lambda v: clean_text(v, field="address", max_length=255))
    normalise("id_number", lambda v: normalize_id_number(v, today=today()))
    check(lambda: _check_region(d))
    check(lambda: _check_wishes(d))
    if unique and not problems:
        check(lambda: _check_unique(d, sponsor))
    return problems


def _check_region(d: Details) -> None:
    if d.region is None or d.region.level not in (RegionLevel.TOWN, RegionLevel.VILLAGE):
        raise FieldError("region", _l("Choose your town and village."))


def _check_wishes(d: Details) -> None:
    if d.channel == Channel.EMAIL and not d.email:
        raise FieldError(
            "email",
            _l("Enter an email address to receive letters by email."),
        )
    if not MIN_CAPACITY <= d.capacity <= MAX_CAPACITY:
        raise FieldError(
            "capacity",
            _l(
                "The number of children is between %(least)s and %(most)s.",
                least=MIN_CAPACITY,
                most=MAX_CAPACITY,
            ),
        )
    least = minimum_pledge_fen(d.aid_preference)
    if d.pledge_per_child_fen < least:
        yuan = f"{least // 100:,}"
        raise FieldError(
            "pledge",
            _l(
                "The yearly pledge per child cannot be below the standard of ¥%(yuan)s for this "
                "choice.",
                yuan=yuan,
            ),
        )


def _check_unique(d: Details, sponsor: Sponsor | None) -> None:
    """Refuse a mobile or ID number that another application already uses."""
    others = (
        sa.select(Sponsor.id).where(Sponsor.id != sponsor.id) if sponsor else sa.select(Sponsor.id)
    )
    if db.session.scalar(others.where(Sponsor.mobile == d.mobile)) is not None or (
        sponsor is None and users.find_by_username(d.mobile) is not None
    ):
        raise _exists("mobile")
    if d.id_number and db.session.scalar(others.where(Sponsor.id_number == d.id_number)):
        raise _exists("id_number")


#: Whole sentences per field, not a sentence with the field's name put in: word order differs.
_USED_BY_ANOTHER = {
    "mobile": _l("Another caring parent already uses this mobile number."),
    "id_number": _l("Another caring parent already uses this ID number."),
}


def _exists(field: str) -> FieldError:
    return FieldError(field, _USED_BY_ANOTHER[field])


def register_sponsor(
    details: Details, *, password: str, consent: bool, confirmation_link: LinkFor | None = None
) -> Sponsor | None:
    """Record a new pending application with its portal account, and acknowledge it by letter.

    When the mobile or ID number is someone's on record already, keep nothing and write to them
    instead (`repeat_signups`), returning None: the public page answers both alike. With
    `confirmation_link`, mail the new account's email address a link to confirm it.
    """
    if not consent:
        raise FieldError(
            "consent",
            _l("Please read and agree to the privacy notice before sending."),
        )
    d = check_details(details, unique=False)
    try:
        users.check_password_strength(password)
    except DomainError as error:
        raise FieldError("password", error) from error
    now = utcnow()
    user = User(
        username=d.mobile,
        display_name=d.name,
        email=d.email,
        role=Role.SPONSOR,
    )
    user.set_password(password)  # before the look-up: a repeat costs what a new one costs
    if repeat_signups.tell_holders_of(d.mobile, d.id_number):
        return None
    sponsor = Sponsor(
        **sponsor_columns(d),
        status=SponsorStatus.PENDING,
        consent_version=PRIVACY_NOTICE_VERSION,
        consent_at=now,
        user=user,
    )
    try:
        with db.session.begin_nested():  # a twin request may have won the race for the numbers
            db.session.add_all([user, sponsor])
            db.session.flush()
    except IntegrityError:
        if repeat_signups.tell_holders_of(d.mobile, d.id_number):
            return None
        raise
    audit.record("sponsor.signup", sponsor, detail=f"consent={PRIVACY_NOTICE_VERSION}", user=user)
    queue_letter(LetterKind.SIGNUP_ACK, sponsor, f"sponsor-{sponsor.id}")
    if confirmation_link is not None:
        email_confirmation.request_confirmation(sponsor, confirmation_link)
    return sponsor


def sponsor_columns(d: Details) -> dict:
    """Return the sponsor's columns from checked details."""
    return {f.name: getattr(d, f.name) for f in fields(Details)}


def details_of(sponsor: Sponsor) -> Details:
    """Return a sponsor's current details, ready to change and pass to `edit_sponsor`."""
    return Details(**{f.name: getattr(sponsor, f.name) for f in fields(Details)})


def edit_sponsor(sponsor: Sponsor, details: Details, *, by: User) -> Sponsor:
    """Change an application's details under the same rules as sign-up; audit what changed."""
    d = check_details(details, sponsor=sponsor)
    changed = sorted(k for k, v in sponsor_columns(d).items() if getattr(sponsor, k) != v)
    for key, value in sponsor_columns(d).items():
        setattr(sponsor, key, value)
    _sync_account(sponsor)
    db.session.flush()
    audit.record("sponsor.edit", sponsor, detail="changed: " + ", ".join(changed), user=by)
    return sponsor


def update_contact(
    sponsor: Sponsor,
    *,
    mobile: str,
    email: str | None,
    address: str,
    region: Region | None,
    channel: Channel,
) -> Sponsor:
    """Let caring parents change their own contact details and letter channel."""
    d = details_of(sponsor)
    d.mobile, d.email, d.address, d.region, d.channel = mobile, email, address, region, channel
    return edit_sponsor(sponsor, d, by=sponsor.user)


def _sync_account(sponsor: Sponsor) -> None:
    """Keep the portal account's login name and email in step with the contact details."""
    user = sponsor.user
    if user is None:
        return
    if user.username != sponsor.mobile:
        if users.find_by_username(sponsor.mobile) not in (None, user):
            raise _exists("mobile")
        user.username = sponsor.mobile
    user.change_email(sponsor.email)  # a new address serves for login once confirmed
    user.display_name = sponsor.name


def request_withdrawal(sponsor: Sponsor) -> None:
    """Record that the caring parent asks to withdraw; staff decide, nothing is deleted."""
    if sponsor.status == SponsorStatus.WITHDRAWN:
        raise DomainError(_l("You have already withdrawn."))
    if sponsor.withdraw_requested_at is None:
        sponsor.withdraw_requested_at = utcnow()
        db.session.flush()
        audit.record("sponsor.withdraw_requested", sponsor, user=sponsor.user)


def sponsor_of(user: User) -> Sponsor | None:
    """Return the caring parent whose portal account `user` is."""
    return db.session.scalar(sa.select(Sponsor).where(Sponsor.user_id == user.id))
