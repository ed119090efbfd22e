"""The register's service: consent, unique IDs, scope, the status workflow and reveals."""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError, NotFoundError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Child
from sponsorship.models.enums import ChildStatus, ExitReason, RegionLevel, Role
from sponsorship.services.children import register
from sponsorship.services.children.rules import ChildInvalidError, build_child_data
from tests.conftest import count
from tests.factories import child_values, id_number, make_child, make_region, make_user

TODAY = date(2026, 11, 29)


@pytest.fixture
def village():
    return make_region(level=RegionLevel.VILLAGE)


def data(village, **overrides):
    return build_child_data(child_values(village, **overrides), TODAY)


def test_register_records_consent_collector_and_id_tail(village):
    clerk = make_user(Role.STAFF, scope=village.parent)
    number = id_number(date(2016, 3, 1))
    child = register.register_child(data(village, id_number=number), by=clerk)
    assert child.status == ChildStatus.REGISTERED and child.registered_by == clerk
    assert child.guardian.consent_collected_by == clerk
    assert child.guardian.consent_given_on == date(2026, 9, 1)
    assert child.id_tail == number[-4:]
    assert count(AuditEvent, AuditEvent.action == "child.create") == 1


def test_a_resident_id_is_registered_once(village):
    clerk = make_user(Role.STAFF)
    number = id_number()
    register.register_child(data(village, id_number=number), by=clerk)
    with pytest.raises(ChildInvalidError) as error:
        register.register_child(data(village, id_number=number, name="李四"), by=clerk)
    assert error.value.problems[0].field == "id_number"


def test_staff_cannot_register_outside_their_town(village):
    clerk = make_user(Role.STAFF, scope=make_region("别镇"))
    with pytest.raises(NotFoundError):
        register.register_child(data(village), by=clerk)
    viewer = make_user(Role.VIEWER)
    with pytest.raises(DomainError, match="只能查看，不能修改"):
        register.register_child(data(village), by=viewer)
    assert count(Child) == 0


def test_update_changes_child_and_guardian_and_new_consent_records_its_collector(village):
    first, second = make_user(Role.STAFF), make_user(Role.STAFF)
    child = register.register_child(data(village), by=first)
    register.update_child(child, data(village, guardian_name="陈爷爷", grade="5"), by=second)
    assert child.grade == 5 and child.guardian.name == "陈爷爷"
    assert child.guardian.consent_collected_by == first
    register.update_child(child, data(village, consent_given_on="2026-10-01"), by=second)
    assert child.guardian.consent_collected_by == second


def test_workflow_registered_verified_awaiting_paired_exited(village):
    registrar, checker = make_user(Role.STAFF), make_user(Role.STAFF)
    child = register.register_child(data(village), by=registrar)
    with pytest.raises(DomainError, match="登记人不能审核"):
        register.verify_child(child, by=registrar)
    with pytest.raises(DomainError, match="只有已审核的儿童可以进入待结对名单"):
        register.open_for_sponsors(child, by=checker)
    register.verify_child(child, by=checker)
    assert child.status == ChildStatus.VERIFIED and child.verified_by == checker
    with pytest.raises(DomainError, match="只能审核刚登记的儿童"):
        register.verify_child(child, by=checker)
    register.open_for_sponsors(child, by=registrar)
    assert child.status == ChildStatus.AWAITING and child.awaiting_since is not None
    child.mark_paired()
    assert child.status == ChildStatus.PAIRED
    with pytest.raises(DomainError, match="请说明退出原因"):
        register.exit_child(child, ExitReason.OTHER, "  ", by=checker)
    register.exit_child(child, ExitReason.MOVED_AWAY, by=checker)
    assert child.status == ChildStatus.EXITED and child.exit_reason == ExitReason.MOVED_AWAY
    with pytest.raises(DomainError, match="该儿童已退出帮扶"):
        register.exit_child(child, ExitReason.GRADUATED, by=checker)


def test_reveal_needs_a_reason_a_right_and_scope_and_is_audited(village):
    child = make_child(region=village, id_number=id_number())
    staff = make_user(Role.STAFF, scope=village.parent)
    with pytest.raises(DomainError, match="请写明查看原因"):
        register.reveal(child, " ", by=staff)
    for outsider in (
        make_user(Role.VIEWER),
        make_user(Role.FINANCE),
        make_user(Role.STAFF, scope=make_region()),
    ):
        with pytest.raises(NotFoundError):
            register.reveal(child, "核对发放", by=outsider)
    shown = register.reveal(child, "核对发放账号", by=staff)
    assert shown.id_number == child.id_number
    assert shown.bank_account == child.guardian.bank_account
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "child.reveal"))
    assert event.user == staff and event.object_id == str(child.id)
    assert event.detail == "核对发放账号"


def test_the_hardship_bits_follow_the_categories(village):
    from sponsorship.models.child import hardship_bit
    from sponsorship.models.enums import Hardship

    child = make_child(region=village, hardships=[Hardship.ORPHAN, Hardship.DISABLED])
    assert child.hardship_mask == hardship_bit(Hardship.ORPHAN) | hardship_bit(Hardship.DISABLED)
    child.hardships = [Hardship.LEFT_BEHIND]
    assert child.hardship_mask == hardship_bit(Hardship.LEFT_BEHIND)


def test_exiting_a_paired_child_ends_the_pairing_and_waives_what_is_still_owed(frozen):
    from datetime import UTC, datetime

    from sponsorship.models import Pairing
    from sponsorship.models.enums import InstalmentStatus, PairingStatus, PaymentFrequency
    from tests.factories import make_pairing, make_pledge, make_sponsor

    frozen(datetime(2026, 11, 29, 2, tzinfo=UTC))
    child = make_child(status=ChildStatus.PAIRED)
    sponsor = make_sponsor(payment_frequency=PaymentFrequency.MONTHLY)
    pairing = make_pairing(sponsor=sponsor, child=child, status=PairingStatus.ACTIVE)
    pledge = make_pledge(pairing, confirmed_at=datetime(2026, 9, 1, 2, tzinfo=UTC))
    staff = make_user()
    register.exit_child(child, ExitReason.MOVED_AWAY, by=staff)
    assert child.status == ChildStatus.EXITED
    assert db.session.get(Pairing, pairing.id).status == PairingStatus.ENDED
    statuses = [i.status for i in pledge.instalments]
    assert len(statuses) == 12 and statuses.count(InstalmentStatus.WAIVED) == 9  # Dec–Aug
