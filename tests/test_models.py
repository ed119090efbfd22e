"""Model invariants that the database itself enforces."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Child, Pairing, aid_group_of
from sponsorship.models.enums import (
    AidGroup,
    AidType,
    ChildStatus,
    Hardship,
    PairingStatus,
    SchoolStage,
)
from tests.factories import make_child, make_pairing, make_sponsor, make_user


@pytest.mark.parametrize("first", [PairingStatus.PROPOSED, PairingStatus.ACTIVE])
@pytest.mark.parametrize("second", [PairingStatus.PROPOSED, PairingStatus.ACTIVE])
def test_at_most_one_open_pairing_per_child(first, second):
    child = make_child()
    make_pairing(child=child, status=first)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        make_pairing(child=child, status=second)


def test_closed_pairings_do_not_block_a_new_one():
    child = make_child()
    make_pairing(child=child, status=PairingStatus.ENDED)
    make_pairing(child=child, status=PairingStatus.REJECTED)
    make_pairing(child=child, status=PairingStatus.ACTIVE)
    count = db.session.scalar(sa.select(sa.func.count()).where(Pairing.child_id == child.id))
    assert count == 3


def test_index_holds_against_raw_sql_too():
    """The rule lives in the database, not only in the ORM."""
    pairing = make_pairing(status=PairingStatus.ACTIVE)
    other = make_sponsor()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.text(
                "INSERT INTO pairings (sponsor_id, child_id, status, reason, created_at) "
                "VALUES (:s, :c, 'proposed', '', :now)"
            ),
            {"s": other.id, "c": pairing.child_id, "now": datetime.now(UTC)},
        )


def test_pairing_transitions_guard_themselves():
    pairing = make_pairing(status=PairingStatus.PROPOSED)
    with pytest.raises(DomainError, match="只能结束进行中的结对"):
        pairing.end(pairing.created_at.date(), "moved")
    with pytest.raises(DomainError, match="请填写拒绝原因"):
        pairing.reject("   ")
    pairing.confirm(make_user())
    assert pairing.status == PairingStatus.ACTIVE and pairing.confirmed_at.tzinfo is not None
    with pytest.raises(DomainError, match="只能确认待确认的结对建议"):
        pairing.confirm(make_user())
    pairing.end(pairing.created_at.date(), "moved away")
    assert pairing.status == PairingStatus.ENDED


def test_timestamps_come_back_aware_utc():
    child = make_child()
    db.session.expire_all()
    fresh = db.session.get(Child, child.id)
    assert fresh.created_at.tzinfo is not None
    assert fresh.created_at.utcoffset().total_seconds() == 0


def test_naive_timestamps_are_refused():
    child = make_child()
    child.verified_at = datetime(2026, 1, 1)
    with pytest.raises(sa.exc.StatementError):
        db.session.flush()
    db.session.rollback()


def test_hardships_are_a_set_kept_in_order():
    child = make_child(hardships=[Hardship.LEFT_BEHIND, Hardship.ORPHAN])
    db.session.expire_all()
    assert db.session.get(Child, child.id).hardships == [Hardship.ORPHAN, Hardship.LEFT_BEHIND]
    child.hardships = [Hardship.ORPHAN]
    db.session.flush()
    assert child.hardships == [Hardship.ORPHAN]


@pytest.mark.parametrize(
    ("aid", "stage", "group"),
    [
        (AidType.EDUCATION, SchoolStage.PRIMARY, AidGroup.PRIMARY),
        (AidType.EDUCATION, SchoolStage.PRESCHOOL, AidGroup.PRIMARY),
        (AidType.EDUCATION, SchoolStage.JUNIOR, AidGroup.MIDDLE),
        (AidType.EDUCATION, SchoolStage.SENIOR, AidGroup.MIDDLE),
        (AidType.FOSTERING, SchoolStage.JUNIOR, AidGroup.FOSTERING),
        (AidType.FOSTERING, SchoolStage.NOT_IN_SCHOOL, AidGroup.FOSTERING),
    ],
)
def test_report_groups(aid, stage, group):
    assert aid_group_of(aid, stage) == group


def test_capacity_is_bounded_by_the_database():
    with pytest.raises(IntegrityError), db.session.begin_nested():
        make_sponsor(capacity=11)


def test_only_a_child_awaiting_a_sponsor_can_be_marked_paired():
    child = make_child(status=ChildStatus.AWAITING)
    child.mark_paired()
    assert child.status == ChildStatus.PAIRED
    for status in set(ChildStatus) - {ChildStatus.AWAITING}:
        other = make_child(status=status)
        with pytest.raises(DomainError):
            other.mark_paired()
        assert other.status == status


def test_only_a_paired_child_goes_back_to_waiting_and_waits_from_that_day():
    child = make_child(status=ChildStatus.PAIRED, awaiting_since=date(2025, 1, 1))
    child.mark_unpaired(date(2026, 3, 2))
    assert child.status == ChildStatus.AWAITING
    assert child.awaiting_since == date(2026, 3, 2)
    for status in set(ChildStatus) - {ChildStatus.PAIRED}:
        other = make_child(status=status, awaiting_since=date(2025, 1, 1))
        with pytest.raises(DomainError):
            other.mark_unpaired(date(2026, 3, 2))
        assert other.status == status and other.awaiting_since == date(2025, 1, 1)
