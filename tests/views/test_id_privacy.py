"""Who may not reveal a child's numbers cannot work them out: no birth date, no ID oracle.

A whole ID number is looked up only by those who may reveal it, in a POST body (never in an
address), audited without the number, and only so often.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import AuditEvent
from sponsorship.models.enums import RegionLevel, Role
from tests.conftest import count, post_form
from tests.factories import id_number, make_child, make_region, make_sponsor
from tests.views.pages import field_errors, table_rows


@pytest.fixture
def town():
    return make_region("平山街道")


@pytest.fixture
def village(town):
    return make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)


@pytest.fixture
def child(village):
    return make_child(region=village, name="陈小雨", id_number=id_number(date(2016, 3, 1)))


def test_a_viewer_sees_the_birth_year_only_and_cannot_sort_by_birth_date(client, auth, village):
    december = make_child(region=village, name="十二月", birth_date=date(2016, 12, 1))
    january = make_child(region=village, name="一月", birth_date=date(2016, 1, 1))
    auth.as_role(Role.VIEWER)
    page = client.get("/children/?sort=birth_date&dir=asc").get_data(as_text=True)
    assert "2016-12-01" not in page and "2016-01-01" not in page
    rows = table_rows(page)
    # Newest registered first, as if unsorted: the order must not tell who was born first.
    assert [r[0] for r in rows] == [january.name, december.name]
    assert [r[2] for r in rows] == ["2016 年生", "2016 年生"]
    detail = client.get(f"/children/{december.id}").get_data(as_text=True)
    assert "2016-12-01" not in detail and "2016 年生" in detail
    assert f"今年满 {today().year - 2016} 岁" in detail


def test_staff_who_may_reveal_see_and_sort_by_the_birth_date(client, auth, village):
    make_child(region=village, name="十二月", birth_date=date(2016, 12, 1))
    make_child(region=village, name="一月", birth_date=date(2016, 1, 1))
    auth.as_role(Role.STAFF)
    rows = table_rows(client.get("/children/?sort=birth_date&dir=asc").get_data(as_text=True))
    assert [(r[0], r[2]) for r in rows] == [("一月", "2016-01-01"), ("十二月", "2016-12-01")]


def test_a_viewer_cannot_search_by_id_digits(client, auth, child):
    auth.as_role(Role.VIEWER)
    for q in (child.id_number[-4:], child.id_number[-8:], child.id_number):
        page = client.get("/children/", query_string={"q": q}).get_data(as_text=True)
        assert "陈小雨" not in page, q
        assert "只有可查看完整号码的同事才能按身份证号搜索" in page
    assert "陈小雨" in client.get("/children/?q=小雨").get_data(as_text=True)


def test_a_whole_id_in_the_address_finds_nobody_even_for_staff(client, auth, child):
    auth.as_role(Role.STAFF)
    assert "陈小雨" in client.get(f"/children/?q={child.id_number[-4:]}").get_data(as_text=True)
    for q in (child.id_number, child.id_number[-10:]):
        page = client.get("/children/", query_string={"q": q}).get_data(as_text=True)
        assert "陈小雨" not in page and "请按身份证号后四位搜索" in page


def test_staff_look_up_a_whole_id_in_the_post_body_audited_without_the_number(
    client, auth, town, child
):
    staff = auth.as_role(Role.STAFF, scope=town)
    response = post_form(
        client, "/children/lookup", {"id_number": child.id_number}, token_from="/children/"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/children/{child.id}"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "child.lookup"))
    assert event.user_id == staff.id and event.object_id == str(child.id)
    other = id_number(date(2015, 5, 5))
    missed = post_form(client, "/children/lookup", {"id_number": other}, token_from="/children/")
    assert missed.status_code == 422
    [error] = field_errors(missed.get_data(as_text=True), "id_number")
    assert "没有这个身份证号的儿童" in error
    assert other in missed.get_data(as_text=True)  # what was typed stays in the form
    assert count(AuditEvent, AuditEvent.action == "child.lookup") == 2
    for detail in db.session.scalars(sa.select(AuditEvent.detail)):
        assert child.id_number not in (detail or "") and other not in (detail or "")
        assert child.id_number[6:14] not in (detail or "")


def test_a_lookup_outside_the_area_finds_nobody(client, auth, child):
    auth.as_role(Role.STAFF, scope=make_region("别镇"))
    response = post_form(
        client, "/children/lookup", {"id_number": child.id_number}, token_from="/children/"
    )
    assert response.status_code == 422 and "陈小雨" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE])
def test_who_may_not_reveal_may_not_look_up(client, auth, child, role):
    auth.as_role(role)
    response = post_form(
        client, "/children/lookup", {"id_number": child.id_number}, token_from="/children/"
    )
    assert response.status_code == 403
    assert count(AuditEvent, AuditEvent.action == "child.lookup") == 0
    denied = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "access.denied")
    ).all()
    assert denied and all(child.id_number not in d for d in denied)


def test_lookups_are_rate_limited_per_user(app, client, auth, child):
    app.config["ID_LOOKUP_RATE_LIMIT"] = "2 per hour"
    try:
        auth.as_role(Role.STAFF)
        codes = [
            post_form(
                client, "/children/lookup", {"id_number": child.id_number}, token_from="/children/"
            ).status_code
            for _ in range(3)
        ]
    finally:
        app.config["ID_LOOKUP_RATE_LIMIT"] = "20 per hour"
    assert codes == [302, 302, 429]


def test_the_search_box_refuses_five_digits_before_sending(client, auth):
    auth.as_role(Role.STAFF)
    page = client.get("/children/").get_data(as_text=True)
    assert 'pattern="(?![\\s\\S]*[0-9]{5})[\\s\\S]*"' in page
    assert 'action="/children/lookup"' in page and 'method="post"' in page


def test_a_caring_parents_id_is_masked_the_same_way(client, auth):
    number = id_number(date(1985, 6, 7))
    sponsor = make_sponsor(id_number=number)
    auth.as_role(Role.STAFF)
    page = client.get(f"/sponsors/{sponsor.id}").get_data(as_text=True)
    assert number[:2] + "*" * 15 + number[-1] in page
    assert number not in page and number[6:14] not in page
