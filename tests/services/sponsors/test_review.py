"""Staff decisions on applications: approve, reject with a reason, deactivate, bulk approve."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sponsorship.errors import ConflictError, DomainError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Letter
from sponsorship.models.enums import LetterKind, SponsorStatus
from sponsorship.services.sponsors import review
from sponsorship.services.sponsors.applications import request_withdrawal
from tests.conftest import count
from tests.factories import make_portal_sponsor, make_user


def event(action: str) -> AuditEvent | None:
    return db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == action))


def pending():
    return make_portal_sponsor(status=SponsorStatus.PENDING)


def test_approve_records_the_decision_audits_and_queues_the_letter():
    sponsor, staff = pending(), make_user()
    review.approve(sponsor, by=staff)
    assert sponsor.status == SponsorStatus.APPROVED
    assert sponsor.reviewed_by == staff and sponsor.reviewed_at is not None
    assert event("sponsor.approve").user == staff
    assert event("sponsor.approve").object_id == str(sponsor.id)
    assert count(Letter, Letter.kind == LetterKind.APPROVAL, Letter.recipient_id == sponsor.id) == 1


def test_reject_needs_a_reason_and_keeps_it():
    sponsor, staff = pending(), make_user()
    with pytest.raises(DomainError) as caught:
        review.reject(sponsor, by=staff, reason="   ")
    assert "必须填写原因" in caught.value.message
    assert sponsor.status == SponsorStatus.PENDING and event("sponsor.reject") is None
    review.reject(sponsor, by=staff, reason="联系不上本人")
    assert sponsor.status == SponsorStatus.REJECTED and sponsor.review_note == "联系不上本人"
    assert event("sponsor.reject").detail == "联系不上本人"
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.REJECTION))
    assert letter.recipient_id == sponsor.id and "联系不上本人" in letter.body


def test_decisions_follow_the_status():
    sponsor, staff = pending(), make_user()
    review.approve(sponsor, by=staff)
    with pytest.raises(ConflictError, match="不能再批准"):
        review.approve(sponsor, by=staff)
    with pytest.raises(ConflictError, match="只能处理待审核的申请"):
        review.reject(sponsor, by=staff, reason="太迟")
    review.deactivate(sponsor, by=staff, reason="搬离本县")
    assert sponsor.status == SponsorStatus.WITHDRAWN and sponsor.review_note == "搬离本县"
    with pytest.raises(ConflictError, match="已退出"):
        review.deactivate(sponsor, by=staff)


def test_rejected_application_can_be_approved_later():
    sponsor, staff = pending(), make_user()
    review.reject(sponsor, by=staff, reason="资料不全")
    review.approve(sponsor, by=staff, note="已补齐资料")
    assert sponsor.status == SponsorStatus.APPROVED and sponsor.review_note == "已补齐资料"


def test_deactivating_after_a_withdrawal_request_says_so():
    sponsor, staff = pending(), make_user()
    request_withdrawal(sponsor)
    review.deactivate(sponsor, by=staff)
    assert sponsor.review_note == "本人申请退出"
    assert sponsor.user is not None  # the account and the record stay


def test_bulk_approve_skips_what_is_not_pending():
    staff = make_user()
    a, b, c = pending(), pending(), pending()
    review.reject(c, by=staff, reason="重复")
    assert review.bulk_approve([a, b, c], by=staff) == 2
    assert a.status == b.status == SponsorStatus.APPROVED and c.status == SponsorStatus.REJECTED
    assert count(AuditEvent, AuditEvent.action == "sponsor.approve") == 2


def test_the_approval_letter_links_the_portal_under_the_public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://aixin.example.org/huidong")
    sponsor = pending()
    review.approve(sponsor, by=make_user())
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.APPROVAL))
    assert "登录 https://aixin.example.org/huidong/portal/ 查看" in letter.body
