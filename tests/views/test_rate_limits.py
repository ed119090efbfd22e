"""Rate limits at a recruitment event: many people on one address, one person trying too often.

Sign-ups: per address generously, per mobile and per ID number strictly; logins: failures per
login name and per address. A refused post answers 429 with the form as typed and says when to
try again.
"""

from __future__ import annotations

import lxml.html
import pytest

from sponsorship.extensions import db
from sponsorship.models import Sponsor
from sponsorship.models.enums import Role
from tests.conftest import count, post_form
from tests.factories import PASSWORD, make_user, make_village, resident_id
from tests.views.pages import flashes
from tests.views.test_signup import sign_up


@pytest.fixture
def village():
    village = make_village("稔山镇", "新村村")
    db.session.commit()
    return village


def _value(page: str, name: str) -> str:
    [value] = lxml.html.fromstring(page).xpath(f"//*[@name='{name}']/@value")
    return value


def test_thirty_volunteers_on_one_wifi_all_sign_up(client, village):
    for n in range(30):
        response = sign_up(client, village, mobile=f"1391234{n:04d}", name=f"志愿者{n}")
        assert response.status_code == 302, n
    assert count(Sponsor) == 30


def test_one_mobile_number_tried_again_and_again_is_refused_with_the_form_kept(client, village):
    for _ in range(5):  # the default: five posts per hour per mobile number
        response = sign_up(client, village, mobile="139 1234 5678", name="")
        assert response.status_code == 200  # the missing name is pointed out, nothing stored
    response = sign_up(client, village, mobile="13912345678", name="王丽", address="新村村 9 号")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    [message] = flashes(page, "error")
    assert "报名次数过多" in message and "分钟后再提交" in message
    minutes = int(message.split("请 ")[1].split(" 分钟")[0])
    assert 1 <= minutes <= 60
    assert _value(page, "name") == "王丽" and _value(page, "address") == "新村村 9 号"
    assert _value(page, "mobile") == "13912345678"
    assert count(Sponsor) == 0
    # Someone else at the same event is not held up by it.
    assert sign_up(client, village, mobile="13800000001", name="李明").status_code == 302


def test_one_id_number_under_many_mobiles_is_refused(client, village):
    person = resident_id()
    for n in range(5):
        sign_up(client, village, mobile=f"1370000000{n}", id_number=person, name="")
    response = sign_up(client, village, mobile="13700000009", id_number=person)
    assert response.status_code == 429 and count(Sponsor) == 0


def test_the_address_limit_keeps_the_form_too(app, client, village, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_ADDRESS_RATE_LIMIT", "2 per hour")
    for n in range(2):
        sign_up(client, village, mobile=f"1360000000{n}", name=f"志愿者{n}")
    response = sign_up(client, village, mobile="13600000009", name="第三位")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and _value(page, "name") == "第三位"
    assert count(Sponsor) == 2


def login(client, username, password=PASSWORD):
    return post_form(client, "/login", {"username": username, "password": password})


def test_correct_logins_from_one_address_are_not_counted(client):
    clerk = make_user(Role.STAFF)
    db.session.commit()
    for _ in range(12):  # an office behind one router, all morning
        assert login(client, clerk.username).status_code == 302
        post_form(client, "/logout", token_from="/")


def test_failures_on_one_account_lock_that_account_only(client):
    target, colleague = make_user(Role.STAFF), make_user(Role.STAFF)
    db.session.commit()
    for _ in range(5):
        assert login(client, target.username, "wrong").status_code == 200
    response = login(client, target.username)  # even the right password waits now
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    [message] = flashes(page, "error")
    assert "登录失败次数过多" in message and "分钟后再试" in message
    assert _value(page, "username") == target.username
    assert login(client, colleague.username).status_code == 302


def test_failures_across_accounts_from_one_address_are_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for n in range(3):
        assert login(client, f"guess{n}", "wrong").status_code == 200
    assert login(client, "guess9", "wrong").status_code == 429


def test_default_login_limits(app):
    assert app.config["LOGIN_RATE_LIMIT"] == "30 per minute"
    assert app.config["LOGIN_ACCOUNT_RATE_LIMIT"] == "5 per minute"
