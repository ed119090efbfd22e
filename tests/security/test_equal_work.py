"""Login, reset and sign-up cost the same for known and unknown people: counted, not timed."""

from __future__ import annotations

from collections import Counter

import pytest
import werkzeug.security
from itsdangerous import URLSafeTimedSerializer

from sponsorship.extensions import db
from sponsorship.letters import rendering
from sponsorship.models.enums import Role
from tests.conftest import post_form
from tests.factories import make_portal_sponsor, make_user, make_village, resident_id
from tests.views.test_signup import sign_up


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


def test_a_sign_up_in_numbers_on_record_hashes_its_password_as_a_new_one_does(client, work):
    """The hash is most of a sign-up's work: without it, a repeat would answer sooner."""
    village = make_village()
    owner = make_portal_sponsor(region=village, id_number=resident_id())
    db.session.commit()

    def hashes(**typed) -> int:
        work.clear()
        assert sign_up(client, village, **typed).headers["Location"] == "/signup/done"
        return work["hash"]

    assert hashes(mobile="13800000001") == 1
    assert hashes(mobile="13700000002", id_number=owner.id_number) == 1
    assert hashes(mobile=owner.mobile) == 1
