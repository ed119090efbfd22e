"""The 1 September promotion: stage boundaries, graduates, late registrations, run-twice safety."""

from datetime import UTC, date, datetime

import pytest

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.models import Child, Pairing
from sponsorship.models.enums import (
    ChildStatus,
    ExitReason,
    InstalmentStatus,
    PairingStatus,
    PledgeStatus,
    SchoolStage,
)
from sponsorship.services.children.school_year import promote_school_year
from sponsorship.services.core import settings
from sponsorship.services.money.schedules import school_year_of
from sponsorship.work.job_runs import Outcome, run_job
from tests.factories import make_child, make_pairing, make_pledge

BEFORE = datetime(2026, 6, 1, tzinfo=UTC)


def child_at(stage, grade, **kw):
    return make_child(school_stage=stage, grade=grade, created_at=BEFORE, **kw)


@pytest.mark.parametrize(
    ("stage", "grade", "new_stage", "new_grade"),
    [
        (SchoolStage.PRIMARY, 1, SchoolStage.PRIMARY, 2),
        (SchoolStage.PRIMARY, 6, SchoolStage.JUNIOR, 7),
        (SchoolStage.JUNIOR, 8, SchoolStage.JUNIOR, 9),
        (SchoolStage.JUNIOR, 9, SchoolStage.SENIOR, 10),
        (SchoolStage.SENIOR, 11, SchoolStage.SENIOR, 12),
    ],
)
def test_stage_boundaries(stage, grade, new_stage, new_grade):
    child = child_at(stage, grade)
    promote_school_year(2026)
    fresh = db.session.get(Child, child.id)
    assert (fresh.school_stage, fresh.grade, fresh.status) == (
        new_stage,
        new_grade,
        ChildStatus.AWAITING,
    )


def test_graduates_exit_and_their_pairings_end_with_history_kept():
    graduate = child_at(SchoolStage.SENIOR, 12, status=ChildStatus.PAIRED)
    pairing = make_pairing(child=graduate, status=PairingStatus.ACTIVE)
    pledge = make_pledge(pairing, confirmed_at=datetime(2025, 9, 1, 2, tzinfo=UTC))
    result = promote_school_year(2026)
    assert (result.graduated, result.pairings_ended) == (1, 1)
    child = db.session.get(Child, graduate.id)
    assert child.status == ChildStatus.EXITED and child.exit_reason == ExitReason.GRADUATED
    assert child.exited_on == date(2026, 9, 1)
    ended = db.session.get(Pairing, pairing.id)
    assert ended.status == PairingStatus.ENDED and ended.ended_on == date(2026, 9, 1)
    assert "毕业" in ended.end_reason
    # The instalment for the school year that just ended stays owed; nothing is deleted.
    assert [i.status for i in pledge.instalments] == [InstalmentStatus.DUE]
    assert pledge.status == PledgeStatus.ENDED


def test_the_last_aided_grade_is_a_setting():
    settings.put("last_aided_grade", 9)
    junior = child_at(SchoolStage.JUNIOR, 9)
    promote_school_year(2026)
    assert db.session.get(Child, junior.id).status == ChildStatus.EXITED


def test_children_registered_after_1_september_keep_their_grade():
    late = make_child(
        school_stage=SchoolStage.PRIMARY, grade=3, created_at=datetime(2026, 9, 2, tzinfo=UTC)
    )
    promote_school_year(2026)
    assert db.session.get(Child, late.id).grade == 3


def test_preschoolers_of_age_start_primary_and_others_wait():
    of_age = child_at(SchoolStage.PRESCHOOL, None, birth_date=date(2020, 8, 31))
    too_young = child_at(SchoolStage.PRESCHOOL, None, birth_date=date(2020, 9, 2))
    promote_school_year(2026)
    assert (
        db.session.get(Child, of_age.id).school_stage,
        db.session.get(Child, of_age.id).grade,
    ) == (SchoolStage.PRIMARY, 1)
    assert db.session.get(Child, too_young.id).school_stage == SchoolStage.PRESCHOOL


def test_exited_and_out_of_school_children_are_untouched():
    exited = child_at(SchoolStage.PRIMARY, 3, status=ChildStatus.EXITED)
    out = child_at(SchoolStage.NOT_IN_SCHOOL, None)
    promote_school_year(2026)
    assert db.session.get(Child, exited.id).grade == 3
    assert db.session.get(Child, out.id).school_stage == SchoolStage.NOT_IN_SCHOOL


def test_the_job_promotes_once_however_often_it_runs():
    child = child_at(SchoolStage.PRIMARY, 2)
    spec = registry()["promote_school_year"]
    assert run_job(spec, "2026") == Outcome.SUCCEEDED
    assert run_job(spec, "2026") == Outcome.SKIPPED
    assert run_job(spec, "2026", trigger="catch-up") == Outcome.SKIPPED
    assert db.session.get(Child, child.id).grade == 3


def test_school_year_of():
    assert school_year_of(date(2026, 8, 31)) == 2025
    assert school_year_of(date(2026, 9, 1)) == 2026
