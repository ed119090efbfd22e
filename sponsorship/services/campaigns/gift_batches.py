"""Batches of many small gifts to a campaign: opened with a count and total, lines typed or
imported (one line per gift, the donor then the amount), all recorded or none.

Typed lines read 「县妇联 100」 or 「县妇联,100」 or 「县妇联\t100」; an Excel sheet has the columns
捐款人（单位或个人） and 金额（元）. Every line is checked first; a line that cannot be read is
named by its number, and nothing is recorded until all of them can be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError, Joined
from sponsorship.extensions import db
from sponsorship.models import Campaign, Donation, DonationBatch, User
from sponsorship.models.enums import DonationMethod
from sponsorship.money import parse_yuan
from sponsorship.services.campaigns.campaigns import ensure_open
from sponsorship.services.campaigns.fund import record_gift
from sponsorship.services.core import spreadsheets
from sponsorship.services.core.spreadsheets import SheetSpec
from sponsorship.services.money import donation_batches


def open_gift_batch(
    campaign: Campaign, title: str, expected_count: int, expected_total_fen: int, *, by: User
) -> DonationBatch:
    """Open a batch for many small gifts to the campaign, to tally against a count and total."""
    ensure_open(campaign)
    return donation_batches.open_batch(
        title, expected_count, expected_total_fen, by=by, campaign=campaign
    )


@dataclass(frozen=True)
class GiftLine:
    """One typed or imported line of a gift batch: who gave (a unit or a person) and how much."""

    donor_name: str
    amount_fen: int
    row: int = 0


def record_gift_lines(
    batch: DonationBatch,
    lines: list[GiftLine],
    *,
    received_on: date,
    method: DonationMethod,
    by: User,
) -> list[Donation]:
    """Record a batch's lines, each its own receipt; refuse them all if one is wrong."""
    campaign = db.session.get(Campaign, batch.campaign_id) if batch.campaign_id else None
    if campaign is None:
        raise DomainError(_l("This batch is for another campaign's gifts."))
    if not lines:
        raise DomainError(_l("There are no lines to record."))
    for line in lines:
        if not line.donor_name.strip():
            raise DomainError(
                _l("Row %(row)s: the donor (unit or person) is missing.", row=line.row)
            )
    return [
        record_gift(
            campaign,
            amount_fen=line.amount_fen,
            received_on=received_on,
            method=method,
            donor_name=line.donor_name,
            batch=batch,
            by=by,
        )
        for line in lines
    ]


#: The donor, a separator (comma, tab or spaces), then the amount at the end of the line.
LINE_RE = re.compile(r"^(?P<donor>.+?)[\s,，\t]+(?P<amount>[¥￥]?[\d,，.．０-９]+)\s*元?$")
SHEET = SheetSpec(
    title="捐款明细",
    headers=(("捐款人（单位或个人）", "donor"), ("金额（元）", "amount")),
    required=frozenset({"donor", "amount"}),
    enums={},
    text_columns=frozenset(),
    instructions=("填写说明", "每行一笔捐款：捐款人（单位或个人）和金额（元）。"),
    empty=_l("The sheet is empty: headers in row 1, one gift per row from row 2."),
    no_rows=_l("The sheet has no gifts: one gift per row from row 2."),
)


def _line(row: int, donor: str, amount: str, problems: list) -> GiftLine | None:
    try:
        fen = parse_yuan(amount)
    except DomainError:
        fen = 0
    if not donor.strip() or fen <= 0 or len(donor.strip()) > 100:
        problems.append(_l("line %(row)s", row=row))
        return None
    return GiftLine(donor.strip(), fen, row)


def _checked(lines: list[GiftLine], problems: list) -> list[GiftLine]:
    if problems:
        raise DomainError(
            _l(
                "These lines cannot be read (a donor, then an amount above zero): %(lines)s. "
                "Nothing was recorded.",
                lines=Joined(problems[:50], separator=_l(", ")),
            )
        )
    return lines


def parse_typed(text: str) -> list[GiftLine]:
    """Read typed lines; raise naming every line that cannot be read."""
    lines, problems = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = LINE_RE.match(raw.strip())
        line = _line(number, match["donor"], match["amount"], problems) if match else None
        if match is None:
            problems.append(_l("line %(row)s", row=number))
        if line:
            lines.append(line)
    return _checked(lines, problems)


def parse_sheet(stream: BinaryIO) -> list[GiftLine]:
    """Read an Excel sheet of gifts; raise naming every row that cannot be read."""
    lines, problems = [], []
    for number, values in spreadsheets.read_rows(stream, SHEET):
        line = _line(
            number, str(values.get("donor") or ""), str(values.get("amount") or ""), problems
        )
        if line:
            lines.append(line)
    return _checked(lines, problems)
