"""The views' one unit-of-work helper: commit and flash, or keep nothing, audit when asked, say why.

The test database runs each test in a transaction with a savepoint per session transaction, so a
`db.session.rollback()` after the helper undoes whatever it only flushed and nothing it committed.
"""

from datetime import date

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from sponsorship.errors import ConflictError, DomainError, NotFoundError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, PayoutBatch, Sponsor, User
from sponsorship.models.enums import PayoutBatchStatus, Role, SponsorStatus
from sponsorship.services.core import audit
from sponsorship.services.core.validators import FieldError
from sponsorship.services.payouts import review
from sponsorship.services.payouts.build import build_batch
from sponsorship.services.sponsors import review as sponsor_review
from sponsorship.views.unit_of_work import Audit, attempt
from tests.conftest import count, post_form
from tests.factories import make_paid_pairing, make_portal_sponsor, make_region, make_user
from tests.views.pages import flashes


def half_done(error: DomainError):
    """Return a service call that writes something, flushes it, then refuses with `error`."""

    def call():
        audit.record("test.half_done", detail="written before the refusal")
        db.session.flush()
        raise error

    return call


class NameAndEmail(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    email = StringField()


def test_a_kept_call_is_committed_and_its_success_flashed(app):
    with app.test_request_context("/"):
        done = attempt(
            lambda: audit.record("test.kept"),
            success=lambda event: f"saved {event.action}",
        )
        db.session.rollback()  # would undo the event had the helper only flushed it
        assert done and done.value.action == "test.kept"
        assert count(AuditEvent, AuditEvent.action == "test.kept") == 1
        assert get_flashed_messages(with_categories=True) == [("success", "saved test.kept")]


def test_a_refused_call_keeps_nothing_half_done_and_flashes_why(app):
    with app.test_request_context("/"):
        done = attempt(half_done(DomainError("金额不对。")), success="no")
        assert not done and done.value is None
        assert count(AuditEvent, AuditEvent.action == "test.half_done") == 0
        assert get_flashed_messages(with_categories=True) == [("error", "金额不对。")]


def test_a_refusal_asked_to_be_audited_is_kept_although_the_work_is_not(app):
    with app.test_request_context("/"):
        target = make_user()
        done = attempt(
            half_done(DomainError("不能这样做。")),
            refusal=Audit("test.refused", target),
        )
        db.session.rollback()  # the refusal's event was committed on its own, not just flushed
        assert not done
        assert count(AuditEvent, AuditEvent.action == "test.half_done") == 0
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "test.refused"))
        assert (event.object_type, event.object_id) == ("users", str(target.id))
        assert event.detail == "不能这样做。"


def test_a_field_error_goes_beside_its_own_field_and_what_was_typed_stays(app):
    data = {"name": "王芳", "email": "wang@example"}
    with app.test_request_context("/", method="POST", data=data):
        form = NameAndEmail()
        assert form.validate()
        refused = FieldError("email", "邮箱地址不完整。")
        done = attempt(half_done(refused), form=form, field="name")
        assert not done
        assert form.email.errors == ["邮箱地址不完整。"] and form.name.errors == []
        assert (form.name.data, form.email.data) == ("王芳", "wang@example")
        assert get_flashed_messages() == []  # shown beside the field, not twice
        assert count(AuditEvent, AuditEvent.action == "test.half_done") == 0


def test_an_error_about_no_field_goes_beside_the_field_the_view_names(app):
    with app.test_request_context("/", method="POST", data={"name": "王芳"}):
        form = NameAndEmail()
        form.validate()
        attempt(half_done(DomainError("名字已被使用。")), form=form, field="name")
        assert form.name.errors == ["名字已被使用。"]


@pytest.mark.parametrize("error_class", [ConflictError, NotFoundError])
def test_a_conflict_or_a_missing_record_is_raised_on_with_nothing_kept(app, error_class):
    with app.test_request_context("/"):
        target = make_user()
        with pytest.raises(error_class):
            attempt(half_done(error_class("晚了。")), refusal=Audit("test.lost", target))
        assert count(AuditEvent, AuditEvent.action == "test.half_done") == 0
        assert count(AuditEvent, AuditEvent.action == "test.lost") == 1
        assert get_flashed_messages() == []  # the error page says it instead


def test_approving_what_someone_else_approved_first_answers_the_chinese_409_page(client, auth):
    sponsor = make_portal_sponsor(region=make_region(), status=SponsorStatus.PENDING)
    auth.as_role(Role.STAFF)
    detail = f"/sponsors/{sponsor.id}"
    token_page = client.get(detail)
    assert token_page.status_code == 200
    sponsor_review.approve(db.session.get(Sponsor, sponsor.id), by=make_user(Role.STAFF))
    db.session.commit()  # a colleague approved it while this page was open
    response = post_form(
        client,
        f"{detail}/approve",
        token_from=detail,
        headers={"Referer": f"http://localhost{detail}"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已被他人抢先处理" in page and "不能再批准" in page
    assert "您提交的内容没有保存" in page
    assert f'<a class="button primary" href="{detail}">重新打开页面</a>' in page
    assert count(AuditEvent, AuditEvent.action == "sponsor.approve") == 1


def test_the_409_page_offers_no_way_back_to_another_site(client, auth):
    sponsor = make_portal_sponsor(region=make_region(), status=SponsorStatus.WITHDRAWN)
    auth.as_role(Role.STAFF)
    detail = f"/sponsors/{sponsor.id}"
    response = post_form(
        client,
        f"{detail}/deactivate",
        {"reason": "搬家"},
        token_from=detail,
        headers={"Referer": "https://elsewhere.example/phish"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "已退出" in page
    assert "elsewhere.example" not in page
    assert 'class="button primary"' not in page  # only the way back to the start is offered


def test_a_refused_approval_is_audited_with_its_reason_and_the_batch_stays_submitted(client, auth):
    finance = auth.as_role(Role.FINANCE)
    make_paid_pairing()
    batch = build_batch("2026-09", date(2026, 9, 1), by=finance)
    review.submit(batch, by=make_user(Role.STAFF))
    db.session.commit()
    url = f"/payouts/{batch.id}"
    response = post_form(client, f"{url}/approve", token_from=url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "不能审批" in page and 'class="flash flash-error"' in page
    db.session.expire_all()
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.SUBMITTED
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "batch.approval_refused")
    ).all()
    assert len(events) == 1 and "cannot approve it" in events[0].detail
    assert events[0].object_id == str(batch.id) and events[0].user_id == finance.id


def test_a_successful_submit_is_kept_and_says_so_on_the_next_page(client, auth):
    auth.as_role(Role.STAFF)
    make_paid_pairing()
    batch = build_batch("2026-09", date(2026, 9, 1))
    db.session.commit()
    url = f"/payouts/{batch.id}"
    response = post_form(client, f"{url}/submit", token_from=url, follow_redirects=True)
    assert 'class="flash flash-success"' in response.get_data(as_text=True)
    assert flashes(response.get_data(as_text=True), "success") == ["已提交，请财务同事审批。"]
    assert response.request.path == url  # the next page is the batch's own
    db.session.expire_all()
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.SUBMITTED


def test_a_refused_new_account_shows_the_form_again_with_what_was_typed(client, auth):
    auth.as_role(Role.ADMIN)
    make_user(username="wangfang")
    db.session.commit()
    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "wangfang",
            "display_name": "王芳（新）",
            "role": Role.STAFF.value,
            "scope": "",
            "password": "a long enough passphrase 42",
        },
        token_from="/admin/users/new",
    )
    page = response.get_data(as_text=True)
    assert "登录名 wangfang 已被使用" in page
    assert 'value="王芳（新）"' in page
    assert count(User, User.username == "wangfang") == 1
