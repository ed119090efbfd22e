"""The bank payment file (.xlsx or CSV) and the bank's result file.

Payment file layout, one row per included payout, in this column order:
    序号 (line number), 收款人姓名 (guardian name), 开户银行 (bank), 银行账号 (account, in full),
    金额（元） (amount in yuan, two decimals), 用途 (purpose), 参考号 (reference = batch key + "-" +
    payout id).
Result file (CSV): a header row with 参考号/reference, 结果/status (成功/paid or 失败/failed),
and optionally 银行流水号/bank_reference and 失败原因/reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from sponsorship.clock import utcnow
from sponsorship.csv_input import CsvDictReader
from sponsorship.errors import DomainError, Joined
from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch, User
from sponsorship.models.enums import PayoutBatchStatus, PayoutDecision, PayoutStatus
from sponsorship.models.payout import payment_reference
from sponsorship.services.core import audit
from sponsorship.services.core.scope import in_scope
from sponsorship.spreadsheet_cells import SafeCsvWriter, append_row

HEADER = ["序号", "收款人姓名", "开户银行", "银行账号", "金额（元）", "用途", "参考号"]
PURPOSE = "爱心父母助学援助款"
#: Banks' import templates cut the purpose (用途) short; keep it within their usual limit.
PURPOSE_MAX = 40

RESULT_COLUMNS = {
    "reference": ("参考号", "reference"),
    "status": ("结果", "status"),
    "bank_reference": ("银行流水号", "bank_reference"),
    "reason": ("失败原因", "reason"),
}
PAID_WORDS = {"成功", "paid", "success", "ok"}
FAILED_WORDS = {"失败", "failed", "fail"}


#: Excel's limit on a sheet name's length.
SHEET_NAME_MAX = 31
#: The amount column shows two decimals, as banks' import templates require (not "General").
AMOUNT_FORMAT = "0.00"


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def sheet_name(key: str) -> str:
    """Return a sheet name Excel accepts for a batch key: no []:*?/\\, at most 31 characters."""
    name = INVALID_TITLE_REGEX.sub("-", key).strip().strip("'")[:SHEET_NAME_MAX]
    return name or "payouts"


def purpose_of(batch: PayoutBatch) -> str:
    """Return the payment's purpose: the aid's, or the campaign's name for its handout."""
    if batch.campaign is not None:
        return f"{batch.campaign.name}慰问金"[:PURPOSE_MAX]
    return PURPOSE


def payment_rows(batch: PayoutBatch, user: User | None = None) -> list[list[str]]:
    """Return the payment file's rows (without the header) for the batch's included payouts;
    with a user, only those in the user's area (full account numbers leave no further)."""
    stmt = (
        sa.select(
            Payout.id,
            Payout.guardian_name,
            Payout.bank_name,
            Payout.bank_account,
            Payout.amount_fen,
        )
        .where(
            Payout.batch_id == batch.id,
            Payout.decision == PayoutDecision.INCLUDED,
            Payout.status == PayoutStatus.PROPOSED,
        )
        .order_by(Payout.id)
    )
    if user is not None:
        stmt = in_scope(stmt, Payout.region_id, user)
    rows = db.session.execute(stmt)
    purpose = purpose_of(batch)
    return [
        [str(n), name, bank, account, _yuan(fen), purpose, payment_reference(batch.key, pid)]
        for n, (pid, name, bank, account, fen) in enumerate(rows, start=1)
    ]


def export(batch: PayoutBatch, fmt: str, *, by: User) -> tuple[bytes, str]:
    """Return the payment file's bytes and file name; the first export moves the batch on.

    The file is produced before the batch changes: a file that cannot be made leaves the batch
    approved and no download audited.
    """
    if not batch.exportable:
        raise DomainError(_l("Only an approved batch can be exported."))
    rows = payment_rows(batch, by)
    # A row without an account would send the money nowhere (an erased guardian's, say).
    missing = [row[6] for row in rows if not row[3].strip()]
    if missing:
        raise DomainError(
            _l(
                "The payout %(reference)s has no bank account, so no file was made: "
                "tell the county office.",
                reference=missing[0],
            )
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = SafeCsvWriter(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
        data = ("\ufeff" + out.getvalue()).encode("utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_name(batch.key))
        append_row(sheet, HEADER)
        # One styled cell, its value changed per row: a write-only sheet writes each row as it
        # is appended, and styling a new cell per row made a large file a third slower.
        amount = WriteOnlyCell(sheet)
        amount.number_format = AMOUNT_FORMAT
        for row in rows:
            amount.value = float(row[4])
            # The account stays text: a spreadsheet would round an 19-digit number.
            append_row(sheet, [int(row[0]), row[1], row[2], row[3], amount, row[5], row[6]])
        buffer = io.BytesIO()
        book.save(buffer)
        data, fmt = buffer.getvalue(), "xlsx"
    if batch.status == PayoutBatchStatus.APPROVED:
        batch.status = PayoutBatchStatus.EXPORTED
        batch.exported_by = by
        batch.exported_at = utcnow()
    db.session.flush()
    audit.record("batch.exported", batch, detail=f"{fmt} rows={len(rows)}", user=by)
    return data, f"payouts-{batch.key}.{fmt}"


@dataclass(frozen=True)
class Result:
    """The bank's result file read: payouts paid (bank references) and failed (reasons)."""

    paid: dict[int, str]
    failed: dict[int, str]


def parse_result(batch: PayoutBatch, text: str) -> Result:
    """Read the bank's result CSV into payouts paid (with bank references) and failed (reasons)."""
    reader = CsvDictReader(text)
    found = {
        name: next((h for h in reader.fieldnames or [] if h.strip() in aliases), None)
        for name, aliases in RESULT_COLUMNS.items()
    }
    if not found["reference"] or not found["status"]:
        raise DomainError(
            _l("The result file needs reference and status columns."),
        )
    paid, failed, errors = {}, {}, []
    prefix = f"{batch.key}-"
    for number, row in enumerate(reader, start=2):

        def cell(name: str, row=row) -> str:
            return (row.get(found[name]) or "").strip() if found[name] else ""

        reference, status = cell("reference"), cell("status").lower()
        if not reference.startswith(prefix) or not reference[len(prefix) :].isdigit():
            errors.append(
                _l(
                    "Row %(row)s: reference %(reference)s is not from this batch",
                    row=number,
                    reference=reference,
                )
            )
            continue
        payout_id = int(reference[len(prefix) :])
        if status in PAID_WORDS:
            paid[payout_id] = cell("bank_reference")
        elif status in FAILED_WORDS:
            failed[payout_id] = cell("reason") or "银行退回"
        else:
            errors.append(
                _l(
                    "Row %(row)s: the result %(status)s should be 'success' or 'failed'",
                    row=number,
                    status=status,
                )
            )
    if errors:
        raise DomainError(Joined(errors[:5]))
    return Result(paid, failed)
