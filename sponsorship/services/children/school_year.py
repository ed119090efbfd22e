"""The school year: 1 September to 31 August, and the promotion of every child on 1 September."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from sponsorship.clock import local_zone
from sponsorship.extensions import db
from sponsorship.models import Child, Pairing
from sponsorship.models.enums import ChildStatus, ExitReason, PairingStatus, SchoolStage
from sponsorship.services.core import audit, settings
from sponsorship.services.money import pledges
from sponsorship.services.money.schedules import school_year_bounds

#: Grade ranges of the staged schools; a grade past a stage's end moves the child to the next.
STAGE_GRADES = {
    SchoolStage.PRIMARY: (1, 6),
    SchoolStage.JUNIOR: (7, 9),
    SchoolStage.SENIOR: (10, 12),
}
GRADUATED_REASON = "毕业（学年升级时自动结束）"


@dataclass
class PromotionResult:
    """What a school-year promotion did: promoted, graduated, started school, pairings ended."""

    promoted: int = 0
    graduated: int = 0
    pairings_ended: int = 0
    started_school: int = 0

    def __str__(self) -> str:
        return (
            f"promoted {self.promoted}, graduated {self.graduated}, "
            f"pairings ended {self.pairings_ended}, started school {self.started_school}"
        )


def promote_school_year(year: int) -> PromotionResult:
    """Move every child registered before 1 September of `year` up one grade, set-based.

    Children at the last aided grade exit as graduates and their active pairings end. Children
    registered on or after 1 September already carry the new year's grade and are left alone,
    which makes a late catch-up run safe.
    """
    start, _end = school_year_bounds(year)
    cutoff = datetime.combine(start, time.min, tzinfo=local_zone())
    last_grade = int(settings.get("last_aided_grade"))
    entry_age = int(settings.get("school_entry_age"))
    staged = [stage.value for stage in STAGE_GRADES]
    current = sa.and_(Child.status != ChildStatus.EXITED, Child.created_at < cutoff)
    result = PromotionResult()

    graduates = sa.select(Child.id).where(
        current, Child.school_stage.in_(staged), Child.grade >= last_grade
    )
    ending = db.session.scalars(
        sa.select(Pairing).where(
            Pairing.child_id.in_(graduates), Pairing.status == PairingStatus.ACTIVE
        )
    ).all()
    for pairing in ending:
        pairing.end(start, GRADUATED_REASON)
        # Graduates get no more aid, so their caring parents owe nothing after today.
        pledges.end_pledges(pairing, GRADUATED_REASON, on=start)
    result.pairings_ended = len(ending)
    # Proposals for graduates are withdrawn too: nobody should confirm a pairing for them.
    db.session.execute(
        sa.delete(Pairing)
        .where(Pairing.child_id.in_(graduates), Pairing.status == PairingStatus.PROPOSED)
        .execution_options(synchronize_session=False)
    )
    result.graduated = db.session.execute(
        sa.update(Child)
        .where(Child.id.in_(graduates))
        .values(
            status=ChildStatus.EXITED, exit_reason=ExitReason.GRADUATED, exited_on=start, grade=None
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    result.promoted = db.session.execute(
        sa.update(Child)
        .where(current, Child.school_stage.in_(staged), Child.grade.is_not(None))
        .values(grade=Child.grade + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    for stage, (first, _last) in STAGE_GRADES.items():
        if stage != SchoolStage.PRIMARY:
            previous = list(STAGE_GRADES)[list(STAGE_GRADES).index(stage) - 1]
            db.session.execute(
                sa.update(Child)
                .where(current, Child.school_stage == previous, Child.grade >= first)
                .values(school_stage=stage)
                .execution_options(synchronize_session=False)
            )
    born_by = date(year - entry_age, start.month, start.day)
    result.started_school = db.session.execute(
        sa.update(Child)
        .where(current, Child.school_stage == SchoolStage.PRESCHOOL, Child.birth_date <= born_by)
        .values(school_stage=SchoolStage.PRIMARY, grade=1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire_all()
    audit.record(
        "school_year.promote", object_type="school_year", object_id=year, detail=str(result)
    )
    return result
