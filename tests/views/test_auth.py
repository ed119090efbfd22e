"""Logging in and out: credentials, rate limit, CSRF, session rotation, audit."""

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent
from sponsorship.models.enums import Role
from tests.conftest import count, post_form
from tests.factories import PASSWORD, make_user
from tests.views.pages import field_errors


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_admin_logs_in_and_sees_the_dashboard(client, auth):
    user = make_user(Role.ADMIN)
    db.session.commit()
    response = auth.login(user.username)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "工作台" in page and "用户" in page
    assert "auth.login" in audit_actions()


def test_wrong_password_is_refused_and_audited(client, auth):
    user = make_user()
    db.session.commit()
    response = auth.login(user.username, "not the password")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "登录名或密码错误" in page
    assert f'value="{user.username}"' in page  # what the user typed is kept
    assert client.get("/dashboard").status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert event.object_id == str(user.id) and "password" in event.detail
    assert PASSWORD not in event.detail and "not the password" not in event.detail


def test_unknown_user_gets_the_same_answer(auth):
    response = auth.login("nobody-here", "whatever123")
    assert "登录名或密码错误" in response.get_data(as_text=True)
    assert audit_actions() == ["auth.login_failed"]


def test_inactive_user_cannot_log_in(client, auth):
    user = make_user(active=False)
    db.session.commit()
    response = auth.login(user.username)
    assert response.status_code == 200
    assert '<div class="flash flash-error" role="status">登录名或密码错误。</div>' in (
        response.get_data(as_text=True)
    )
    with client.session_transaction() as session:
        assert "_user_id" not in session  # Flask-Login's key: nobody is signed in
    protected = client.get("/dashboard")
    assert protected.status_code == 302 and protected.headers["Location"].startswith("/login")
    assert audit_actions() == ["auth.login_failed"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert event.object_id == str(user.id) and event.detail.endswith("reason=inactive")
    db.session.refresh(user)
    assert user.last_login_at is None


def test_sixth_login_attempt_in_a_minute_is_rate_limited(client, auth):
    for _ in range(5):
        assert auth.login("someone", "wrong-password").status_code == 200
    response = auth.login("someone", "wrong-password")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_form_without_csrf_token_is_refused(client):
    user = make_user()
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert count(AuditEvent, AuditEvent.action == "auth.login") == 0


def test_old_session_cookie_stops_working_after_logout(app, client, auth):
    user = make_user()
    db.session.commit()
    auth.login(user.username)
    stolen = client.get_cookie("session").value
    assert auth.logout().status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions(app, client, auth):
    user = make_user()
    db.session.commit()
    auth.login(user.username)
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other).login(user.username)
    assert other.get("/dashboard").status_code == 200
    response = post_form(
        client,
        "/password",
        {"current": PASSWORD, "new": "a new long password", "confirm": "a new long password"},
        token_from="/password",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    db.session.refresh(user)
    assert user.check_password("a new long password") and not user.check_password(PASSWORD)
    assert audit_actions().count("user.password_changed") == 1
    assert client.get("/dashboard").status_code == 200  # this session continues
    ended = other.get("/dashboard")  # the other one has ended
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")


def test_password_change_rejects_a_short_password_and_keeps_the_form(client, auth):
    user = make_user()
    db.session.commit()
    auth.login(user.username)
    response = post_form(
        client,
        "/password",
        {"current": PASSWORD, "new": "short", "confirm": "short"},
        token_from="/password",
    )
    assert response.status_code == 200
    # The hint beside the field says "10" whatever happened: read the error under the field.
    [error] = field_errors(response.get_data(as_text=True), "new")
    assert "10" in error
    db.session.refresh(user)
    assert user.check_password(PASSWORD) and not user.check_password("short")
    assert "user.password_changed" not in audit_actions()


def test_login_does_not_redirect_off_site(auth):
    user = make_user()
    db.session.commit()
    response = auth.login(user.username, query_string={"next": "//evil.example/"})
    assert response.headers["Location"] == "/dashboard"


def test_session_cookie_is_http_only_and_lax(client, auth):
    user = make_user()
    db.session.commit()
    response = auth.login(user.username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signed_in_pages_are_not_cached(client, auth):
    auth.as_role(Role.STAFF)
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"
