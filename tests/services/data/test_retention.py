"""Retention: what expired is anonymised, nothing personal is left, and every figure stays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship import demo
from sponsorship.extensions import db
from sponsorship.models import (
    Child,
    Donation,
    Guardian,
    Instalment,
    Letter,
    Pairing,
    Payout,
    Pledge,
    Sponsor,
    User,
)
from sponsorship.models.enums import (
    ChildStatus,
    ExitReason,
    LetterStatus,
    PairingStatus,
    RecipientType,
    Role,
    SponsorStatus,
)
from sponsorship.services.children.register import exit_child
from sponsorship.services.core import settings
from sponsorship.services.data.anonymise import PLACEHOLDER
from sponsorship.services.data.retention import apply_retention
from sponsorship.services.money import ledger_check, statements
from sponsorship.services.reports.measures import Period
from sponsorship.services.reports.statistics import statistics_for
from sponsorship.services.sponsors.review import deactivate, reject
from tests import factories as f

LOADED = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
#: Past half-years the report must read the same for, and the current one.
PERIODS = [
    Period(date(y, m, 1), date(y, m + 5, 30 if m == 1 else 31))
    for y in (2025, 2026)
    for m in (1, 7)
]


def figures() -> list:
    """Every figure of the statistics page for each half-year, county-wide, plus the money."""
    out = []
    for period in PERIODS:
        s = statistics_for(period, None)
        out.append(
            (
                s.recruited,
                s.raised_fen,
                dict(s.groups),
                [
                    (t.town.id if t.town else None, t.recruited, t.raised_fen, dict(t.groups))
                    for t in s.towns
                ],
                dict(s.hardships),
                dict(s.child_genders),
                dict(s.sponsor_genders),
                s.paragraph_zh,
            )
        )
    totals = statements.programme_totals()
    out.append((totals.raised_fen, totals.paid_out_fen, totals.held_fen, totals.refunded_fen))
    for model in (Child, Sponsor, Pairing, Pledge, Instalment, Donation, Payout):
        out.append(
            (model.__tablename__, db.session.scalar(sa.select(sa.func.count()).select_from(model)))
        )
    out.append(db.session.scalar(sa.select(sa.func.sum(Instalment.paid_fen))))
    # Letters delivered stay (blanked); those never delivered go with the person.
    delivered = Letter.status.in_([LetterStatus.SENT, LetterStatus.PRINTED])
    out.append(db.session.scalar(sa.select(sa.func.count()).select_from(Letter).where(delivered)))
    return out


def _seed(frozen) -> None:
    """The demo data set, with paired children who left and caring parents who went."""
    frozen(LOADED)
    admin = f.make_user(role=Role.ADMIN)
    demo.load(admin)
    staff = f.make_user(role=Role.ADMIN)
    paired = db.session.scalars(
        sa.select(Child).where(Child.status == ChildStatus.PAIRED).order_by(Child.id).limit(3)
    ).all()
    for child in paired:
        exit_child(child, ExitReason.OTHER, note=f"{child.name}随父母迁往外省", by=staff)
    for sponsor in [
        p.sponsor
        for p in db.session.scalars(sa.select(Pairing).where(Pairing.status == PairingStatus.ENDED))
    ]:
        deactivate(sponsor, by=staff, reason=f"{sponsor.name}本人申请退出")
    for sponsor in db.session.scalars(
        sa.select(Sponsor)
        .where(
            Sponsor.status == SponsorStatus.PENDING,
            Sponsor.id.not_in(sa.select(Pairing.sponsor_id)),
        )
        .limit(2)
    ):
        reject(sponsor, by=staff, reason=f"{sponsor.name}联系不上")
    db.session.flush()


def test_retention_anonymises_only_what_expired(frozen):
    _seed(frozen)
    exited = db.session.scalar(
        sa.select(sa.func.count()).select_from(Child).where(Child.status == ChildStatus.EXITED)
    )
    frozen(datetime(2027, 7, 1, tzinfo=UTC))  # rejected applicants expire after six months
    first = apply_retention(datetime(2027, 7, 1, tzinfo=UTC))
    assert (first.children, first.sponsors) == (0, 2)
    settings.put("retention.withdrawn_sponsor_years", 5)
    later = datetime(2030, 1, 1, tzinfo=UTC)  # exits of late 2026 are three years old
    second = apply_retention(later)
    assert (second.children, second.sponsors) == (exited, 0)
    assert apply_retention(later).children == 0  # nothing twice


def test_anonymisation_keeps_every_report_figure_and_leaves_no_personal_field(frozen):
    _seed(frozen)
    db.session.flush()
    before = figures()
    people = {
        "children": db.session.scalars(
            sa.select(Child.id).where(Child.status == ChildStatus.EXITED)
        ).all(),
        "sponsors": db.session.scalars(
            sa.select(Sponsor.id).where(
                Sponsor.status.in_([SponsorStatus.WITHDRAWN, SponsorStatus.REJECTED])
            )
        ).all(),
    }
    personal = _personal_values(people)
    assert personal  # the seed wrote names, IDs, phones and notes to find afterwards

    frozen(datetime(2031, 1, 1, tzinfo=UTC))
    result = apply_retention(datetime(2031, 1, 1, tzinfo=UTC))
    assert result.children == len(people["children"]) and result.sponsors == len(people["sponsors"])
    db.session.expire_all()

    assert figures() == before
    assert ledger_check.verify() == []
    leaks = [
        (table, col, value)
        for table, col, value in _text_values(people)
        if value in personal or any(p in value for p in personal if len(p) >= 3)
    ]
    assert leaks == []


def _rows(people):
    """The anonymised rows and every row that hangs off them, by table."""
    children, sponsors = people["children"], people["sponsors"]
    guardians = db.session.scalars(sa.select(Child.guardian_id).where(Child.id.in_(children))).all()
    pairings = db.session.scalars(
        sa.select(Pairing.id).where(
            sa.or_(Pairing.child_id.in_(children), Pairing.sponsor_id.in_(sponsors))
        )
    ).all()
    users = db.session.scalars(
        sa.select(Sponsor.user_id).where(Sponsor.id.in_(sponsors), Sponsor.user_id.is_not(None))
    ).all()
    return [
        (Child, Child.id.in_(children)),
        (Guardian, Guardian.id.in_(guardians)),
        (Sponsor, Sponsor.id.in_(sponsors)),
        (User, User.id.in_(users)),
        (Pairing, Pairing.id.in_(pairings)),
        (Pledge, Pledge.pairing_id.in_(pairings)),
        (Payout, Payout.child_id.in_(children)),
        (Donation, Donation.sponsor_id.in_(sponsors)),
        (
            Letter,
            sa.or_(
                sa.and_(
                    Letter.recipient_type == RecipientType.SPONSOR,
                    Letter.recipient_id.in_(sponsors),
                ),
                sa.and_(
                    Letter.recipient_type == RecipientType.GUARDIAN,
                    Letter.recipient_id.in_(guardians),
                ),
            ),
        ),
    ]


def _text_values(people):
    """Yield (table, column, value) for every non-empty text column of those rows."""
    for model, where in _rows(people):
        table = model.__table__
        columns = [c for c in table.columns if _is_text(c)]
        for row in db.session.execute(sa.select(*columns).where(where)):
            for column, value in zip(columns, row, strict=True):
                if value:
                    yield table.name, column.name, str(value)


def _is_text(column) -> bool:
    try:
        return column.type.python_type is str
    except NotImplementedError:
        return False


#: Text that is not personal: codes, statuses, the placeholder, accounting references.
def _personal_values(people) -> set[str]:
    """Collect the personal strings the seed stored for these people, before retention runs."""
    found = set()
    for table, column, value in _text_values(people):
        if column in PERSONAL_COLUMNS.get(table, ()):
            found.add(value)
    return found - {PLACEHOLDER, ""}


PERSONAL_COLUMNS = {
    "children": (
        "name",
        "id_number",
        "id_tail",
        "address",
        "school",
        "family_situation",
        "exit_note",
    ),
    "guardians": ("name", "mobile", "bank_account"),
    "sponsors": ("name", "mobile", "email", "address", "id_number", "review_note"),
    "users": ("username", "display_name", "email"),
    "pairings": ("end_reason", "rejected_reason"),
    "letters": ("recipient_name", "to_address", "body"),
    "payouts": ("guardian_name", "bank_account"),
}


def test_anonymising_a_child_erases_the_campaigns_copies_too():
    """A 六一 list copied the child's name, the guardian as payee, the account, a health note."""
    from sponsorship.models import CampaignBeneficiary
    from sponsorship.models.enums import HandoutStatus
    from sponsorship.services.data.anonymise import anonymise_child
    from tests.services.campaigns.handout_data import make_campaign, make_child_beneficiary

    child = f.make_child(id_number=f.id_number())
    person = make_child_beneficiary(
        make_campaign(),
        child,
        bank_name="农业银行",
        bank_account="6228480000000000001",
        mobile="13900000000",
        health_condition="重病",
        amount_fen=20000,
        status=HandoutStatus.SIGNED,
    )
    anonymise_child(child)
    db.session.expire_all()
    row = db.session.get(CampaignBeneficiary, person.id)
    personal = (row.name, row.payee_name, row.bank_account, row.bank_name, row.mobile)
    assert personal == (PLACEHOLDER, PLACEHOLDER, "", "", None)
    assert row.health_condition is None and row.id_number is None
    assert (row.amount_fen, row.status) == (20000, HandoutStatus.SIGNED)
