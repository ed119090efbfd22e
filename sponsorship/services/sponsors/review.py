"""Staff decisions on caring parents' applications: approve, reject, deactivate."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.errors import ConflictError, DomainError
from sponsorship.extensions import db
from sponsorship.models import Sponsor, User
from sponsorship.models.enums import SponsorStatus
from sponsorship.services.core import audit
from sponsorship.services.core.links import public_url
from sponsorship.services.letters.queue import LetterKind, queue_letter

MAX_REASON = 2000


def _decide(sponsor: Sponsor, status: SponsorStatus, note: str | None, by: User) -> None:
    sponsor.status = status
    sponsor.review_note = note or None
    sponsor.reviewed_by = by
    sponsor.reviewed_at = utcnow()
    db.session.flush()


def approve(sponsor: Sponsor, *, by: User, note: str = "") -> None:
    """Approve a pending (or earlier rejected) application and tell the caring parent."""
    if not sponsor.approvable:
        raise ConflictError(
            _l(
                "%(name)s is already %(status)s; it cannot be approved.",
                name=sponsor.name,
                status=_STATUS_WORDS[sponsor.status],
            ),
        )
    _decide(sponsor, SponsorStatus.APPROVED, note.strip()[:MAX_REASON], by)
    audit.record("sponsor.approve", sponsor, detail=note.strip(), user=by)
    queue_letter(
        LetterKind.APPROVAL,
        sponsor,
        f"sponsor-{sponsor.id}-approval",
        portal_url=public_url("portal.home"),
    )


def reject(sponsor: Sponsor, *, by: User, reason: str) -> None:
    """Reject a pending application with a reason that the applicant is told."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _l("A rejection needs a reason; the applicant is told it."),
        )
    if sponsor.status != SponsorStatus.PENDING:
        raise ConflictError(
            _l(
                "%(name)s is already %(status)s; only pending ones can be rejected.",
                name=sponsor.name,
                status=_STATUS_WORDS[sponsor.status],
            ),
        )
    _decide(sponsor, SponsorStatus.REJECTED, reason[:MAX_REASON], by)
    audit.record("sponsor.reject", sponsor, detail=reason, user=by)
    queue_letter(LetterKind.REJECTION, sponsor, f"sponsor-{sponsor.id}-rejection", reason=reason)


def deactivate(sponsor: Sponsor, *, by: User, reason: str = "") -> None:
    """Mark a caring parent as withdrawn; the record and its history stay."""
    if sponsor.status == SponsorStatus.WITHDRAWN:
        raise ConflictError(_l("%(name)s has already withdrawn.", name=sponsor.name))
    reason = (reason or "").strip()
    if not reason and sponsor.withdraw_requested_at is not None:
        reason = "本人申请退出"
    _decide(sponsor, SponsorStatus.WITHDRAWN, reason[:MAX_REASON], by)
    audit.record("sponsor.deactivate", sponsor, detail=reason, user=by)


def bulk_approve(sponsors: Iterable[Sponsor], *, by: User) -> int:
    """Approve every pending application among `sponsors`; return how many were approved."""
    approved = 0
    for sponsor in sponsors:
        if sponsor.status == SponsorStatus.PENDING:
            approve(sponsor, by=by)
            approved += 1
    return approved


def bulk_reject(sponsors: Iterable[Sponsor], *, by: User, reason: str) -> int:
    """Reject every pending application among `sponsors` with one reason; return how many."""
    if not (reason or "").strip():
        raise DomainError(_l("A rejection needs a reason; the applicant is told it."))
    rejected = 0
    for sponsor in sponsors:
        if sponsor.status == SponsorStatus.PENDING:
            reject(sponsor, by=by, reason=reason)
            rejected += 1
    return rejected


#: A status as a word inside a sentence (the labels on screen are capitalised headings).
_STATUS_WORDS = {
    SponsorStatus.PENDING: _l("pending review"),
    SponsorStatus.APPROVED: _l("approved"),
    SponsorStatus.REJECTED: _l("not approved"),
    SponsorStatus.WITHDRAWN: _l("withdrawn"),
}
