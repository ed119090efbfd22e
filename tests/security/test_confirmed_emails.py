"""An email serves for login and reset only once its owner confirmed it; one account per address."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models import Letter, User
from sponsorship.models.enums import LetterKind
from sponsorship.services.core import users
from tests.conftest import Auth, post_form
from tests.factories import make_village
from tests.views.test_signup import PASSWORD, sign_up

EMAIL = "owner@example.com"


def _confirmation_path(mobile: str) -> str:
    letter = db.session.scalars(
        sa.select(Letter)
        .where(Letter.kind == LetterKind.EMAIL_CONFIRMATION)
        .order_by(Letter.id.desc())
    ).first()
    assert letter is not None and letter.channel == "email"
    link = re.search(r"https?://\S+/portal/confirm-email/\S+", letter.body).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


def _sign_up(client, village, mobile: str, email: str = EMAIL):
    response = sign_up(client, village, mobile=mobile, email=email, channel="email")
    assert response.status_code == 302, response.get_data(as_text=True)


def _login(app, login: str) -> int:
    return Auth(app.test_client()).login(login, PASSWORD).status_code


def test_a_new_email_serves_for_login_only_after_its_owner_confirms_it(app, client):
    village = make_village()
    _sign_up(client, village, "139 1234 5678")
    assert _login(app, EMAIL) == 200  # not yet: refused like any wrong login
    assert _login(app, "13912345678") == 302  # the mobile number works from the start
    path = _confirmation_path("13912345678")
    page = client.get(path).get_data(as_text=True)
    assert EMAIL in page and "确认这个邮箱" in page
    assert db.session.scalar(sa.select(User.email_confirmed_at).where(User.email == EMAIL)) is None
    response = post_form(client, path, {}, token_from=path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _login(app, EMAIL.upper()) == 302


def test_a_strangers_sign_up_with_the_same_email_cannot_take_it_over(app, client):
    village = make_village()
    _sign_up(client, village, "139 1234 5678")
    owner_link = _confirmation_path("13912345678")
    post_form(client, owner_link, {}, token_from=owner_link)
    _sign_up(client, village, "139 8765 4321")  # the stranger types the owner's address
    stranger_link = _confirmation_path("13987654321")
    refused = post_form(client, stranger_link, {}, token_from=stranger_link)
    assert "这个邮箱已被另一个账户确认" in refused.get_data(as_text=True)
    owner = users.find_portal_user(EMAIL)
    assert owner is not None and owner.username == "13912345678"  # login and reset still work
    assert _login(app, EMAIL) == 302


def test_an_unconfirmed_email_gets_no_reset_link(client):
    village = make_village()
    _sign_up(client, village, "139 1234 5678")
    post_form(client, "/portal/reset", {"login": EMAIL}, token_from="/portal/reset")
    kinds = db.session.scalars(sa.select(Letter.kind)).all()
    assert LetterKind.PASSWORD_RESET not in kinds


def test_changing_the_email_needs_a_new_confirmation_and_old_links_stop_working(app, client):
    village = make_village()
    _sign_up(client, village, "139 1234 5678")
    old_link = _confirmation_path("13912345678")
    post_form(client, old_link, {}, token_from=old_link)
    user = users.find_portal_user(EMAIL)
    user.change_email("new@example.com")
    db.session.commit()
    assert user.email_confirmed_at is None and users.find_portal_user("new@example.com") is None
    assert client.get(old_link).status_code == 404  # it confirmed the old address only


def test_the_database_refuses_two_accounts_with_one_confirmed_email():
    for name in ("a-user", "b-user"):
        db.session.add(
            User(
                username=name,
                role="sponsor",
                password_hash="x",
                email=EMAIL,
                email_confirmed_at=utcnow(),
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_unconfirmed_duplicates_are_allowed():
    for name in ("a-user", "b-user"):
        db.session.add(User(username=name, role="sponsor", password_hash="x", email=EMAIL))
    db.session.flush()
