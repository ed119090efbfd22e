"""A sign-up in the mobile or ID number of someone on record: nothing kept, the owner told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Letter, Sponsor, User
from sponsorship.models.enums import Channel, LetterKind, RecipientType
from sponsorship.services.sponsors import repeat_signups
from tests.conftest import count
from tests.factories import make_portal_sponsor, make_sponsor, make_user, make_village, resident_id
from tests.services.sponsors.test_applications import register

OWNER_ID = resident_id()
STRANGER_MOBILE = "13812345678"


def repeat_letters() -> list[Letter]:
    return list(
        db.session.scalars(
            sa.select(Letter).where(Letter.kind == LetterKind.REPEAT_SIGNUP).order_by(Letter.id)
        )
    )


def repeat_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "sponsor.signup_repeated")
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def owner() -> Sponsor:
    """A caring parent with a portal account, an email, and letters by post."""
    return make_portal_sponsor(
        region=make_village(),
        mobile="13912345678",
        id_number=OWNER_ID,
        email="owner@example.org",
        channel=Channel.POST,
    )


def test_a_known_id_number_keeps_nothing_and_writes_to_the_owners_own_address(owner):
    typed = {"mobile": STRANGER_MOBILE, "id_number": OWNER_ID, "email": "stranger@example.org"}
    assert register(**typed) is None
    assert count(Sponsor) == 1 and count(User) == 1
    [letter] = repeat_letters()
    assert (letter.recipient_type, letter.recipient_id) == (RecipientType.SPONSOR, owner.id)
    # Not by post, though post is the owner's choice: it matters now, and strangers' attempts
    # must not fill the staff's print queue.
    assert (letter.channel, letter.to_address) == (Channel.EMAIL, "owner@example.org")
    assert "身份证号" in letter.body and "忘记密码" in letter.body and "妇女联合会" in letter.body
    # Nothing went to what was typed, nor any letter a new application gets.
    assert count(Letter) == 1
    [event] = repeat_events()
    assert (event.object_type, event.object_id) == ("sponsors", str(owner.id))
    assert event.detail == "matched=id_number letter_queued=True" and event.user is None
    for text in db.session.scalars(sa.select(AuditEvent.detail)):
        assert OWNER_ID not in text and STRANGER_MOBILE not in text and owner.mobile not in text


def test_a_known_mobile_writes_by_sms_when_the_owner_has_no_email():
    owner = make_portal_sponsor(region=make_village(), mobile="13912345678", channel=Channel.POST)
    assert register(mobile="139 1234 5678", name="别人") is None
    [letter] = repeat_letters()
    assert (letter.channel, letter.to_address) == (Channel.SMS, "13912345678")
    assert letter.recipient_id == owner.id
    assert [e.detail for e in repeat_events()] == ["matched=mobile letter_queued=True"]
    assert count(Sponsor) == 1 and count(User) == 1


def test_at_most_one_letter_a_day_to_one_caring_parent_every_attempt_audited(owner, frozen):
    frozen(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    assert register(mobile=STRANGER_MOBILE, id_number=OWNER_ID) is None
    assert register(mobile=owner.mobile) is None  # the other number, the same day
    assert len(repeat_letters()) == 1
    assert [e.detail for e in repeat_events()] == [
        "matched=id_number letter_queued=True",
        "matched=mobile letter_queued=False",
    ]
    frozen(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # the next day in Beijing
    assert register(mobile=owner.mobile) is None
    assert len(repeat_letters()) == 2


def test_numbers_of_two_caring_parents_write_to_each(owner):
    other = make_sponsor(region=owner.region, mobile="13700000001", email="other@example.org")
    assert register(mobile=other.mobile, id_number=OWNER_ID) is None
    assert {(x.recipient_id, x.to_address) for x in repeat_letters()} == {
        (owner.id, "owner@example.org"),
        (other.id, "other@example.org"),
    }
    assert count(Sponsor) == 2


def test_a_caring_parent_without_a_portal_account_is_told_to_call():
    owner = make_sponsor(region=make_village(), mobile="13912345678", email="paper@example.org")
    assert owner.user is None
    assert register(mobile="13912345678") is None
    [letter] = repeat_letters()
    assert "不能登录" in letter.body and "忘记密码" not in letter.body


def test_a_staff_login_name_keeps_nothing_and_writes_to_nobody():
    clerk = make_user(username="13912345678")
    assert register() is None
    assert count(Sponsor) == 0 and count(User) == 1 and count(Letter) == 0
    [event] = repeat_events()
    assert (event.object_type, event.object_id) == ("users", str(clerk.id))
    assert event.detail == "matched=mobile letter_queued=False"


def test_a_twin_that_wins_the_race_is_answered_like_a_repeat(owner, monkeypatch):
    """The look-up misses the twin's row (not committed yet); the database refuses the insert."""
    real = repeat_signups.holders
    calls = []

    def late(mobile, id_number):
        calls.append(mobile)
        return {} if len(calls) == 1 else real(mobile, id_number)

    monkeypatch.setattr(repeat_signups, "holders", late)
    assert register(mobile=STRANGER_MOBILE, id_number=OWNER_ID) is None
    assert len(calls) == 2
    assert count(Sponsor) == 1 and count(User) == 1
    [letter] = repeat_letters()
    assert letter.recipient_id == owner.id and letter.to_address == "owner@example.org"
    assert len(repeat_events()) == 1


def test_a_conflict_with_nobody_behind_it_is_not_hidden(monkeypatch):
    """Only a conflict with someone on record is answered as a repeat; anything else is raised."""
    make_user(username="13912345678")
    monkeypatch.setattr(repeat_signups, "holders", lambda mobile, id_number: {})
    with pytest.raises(IntegrityError):
        register()
