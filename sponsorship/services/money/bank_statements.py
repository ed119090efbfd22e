"""Import a bank statement's lines (CSV) into a donation batch: validated whole, then recorded
in chunks.

The whole file is parsed and checked first, and its lines staged (`stage`) in one short
transaction: a bad row stages nothing. The staged lines are then recorded (`record_chunk`) a
chunk per transaction, so another clerk's writes wait at most one chunk, and a crash leaves
the rest staged for a re-run that records each line once (the line keeps its donation's id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.bulk_sql import prefer_index_lookups, update_many
from sponsorship.clock import today
from sponsorship.csv_input import CsvDictReader
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    BackgroundWork,
    Donation,
    DonationBatch,
    Sponsor,
    StatementLine,
    User,
)
from sponsorship.models.enums import DonationBatchStatus, DonationMethod, RemainderTo
from sponsorship.money import MAX_FEN, format_fen, parse_yuan
from sponsorship.services.core import background
from sponsorship.services.money.donations_bulk import Receipt, record_donations

#: Header names accepted for each column, English or Chinese as banks export them.
COLUMNS = {
    "date": ("date", "日期", "交易日期"),
    "amount": ("amount", "金额", "收入金额"),
    "reference": ("reference", "流水号", "交易流水号"),
    "payer": ("payer", "付款人", "对方户名"),
    "mobile": ("mobile", "手机号", "手机"),
}


@dataclass(frozen=True)
class Line:
    """One line of a bank statement, read from its CSV row."""

    row: int
    received_on: date
    amount_fen: int
    reference: str
    payer: str
    mobile: str


def parse(text: str) -> tuple[list[Line], list[str]]:
    """Read the CSV text into lines; return the lines and a message per bad row."""
    reader = CsvDictReader(text)
    found = {}
    for name, aliases in COLUMNS.items():
        found[name] = next((h for h in reader.fieldnames or [] if h.strip() in aliases), None)
    if not found["date"] or not found["amount"]:
        return [], [_("Row 1: needs a date and an amount column.")]
    lines, errors = [], []
    for number, row in enumerate(reader, start=2):

        def cell(name: str, row=row) -> str:
            return (row.get(found[name]) or "").strip() if found[name] else ""

        try:
            received_on = date.fromisoformat(cell("date").replace("/", "-"))
        except ValueError:
            errors.append(
                _(
                    "Row %(row)s: write the date '%(date)s' as 2026-11-29.",
                    row=number,
                    date=cell("date"),
                )
            )
            continue
        try:
            amount = parse_yuan(cell("amount"))
        except DomainError as error:
            errors.append(_("Row %(row)s: %(problem)s", row=number, problem=error.message))
            continue
        lines.append(
            Line(number, received_on, amount, cell("reference"), cell("payer"), cell("mobile"))
        )
    return lines, errors


def _match_sponsors(lines: list[Line]) -> dict[int, int]:
    """Match lines to caring parents as two set queries: by mobile, else by a unique name.

    Returns {line row: sponsor id} for the lines that match; the rest go to the general fund.
    """
    by_mobile: dict[str, int] = {}
    mobiles = sorted({line.mobile for line in lines if line.mobile})
    for part in _parts(mobiles):
        by_mobile.update(
            db.session.execute(
                sa.select(Sponsor.mobile, Sponsor.id).where(Sponsor.mobile.in_(part))
            )
            .tuples()
            .all()
        )
    by_name: dict[str, int] = {}
    names = sorted({line.payer for line in lines if line.payer and line.mobile not in by_mobile})
    for part in _parts(names):
        by_name.update(
            db.session.execute(
                sa.select(Sponsor.name, sa.func.min(Sponsor.id))
                .where(Sponsor.name.in_(part))
                .group_by(Sponsor.name)
                .having(sa.func.count() == 1)  # two parents of one name: neither is guessed
            )
            .tuples()
            .all()
        )
    matched = {}
    for line in lines:
        sponsor_id = by_mobile.get(line.mobile) if line.mobile else None
        if sponsor_id is None and line.payer:
            sponsor_id = by_name.get(line.payer)
        if sponsor_id is not None:
            matched[line.row] = sponsor_id
    return matched


def _parts(values: list[str], size: int = 5_000):
    """Split a long IN list into parts a database takes as bound parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def stage(batch: DonationBatch, text: str) -> tuple[int, list[str]]:
    """Validate the whole statement and stage its lines for `record_chunk`; all lines or none.

    Returns (lines staged, []) or (0, a message per bad row). Nothing is recorded yet: the
    lines become donations chunk by chunk, each chunk its own commit.
    """
    # The file is read before the database is asked anything: on SQLite the first query takes
    # the write lock, and a large statement's parsing need not hold it.
    lines, errors = parse(text)
    if batch.status != DonationBatchStatus.OPEN:
        raise DomainError(_l("This batch is closed; nothing more can be entered in it."))
    if remaining(batch):
        raise DomainError(
            _l("A statement is still being imported into this batch; wait for it to finish.")
        )
    if errors:
        return 0, errors
    if not lines:
        return 0, [_("The file has no lines.")]
    for line in lines:
        if line.received_on > today():
            return 0, [_("Row %(row)s: the date received cannot be in the future.", row=line.row)]
        if line.amount_fen <= 0 or line.amount_fen > MAX_FEN:
            return 0, [
                _(
                    "Row %(row)s: the amount must be more than zero and at most %(most)s.",
                    row=line.row,
                    most=format_fen(MAX_FEN),
                )
            ]
    # A second statement into the same batch numbers its lines on after the first's.
    offset = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(StatementLine.row), 0)).where(
            StatementLine.batch_id == batch.id
        )
    )
    matched = _match_sponsors(lines)
    db.session.execute(
        sa.insert(StatementLine.__table__),  # Core: none of the ORM bulk path's per-row work
        [
            {
                "batch_id": batch.id,
                "row": offset + line.row - 1 if offset else line.row,
                "received_on": line.received_on,
                "amount_fen": line.amount_fen,
                "reference": line.reference[:100],
                "payer": line.payer[:100],
                "mobile": line.mobile[:40],
                "sponsor_id": matched.get(line.row),
            }
            for line in lines
        ],
    )
    return len(lines), []


def remaining(batch: DonationBatch) -> int:
    """Return how many staged lines of the batch still wait to be recorded."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(StatementLine)
        .where(StatementLine.batch_id == batch.id, StatementLine.donation_id.is_(None))
    )


def progress(batch: DonationBatch) -> tuple[int, int]:
    """Return (lines recorded, lines staged) of the batch's statements."""
    done, total = db.session.execute(
        sa.select(sa.func.count(StatementLine.donation_id), sa.func.count()).where(
            StatementLine.batch_id == batch.id
        )
    ).one()
    return done, total


def record_chunk(batch: DonationBatch, *, size: int = 500, by: User | None = None) -> int:
    """Record up to `size` staged lines as donations in the caller's transaction; return how many.

    The lines are recorded together (`record_donations`: the effects of `record_donation` line
    after line, in a few statements). A line turns recorded (its donation id set) in the same
    transaction as its donation, so a crash loses a whole chunk or nothing and a re-run records
    exactly the lines left.
    """
    prefer_index_lookups()
    lines = db.session.execute(
        sa.select(
            StatementLine.id,
            StatementLine.sponsor_id,
            StatementLine.amount_fen,
            StatementLine.received_on,
            StatementLine.reference,
            StatementLine.payer,
        )
        .where(StatementLine.batch_id == batch.id, StatementLine.donation_id.is_(None))
        .order_by(StatementLine.row)
        .limit(size)
    ).all()
    if not lines:
        return 0
    sponsor_ids = {line.sponsor_id for line in lines if line.sponsor_id}
    sponsors = {
        sponsor.id: sponsor
        for sponsor in db.session.scalars(sa.select(Sponsor).where(Sponsor.id.in_(sponsor_ids)))
    }
    receipts = []
    for line in lines:
        sponsor = sponsors.get(line.sponsor_id)
        receipts.append(
            Receipt(
                sponsor=sponsor,
                amount_fen=line.amount_fen,
                received_on=line.received_on,
                remainder_to=RemainderTo.CREDIT if sponsor else RemainderTo.GENERAL,
                bank_reference=line.reference,
                donor_name=line.payer,
            )
        )
    donation_ids = record_donations(receipts, method=DonationMethod.BANK, batch=batch, by=by)
    update_many(
        StatementLine.__table__.c.id,
        "donation_id",
        [(line.id, donation_id) for line, donation_id in zip(lines, donation_ids, strict=True)],
    )
    return len(lines)


def request_import(
    batch: DonationBatch, text: str, *, by: User | None = None
) -> tuple[BackgroundWork | None, list[str]]:
    """Stage the statement and queue recording it in the background; or return the bad rows."""
    staged, errors = stage(batch, text)
    if errors:
        return None, errors
    work = background.request(background.IMPORT_STATEMENT, batch.id, total=staged, by=by)
    return work, []


def import_lines(
    batch: DonationBatch, text: str, *, by: User | None = None
) -> tuple[list[Donation], list[str]]:
    """Stage and record every line in the caller's transaction (small files, tests, the CLI).

    The web page stages the file and records it in the background instead (`work.statements`).
    """
    staged, errors = stage(batch, text)
    if errors:
        return [], errors
    first = db.session.scalar(
        sa.select(sa.func.max(Donation.id))
    )  # donations recorded below are the ones after it
    while record_chunk(batch, by=by):
        pass
    donations = db.session.scalars(
        sa.select(Donation)
        .where(Donation.batch_id == batch.id, Donation.id > (first or 0))
        .order_by(Donation.id)
    ).all()
    return list(donations), []
