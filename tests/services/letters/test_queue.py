"""Queuing letters: rendered once and stored, by the recipient's channel, never twice."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Letter, LetterTemplate
from sponsorship.models.enums import Channel, LetterKind, LetterStatus, RecipientType, SchoolStage
from sponsorship.services.letters import templates, text
from sponsorship.services.letters.queue import (
    Pending,
    letters_for_sponsor,
    mark_printed,
    queue_letter,
    queue_many,
    render_appeal,
    resend,
)
from sponsorship.services.letters.recipients import Recipient, recipient_of
from tests import factories
from tests.conftest import count


def test_queue_renders_once_and_stores_subject_body_and_address(frozen):
    frozen(datetime(2026, 9, 1, 2, tzinfo=UTC))
    sponsor = factories.make_letter_sponsor(channel=Channel.EMAIL)
    letter = queue_letter(
        LetterKind.DONATION_THANKS,
        sponsor,
        "donation:7",
        amount_fen=50_000,
        receipt_no="HD-7",
        received_on=date(2026, 8, 30),
    )
    assert letter.status == LetterStatus.QUEUED
    assert letter.channel == Channel.EMAIL and letter.to_address == sponsor.email
    assert letter.subject == "感谢信：已收到您的捐款 ¥500.00"
    assert "HD-7" in letter.body and sponsor.name in letter.body and "2026年9月1日" in letter.body
    assert letter.recipient_type == RecipientType.SPONSOR and letter.recipient_id == sponsor.id
    assert letter.region_id == sponsor.region_id
    assert count(AuditEvent, AuditEvent.action == "letter.queued") == 1


def test_queuing_the_same_letter_twice_keeps_one():
    sponsor = factories.make_letter_sponsor()
    first = queue_letter(LetterKind.PLEDGE_REMINDER, sponsor, "instalment:9:due", amount_fen=1)
    again = queue_letter(LetterKind.PLEDGE_REMINDER, sponsor, "instalment:9:due", amount_fen=2)
    assert first is not None and again is None
    assert count(Letter) == 1
    other = queue_letter(LetterKind.PLEDGE_REMINDER, sponsor, "instalment:10:due", amount_fen=1)
    assert other is not None and count(Letter) == 2


def test_a_racing_insert_of_the_same_key_is_swallowed_by_the_database(monkeypatch):
    """Between the check and the insert another job queued the letter: no error, no second row."""
    sponsor = factories.make_letter_sponsor()
    queue_letter(LetterKind.APPROVAL, sponsor, f"sponsor:{sponsor.id}")
    import sponsorship.services.letters.queue as module

    real_scalar = db.session.scalar
    calls = []

    def blind_check(stmt, *a, **kw):
        if not calls and "dedupe_key" in str(stmt):
            calls.append(stmt)
            return None  # the check saw nothing: the other job had not committed yet
        return real_scalar(stmt, *a, **kw)

    monkeypatch.setattr(module.db.session, "scalar", blind_check)
    assert queue_letter(LetterKind.APPROVAL, sponsor, f"sponsor:{sponsor.id}") is None
    monkeypatch.undo()
    assert count(Letter) == 1


def test_channel_follows_the_preference_with_a_fallback_to_post():
    by_post = factories.make_letter_sponsor(channel=Channel.POST)
    by_sms = factories.make_letter_sponsor(channel=Channel.SMS)
    no_email = factories.make_letter_sponsor(channel=Channel.EMAIL, email=None)
    post = queue_letter(LetterKind.APPROVAL, by_post, "a")
    sms = queue_letter(LetterKind.APPROVAL, by_sms, "a")
    fallback = queue_letter(LetterKind.APPROVAL, no_email, "a")
    assert post.channel == Channel.POST
    assert by_post.address in post.to_address and post.to_address.endswith("收")
    assert by_post.region.full_name in post.to_address
    assert sms.channel == Channel.SMS and sms.to_address == by_sms.mobile
    assert fallback.channel == Channel.POST
    reset = queue_letter(LetterKind.PASSWORD_RESET, by_post, "reset:1", link="https://x/1")
    assert reset.channel == Channel.EMAIL


def test_guardians_get_sms_or_post_at_the_childs_home():
    child = factories.make_child(address="新村12号")
    with_mobile = child.guardian
    letter = queue_letter(
        LetterKind.PAYOUT_NOTICE, with_mobile, "payout:1", child=child, amount_fen=100_000
    )
    assert letter.channel == Channel.SMS and letter.to_address == with_mobile.mobile
    assert letter.recipient_type == RecipientType.GUARDIAN
    assert child.given_name in letter.body and letter.region_id == child.region_id
    no_mobile = factories.make_guardian(mobile=None)
    other = factories.make_child(guardian=no_mobile, address="新村13号")
    posted = queue_letter(LetterKind.PAYOUT_NOTICE, no_mobile, "payout:2", child=other)
    assert posted.channel == Channel.POST and "新村13号" in posted.to_address


def test_the_pairing_notice_shows_given_name_age_stage_and_town_only(frozen):
    frozen(datetime(2026, 9, 1, tzinfo=UTC))
    child = factories.make_child(
        name="陈小花",
        birth_date=date(2016, 3, 1),
        school_stage=SchoolStage.PRIMARY,
        school="实验小学",
    )
    sponsor = factories.make_letter_sponsor()
    letter = queue_letter(LetterKind.PAIRING_NOTICE, sponsor, "pairing:5", child=child)
    assert "小花" in letter.body and "陈小花" not in letter.body
    assert "10岁" in letter.body and "小学" in letter.body
    assert child.region.town.name in letter.body
    assert "实验小学" not in letter.body and child.guardian.name not in letter.body


def test_english_letters_when_asked():
    sponsor = factories.make_letter_sponsor()
    letter = queue_letter(LetterKind.APPROVAL, sponsor, "x", language="en")
    assert letter.language == "en" and letter.subject == "Welcome, caring parent"


def test_an_edited_template_is_used_and_the_old_version_kept():
    admin = factories.make_user()
    templates.save_template(
        LetterKind.APPROVAL, "zh", "欢迎{{ name }}", "第一版 {{ name }}", by=admin
    )
    templates.save_template(
        LetterKind.APPROVAL, "zh", "欢迎您，{{ name }}", "第二版 {{ name }}", by=admin
    )
    versions = templates.history(LetterKind.APPROVAL, "zh")
    assert [v.version for v in versions] == [2, 1]
    assert [v.active for v in versions] == [True, False]
    assert versions[1].body == "第一版 {{ name }}"
    sponsor = factories.make_letter_sponsor()
    letter = queue_letter(LetterKind.APPROVAL, sponsor, "y")
    assert letter.subject == f"欢迎您，{sponsor.name}" and letter.template_version == 2
    assert count(LetterTemplate, LetterTemplate.kind == LetterKind.APPROVAL) == 2


def test_a_broken_template_is_not_saved():
    with pytest.raises(DomainError):
        templates.save_template(LetterKind.APPROVAL, "zh", "x", "{% for %}", by=None)
    assert count(LetterTemplate) == 0


def test_letters_for_sponsor_lists_only_theirs_newest_first():
    mine = factories.make_letter_sponsor()
    other = factories.make_letter_sponsor()
    a = queue_letter(LetterKind.SIGNUP_ACK, mine, "sponsor:1")
    b = queue_letter(LetterKind.APPROVAL, mine, "sponsor:1")
    queue_letter(LetterKind.APPROVAL, other, "sponsor:2")
    assert [x.id for x in letters_for_sponsor(mine)] == [b.id, a.id]


def test_resend_only_a_failed_email():
    sponsor = factories.make_letter_sponsor(channel=Channel.EMAIL)
    letter = queue_letter(LetterKind.APPROVAL, sponsor, "z")
    with pytest.raises(DomainError):
        resend(letter, by=None)
    letter.status = LetterStatus.FAILED
    letter.last_error = "550 no such user"
    resend(letter, by=None)
    assert letter.status == LetterStatus.QUEUED and letter.next_attempt_at is not None


def test_mark_printed_touches_queued_postal_letters_only():
    post = queue_letter(LetterKind.APPEAL, factories.make_letter_sponsor(), "appeal:2026")
    email = queue_letter(
        LetterKind.APPEAL, factories.make_letter_sponsor(channel=Channel.EMAIL), "appeal:2026"
    )
    assert mark_printed([post, email], by=None) == 1
    assert post.status == LetterStatus.PRINTED and post.sent_at is not None
    assert email.status == LetterStatus.QUEUED


def test_the_appeal_for_the_landing_page_speaks_to_everyone():
    title, text = render_appeal()
    assert "倡议书" in title and text.startswith("社会各界爱心人士")
    title_en, text_en = render_appeal("en")
    assert "caring parent" in title_en and text_en.startswith("Dear friends")


def test_an_edited_text_that_breaks_on_real_data_falls_back_to_the_built_in():
    """The preview's example data passes, the real data does not: the caller must not fail."""
    templates.save_template(
        LetterKind.DONATION_THANKS, "zh", "谢谢", "{{ amount_fen // 100 }} 元", by=None
    )
    sponsor = factories.make_letter_sponsor()
    letter = queue_letter(LetterKind.DONATION_THANKS, sponsor, "donation:1", receipt_no="R1")
    assert letter.template_version == 0 and "R1" in letter.body


def test_a_pairing_handed_over_stands_for_its_child():
    pairing = factories.make_pairing(sponsor=factories.make_letter_sponsor())
    letter = queue_letter(
        LetterKind.PAIRING_NOTICE, pairing.sponsor, f"pairing:{pairing.id}", pairing=pairing
    )
    assert pairing.child.given_name in letter.body and pairing.child.name not in letter.body


def _rendered(kind, recipient, reference, name="批量") -> Pending:
    return Pending(kind, recipient_of(recipient, kind), reference, "zh", {"name": name})


def _letters_to(sponsor) -> list[Letter]:
    letters = list(
        db.session.scalars(
            sa.select(Letter).where(
                Letter.recipient_type == RecipientType.SPONSOR, Letter.recipient_id == sponsor.id
            )
        )
    )
    text.fill(letters)
    return letters


def test_queue_many_never_duplicates_a_letter_queue_letter_queued():
    sponsor, newcomer = factories.make_letter_sponsor(), factories.make_letter_sponsor()
    single = queue_letter(LetterKind.APPROVAL, sponsor, "batch:1")
    new = queue_many(
        [
            _rendered(LetterKind.APPROVAL, sponsor, "batch:1"),
            _rendered(LetterKind.APPROVAL, newcomer, "batch:1"),
        ],
        about="test letters",
    )
    assert new == 1
    assert [letter.id for letter in _letters_to(sponsor)] == [single.id]
    assert _letters_to(sponsor)[0].body == single.body  # left as it was
    assert "尊敬的批量" not in single.body
    assert ["尊敬的批量" in letter.body for letter in _letters_to(newcomer)] == [True]
    assert count(AuditEvent, AuditEvent.action == "letter.queued_bulk") == 1


def test_queue_letter_never_duplicates_a_letter_queue_many_queued():
    sponsor = factories.make_letter_sponsor()
    assert queue_many([_rendered(LetterKind.APPROVAL, sponsor, "batch:2")], about="test") == 1
    assert queue_letter(LetterKind.APPROVAL, sponsor, "batch:2") is None
    assert ["尊敬的批量" in letter.body for letter in _letters_to(sponsor)] == [True]
    assert queue_many([_rendered(LetterKind.APPROVAL, sponsor, "batch:2")], about="test") == 0
    assert len(_letters_to(sponsor)) == 1


def test_a_reference_too_long_for_its_column_is_refused_never_cut():
    sponsor = factories.make_letter_sponsor()
    too_long = "payout:" + "9" * 120
    with pytest.raises(ValueError, match="too long"):
        queue_letter(LetterKind.APPROVAL, sponsor, too_long)
    with pytest.raises(ValueError, match="too long"):
        queue_many([_rendered(LetterKind.APPROVAL, sponsor, too_long)], about="test")
    assert _letters_to(sponsor) == []


def test_a_long_text_and_address_are_kept_whole():
    sponsor = factories.make_letter_sponsor()
    subject = "感谢您对困境儿童的长期资助" * 25  # 325 characters
    recipient = recipient_of(sponsor, LetterKind.APPROVAL)
    long_address = Recipient(
        recipient.type,
        recipient.id,
        recipient.name,
        recipient.region_id,
        Channel.POST,
        "广东省某市某县某镇某村" * 50,
    )
    letter = Pending(LetterKind.APPROVAL, long_address, "long", "zh", {"name": subject})
    assert queue_many([letter], about="test") == 1
    db.session.expire_all()
    (stored,) = _letters_to(sponsor)
    assert f"尊敬的{subject}" in stored.body and stored.to_address == long_address.to_address


def test_a_recipient_name_too_long_for_its_column_is_refused_with_a_message():
    sponsor = factories.make_letter_sponsor()
    recipient = recipient_of(sponsor, LetterKind.APPROVAL)
    named = Recipient(
        recipient.type,
        recipient.id,
        "名" * 101,
        recipient.region_id,
        recipient.channel,
        recipient.to_address,
    )
    letter = Pending(LetterKind.APPROVAL, named, "name", "zh", {"name": "名"})
    with pytest.raises(DomainError):
        queue_many([letter], about="test")
    assert _letters_to(sponsor) == []
