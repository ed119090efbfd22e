"""Import a bank statement's lines (CSV) into a donation batch: all lines or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from sponsorship.csv_input import CsvDictReader
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Donation, DonationBatch, Sponsor, User
from sponsorship.models.enums import DonationMethod, RemainderTo
from sponsorship.money import parse_yuan
from sponsorship.services.money.donations import record_donation

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


def _sponsor_for(line: Line) -> Sponsor | None:
    if line.mobile:
        found = db.session.scalar(sa.select(Sponsor).where(Sponsor.mobile == line.mobile))
        if found:
            return found
    if line.payer:
        named = db.session.scalars(sa.select(Sponsor).where(Sponsor.name == line.payer)).all()
        if len(named) == 1:
            return named[0]
    return None


def import_lines(
    batch: DonationBatch, text: str, *, by: User | None = None
) -> tuple[list[Donation], list[str]]:
    """Record every line as a bank transfer in `batch`; on any bad line, record none."""
    lines, errors = parse(text)
    if errors:
        return [], errors
    if not lines:
        return [], [_("The file has no lines.")]
    donations = [
        record_donation(
            sponsor=(sponsor := _sponsor_for(line)),
            amount_fen=line.amount_fen,
            received_on=line.received_on,
            method=DonationMethod.BANK,
            remainder_to=RemainderTo.CREDIT if sponsor else RemainderTo.GENERAL,
            bank_reference=line.reference,
            donor_name=line.payer,
            batch=batch,
            by=by,
        )
        for line in lines
    ]
    return donations, []
