"""Read and change the admin's knobs; every knob has a default here, with its reason."""

from __future__ import annotations

from typing import Any

from sponsorship.extensions import db
from sponsorship.matching import setting_defaults
from sponsorship.models import Setting, User
from sponsorship.models.enums import AidGroup

APPEAL_TEXT = """亲爱的朋友们：

在我们身边，有这样一群孩子：他们有的失去了父母，有的父母重病或残疾，有的跟着年迈的祖辈生活，\
有的家庭靠低保度日。他们同样渴望读书、渴望被关心、渴望一个温暖的童年。

为此，县妇联发起「爱心父母」牵手困境儿童帮扶行动，诚邀社会各界爱心人士、机关单位和巾帼文明岗\
成为孩子们的「爱心父母」：每年资助一名或几名困境儿童的学习和生活，常写信、常问候，陪伴他们健康成长。

您的每一笔爱心款都会全额发放到孩子的监护人手中，收支全程公开、可查。

一份牵挂，点亮一个童年。欢迎您在线报名，我们的工作人员审核后会与您联系。

县妇女联合会"""

#: Defaults for every setting. Amounts are integer fen.
DEFAULTS: dict[str, Any] = {
    # The yearly aid a child receives, per report group (the programme's standard amounts).
    f"standard_fen.{AidGroup.PRIMARY}": 100_000,
    f"standard_fen.{AidGroup.MIDDLE}": 150_000,
    f"standard_fen.{AidGroup.FOSTERING}": 300_000,
    # The last grade the programme aids: after it, children graduate out (12 = senior middle 3).
    "last_aided_grade": 12,
    # Preschoolers start primary grade 1 on 1 September once they are this old.
    "school_entry_age": 6,
    # The appeal (倡议书) on the public landing page; paragraphs are separated by a blank line.
    "appeal_text": APPEAL_TEXT,
    # Days before an instalment is due that the pledge reminder goes out.
    "letters.reminder_days_before": 30,
    # A pledge that starts after the school year began: True charges only the months left
    # (pro rata), False the full year.
    "pledge.mid_year_pro_rata": True,
    # Days after its due date before an unpaid instalment counts as overdue.
    "instalment.grace_days": 15,
    # Backups kept by the rotation: the newest of each of the last N days, and of the last N
    # weeks (a broken record noticed a month late can still be recovered).
    "backup.keep_daily": 7,
    "backup.keep_weekly": 8,
    # How long personal data is kept once the programme no longer needs it (PIPL art. 19, 47);
    # then the monthly retention job anonymises it, keeping the figures. Reasons in the README.
    "retention.exited_child_years": 3,
    "retention.withdrawn_sponsor_years": 3,
    "retention.rejected_applicant_months": 6,
    # The matcher's main weights (matching.same_town, matching.hardship.orphan ...): their
    # defaults and the reason for each live in sponsorship/matching/weights.py.
    **setting_defaults(),
}


def get(key: str) -> Any:
    """Return the value of a setting, or its default."""
    row = db.session.get(Setting, key)
    if row is not None:
        return row.value
    return DEFAULTS[key]


def put(key: str, value: Any, *, by: User | None = None) -> None:
    """Change a setting."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=value)
        db.session.add(row)
    row.value = value
    row.updated_by_id = by.id if by else None
    db.session.flush()


def standard_fen(group: AidGroup) -> int:
    """Return the standard yearly amount for a report group, in fen."""
    return int(get(f"standard_fen.{group}"))
