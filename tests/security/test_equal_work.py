"""Login and password reset do the same work for real and unknown accounts: counted, not timed."""

from __future__ import annotations

from collections import Counter

import pytest
import werkzeug.security
from itsdangerous import URLSafeTimedSerializer

from sponsorship.extensions import db
from sponsorship.letters import rendering
from sponsorship.models.enums import Role
from tests.conftest import post_form
from tests.factories import make_portal_sponsor, make_user


@pytest.fixture
def work(monkeypatch):
    """Count password hashings, token signings and letter renderings."""
    counted: Counter = Counter()

    def counting(name, real):
        def wrapper(*args, **kwargs):
            counted[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        werkzeug.security, "_hash_internal", counting("hash", werkzeug.security._hash_internal)
    )
    monkeypatch.setattr(
        URLSafeTimedSerializer, "dumps", counting("sign", URLSafeTimedSerializer.dumps)
    )
    monkeypatch.setattr(rendering, "render_limited", counting("render", rendering.render_limited))
    return counted


def _login(client, work, username: str, password: str) -> Counter:
    work.clear()
    response = post_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 200  # refused, same page either way
    assert "登录名或密码错误" in response.get_data(as_text=True)
    return Counter(work)


def test_a_login_for_an_unknown_name_hashes_as_much_as_one_for_a_real_account(client, work):
    make_user(Role.STAFF, username="clerk")
    sponsor = make_portal_sponsor(email="me@example.com")
    db.session.commit()
    _login(client, work, "warm-up", "x")  # the throw-away hash is made once per process
    wrong_password = _login(client, work, "clerk", "not the password")
    unknown_name = _login(client, work, "nobody-here", "not the password")
    unknown_email = _login(client, work, "nobody@example.com", "not the password")
    wrong_parent = _login(client, work, sponsor.mobile, "not the password")
    assert wrong_password["hash"] == 1
    assert unknown_name == unknown_email == wrong_password == wrong_parent


def _reset(client, work, login: str) -> Counter:
    work.clear()
    response = post_form(client, "/portal/reset", {"login": login}, token_from="/portal/reset")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    return Counter(work)


def test_a_reset_for_an_unknown_account_signs_and_renders_as_for_a_real_one(client, work):
    sponsor = make_portal_sponsor(email="me@example.com")
    db.session.commit()
    real = _reset(client, work, sponsor.mobile)
    unknown = _reset(client, work, "13900000999")
    unknown_email = _reset(client, work, "nobody@example.com")
    assert real["sign"] >= 1 and real["render"] >= 2
    assert (unknown["sign"], unknown["render"]) == (real["sign"], real["render"])
    assert unknown == unknown_email
