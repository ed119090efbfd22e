"""Staff review of applicants: scope, filters, decisions, edits, bulk approval, audit."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent
from sponsorship.models.enums import AidPreference, RegionLevel, Role, SponsorStatus
from tests.conftest import count, post_form
from tests.factories import make_portal_sponsor, make_region
from tests.views.pages import flashes


def setup_towns():
    mine, theirs = make_region("甲镇"), make_region("乙镇")
    here = make_region("甲村", level=RegionLevel.VILLAGE, parent=mine)
    there = make_region("乙村", level=RegionLevel.VILLAGE, parent=theirs)
    return mine, theirs, here, there


def pending(region, **fields):
    return make_portal_sponsor(region=region, status=SponsorStatus.PENDING, **fields)


def test_town_staff_list_only_their_towns_applicants(client, auth):
    mine, _theirs, here, there = setup_towns()
    pending(here, name="本镇申请人")
    pending(there, name="外镇申请人")
    auth.as_role(Role.STAFF, scope=mine)
    page = client.get("/sponsors/").get_data(as_text=True)
    assert "本镇申请人" in page and "外镇申请人" not in page


def test_town_staff_cannot_review_an_applicant_outside_their_town(client, auth):
    mine, _theirs, _here, there = setup_towns()
    outsider = pending(there)
    auth.as_role(Role.STAFF, scope=mine)
    assert client.get(f"/sponsors/{outsider.id}").status_code == 404
    url = f"/sponsors/{outsider.id}/approve"
    assert post_form(client, url, token_from="/sponsors/").status_code == 404
    response = post_form(
        client, f"/sponsors/{outsider.id}/reject", {"reason": "x"}, token_from="/sponsors/"
    )
    assert response.status_code == 404
    assert client.get(f"/sponsors/{outsider.id}/edit").status_code == 404
    db.session.refresh(outsider)
    assert outsider.status == SponsorStatus.PENDING
    assert count(AuditEvent, AuditEvent.action == "access.denied") == 4


def test_bulk_approve_ignores_applicants_outside_the_scope(client, auth):
    mine, _theirs, here, there = setup_towns()
    a, b, outsider = pending(here), pending(here), pending(there)
    auth.as_role(Role.STAFF, scope=mine)
    response = post_form(
        client,
        "/sponsors/bulk-approve",
        {"ids": [str(a.id), str(b.id), str(outsider.id)]},
        token_from="/sponsors/",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/sponsors/"
    for sponsor in (a, b, outsider):
        db.session.refresh(sponsor)
    assert a.status == b.status == SponsorStatus.APPROVED
    assert outsider.status == SponsorStatus.PENDING
    assert count(AuditEvent, AuditEvent.action == "sponsor.approve") == 2


def test_approve_from_the_detail_page_records_decision_and_audit(client, auth):
    _mine, _theirs, here, _there = setup_towns()
    sponsor = pending(here)
    staff = auth.as_role(Role.STAFF)
    page = client.get(f"/sponsors/{sponsor.id}").get_data(as_text=True)
    assert "通过" in page and sponsor.mobile in page
    response = post_form(
        client,
        f"/sponsors/{sponsor.id}/approve",
        {"note": ""},
        token_from=f"/sponsors/{sponsor.id}",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sponsors/{sponsor.id}"
    db.session.refresh(sponsor)
    assert sponsor.status == SponsorStatus.APPROVED and sponsor.reviewed_by_id == staff.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sponsor.approve"))
    assert event.user_id == staff.id and event.object_id == str(sponsor.id)


def test_reject_without_reason_is_refused_and_with_reason_is_kept(client, auth):
    _mine, _theirs, here, _there = setup_towns()
    sponsor = pending(here)
    auth.as_role(Role.ADMIN)
    url = f"/sponsors/{sponsor.id}/reject"
    response = post_form(client, url, {"reason": ""}, token_from=f"/sponsors/{sponsor.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sponsors/{sponsor.id}"
    page = client.get(f"/sponsors/{sponsor.id}").get_data(as_text=True)
    assert "必须填写原因" in page
    [refusal] = flashes(page, "error")
    assert "必须填写原因" in refusal
    db.session.refresh(sponsor)
    assert sponsor.status == SponsorStatus.PENDING
    assert count(AuditEvent, AuditEvent.action == "sponsor.reject") == 0
    post_form(client, url, {"reason": "电话无法联系"}, token_from=f"/sponsors/{sponsor.id}")
    db.session.refresh(sponsor)
    assert sponsor.status == SponsorStatus.REJECTED and sponsor.review_note == "电话无法联系"
    assert count(AuditEvent, AuditEvent.action == "sponsor.reject") == 1


def test_deactivate_marks_withdrawn_and_keeps_the_record(client, auth):
    _mine, _theirs, here, _there = setup_towns()
    sponsor = make_portal_sponsor(region=here)
    auth.as_role(Role.STAFF)
    post_form(
        client, f"/sponsors/{sponsor.id}/deactivate", {"reason": "搬走了"}, token_from="/sponsors/"
    )
    db.session.refresh(sponsor)
    assert sponsor.status == SponsorStatus.WITHDRAWN and sponsor.review_note == "搬走了"
    assert count(AuditEvent, AuditEvent.action == "sponsor.deactivate") == 1


def test_staff_edit_an_application(client, auth):
    _mine, _theirs, here, _there = setup_towns()
    sponsor = pending(here, address="旧地址")
    auth.as_role(Role.STAFF)
    url = f"/sponsors/{sponsor.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="旧地址"' in page and 'value="1,000.00"' in page
    data = {
        "kind": "individual",
        "name": sponsor.name,
        "gender": "",
        "mobile": sponsor.mobile,
        "email": "",
        "region": str(here.id),
        "address": "新地址",
        "id_number": "",
        "aid_preference": "fostering",
        "distance": "same_town",
        "child_gender": "",
        "capacity": "3",
        "pledge": "3000",
        "payment_frequency": "monthly",
        "channel": "sms",
    }
    response = post_form(client, url, data, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(sponsor)
    assert sponsor.address == "新地址" and sponsor.capacity == 3
    assert sponsor.aid_preference == AidPreference.FOSTERING
    response = post_form(client, url, data | {"pledge": "100"}, token_from=url)
    assert response.status_code == 200 and "不低于" in response.get_data(as_text=True)


def test_filters_by_status_town_aid_type_and_date(client, auth, frozen):
    mine, theirs, here, there = setup_towns()
    frozen(datetime(2026, 9, 1, 2, 0, tzinfo=UTC))
    pending(here, name="九月申请", aid_preference=AidPreference.PRIMARY)
    frozen(datetime(2026, 10, 1, 2, 0, tzinfo=UTC))
    make_portal_sponsor(region=there, name="十月已通过", aid_preference=AidPreference.FOSTERING)
    asked = pending(there, name="想退出的人")
    asked.withdraw_requested_at = datetime(2026, 10, 2, tzinfo=UTC)
    auth.as_role(Role.ADMIN)

    def names(query: str) -> set[str]:
        page = client.get(f"/sponsors/?{query}").get_data(as_text=True)
        return {n for n in ("九月申请", "十月已通过", "想退出的人") if n in page}

    assert names("") == {"九月申请", "十月已通过", "想退出的人"}
    assert names("status=pending") == {"九月申请", "想退出的人"}
    assert names("status=withdraw_requested") == {"想退出的人"}
    assert names(f"town={mine.id}") == {"九月申请"}
    assert names("aid_preference=fostering") == {"十月已通过"}
    assert names("since=2026-09-15") == {"十月已通过", "想退出的人"}
    assert names("until=2026-09-15") == {"九月申请"}
    assert client.get("/sponsors/?since=not-a-date").status_code == 200
    assert names("since=not-a-date") == {"九月申请", "十月已通过", "想退出的人"}  # ignored


def test_viewers_finance_and_sponsors_cannot_review(client, auth):
    _mine, _theirs, here, _there = setup_towns()
    applicant = pending(here)
    db.session.commit()
    for role in (Role.VIEWER, Role.FINANCE, Role.SPONSOR):
        auth.as_role(role)
        assert client.get("/sponsors/").status_code == 403
        url = f"/sponsors/{applicant.id}/approve"
        assert post_form(client, url, {"note": ""}, token_from="/password").status_code == 403
        auth.logout()
    db.session.refresh(applicant)
    assert applicant.status == SponsorStatus.PENDING and applicant.reviewed_by_id is None
    assert count(AuditEvent, AuditEvent.action == "sponsor.approve") == 0
