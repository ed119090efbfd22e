"""Bulk verification: many children in one click, never the registrar's own, only in scope."""

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Child
from sponsorship.models.enums import ChildStatus, RegionLevel, Role
from tests.conftest import count, post_form
from tests.factories import make_child, make_region, make_user
from tests.views.pages import flashes, table_rows


@pytest.fixture
def town():
    return make_region("平山街道")


@pytest.fixture
def village(town):
    return make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)


def _status(child: Child) -> ChildStatus:
    return db.session.scalar(sa.select(Child.status).where(Child.id == child.id))


def test_bulk_verify_refuses_and_names_the_registrars_own_children(client, auth, town, village):
    colleague = make_user(Role.STAFF, scope=town)
    clerk = auth.as_role(Role.STAFF, scope=town)
    theirs = [
        make_child(
            region=village,
            name=f"同事登记{i}",
            status=ChildStatus.REGISTERED,
            registered_by=colleague,
        )
        for i in range(3)
    ]
    mine = [
        make_child(
            region=village, name=f"本人登记{i}", status=ChildStatus.REGISTERED, registered_by=clerk
        )
        for i in range(2)
    ]
    outside = make_child(
        region=make_region(level=RegionLevel.VILLAGE),
        name="外镇儿童",
        status=ChildStatus.REGISTERED,
        registered_by=colleague,
    )
    db.session.commit()
    listed = [row[1] for row in table_rows(client.get("/children/bulk/").get_data(as_text=True))]
    assert sorted(listed) == sorted(c.name for c in theirs + mine)

    ids = [c.id for c in theirs + mine + [outside]]
    page = post_form(
        client,
        "/children/bulk/",
        {"ids": ids, "action": "verify_open"},
        token_from="/children/bulk/",
        follow_redirects=True,
    ).get_data(as_text=True)

    assert [_status(c) for c in theirs] == [ChildStatus.AWAITING] * 3
    assert [_status(c) for c in mine] == [ChildStatus.REGISTERED] * 2
    assert _status(outside) == ChildStatus.REGISTERED
    [refused] = flashes(page, "error")
    assert "本人登记0" in refused and "本人登记1" in refused and "同事登记" not in refused
    assert "已核实 3 名儿童" in " ".join(flashes(page, "success"))
    verified = count(
        AuditEvent, AuditEvent.action == "child.verify", AuditEvent.user_id == clerk.id
    )
    assert verified == 3
    # What is left on the page is the clerk's own two, waiting for a colleague.
    left = [row[1] for row in table_rows(page)]
    assert sorted(left) == ["本人登记0", "本人登记1"]


def test_verify_only_leaves_them_verified_and_a_second_click_lists_them(client, auth, village):
    colleague = make_user(Role.STAFF)
    auth.as_role(Role.ADMIN)
    kids = [
        make_child(region=village, status=ChildStatus.REGISTERED, registered_by=colleague)
        for _ in range(309)
    ]
    db.session.commit()
    ids = [k.id for k in kids]
    post_form(client, "/children/bulk/", {"ids": ids, "action": "verify"}, token_from="/")
    assert {_status(k) for k in kids} == {ChildStatus.VERIFIED}
    post_form(client, "/children/bulk/", {"ids": ids, "action": "verify_open"}, token_from="/")
    assert {_status(k) for k in kids} == {ChildStatus.AWAITING}
    again = post_form(
        client,
        "/children/bulk/",
        {"ids": ids[:2], "action": "verify"},
        token_from="/",
        follow_redirects=True,
    )
    assert "原样未动" in " ".join(flashes(again.get_data(as_text=True), "info"))


def test_viewer_may_not_bulk_verify(client, auth, village):
    kid = make_child(region=village, status=ChildStatus.REGISTERED)
    auth.as_role(Role.VIEWER)
    db.session.commit()
    assert client.get("/children/bulk/").status_code == 403
    assert post_form(client, "/children/bulk/", {"ids": [kid.id]}).status_code == 403
    assert _status(kid) == ChildStatus.REGISTERED
