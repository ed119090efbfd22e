"""The matching and pairing screens: flows, messages, and who may see and do what."""

from __future__ import annotations

import lxml.html
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Child, Pairing
from sponsorship.models.enums import ChildStatus, Distance, PairingStatus, Role
from tests import factories
from tests.conftest import count, post_form
from tests.views.pages import field_errors, flashes


def setup_town(name: str = "稔山镇"):
    town = factories.make_town(name=name)
    village = factories.make_village(town, name="新村村")
    sponsor = factories.make_sponsor(village, name="王爱心")
    child = factories.make_child(village, name="陈小华")
    return town, sponsor, child


def status_of(pairing_id: int) -> PairingStatus | None:
    return db.session.scalar(sa.select(Pairing.status).where(Pairing.id == pairing_id))


def the_proposal() -> Pairing:
    return db.session.scalar(sa.select(Pairing).where(Pairing.status == PairingStatus.PROPOSED))


def test_empty_page_says_what_to_do(client, auth):
    auth.as_role(Role.STAFF)
    page = client.get("/matching/").get_data(as_text=True)
    assert "运行匹配" in page and "人工结对" in page
    # The buttons are always there; the empty state is what only an empty list shows.
    empty = lxml.html.fromstring(page).xpath("//section[@class='card empty']")
    assert len(empty) == 1 and "目前没有待处理的建议" in empty[0].text_content()
    assert count(Pairing) == 0


def test_staff_run_matching_and_see_proposals_by_town_with_given_names(client, auth):
    town, _sponsor, _child = setup_town()
    auth.as_role(Role.STAFF, scope=town)
    response = post_form(client, "/matching/run", token_from="/matching/")
    assert response.status_code == 302 and response.headers["Location"] == "/matching/"
    proposal = the_proposal()
    assert (proposal.sponsor_id, proposal.child_id) == (_sponsor.id, _child.id)
    page = client.get("/matching/").get_data(as_text=True)
    assert flashes(page, "success") == [
        "匹配完成：为 1 名等待结对的儿童提出 1 条结对建议，另有 0 名暂时没有合适的爱心父母。"
    ]
    assert "稔山镇" in page and "王爱心" in page and "小华" in page
    assert "陈小华" not in page
    assert "同村 · 小学" in page


def test_confirm_one_proposal(client, auth):
    town, _sponsor, child = setup_town()
    auth.as_role(Role.STAFF, scope=town)
    post_form(client, "/matching/run", token_from="/matching/")
    pairing = the_proposal()
    response = post_form(client, f"/matching/{pairing.id}/confirm", token_from="/matching/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert flashes(page, "success") == ["结对已确认：王爱心 与 小华。"]
    assert status_of(pairing.id) == PairingStatus.ACTIVE
    assert db.session.scalar(sa.select(Child.status).where(Child.id == child.id)) == (
        ChildStatus.PAIRED
    )
    again = post_form(client, f"/matching/{pairing.id}/confirm", token_from="/matching/")
    assert again.status_code == 409
    assert "已被其他工作人员处理" in again.get_data(as_text=True)


def test_reject_needs_a_reason_kept_beside_the_field(client, auth):
    town, _sponsor, _child = setup_town()
    auth.as_role(Role.STAFF, scope=town)
    post_form(client, "/matching/run", token_from="/matching/")
    pairing = the_proposal()
    url = f"/matching/{pairing.id}/reject"
    empty = post_form(client, url, {"reason": ""}, token_from=url)
    assert empty.status_code == 200 and 'class="error"' in empty.get_data(as_text=True)
    done = post_form(client, url, {"reason": "路途太远"}, token_from=url)
    assert done.status_code == 302 and done.headers["Location"] == "/matching/"
    assert status_of(pairing.id) == PairingStatus.REJECTED
    assert db.session.scalar(sa.select(Pairing.rejected_reason)) == "路途太远"


def test_bulk_confirm_and_bulk_reject(client, auth):
    town = factories.make_town()
    village = factories.make_village(town)
    for _ in range(2):
        factories.make_sponsor(village)
    for _ in range(4):
        factories.make_child(village)
    auth.as_role(Role.STAFF, scope=town)
    post_form(client, "/matching/run", token_from="/matching/")
    first, second = db.session.scalars(sa.select(Pairing.id).order_by(Pairing.id)).all()
    nothing = post_form(client, "/matching/bulk", {"confirm": "1"}, token_from="/matching/")
    assert nothing.status_code == 422
    assert field_errors(nothing.get_data(as_text=True), "reason") == ["请先勾选至少一条建议。"]
    assert status_of(first) == status_of(second) == PairingStatus.PROPOSED
    no_reason = post_form(
        client, "/matching/bulk", {"selected": [first], "reject": "1"}, token_from="/matching/"
    )
    assert no_reason.status_code == 422 and status_of(first) == PairingStatus.PROPOSED
    assert len(field_errors(no_reason.get_data(as_text=True), "reason")) == 1
    post_form(
        client,
        "/matching/bulk",
        {"selected": [first], "reject": "1", "reason": "监护人不同意"},
        token_from="/matching/",
    )
    assert status_of(first) == PairingStatus.REJECTED
    post_form(
        client, "/matching/bulk", {"selected": [second], "confirm": "1"}, token_from="/matching/"
    )
    assert status_of(second) == PairingStatus.ACTIVE


def test_staff_cannot_touch_proposals_outside_their_town(client, auth):
    town, _sponsor, _child = setup_town()
    other, _other_sponsor, _other_child = setup_town("平海镇")
    auth.as_role(Role.ADMIN)
    post_form(client, "/matching/run", token_from="/matching/")
    theirs = db.session.scalar(
        sa.select(Pairing).join(Child).where(Child.region_id.in_([r.id for r in other.children]))
    )
    auth.logout()
    auth.as_role(Role.STAFF, scope=town)
    page = client.get("/matching/").get_data(as_text=True)
    assert "平海镇" not in page
    response = post_form(client, f"/matching/{theirs.id}/confirm", token_from="/matching/")
    assert response.status_code == 404
    bulk = post_form(
        client, "/matching/bulk", {"selected": [theirs.id], "confirm": "1"}, token_from="/matching/"
    )
    assert bulk.status_code == 404
    assert status_of(theirs.id) == PairingStatus.PROPOSED


def test_viewers_and_finance_cannot_match(client, auth):
    setup_town()  # a sponsor and a child a run would pair
    for role in (Role.VIEWER, Role.FINANCE):
        auth.logout()
        auth.as_role(role)
        assert client.get("/matching/").status_code == 403
        assert post_form(client, "/matching/run", token_from="/dashboard").status_code == 403
    assert count(Pairing) == 0  # neither run proposed anything


def test_manual_pairing_checks_the_rules_and_confirms(client, auth):
    town = factories.make_town()
    other = factories.make_town()
    near_only = factories.make_sponsor(
        factories.make_village(other), name="李同镇", distance=Distance.SAME_TOWN
    )
    anywhere = factories.make_sponsor(factories.make_village(other), name="张全县")
    child = factories.make_child(factories.make_village(town))
    auth.as_role(Role.STAFF, scope=town)
    form = client.get("/pairings/new").get_data(as_text=True)
    assert "李同镇" in form and "张全县" in form
    refused = post_form(
        client,
        "/pairings/new",
        {"sponsor": near_only.id, "child": child.id},
        token_from="/pairings/new",
    )
    assert refused.status_code == 200
    assert "不在这位爱心父母愿意资助的范围内" in refused.get_data(as_text=True)
    assert count(Pairing) == 0
    done = post_form(
        client,
        "/pairings/new",
        {"sponsor": anywhere.id, "child": child.id},
        token_from="/pairings/new",
    )
    assert done.status_code == 302
    assert count(Pairing, Pairing.status == PairingStatus.ACTIVE, Pairing.child_id == child.id) == 1
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert flashes(page, "success") == [f"结对已确认：张全县 与 {child.given_name}。"]
    assert db.session.scalar(sa.select(Pairing.sponsor_id)) == anywhere.id


def test_end_a_pairing_from_the_pairings_page(client, auth):
    town, sponsor, child = setup_town()
    child.status = ChildStatus.PAIRED
    pairing = factories.make_pairing(sponsor, child)
    auth.as_role(Role.STAFF, scope=town)
    listing = client.get("/pairings/").get_data(as_text=True)
    assert "王爱心" in listing and f"/pairings/{pairing.id}/end" in listing
    url = f"/pairings/{pairing.id}/end"
    missing = post_form(client, url, {"ended_on": "2026-12-01", "reason": ""}, token_from=url)
    assert missing.status_code == 200 and status_of(pairing.id) == PairingStatus.ACTIVE
    assert len(field_errors(missing.get_data(as_text=True), "reason")) == 1
    done = post_form(
        client, url, {"ended_on": "2026-12-01", "reason": "爱心父母退出"}, token_from=url
    )
    assert done.status_code == 302 and done.headers["Location"] == "/pairings/"
    assert status_of(pairing.id) == PairingStatus.ENDED
    assert db.session.scalar(sa.select(Child.status).where(Child.id == child.id)) == (
        ChildStatus.AWAITING
    )


def test_ending_outside_the_scope_is_not_found(client, auth):
    _town, sponsor, child = setup_town()
    pairing = factories.make_pairing(sponsor, child)
    auth.as_role(Role.STAFF, scope=factories.make_town())
    url = f"/pairings/{pairing.id}/end"
    assert client.get(url).status_code == 404
    response = post_form(
        client, url, {"ended_on": "2026-12-01", "reason": "x"}, token_from="/dashboard"
    )
    assert response.status_code == 404 and status_of(pairing.id) == PairingStatus.ACTIVE
