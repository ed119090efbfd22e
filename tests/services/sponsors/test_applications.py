"""Sign-up rules, edits and withdrawal requests of caring parents."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Letter, Sponsor, User
from sponsorship.models.enums import (
    AidGroup,
    AidPreference,
    Channel,
    RegionLevel,
    Role,
    SponsorKind,
    SponsorStatus,
)
from sponsorship.services.core import email_confirmation, settings, users
from sponsorship.services.core.validators import FieldError
from sponsorship.services.sponsors.applications import (
    PRIVACY_NOTICE_VERSION,
    Details,
    details_of,
    edit_sponsor,
    minimum_pledge_fen,
    register_sponsor,
    request_withdrawal,
    update_contact,
)
from tests.conftest import count
from tests.factories import (
    PASSWORD,
    make_portal_sponsor,
    make_region,
    make_user,
    make_village,
    resident_id,
)


def details(**overrides) -> Details:
    values = dict(
        kind=SponsorKind.INDIVIDUAL,
        name="王丽",
        mobile="13912345678",
        region=make_village("稔山镇", "新村村"),
        address="新村村 3 号",
        aid_preference=AidPreference.PRIMARY,
        capacity=2,
        pledge_per_child_fen=100_000,
    )
    values.update(overrides)
    return Details(**values)


def register(**overrides) -> Sponsor:
    consent = overrides.pop("consent", True)
    password = overrides.pop("password", PASSWORD)
    return register_sponsor(details(**overrides), password=password, consent=consent)


def letters(kind: str) -> int:
    return count(Letter, Letter.kind == kind.removeprefix("kind="))


def test_sign_up_creates_a_pending_sponsor_with_a_portal_account(frozen):
    from datetime import UTC, datetime

    frozen(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))
    sponsor = register(mobile="+86 139-1234-5678", email=" Wang@Example.COM ")
    assert sponsor.status == SponsorStatus.PENDING
    assert sponsor.mobile == "13912345678" and sponsor.email == "wang@example.com"
    assert sponsor.consent_version == PRIVACY_NOTICE_VERSION
    assert sponsor.consent_at == datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    assert sponsor.user.role == Role.SPONSOR and sponsor.user.username == "13912345678"
    assert sponsor.user.check_password(PASSWORD)
    assert count(Sponsor) == 1 and count(User) == 1
    assert letters("kind=signup_ack") == 1


def test_sponsor_logs_in_by_mobile_or_email():
    sponsor = register(email="wang@example.com")
    assert users.authenticate("13912345678", PASSWORD) == sponsor.user
    assert users.authenticate("+86 13912345678", PASSWORD) == sponsor.user
    assert users.authenticate("WANG@example.com", PASSWORD) is None  # not confirmed yet
    email_confirmation.confirm_email(email_confirmation.make_token(sponsor.user))
    assert users.authenticate("WANG@example.com", PASSWORD) == sponsor.user
    assert users.authenticate("wang@example.com", "wrong password") is None


def test_email_shared_by_two_sponsors_does_not_log_in_either():
    register(email="family@example.com")
    register(mobile="13812345678", email="family@example.com")
    assert users.authenticate("family@example.com", PASSWORD) is None


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"mobile": "1391234567"}, "mobile", "手机号格式不正确"),
        ({"mobile": "23912345678"}, "mobile", "手机号格式不正确"),
        ({"id_number": "441323199003071230"}, "id_number", "校验位不正确"),
        ({"id_number": resident_id("44132319900230123")}, "id_number", "出生日期不存在"),
        ({"id_number": resident_id("44132330000101123")}, "id_number", "出生日期不存在"),
        ({"id_number": "12345"}, "id_number", "18 位"),
        ({"pledge_per_child_fen": 99_999}, "pledge", "不能低于"),
        ({"channel": Channel.EMAIL, "email": ""}, "email", "请填写电子邮箱"),
        ({"email": "not-an-address"}, "email", "格式不正确"),
        ({"capacity": 0}, "capacity", "1 到 10"),
        ({"capacity": 11}, "capacity", "1 到 10"),
        ({"name": "  "}, "name", "必填"),
        ({"kind": SponsorKind.ORGANISATION, "contact_name": ""}, "contact_name", "必填"),
        ({"region": None}, "region", "镇和村"),
        ({"consent": False}, "consent", "隐私说明"),
        ({"password": "short"}, "password", "至少需要"),
    ],
)
def test_each_broken_rule_names_its_field_and_creates_nothing(overrides, field, message):
    with pytest.raises(FieldError) as caught:
        register(**overrides)
    assert caught.value.field == field and message in caught.value.message
    assert count(Sponsor) == 0 and count(User) == 0


def test_valid_id_number_is_stored_in_its_canonical_form():
    sponsor = register(id_number=resident_id()[:-1] + resident_id()[-1].lower())
    assert sponsor.id_number == resident_id()


def test_region_must_be_a_town_or_village():
    county = make_region(level=RegionLevel.COUNTY, code="441300000000")
    with pytest.raises(FieldError) as caught:
        register(region=county)
    assert caught.value.field == "region"


@pytest.mark.parametrize(
    "preference, group",
    [
        (AidPreference.PRIMARY, AidGroup.PRIMARY),
        (AidPreference.MIDDLE, AidGroup.MIDDLE),
        (AidPreference.FOSTERING, AidGroup.FOSTERING),
    ],
)
def test_pledge_must_reach_the_standard_of_the_chosen_group(preference, group):
    settings.put(f"standard_fen.{group}", 123_400)
    assert minimum_pledge_fen(preference) == 123_400
    with pytest.raises(FieldError):
        register(aid_preference=preference, pledge_per_child_fen=123_399)
    assert register(aid_preference=preference, pledge_per_child_fen=123_400).id


def test_any_preference_takes_the_lowest_standard():
    assert minimum_pledge_fen(AidPreference.ANY) == min(settings.standard_fen(g) for g in AidGroup)


def test_staff_edit_keeps_the_rules_and_the_login_in_step():
    sponsor = register()
    other = register(mobile="13812345678")
    editor = make_user()
    changed = details_of(sponsor)
    changed.mobile = "13812345678"
    with pytest.raises(FieldError) as caught:
        edit_sponsor(sponsor, changed, by=editor)
    assert "另一位" in caught.value.message
    db.session.refresh(sponsor)
    changed = details_of(sponsor)
    changed.mobile, changed.capacity = "13700000000", 3
    edit_sponsor(sponsor, changed, by=editor)
    assert sponsor.user.username == "13700000000" and sponsor.capacity == 3
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sponsor.edit"))
    assert "capacity" in event.detail and "mobile" in event.detail and event.user == editor
    assert other.mobile == "13812345678"


def test_sponsor_updates_own_contact_details():
    sponsor = make_portal_sponsor(region=make_village())
    update_contact(
        sponsor,
        mobile="13600000000",
        email="new@example.com",
        address="新地址",
        region=sponsor.region,
        channel=Channel.EMAIL,
    )
    assert sponsor.channel == Channel.EMAIL and sponsor.user.email == "new@example.com"
    assert users.authenticate("13600000000", PASSWORD) == sponsor.user


def test_withdrawal_request_is_recorded_once_and_nothing_is_deleted():
    sponsor = register()
    request_withdrawal(sponsor)
    first = sponsor.withdraw_requested_at
    request_withdrawal(sponsor)
    assert sponsor.withdraw_requested_at == first and sponsor.status == SponsorStatus.PENDING
    assert count(AuditEvent, AuditEvent.action == "sponsor.withdraw_requested") == 1
