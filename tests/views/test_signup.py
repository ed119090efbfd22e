"""The public pages: the appeal, the sign-up form, honeypot, duplicates, rate limit."""

from __future__ import annotations

import lxml.html
import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Letter, Sponsor, User
from sponsorship.models.enums import LetterKind, Role, SponsorKind, SponsorStatus
from sponsorship.services.core import settings
from sponsorship.services.sponsors.applications import PRIVACY_NOTICE_VERSION
from tests.conftest import Auth, count, post_form
from tests.factories import make_user, make_village, resident_id

PASSWORD = "my portal password"


def form_data(village, **overrides) -> dict:
    data = {
        "kind": "individual",
        "name": "王丽",
        "contact_name": "",
        "gender": "female",
        "mobile": "139 1234 5678",
        "email": "",
        "region": str(village.id),
        "address": "新村村 3 号",
        "id_number": "",
        "aid_preference": "primary",
        "distance": "same_county",
        "child_gender": "",
        "capacity": "2",
        "pledge": "1200",
        "payment_frequency": "yearly",
        "channel": "post",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def sign_up(client, village, **overrides):
    return post_form(client, "/signup", form_data(village, **overrides), token_from="/signup")


@pytest.fixture
def village():
    village = make_village("稔山镇", "新村村")
    db.session.commit()
    return village


def test_visitors_see_the_appeal_with_a_sign_up_button(client):
    page = client.get("/").get_data(as_text=True)
    assert "倡议书" in page or "爱心父母" in page
    # 爱心父母 is in every page's footer: the appeal itself is the text in its card.
    shown = lxml.html.fromstring(page).xpath("//section[contains(@class, 'appeal')]/p[not(@class)]")
    paragraphs = [p.strip() for p in settings.get("appeal_text").split("\n\n") if p.strip()]
    assert paragraphs and [p.text_content().strip() for p in shown] == paragraphs
    assert 'href="/signup"' in page and "报名成为爱心父母" in page
    assert client.get("/login").status_code == 200


def test_admin_changes_the_appeal_text(client, auth):
    auth.as_role(Role.ADMIN)
    response = post_form(
        client,
        "/admin/appeal/",
        {"text": "第一段倡议。\r\n\r\n第二段倡议。"},
        token_from="/admin/appeal/",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/appeal/"
    assert settings.get("appeal_text") == "第一段倡议。\n\n第二段倡议。"
    auth.logout()
    page = client.get("/").get_data(as_text=True)
    assert "<p>第一段倡议。</p>" in page and "<p>第二段倡议。</p>" in page


def test_staff_cannot_change_the_appeal(client, auth):
    before = settings.get("appeal_text")
    auth.as_role(Role.STAFF)
    assert client.get("/admin/appeal/").status_code == 403
    response = post_form(
        client, "/admin/appeal/", {"text": "改过的倡议。"}, token_from="/dashboard"
    )
    assert response.status_code == 403
    assert settings.get("appeal_text") == before
    assert "改过的倡议。" not in client.get("/").get_data(as_text=True)


def test_sign_up_form_is_chinese_with_villages_grouped_by_town(client, village):
    page = client.get("/signup").get_data(as_text=True)
    assert "手机号" in page and "隐私说明" in page
    assert '<optgroup label="稔山镇">' in page and "新村村" in page
    assert "region-select.js" in page and 'data-cascade="town"' in page
    assert "¥1,000.00" in page  # the standard shown beside the pledge


def test_full_sign_up_creates_one_pending_sponsor_who_can_log_in(app, client, village):
    response = sign_up(client, village)
    assert response.status_code == 302 and response.headers["Location"] == "/signup/done"
    assert "审核" in client.get("/signup/done").get_data(as_text=True)
    assert count(Sponsor) == 1 and count(User) == 1
    sponsor = db.session.scalar(sa.select(Sponsor))
    assert sponsor.status == SponsorStatus.PENDING and sponsor.mobile == "13912345678"
    assert sponsor.pledge_per_child_fen == 120_000 and sponsor.capacity == 2
    assert sponsor.region_id == village.id and sponsor.user.role == Role.SPONSOR
    assert sponsor.consent_at is not None and sponsor.consent_version == PRIVACY_NOTICE_VERSION

    fresh = app.test_client()
    response = Auth(fresh).login("13912345678", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    page = fresh.get("/portal/").get_data(as_text=True)
    assert "待审核" in page and "王丽" in page


def test_organisation_signs_up_with_a_contact_person(client, village):
    response = sign_up(
        client, village, kind="organisation", name="县财政局妇委会", contact_name="李敏"
    )
    assert response.status_code == 302 and response.headers["Location"] == "/signup/done"
    sponsor = db.session.scalar(sa.select(Sponsor))
    assert sponsor.contact_name == "李敏" and sponsor.name == "县财政局妇委会"
    assert sponsor.kind == SponsorKind.ORGANISATION


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"mobile": "1391234"}, "手机号格式不正确"),
        ({"id_number": "441323199003071230"}, "校验位不正确"),
        ({"id_number": resident_id("44132319900230123")}, "出生日期不存在"),
        ({"pledge": "999.99"}, "不低于"),
        ({"pledge": "一千"}, "金额格式不正确"),
        ({"channel": "email", "email": ""}, "请填写电子邮箱"),
        ({"consent": None}, "请同意隐私说明"),
        ({"kind": "organisation", "contact_name": ""}, "联系人"),
        ({"region": "999999"}, "请从选项中选择"),
        ({"capacity": "11"}, "请从选项中选择"),
        ({"confirm": "something else"}, "两次输入的密码不一致"),
        ({"name": ""}, "此项为必填项"),
    ],
)
def test_each_invalid_field_shows_its_message_keeps_the_input_and_creates_nothing(
    client, village, overrides, message
):
    response = sign_up(client, village, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert 'value="新村村 3 号"' in page  # what was typed is kept
    assert count(Sponsor) == 0 and count(User) == 0


def test_second_sign_up_with_the_same_mobile_or_id_creates_nothing(client, village):
    assert sign_up(client, village, id_number=resident_id()).status_code == 302
    for overrides in ({"name": "另一人"}, {"mobile": "13812345678", "id_number": resident_id()}):
        response = sign_up(client, village, **overrides)
        # Answered as a new one: the page does not tell whose numbers are on record.
        assert response.status_code == 302 and response.headers["Location"] == "/signup/done"
    assert count(Sponsor) == 1 and count(User) == 1
    first = db.session.scalar(sa.select(Sponsor))
    # The first applicant is told instead, once a day (tests/views/test_repeat_signup.py).
    told = sa.select(Letter.recipient_id).where(Letter.kind == LetterKind.REPEAT_SIGNUP)
    assert db.session.scalars(told).all() == [first.id]


def test_honeypot_filled_shows_the_same_confirmation_and_stores_nothing(client, village):
    response = sign_up(client, village, website="http://spam.example")
    assert response.status_code == 302 and response.headers["Location"] == "/signup/done"
    assert count(Sponsor) == 0 and count(User) == 0


def test_sign_up_without_csrf_is_refused(client, village):
    response = client.post("/signup", data=form_data(village))
    assert response.status_code == 400 and count(Sponsor) == 0 and count(User) == 0


def test_sign_up_posts_are_rate_limited_per_address(app, client, village, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_ADDRESS_RATE_LIMIT", "3 per hour")
    for n in range(3):
        assert sign_up(client, village, mobile=f"bad{n}").status_code == 200
    response = sign_up(client, village)
    assert response.status_code == 429 and "报名次数过多" in response.get_data(as_text=True)
    assert count(Sponsor) == 0
    assert client.get("/signup").status_code == 200  # reading the form is not limited


def test_default_rate_limits_are_the_configured_ones(app):
    assert app.config["SIGNUP_ADDRESS_RATE_LIMIT"] == "200 per hour"
    assert app.config["SIGNUP_PERSON_RATE_LIMIT"] == "5 per hour"


def test_privacy_notice_is_public(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "隐私说明" in page and "2026-11" in page
    # The version shown under the title is the one a sign-up's consent records.
    [version] = lxml.html.fromstring(page).xpath("//h1/following-sibling::p[@class='muted'][1]")
    assert version.text_content().strip() == f"版本 {PRIVACY_NOTICE_VERSION}"


def test_staff_login_by_username_still_works(client, auth):
    user = make_user(Role.STAFF, username="town.clerk")
    db.session.commit()
    assert auth.login(user.username).headers["Location"] == "/dashboard"


def test_choices_follow_the_language(client, village):
    assert ">女</option>" in client.get("/signup").get_data(as_text=True)
    post_form(client, "/language", {"lang": "en"})
    page = client.get("/signup").get_data(as_text=True)
    assert ">Female</option>" in page and ">Primary school</option>" in page
