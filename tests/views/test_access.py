"""Roles and region scope: 403 for the wrong role, 404 outside the scope, both audited."""

from datetime import UTC, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, JobRun, User
from sponsorship.models.enums import RegionLevel, Role
from tests import factories
from tests.conftest import count, post_form
from tests.factories import make_child, make_region
from tests.views.pages import figure, table_rows


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_cannot_read_a_region_outside_their_scope(client, auth):
    mine, theirs = make_region("甲镇"), make_region("乙镇")
    auth.as_role(Role.STAFF, scope=mine)
    assert client.get(f"/regions/{mine.id}").status_code == 200
    response = client.get(f"/regions/{theirs.id}")
    assert response.status_code == 404
    denied = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert denied is not None and f"/regions/{theirs.id}" in denied.detail


def test_scoped_staff_see_only_their_towns_and_counts(client, auth):
    mine, theirs = make_region("甲镇"), make_region("乙镇")
    make_child(region=make_region(level=RegionLevel.VILLAGE, parent=mine))
    make_child(region=make_region(level=RegionLevel.VILLAGE, parent=theirs))
    make_child(region=make_region(level=RegionLevel.VILLAGE, parent=theirs))
    auth.as_role(Role.STAFF, scope=mine)
    page = client.get("/regions/").get_data(as_text=True)
    assert "甲镇" in page and "乙镇" not in page
    assert [(row[0], row[2]) for row in table_rows(page)] == [("甲镇", "1")]  # town, children
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "待结对" in dashboard
    assert figure(dashboard, "等待结对") == "1"  # not the other town's two


def test_dashboard_counts_only_the_users_scope(client, auth):
    from sponsorship.services.reports.dashboard import dashboard_for

    mine, theirs = make_region("甲镇"), make_region("乙镇")
    make_child(region=make_region(level=RegionLevel.VILLAGE, parent=mine))
    make_child(region=make_region(level=RegionLevel.VILLAGE, parent=theirs))
    make_child(region=make_region(level=RegionLevel.VILLAGE, parent=theirs))
    user = auth.as_role(Role.STAFF, scope=mine)
    assert dashboard_for(user).children_awaiting == 1
    admin = auth.as_role(Role.ADMIN)
    assert dashboard_for(admin).children_awaiting == 3


def test_viewer_cannot_change_anything(client, auth):
    auth.as_role(Role.VIEWER)
    response = post_form(
        client,
        "/admin/users/new",
        {"username": "sneaky", "password": "x" * 12, "role": "admin", "scope": ""},
    )
    assert response.status_code == 403
    assert count(User, User.username == "sneaky") == 0
    assert post_form(client, "/admin/jobs/housekeeping/run").status_code == 403
    assert count(JobRun) == 0
    assert count(AuditEvent, AuditEvent.action == "access.denied") == 2


def test_staff_cannot_open_admin_pages(client, auth):
    staff = auth.as_role(Role.STAFF)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/jobs").status_code == 403
    denied = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "access.denied").order_by(AuditEvent.id)
    ).all()
    assert [e.user_id for e in denied] == [staff.id, staff.id]
    assert "/admin/users" in denied[0].detail and "/admin/jobs" in denied[1].detail


def test_admin_creates_a_scoped_staff_account_that_can_log_in(app, client, auth):
    town = make_region("甲镇")
    auth.as_role(Role.ADMIN)
    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "town.staff",
            "display_name": "镇工作人员",
            "email": "",
            "role": "staff",
            "scope": str(town.id),
            "password": "a long password",
            "active": "y",
        },
        token_from="/admin/users/new",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    created = db.session.scalar(sa.select(User).where(User.username == "town.staff"))
    assert created.scope_region_id == town.id and created.role == Role.STAFF
    assert created.active and created.display_name == "镇工作人员"
    from tests.conftest import Auth

    fresh = app.test_client()
    logged_in = Auth(fresh).login("town.staff", "a long password")
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == "/dashboard"
    assert fresh.get("/dashboard").status_code == 200


def test_admin_form_errors_keep_what_was_typed(client, auth):
    auth.as_role(Role.ADMIN, username="boss")
    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "boss",
            "display_name": "重名的人",
            "role": "staff",
            "scope": "",
            "password": "a long password",
        },
        token_from="/admin/users/new",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "已被使用" in page and "重名的人" in page
    assert count(User, User.username == "boss") == 1


def test_admin_deactivates_a_user_and_their_session_ends(app, client, auth):
    from tests.conftest import Auth
    from tests.factories import make_user

    victim = make_user(Role.STAFF)
    db.session.commit()
    other = app.test_client()
    Auth(other).login(victim.username)
    assert other.get("/dashboard").status_code == 200
    auth.as_role(Role.ADMIN)
    response = post_form(
        client,
        f"/admin/users/{victim.id}",
        {"display_name": "x", "email": "", "role": "staff", "scope": ""},
        token_from=f"/admin/users/{victim.id}",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    db.session.refresh(victim)
    assert not victim.active
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.object_id == str(victim.id) and "active True→False" in event.detail
    ended = other.get("/dashboard")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")


def test_admin_cannot_lock_themselves_out(client, auth):
    me = auth.as_role(Role.ADMIN)
    response = post_form(
        client,
        f"/admin/users/{me.id}",
        {"display_name": "me", "email": "", "role": "staff", "scope": "", "active": "y"},
        token_from=f"/admin/users/{me.id}",
    )
    assert response.status_code == 200 and "不能停用自己的账号" in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.role == Role.ADMIN and me.active and me.display_name != "me"
    assert count(AuditEvent, AuditEvent.action == "user.update") == 0


def test_an_account_email_is_checked_by_the_programmes_rule_and_stored_normalised(client, auth):
    auth.as_role(Role.ADMIN)
    fields = {
        "username": "finance.clerk",
        "display_name": "财务",
        "role": "finance",
        "scope": "",
        "password": "a long password",
        "active": "y",
    }
    refused = post_form(
        client, "/admin/users/new", {**fields, "email": "clerk@"}, token_from="/admin/users/new"
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "电子邮箱格式不正确" in page and 'value="clerk@"' in page
    assert db.session.scalar(sa.select(User).where(User.username == "finance.clerk")) is None
    post_form(
        client,
        "/admin/users/new",
        {**fields, "email": " Clerk@Example.ORG "},
        token_from="/admin/users/new",
    )
    created = db.session.scalar(sa.select(User).where(User.username == "finance.clerk"))
    assert created.email == "clerk@example.org"


def test_an_email_the_admin_changes_is_unconfirmed_and_audited_without_it(client, auth):
    clerk = factories.make_user(Role.STAFF)
    clerk.email = "old@example.org"
    clerk.email_confirmed_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.session.commit()
    auth.as_role(Role.ADMIN)
    url = f"/admin/users/{clerk.id}"
    fields = {"display_name": "张三", "role": "staff", "scope": "", "active": "y"}
    post_form(client, url, {**fields, "email": "old@example.org"}, token_from=url)
    db.session.refresh(clerk)
    assert clerk.email_confirmed_at is not None  # saved unchanged: still confirmed
    post_form(client, url, {**fields, "email": "new@example.org"}, token_from=url)
    db.session.refresh(clerk)
    assert clerk.email == "new@example.org" and clerk.email_confirmed_at is None
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.update").order_by(AuditEvent.id)
    ).all()[-1]
    assert "email changed" in event.detail and "example.org" not in event.detail
