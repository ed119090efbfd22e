"""Erase a person's personal data and keep every figure: the verb retention and requests share.

What goes: names (a placeholder instead), resident IDs, phones, emails, addresses, bank details,
free text (family situation, notes, reasons people wrote), the letters' rendered text, the portal
login. What stays: ids and links, statuses and dates of the programme's steps, the region (a
village, shared by many), gender, aid type, school stage, hardship categories, the birth year,
every amount, receipt number and bank reference (accounting records, kept for the audit trail) —
so each report of a past period reads the same after as before.
"""

from __future__ import annotations

import json
import secrets
from datetime import date

import sqlalchemy as sa

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models import (
    CampaignBeneficiary,
    Child,
    Donation,
    Guardian,
    Instalment,
    Letter,
    Pairing,
    Payout,
    Pledge,
    PledgeChange,
    Sponsor,
    User,
)
from sponsorship.models.enums import (
    HandoutStatus,
    LetterStatus,
    PayoutDecision,
    PayoutStatus,
    RecipientType,
)
from sponsorship.services.core import audit

#: Letters that never reached anyone: erased with the person, not kept as blank shells.
UNDELIVERED = (LetterStatus.QUEUED, LetterStatus.FAILED)

#: What an erased name reads as, on every screen and in every file.
PLACEHOLDER = "（已匿名）"

#: Why an erased child's unpaid payout left its draft batch: names no one, so it is kept.
ERASED_CHILD_REASON = "监护人撤回同意或要求删除个人信息，儿童已退出帮扶"


def anonymise_child(child: Child, *, by: User | None = None, why: str = "retention") -> None:
    """Erase a child's personal data (and the guardian's, once no other child needs it)."""
    if child.anonymised_at is not None:
        return
    names = {child.name, child.given_name}
    pairing_ids = select_ids(Pairing.id, Pairing.child_id == child.id)
    sponsor_ids = select_ids(Pairing.sponsor_id, Pairing.child_id == child.id)
    child.name = PLACEHOLDER
    child.id_number = child.id_tail = None
    child.address = child.school = child.family_situation = ""
    child.exit_note = None
    child.birth_date = date(child.birth_date.year, 1, 1)
    child.anonymised_at = utcnow()
    _erase_pairing_text(pairing_ids)
    _erase(
        Payout,
        Payout.child_id == child.id,
        guardian_name=PLACEHOLDER,
        bank_name="",
        decision_reason=sa.case(
            (Payout.decision_reason == ERASED_CHILD_REASON, Payout.decision_reason), else_=""
        ),
        failure_reason=_placeholder_if_set(Payout.failure_reason),
    )
    # The account goes only where no bank file can still read it: a payout still proposed and
    # not excluded would reach the bank with an empty account (the callers take those out first).
    _erase(
        Payout,
        Payout.child_id == child.id,
        sa.or_(
            Payout.status != PayoutStatus.PROPOSED,
            Payout.decision == PayoutDecision.EXCLUDED,
        ),
        bank_account="",
    )
    _erase_campaign_copies(child)
    # The caring parents' letters about this child name the child: their text goes too.
    for name in names:
        if len(name) >= 2:
            _erase_letters(
                Letter.recipient_type == RecipientType.SPONSOR,
                Letter.recipient_id.in_(sponsor_ids),
                _letter_mentions(name),
            )
    guardian = child.guardian
    db.session.flush()
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Child)
        .where(Child.guardian_id == guardian.id, Child.anonymised_at.is_(None))
    )
    if not others:
        _anonymise_guardian(guardian)
    audit.record("child.anonymised", child, user=by, detail=why)


def _erase_campaign_copies(child: Child) -> None:
    """Erase what campaigns copied of the child: the beneficiary rows and their bank payouts.

    Amounts, statuses and dates stay (the campaigns' paragraphs read the same); the account
    stays only where a bank file may still read it (a payout waiting in a batch).
    """
    person = CampaignBeneficiary
    ids = select_ids(person.id, person.child_id == child.id)
    if not ids:
        return
    _erase(
        person,
        person.id.in_(ids),
        name=PLACEHOLDER,
        payee_name=PLACEHOLDER,
        id_number=None,
        id_tail=None,
        birth_date=None,
        address="",
        mobile=None,
        health_condition=None,
        note="",
        status_note="",
        bank_name="",
    )
    _erase(person, person.id.in_(ids), person.status != HandoutStatus.IN_BATCH, bank_account="")
    _erase(
        Payout,
        Payout.beneficiary_id.in_(ids),
        guardian_name=PLACEHOLDER,
        bank_name="",
        decision_reason="",
        failure_reason=_placeholder_if_set(Payout.failure_reason),
    )
    _erase(
        Payout,
        Payout.beneficiary_id.in_(ids),
        sa.or_(
            Payout.status != PayoutStatus.PROPOSED,
            Payout.decision == PayoutDecision.EXCLUDED,
        ),
        bank_account="",
    )


def _anonymise_guardian(guardian: Guardian) -> None:
    guardian.name = PLACEHOLDER
    guardian.relation = ""
    guardian.mobile = guardian.bank_name = guardian.bank_account = None
    guardian.anonymised_at = utcnow()
    _erase_letters(
        Letter.recipient_type == RecipientType.GUARDIAN, Letter.recipient_id == guardian.id
    )


def anonymise_sponsor(sponsor: Sponsor, *, by: User | None = None, why: str = "retention") -> None:
    """Erase a caring parent's personal data and close the portal account; money stays."""
    if sponsor.anonymised_at is not None:
        return
    sponsor.name = PLACEHOLDER
    sponsor.contact_name = sponsor.email = sponsor.id_number = sponsor.review_note = None
    # Unique and required: a placeholder that names no one.
    sponsor.mobile = f"anon-{sponsor.id}"
    sponsor.address = ""
    sponsor.anonymised_at = utcnow()
    if sponsor.user is not None:
        close_account(sponsor.user)
    _erase(Donation, Donation.sponsor_id == sponsor.id, donor_name="", note="")
    _erase_pairing_text(select_ids(Pairing.id, Pairing.sponsor_id == sponsor.id))
    _erase_letters(
        Letter.recipient_type == RecipientType.SPONSOR, Letter.recipient_id == sponsor.id
    )
    audit.record("sponsor.anonymised", sponsor, user=by, detail=why)


def close_account(user: User) -> None:
    """Close a portal account for good: no login, no name, no email."""
    user.active = False
    user.username = f"anon-{user.id}"
    user.display_name = ""
    user.email = None
    user.set_password(secrets.token_urlsafe(32))  # also ends every session


def select_ids(column, *where) -> list[int]:
    """Return the distinct values of an id column under a condition."""
    return list(db.session.scalars(sa.select(column).where(*where).distinct()))


def _erase(model, *where, **values) -> None:
    db.session.execute(
        sa.update(model).where(*where).values(**values).execution_options(synchronize_session=False)
    )


def _placeholder_if_set(column):
    """Keep a NULL as NULL (a check may depend on it), else put the placeholder in."""
    return sa.case((column.is_(None), None), else_=sa.literal(PLACEHOLDER))


def _erase_pairing_text(pairing_ids: list[int]) -> None:
    """Erase the words people wrote about a pairing: the matcher's reason names hardships too."""
    if not pairing_ids:
        return
    _erase(
        Pairing,
        Pairing.id.in_(pairing_ids),
        reason="",
        rejected_reason=_placeholder_if_set(Pairing.rejected_reason),
        end_reason=_placeholder_if_set(Pairing.end_reason),
    )
    pledge_ids = select_ids(Pledge.id, Pledge.pairing_id.in_(pairing_ids))
    if pledge_ids:
        _erase(Pledge, Pledge.id.in_(pledge_ids), end_reason=_placeholder_if_set(Pledge.end_reason))
        _erase(
            Instalment,
            Instalment.pledge_id.in_(pledge_ids),
            waive_reason=_placeholder_if_set(Instalment.waive_reason),
        )
        _erase(PledgeChange, PledgeChange.pledge_id.in_(pledge_ids), reason="")


def _letter_mentions(name: str):
    """Letters whose text, or whose data still waiting to be rendered, holds `name`.

    Letters queued in bulk keep only their data (`context`, JSON) until delivered or shown; JSON
    may hold the name as written or as \\u escapes, so both are looked for.
    """
    stored = sa.cast(Letter.context, sa.Text)
    escaped = json.dumps(name)[1:-1]
    return sa.or_(
        Letter.body.contains(name), stored.contains(name), stored.contains(escaped, autoescape=True)
    )


def _erase_letters(*where) -> None:
    """Drop the letters never delivered (nobody to send them to now); blank the text of the rest."""
    db.session.execute(
        sa.delete(Letter)
        .where(*where, Letter.status.in_(UNDELIVERED))
        .execution_options(synchronize_session=False)
    )
    _erase(
        Letter,
        *where,
        recipient_name=PLACEHOLDER,
        to_address="",
        subject=PLACEHOLDER,
        body="",
        context=None,
        last_error=None,
    )
