"""A campaign's cash handout: the printed sign-for sheet, then who signed and who did not.

Each signature posts its own HANDOUT transaction, CAMPAIGN(c) +a / PAYOUTS −a, kept on the
beneficiary (`transaction_id`, unique): a person signs once. A signature recorded by mistake is
undone only by the mirror transaction, with a reason; the person then waits again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from sponsorship.bulk_sql import rows_table
from sponsorship.errors import ConflictError, DomainError, Joined
from sponsorship.extensions import db
from sponsorship.letters.sign_sheet import SignRow, render_sign_sheet, sheet_title
from sponsorship.models import Campaign, CampaignBeneficiary, Child, LedgerTransaction, User
from sponsorship.models.enums import Account, HandoutMethod, HandoutStatus, TransactionKind
from sponsorship.services.campaigns.handouts import ensure_may_hand_out, people
from sponsorship.services.core import audit
from sponsorship.services.letters.printing import PROGRAMME_ZH
from sponsorship.services.money import ledger, promised
from sponsorship.services.money.ledger import Leg, Posting
from sponsorship.services.payouts.campaign_payouts import short_of_funds

#: Who may still sign: not yet handed anything (a person who did not come may come later).
TO_SIGN = (HandoutStatus.PENDING, HandoutStatus.NOT_SIGNED)


def to_sign(campaign: Campaign, user: User | None = None) -> sa.Select:
    """Select the beneficiaries (in the user's area) handed cash who have not signed yet."""
    return people(campaign, user).where(
        CampaignBeneficiary.method == HandoutMethod.CASH,
        CampaignBeneficiary.status.in_(TO_SIGN),
    )


def sheet_rows(campaign: Campaign, user: User | None = None) -> list[SignRow]:
    """Return the sign-for sheet's lines: each person to sign, the child's ID for a child."""
    stmt = (
        to_sign(campaign, user)
        .outerjoin(Child, Child.id == CampaignBeneficiary.child_id)
        .add_columns(Child.id_number)
    )
    return [
        SignRow(person.name, person.id_number or child_id_number, person.amount_fen)
        for person, child_id_number in db.session.execute(stmt)
    ]


def sign_sheet(
    campaign: Campaign, *, by: User, handout_on: date | None = None
) -> tuple[bytes, str]:
    """Return the sign-for sheet (A4 PDF, IDs masked) and its file name; the export is audited."""
    if not by.can_see(campaign.region):
        raise DomainError(_l("This campaign belongs to another area: its own staff hand it out."))
    rows = sheet_rows(campaign, by)
    if not rows:
        raise DomainError(_l("Nobody is waiting to sign for a cash handout."))
    if any(row.amount_fen <= 0 for row in rows):
        raise DomainError(_l("Set the amounts first: the sheet prints what each person receives."))
    pdf = render_sign_sheet(
        rows,
        federation=current_app.config["FEDERATION_NAME"],
        programme=PROGRAMME_ZH,
        campaign=campaign.name,
        handout_on=handout_on,
    )
    total = sum(row.amount_fen for row in rows)
    audit.record(
        "campaign.sign_sheet_exported",
        campaign,
        detail=f"rows={len(rows)} total_fen={total}",
        user=by,
    )
    return pdf, f"{sheet_title(campaign.name)}.pdf"


def _chosen(campaign: Campaign, ids: Iterable[int], by: User | None) -> list[CampaignBeneficiary]:
    ids = list(ids)
    if not ids:
        raise DomainError(_l("Tick the people first."))
    chosen = list(db.session.scalars(people(campaign, by).where(CampaignBeneficiary.id.in_(ids))))
    if len(chosen) != len(set(ids)):
        raise DomainError(_l("Some of the people ticked are not on this campaign's list."))
    refused = [p.name for p in chosen if p.method != HandoutMethod.CASH or p.status not in TO_SIGN]
    if refused:
        raise DomainError(
            _l(
                "Already signed for, or not handed out in cash: %(names)s.",
                names=Joined(refused[:5], "、"),
            )
        )
    return chosen


def record_signed(
    campaign: Campaign, ids: Iterable[int], signed_on: date, *, by: User | None = None
) -> int:
    """Record that the chosen people signed on `signed_on`: each posts its handout; how many."""
    ensure_may_hand_out(campaign, by)
    chosen = _chosen(campaign, ids, by)
    no_amount = [p.name for p in chosen if p.amount_fen <= 0]
    if no_amount:
        raise DomainError(
            _l("Set the amounts first: %(names)s have none.", names=Joined(no_amount[:5], "、"))
        )
    total = sum(p.amount_fen for p in chosen)
    if total > promised.campaign_free(campaign.id):
        raise DomainError(short_of_funds(campaign.id, total))
    postings = [
        Posting(
            [
                Leg(Account.CAMPAIGN, p.amount_fen, campaign_id=campaign.id),
                Leg(Account.PAYOUTS, -p.amount_fen, campaign_id=campaign.id),
            ],
            memo=f"cash handout campaign {campaign.id} beneficiary {p.id}",
        )
        for p in chosen
    ]
    try:
        txn_ids = ledger.post_many(TransactionKind.HANDOUT, postings, by=by)
    except IntegrityError as error:
        # Another handout took the fund's money between our check and our posting: the
        # database refused to overdraw it (funds_never_overdrawn).
        raise ConflictError(
            _l("The campaign's fund changed meanwhile: reload the page and check it.")
        ) from error
    signing = rows_table(
        "signing",
        {"key": sa.BigInteger(), "transaction_id": sa.BigInteger()},
        [(p.id, txn_id) for p, txn_id in zip(chosen, txn_ids, strict=True)],
    )
    # Only a person still waiting turns signed: if a second clerk recorded one of them at the
    # same moment, fewer rows change than were chosen and the whole record is rolled back.
    changed = db.session.execute(
        sa.update(CampaignBeneficiary)
        .where(
            CampaignBeneficiary.id == signing.c.key,
            CampaignBeneficiary.status.in_(TO_SIGN),
            CampaignBeneficiary.transaction_id.is_(None),
        )
        .values(
            status=HandoutStatus.SIGNED,
            signed_on=signed_on,
            transaction_id=signing.c.transaction_id,
            status_note="",
            status_recorded_by_id=by.id if by else None,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != len(chosen):
        raise ConflictError(_l("Someone recorded this signature first: reload the page."))
    db.session.expire_all()
    audit.record(
        "campaign.signed",
        campaign,
        detail=f"count={len(chosen)} total_fen={total} on={signed_on.isoformat()}",
        user=by,
    )
    return len(chosen)


def record_not_signed(
    campaign: Campaign, ids: Iterable[int], reason: str, *, by: User | None = None
) -> int:
    """Record that the chosen people did not sign for their cash, and why; return how many."""
    ensure_may_hand_out(campaign, by)
    if not reason.strip():
        raise DomainError(_l("Say why they did not sign."))
    chosen = _chosen(campaign, ids, by)
    for person in chosen:
        person.status = HandoutStatus.NOT_SIGNED
        person.status_note = reason.strip()
        person.status_recorded_by = by
    db.session.flush()
    audit.record(
        "campaign.not_signed",
        campaign,
        detail=f"count={len(chosen)} reason={reason.strip()}",
        user=by,
    )
    return len(chosen)


def undo_signature(person: CampaignBeneficiary, reason: str, *, by: User | None = None) -> None:
    """Undo a signature recorded by mistake: reverse its handout, the person waits again."""
    ensure_may_hand_out(person.campaign, by)
    if by is not None and person.region_id is not None and not by.can_see(person.region):
        raise DomainError(_l("This person lives outside your area."))
    if person.status != HandoutStatus.SIGNED or person.transaction_id is None:
        raise DomainError(_l("Only a recorded signature can be undone."))
    if not reason.strip():
        raise DomainError(_l("Say why the signature is undone."))
    txn = db.session.get(LedgerTransaction, person.transaction_id)
    reversal = ledger.reverse(
        txn, memo=f"undo cash handout beneficiary {person.id}: {reason.strip()}", by=by
    )
    person.status = HandoutStatus.PENDING
    person.signed_on = None
    person.transaction_id = None
    person.status_note = reason.strip()
    person.status_recorded_by = by
    db.session.flush()
    audit.record(
        "campaign.signature_undone",
        person,
        detail=f"amount_fen={person.amount_fen} reversal={reversal.id} reason={reason.strip()}",
        user=by,
    )
