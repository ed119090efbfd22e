"""Confirm, reject, pair by hand, end: the rules, their effects, and the race for a place."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import ConflictError, DomainError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Child, Pairing
from sponsorship.models.enums import (
    AidPreference,
    ChildStatus,
    Distance,
    Gender,
    PairingStatus,
)
from sponsorship.services.pairing import pairings
from sponsorship.services.pairing.matching import run_matching
from tests import factories
from tests.conftest import count


@pytest.fixture
def staff():
    return factories.make_user()


def proposal(sponsor=None, child=None, **kw) -> Pairing:
    return factories.make_pairing(sponsor, child, status=PairingStatus.PROPOSED, **kw)


def test_confirming_makes_the_pairing_active_and_the_child_paired(staff):
    pairing = proposal()
    pairings.confirm(pairing.id, by=staff)
    assert pairing.status == PairingStatus.ACTIVE
    assert pairing.confirmed_by == staff and pairing.confirmed_at is not None
    assert pairing.child.status == ChildStatus.PAIRED
    assert count(AuditEvent, AuditEvent.action == "pairing.confirmed") == 1
    from sponsorship.models import Letter, Pledge

    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == "pairing_notice"))
    assert letter.reference == f"pairing:{pairing.id}" and letter.recipient_id == pairing.sponsor_id
    assert pairing.child.given_name in letter.body and pairing.child.name not in letter.body
    assert count(Pledge, Pledge.pairing_id == pairing.id) == 1


def test_confirming_twice_is_a_conflict(staff):
    pairing = proposal()
    pairings.confirm(pairing.id, by=staff)
    with pytest.raises(ConflictError):
        pairings.confirm(pairing.id, by=staff)


def test_a_full_caring_parent_cannot_be_confirmed_again_and_loses_other_proposals(staff):
    sponsor = factories.make_sponsor(capacity=1)
    first, second = proposal(sponsor), proposal(sponsor)
    pairings.confirm(first.id, by=staff)
    assert count(Pairing, Pairing.child_id == second.child_id) == 0  # back to the pool
    third = proposal(sponsor)
    with pytest.raises(ConflictError, match="结对名额已满"):
        pairings.confirm(third.id, by=staff)


def test_rejecting_needs_a_reason_and_the_pair_never_returns(staff):
    village = factories.make_village()
    sponsor, child = factories.make_sponsor(village), factories.make_child(village)
    run_matching(None)
    pairing = db.session.scalar(sa.select(Pairing))
    with pytest.raises(DomainError, match="请填写拒绝原因"):
        pairings.reject(pairing.id, "  ", by=staff)
    pairings.reject(pairing.id, "家长不同意", by=staff)
    assert pairing.status == PairingStatus.REJECTED and pairing.rejected_reason == "家长不同意"
    run_matching(None)
    assert count(Pairing, Pairing.status == PairingStatus.PROPOSED) == 0
    assert child.status == ChildStatus.AWAITING and sponsor.id


def test_bulk_confirm_is_all_or_nothing(staff):
    ok, taken = proposal(), proposal()
    pairings.confirm(taken.id, by=staff)
    with pytest.raises(ConflictError):
        pairings.confirm_many([ok.id, taken.id], by=staff)


def test_bulk_reject(staff):
    first, second = proposal(), proposal()
    pairings.reject_many([first.id, second.id], "太远", by=staff)
    assert {first.status, second.status} == {PairingStatus.REJECTED}


def test_pairing_by_hand_keeps_the_hard_rules(staff):
    town, other_town = factories.make_town(), factories.make_town()
    near_only = factories.make_sponsor(factories.make_village(town), distance=Distance.SAME_TOWN)
    boys_only = factories.make_sponsor(factories.make_village(town), child_gender=Gender.MALE)
    fostering = factories.make_sponsor(
        factories.make_village(town), aid_preference=AidPreference.FOSTERING
    )
    girl = factories.make_child(factories.make_village(other_town), gender=Gender.FEMALE)
    refusals = [
        (near_only, "不在这位爱心父母愿意资助的范围内"),
        (boys_only, "性别"),
        (fostering, "类别"),
    ]
    for sponsor, why in refusals:
        with pytest.raises(DomainError, match=why):
            pairings.pair_by_hand(sponsor.id, girl.id, by=staff)
    assert count(Pairing) == 0


def test_pairing_by_hand_replaces_the_childs_proposal(staff):
    village = factories.make_village()
    chosen = factories.make_sponsor(village)
    child = factories.make_child(village)
    old = proposal(factories.make_sponsor(village), child)
    pairing = pairings.pair_by_hand(chosen.id, child.id, by=staff)
    assert pairing.status == PairingStatus.ACTIVE
    assert pairing.reason == "人工结对 · 同村 · 小学"
    assert count(Pairing, Pairing.sponsor_id == old.sponsor_id) == 0
    assert child.status == ChildStatus.PAIRED


def test_pairing_by_hand_refuses_a_pair_rejected_before(staff):
    sponsor, child = factories.make_sponsor(), factories.make_child()
    factories.make_pairing(sponsor, child, status=PairingStatus.REJECTED)
    with pytest.raises(DomainError, match="以前已被拒绝或已结束"):
        pairings.pair_by_hand(sponsor.id, child.id, by=staff)


def test_ending_frees_both_sides_and_keeps_the_history(staff):
    village = factories.make_village()
    sponsor = factories.make_sponsor(village)
    child = factories.make_child(village, status=ChildStatus.PAIRED)
    pairing = factories.make_pairing(sponsor, child)
    pairings.end(pairing.id, "爱心父母退出", by=staff, on=date(2026, 12, 1))
    assert pairing.status == PairingStatus.ENDED and pairing.ended_on == date(2026, 12, 1)
    assert child.status == ChildStatus.AWAITING
    other = factories.make_child(village)
    run_matching(None)
    open_pairs = db.session.execute(
        sa.select(Pairing.sponsor_id, Pairing.child_id).where(
            Pairing.status == PairingStatus.PROPOSED
        )
    ).all()
    assert open_pairs == [(sponsor.id, other.id)]
    assert count(Pairing) == 2


def _race(app, targets: list[int], by_id: int) -> list[str]:
    """Confirm each target in its own thread and session at the same moment."""
    barrier = threading.Barrier(len(targets))
    outcomes: list[str] = []
    db.session.rollback()  # end this test's own snapshot: the threads' commits must show after

    def worker(pairing_id: int) -> None:
        with app.app_context():
            # Meet first: on SQLite even this read holds the write lock until its transaction ends.
            barrier.wait()
            user = db.session.get(factories.User, by_id)
            try:
                pairings.confirm(pairing_id, by=user)
                db.session.commit()
                outcomes.append("won")
            except ConflictError:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    return outcomes


@pytest.mark.commits
def test_two_staff_confirming_the_same_proposal_one_wins(app):
    staff = factories.make_user()
    pairing = proposal()
    db.session.commit()
    outcomes = _race(app, [pairing.id, pairing.id], staff.id)
    assert sorted(outcomes) == ["conflict", "won"]
    assert count(Pairing, Pairing.status == PairingStatus.ACTIVE) == 1
    assert count(AuditEvent, AuditEvent.action == "pairing.confirmed") == 1


@pytest.mark.commits
def test_two_staff_racing_for_a_caring_parents_last_place_one_wins(app):
    staff = factories.make_user()
    sponsor = factories.make_sponsor(capacity=1)
    first, second = proposal(sponsor), proposal(sponsor)
    db.session.commit()
    outcomes = _race(app, [first.id, second.id], staff.id)
    assert sorted(outcomes) == ["conflict", "won"]
    assert count(Pairing, Pairing.status == PairingStatus.ACTIVE) == 1
    assert count(Child, Child.status == ChildStatus.PAIRED) == 1


def test_ending_waives_future_instalments_and_keeps_them(staff):
    from sponsorship.models.enums import InstalmentStatus, PaymentFrequency, PledgeStatus

    pledge = factories.make_pledge(frequency=PaymentFrequency.MONTHLY)
    pairings.end(pledge.pairing_id, "爱心父母退出", by=staff, on=date(2026, 12, 31))
    statuses = [i.status for i in pledge.instalments]
    assert len(statuses) == 12  # nothing deleted
    assert statuses.count(InstalmentStatus.WAIVED) == 8  # January to August
    assert pledge.status == PledgeStatus.ENDED
    assert {i.waive_reason for i in pledge.instalments if i.waive_reason} == {"爱心父母退出"}
