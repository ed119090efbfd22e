"""Paper applications typed in by staff, and portal invitations one by one or in bulk."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Letter, Sponsor
from sponsorship.models.enums import ConsentMethod, LetterKind, Role, SponsorStatus
from tests.conftest import Auth, count, post_form
from tests.factories import make_portal_sponsor, make_sponsor, make_village, resident_id
from tests.views.pages import field_errors, flashes
from tests.views.test_signup import form_data

LINK_RE = re.compile(r"https?://[^/\s]+(/portal/reset/\S+)")


def paper_form(village, **overrides) -> dict:
    """The sign-up form's fields as staff type them from paper: no password, no consent box."""
    fields = {"password": None, "confirm": None, "consent": None, "website": None}
    fields |= {"paper_reference": "JD-2026-001", "name": "张桂英", "channel": "sms"}
    fields |= {"aid_preference": "any", "capacity": "1", "pledge": "1000"}
    return form_data(village, **(fields | overrides))


def enter(client, village, **overrides):
    return post_form(
        client,
        "/sponsors/paper/new",
        paper_form(village, **overrides),
        token_from="/sponsors/paper/new",
    )


@pytest.fixture
def village():
    village = make_village("稔山镇", "新村村")
    db.session.commit()
    return village


def _invitation(sponsor: Sponsor) -> Letter:
    return db.session.scalars(
        sa.select(Letter).where(
            Letter.kind == LetterKind.PORTAL_INVITATION, Letter.recipient_id == sponsor.id
        )
    ).one()


def test_a_paper_form_is_entered_with_consent_on_paper_and_an_invitation(client, auth, village):
    clerk = auth.as_role(Role.STAFF, scope=village.parent)
    response = enter(client, village)
    assert response.status_code == 302
    sponsor = db.session.scalars(sa.select(Sponsor)).one()
    assert (sponsor.status, sponsor.consent_method) == (SponsorStatus.PENDING, ConsentMethod.PAPER)
    assert sponsor.paper_reference == "JD-2026-001" and sponsor.entered_by_id == clerk.id
    assert sponsor.user is not None and sponsor.user.username == "13912345678"
    letter = _invitation(sponsor)
    assert letter.channel == "sms" and letter.to_address == "13912345678"
    assert "168小时内有效" in letter.body
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "纸质报名表 JD-2026-001" in detail
    assert count(AuditEvent, AuditEvent.action == "sponsor.paper_entry") == 1

    # Nobody knows the account's password until the caring parent follows the link.
    auth.logout()
    assert Auth(client).login("13912345678", "any guess at all").status_code != 302
    path = LINK_RE.search(letter.body).group(1)
    new = "a password I chose myself"
    assert post_form(client, path, {"new": new, "confirm": new}, token_from=path).status_code == 302
    assert Auth(client).login("13912345678", new).status_code == 302


def test_a_bad_form_keeps_what_was_typed_and_saves_nothing(client, auth, village):
    auth.as_role(Role.STAFF)
    make_sponsor(region=village, paper_reference="JD-2026-001")
    db.session.commit()
    response = enter(client, village, pledge="10", address="新村村 8 号")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page, "pledge") != []
    assert 'value="新村村 8 号"' in page and 'value="张桂英"' in page
    fixed = enter(client, village)
    assert field_errors(fixed.get_data(as_text=True), "paper_reference") == [
        "这个编号的纸质报名表已经录入过了。"
    ]
    assert count(Sponsor) == 1 and count(Letter) == 0


def test_staff_are_told_that_another_caring_parent_uses_the_id_number(client, auth, village):
    """Unlike the public sign-up, staff (logged in, and needing it) are told plainly."""
    auth.as_role(Role.STAFF)
    make_sponsor(region=village, id_number=resident_id())
    db.session.commit()
    page = enter(client, village, id_number=resident_id()).get_data(as_text=True)
    assert field_errors(page, "id_number") == ["这个身份证号已被另一位爱心父母使用。"]
    assert count(Sponsor) == 1 and count(Letter) == 0


def test_a_village_outside_the_clerks_town_is_refused(client, auth, village):
    auth.as_role(Role.STAFF, scope=make_village("平山街道", "河口村").parent)
    page = enter(client, village).get_data(as_text=True)
    assert field_errors(page, "region") == ["该村（社区）不在您的管辖范围内。"]
    assert count(Sponsor) == 0


def test_bulk_invite_skips_those_already_in_the_portal(client, auth, village):
    auth.as_role(Role.STAFF)
    fresh = make_sponsor(region=village, name="未开通", email="a@example.org")
    active = make_portal_sponsor(region=village, name="已登录")
    active.user.last_login_at = datetime(2026, 11, 1, tzinfo=UTC)
    refused = make_sponsor(region=village, name="未通过", status=SponsorStatus.REJECTED)
    db.session.commit()
    ids = [fresh.id, active.id, refused.id]
    page = post_form(
        client,
        "/sponsors/bulk-invite",
        {"ids": ids},
        token_from="/sponsors/",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert flashes(page, "success") == ["已邀请 1 位爱心父母开通网上服务。"]
    assert "已登录" in " ".join(flashes(page, "info")) and "未通过" in " ".join(
        flashes(page, "info")
    )
    letter = _invitation(fresh)
    assert letter.channel == "email" and letter.to_address == "a@example.org"
    # The same day's second click sends nothing more.
    post_form(client, "/sponsors/bulk-invite", {"ids": ids}, token_from="/sponsors/")
    assert count(Letter, Letter.kind == LetterKind.PORTAL_INVITATION) == 1


def test_bulk_invite_reaches_only_the_users_area(client, auth, village):
    elsewhere = make_sponsor(region=make_village("平山街道", "河口村"))
    auth.as_role(Role.STAFF, scope=village.parent)
    db.session.commit()
    post_form(client, "/sponsors/bulk-invite", {"ids": [elsewhere.id]}, token_from="/sponsors/")
    assert count(Letter) == 0


def test_the_reset_letter_and_the_editor_say_the_links_real_lifetime(
    app, client, auth, village, monkeypatch
):
    sponsor = make_portal_sponsor(region=village, mobile="13955556666")
    db.session.commit()
    page = post_form(
        client,
        "/portal/reset",
        {"login": "13955556666"},
        token_from="/portal/reset",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "链接 1 小时内有效" in " ".join(flashes(page, "info"))
    [letter] = db.session.scalars(sa.select(Letter).where(Letter.recipient_id == sponsor.id))
    assert "1小时内有效" in letter.body
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", 2 * 3600)
    auth.as_role(Role.ADMIN)
    preview = client.get("/letters/templates/password_reset/zh").get_data(as_text=True)
    assert "2小时内有效" in preview and "24小时" not in preview


def test_an_invitation_outlives_a_reset_link_but_not_a_week(client, auth, village, monkeypatch):
    auth.as_role(Role.STAFF)
    enter(client, village)
    auth.logout()
    path = LINK_RE.search(_invitation(db.session.scalars(sa.select(Sponsor)).one()).body).group(1)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 2 * 24 * 3600)
    assert client.get(path).status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + 7 * 24 * 3600 + 1)
    assert client.get(path).status_code == 404


def test_bulk_reject_needs_a_reason_and_turns_down_only_pending_ones(client, auth, village):
    auth.as_role(Role.STAFF)
    pending = [make_sponsor(region=village, status=SponsorStatus.PENDING) for _ in range(3)]
    approved = make_sponsor(region=village, status=SponsorStatus.APPROVED)
    db.session.commit()
    ids = [s.id for s in pending] + [approved.id]
    page = post_form(
        client,
        "/sponsors/bulk-reject",
        {"ids": ids, "reason": ""},
        token_from="/sponsors/",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert flashes(page, "error") == ["不予通过时必须填写原因，原因会告知申请人。"]
    assert count(Sponsor, Sponsor.status == SponsorStatus.REJECTED) == 0
    page = post_form(
        client,
        "/sponsors/bulk-reject",
        {"ids": ids, "reason": "联系电话无法接通"},
        token_from="/sponsors/",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert flashes(page, "success") == ["3 份申请未通过；已写信告知原因。"]
    assert count(Sponsor, Sponsor.status == SponsorStatus.REJECTED) == 3
    assert count(Letter, Letter.kind == LetterKind.REJECTION) == 3
    db.session.refresh(approved)
    assert approved.status == SponsorStatus.APPROVED


def test_a_mobile_taken_in_another_town_is_refused_without_its_number_or_name(
    client, auth, village
):
    """The clerk learns the mobile is taken, not who took it: that is for the county office."""
    theirs = make_sponsor(
        region=make_village("平山街道", "河口村"), name="外镇王爱心", mobile="13912345678"
    )
    auth.as_role(Role.STAFF, scope=village.parent)
    page = enter(client, village).get_data(as_text=True)
    assert field_errors(page, "mobile") == ["该手机号已登记，请联系县妇联。"]
    assert theirs.name not in page and str(theirs.id) not in re.findall(r"第 (\d+) 号", page)
    assert count(Sponsor) == 1


def test_a_mobile_taken_in_the_clerks_own_town_names_the_caring_parent_number(
    client, auth, village
):
    ours = make_sponsor(region=village, mobile="13912345678")
    auth.as_role(Role.STAFF, scope=village.parent)
    page = enter(client, village).get_data(as_text=True)
    assert field_errors(page, "mobile") == [f"该手机号已录入为第 {ours.id} 号爱心父母。"]
    assert count(Sponsor) == 1
