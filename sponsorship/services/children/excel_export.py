"""Excel export of the filtered register: masked by default, always audited."""

from __future__ import annotations

import io

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from sponsorship.errors import NotFoundError
from sponsorship.extensions import db
from sponsorship.labels import label
from sponsorship.masking import mask_account, mask_id_number
from sponsorship.models import User
from sponsorship.services.children.register import REVEAL_ROLES
from sponsorship.services.children.search import ChildFilters, filtered, load_children, ordered
from sponsorship.services.children.sheet import HEADERS
from sponsorship.services.core import audit
from sponsorship.spreadsheet_cells import append_row

#: Rows loaded per round trip: bounded memory whatever the size of the register.
CHUNK = 1000
#: Columns before the template's own: an export with full numbers can be imported again.
EXTRA_HEADERS = ["编号", "状态", "登记日期"]


def export_children(
    user: User, filters: ChildFilters, *, reveal_reason: str | None = None
) -> io.BytesIO:
    """Write the children matching `filters` in the user's scope to an .xlsx file in memory.

    The resident ID and bank account are masked unless `reveal_reason` is given by a user
    who may reveal; either way an audit event records the export and its filters.
    """
    reveal = reveal_reason is not None
    if reveal and user.role not in REVEAL_ROLES:
        raise NotFoundError(_l("You may not see the full numbers."))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("儿童名册")
    append_row(sheet, EXTRA_HEADERS + [h for h, _ in HEADERS])
    filters = filters.for_user(user)
    # Who may not reveal the ID gets the birth year only: see sponsorship/masking.py.
    dated = user.role in REVEAL_ROLES
    ids = list(db.session.scalars(ordered(filtered(user, filters), filters)))
    with force_locale("zh"):
        for start in range(0, len(ids), CHUNK):
            loaded = load_children(ids[start : start + CHUNK], with_guardian=True)
            for child in loaded:
                append_row(sheet, _row(child, reveal, dated))
            for child in loaded:  # keep memory bounded on a large register
                db.session.expunge(child.guardian)
                db.session.expunge(child)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    detail = f"{len(ids)} rows; filters {filters.to_args()}"
    if reveal:
        detail += f"; full numbers, reason: {reveal_reason}"
    audit.record("child.export", detail=detail, user=user, object_type="children")
    return stream


def _row(child, reveal: bool, dated: bool) -> list:
    guardian = child.guardian
    region = child.region
    return [
        child.id,
        label(child.status),
        child.created_at.date().isoformat(),
        child.name,
        child.id_number if reveal else mask_id_number(child.id_number),
        label(child.gender),
        child.birth_date.isoformat() if dated else str(child.birth_date.year),
        region.parent.name if region.parent else "",
        region.name,
        child.address,
        child.school,
        label(child.school_stage),
        child.grade,
        label(child.aid_type),
        "、".join(label(h) for h in child.hardships),
        child.family_situation,
        guardian.name,
        guardian.relation,
        guardian.mobile or "",
        guardian.bank_name or "",
        guardian.bank_account if reveal else mask_account(guardian.bank_account),
        guardian.consent_given_on.isoformat(),
    ]
