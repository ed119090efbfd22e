"""The register's pages: scope, roles, masking, audited views and reveals, the forms."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Child
from sponsorship.models.enums import ChildStatus, Hardship, RegionLevel, Role
from tests.conftest import count, post_form
from tests.factories import child_values, id_number, make_child, make_region, make_user
from tests.views.pages import field_errors, flashes, table_rows


@pytest.fixture
def town():
    return make_region("平山街道")


@pytest.fixture
def village(town):
    return make_region("新村社区", level=RegionLevel.VILLAGE, parent=town)


@pytest.fixture
def child(village):
    return make_child(region=village, name="陈小雨", id_number=id_number(date(2016, 3, 1)))


def test_list_masks_ids_and_shows_only_the_scope(client, auth, town, child):
    elsewhere = make_child(region=make_region(level=RegionLevel.VILLAGE), name="远方童")
    auth.as_role(Role.STAFF, scope=town)
    page = client.get("/children/").get_data(as_text=True)
    assert "陈小雨" in page and elsewhere.name not in page
    assert (
        child.id_number not in page and child.id_number[:2] + "*" * 15 + child.id_number[-1] in page
    )
    assert client.get(f"/children/{elsewhere.id}").status_code == 404


def test_search_by_name_or_last_digits_and_filters(client, auth, village, child):
    make_child(region=village, name="李明", hardships=[Hardship.ORPHAN], status=ChildStatus.PAIRED)
    auth.as_role(Role.STAFF)  # the last four of the ID: only for those who may reveal it
    assert "李明" not in client.get("/children/?q=小雨").get_data(as_text=True)
    by_tail = client.get(f"/children/?q={child.id_number[-4:]}").get_data(as_text=True)
    assert "陈小雨" in by_tail and "李明" not in by_tail
    orphans = client.get("/children/?hardship=orphan").get_data(as_text=True)
    assert "李明" in orphans and "陈小雨" not in orphans
    paired = client.get(f"/children/?status=paired&town={village.parent_id}&sort=name&dir=desc")
    assert "李明" in paired.get_data(as_text=True)
    waiting = client.get("/children/?waited=100000").get_data(as_text=True)
    assert "陈小雨" not in waiting and "没有符合" in waiting


def test_detail_is_audited_and_masked_and_reveal_needs_a_reason(client, auth, town, child):
    staff = auth.as_role(Role.STAFF, scope=town)
    page = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert child.id_number not in page and child.guardian.bank_account not in page
    assert count(AuditEvent, AuditEvent.action == "child.view", AuditEvent.user_id == staff.id) == 1
    url = f"/children/{child.id}/reveal"
    refused = post_form(client, url, {"reason": ""}, token_from=f"/children/{child.id}")
    assert refused.status_code == 422 and child.id_number not in refused.get_data(as_text=True)
    shown = post_form(client, url, {"reason": "核对发放账号"}, token_from=f"/children/{child.id}")
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and child.id_number in text
    assert child.guardian.bank_account in text
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "child.reveal"))
    assert event.detail == "核对发放账号" and event.object_id == str(child.id)


def test_viewers_read_but_never_change(client, auth, child):
    auth.as_role(Role.VIEWER)
    assert client.get(f"/children/{child.id}").status_code == 200
    for path in ("reveal", "verify", "await", "exit"):
        url = f"/children/{child.id}/{path}"
        assert (
            post_form(client, url, {"reason": "想看"}, token_from="/children/").status_code == 403
        )
    assert client.get("/children/new").status_code == 403
    assert client.get(f"/children/{child.id}/edit").status_code == 403
    assert client.get("/children/import/").status_code == 403
    assert "显示完整" not in client.get(f"/children/{child.id}").get_data(as_text=True)
    db.session.refresh(child)
    assert child.status == ChildStatus.AWAITING  # neither verified, re-opened nor exited
    assert count(AuditEvent, AuditEvent.action == "child.reveal") == 0


def test_staff_outside_scope_get_404_on_every_child_page(client, auth, child):
    auth.as_role(Role.STAFF, scope=make_region("别镇"))
    for url in (f"/children/{child.id}", f"/children/{child.id}/edit"):
        assert client.get(url).status_code == 404
    reveal = post_form(client, f"/children/{child.id}/reveal", {"reason": "看看"}, token_from="/")
    assert reveal.status_code == 404
    assert count(AuditEvent, AuditEvent.action == "child.reveal") == 0


def test_register_without_consent_keeps_what_was_typed(client, auth, town, village):
    auth.as_role(Role.STAFF, scope=town)
    values = child_values(village, consent_given_on="", name="黄小明")
    response = post_form(client, "/children/new", values, token_from="/children/new")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "未记录监护人同意" in text and "黄小明" in text
    assert count(Child) == 0
    number = id_number(date(2016, 3, 1))
    values = child_values(village, id_number=number, birth_date="", gender="")
    response = post_form(client, "/children/new", values, token_from="/children/new")
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(Child))
    assert response.headers["Location"] == f"/children/{saved.id}"
    assert saved.birth_date == date(2016, 3, 1) and saved.status == ChildStatus.REGISTERED


def test_id_and_birth_date_disagree_on_the_form(client, auth, town, village):
    auth.as_role(Role.STAFF, scope=town)
    values = child_values(village, id_number=id_number(date(2016, 3, 1)), birth_date="2016-03-02")
    text = post_form(client, "/children/new", values, token_from="/children/new").get_data(
        as_text=True
    )
    assert "出生日期与身份证号不一致" in text and count(Child) == 0


def test_edit_keeps_the_stored_id_when_left_blank(client, auth, town, village, child):
    auth.as_role(Role.STAFF, scope=town)
    form = client.get(f"/children/{child.id}/edit").get_data(as_text=True)
    assert child.id_number not in form and child.guardian.bank_account not in form
    values = child_values(village, name="陈小雨", grade="5")
    response = post_form(client, f"/children/{child.id}/edit", values, token_from="/children/")
    assert response.status_code == 302 and response.headers["Location"] == f"/children/{child.id}"
    stored_id = child.id_number
    db.session.refresh(child)
    assert child.id_number == stored_id  # the blank field did not wipe it
    assert child.grade == 5 and child.id_number is not None


def test_verify_must_be_done_by_another_user(client, auth, town, village):
    registrar = auth.as_role(Role.STAFF, scope=town)
    kid = make_child(region=village, status=ChildStatus.REGISTERED, registered_by=registrar)
    db.session.commit()
    refused = post_form(
        client, f"/children/{kid.id}/verify", token_from="/children/", follow_redirects=True
    )
    assert flashes(refused.get_data(as_text=True), "error") == [
        "登记人不能审核自己登记的儿童，请另一位工作人员审核。"
    ]
    db.session.refresh(kid)
    assert kid.status == ChildStatus.REGISTERED
    assert kid.verified_by_id is None
    auth.logout()
    verifier = auth.as_role(Role.STAFF, scope=town)
    assert post_form(client, f"/children/{kid.id}/verify", token_from="/").status_code == 302
    db.session.refresh(kid)
    assert kid.status == ChildStatus.VERIFIED and kid.verified_by_id == verifier.id
    post_form(client, f"/children/{kid.id}/await", token_from="/")
    db.session.refresh(kid)
    assert kid.status == ChildStatus.AWAITING


def test_exit_needs_a_note_for_other(client, auth, town, child):
    auth.as_role(Role.STAFF, scope=town)
    url = f"/children/{child.id}/exit"
    response = post_form(client, url, {"reason": "other", "note": ""}, token_from="/")
    assert response.status_code == 422 and "请说明退出原因" in response.get_data(as_text=True)
    assert field_errors(response.get_data(as_text=True), "note") == ["请说明退出原因。"]
    db.session.refresh(child)
    assert child.status != ChildStatus.EXITED
    assert post_form(client, url, {"reason": "graduated"}, token_from="/").status_code == 302
    db.session.refresh(child)
    assert child.status == ChildStatus.EXITED


def _sheet(response):
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_is_masked_in_scope_and_audited(client, auth, town, child):
    make_child(region=make_region(level=RegionLevel.VILLAGE), name="远方童")
    auth.as_role(Role.VIEWER, scope=town)
    response = client.get("/children/export?q=小雨")
    header, rows = _sheet(response)
    cells = dict(zip(header, rows[0], strict=True))
    assert len(rows) == 1 and cells["姓名"] == "陈小雨"
    assert child.id_number not in response.data.decode("latin-1")
    assert cells["身份证号"] == child.id_number[:2] + "*" * 15 + child.id_number[-1]
    account = child.guardian.bank_account
    assert cells["银行账号"] == "*" * (len(account) - 4) + account[-4:]
    assert cells["出生日期"] == "2016"  # a viewer may not reveal: the birth year only
    assert count(AuditEvent, AuditEvent.action == "child.export") == 1
    assert post_form(client, "/children/export", {"reason": "x"}, token_from="/").status_code == 403


def test_export_with_full_numbers_for_staff_with_a_reason(client, auth, town, child):
    auth.as_role(Role.STAFF, scope=town)
    response = post_form(
        client,
        "/children/export",
        {"reason": "发放核对", "args": "q=小雨"},
        token_from="/children/",
    )
    header, rows = _sheet(response)
    cells = dict(zip(header, rows[0], strict=True))
    assert cells["身份证号"] == child.id_number
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "child.export"))
    assert "发放核对" in event.detail


def test_audit_log_filters_by_user_child_and_action(client, auth, town, child):
    staff = make_user(Role.STAFF, scope=town)
    from sponsorship.services.core import audit

    audit.record("child.view", child, user=staff)
    audit.record("auth.login", user=staff)
    db.session.commit()
    auth.as_role(Role.ADMIN)
    page = client.get(f"/admin/audit/?child={child.id}&action=child.view&user={staff.id}")
    text = page.get_data(as_text=True)
    # Only the one event that matches all three filters, its action in words.
    assert page.status_code == 200 and [row[2] for row in table_rows(text)] == ["查看儿童详情"]
    auth.logout()
    auth.as_role(Role.STAFF)
    assert client.get("/admin/audit/").status_code == 403


def test_detail_lists_the_pairing_history(client, auth, town, child):
    from sponsorship.models.enums import PairingStatus
    from tests.factories import make_pairing, make_sponsor

    make_pairing(sponsor=make_sponsor(name="林爱心"), child=child, status=PairingStatus.ENDED)
    make_pairing(sponsor=make_sponsor(name="王爱心"), child=child)
    auth.as_role(Role.VIEWER, scope=town)
    text = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert "林爱心" in text and "王爱心" in text and "已结束" in text
    # Caring parent and status, row by row, in the pairing history's own table.
    rows = table_rows(text, "//section[h2='结对记录']/table")
    assert sorted(row[:2] for row in rows) == [["林爱心", "已结束"], ["王爱心", "进行中"]]


def test_only_those_who_may_reveal_are_offered_a_full_export(client, auth, town, child):
    auth.as_role(Role.VIEWER, scope=town)
    assert client.get("/children/export/full?q=小雨").status_code == 403
    assert "导出完整" not in client.get("/children/").get_data(as_text=True)
    auth.logout()
    auth.as_role(Role.STAFF, scope=town)
    page = client.get("/children/export/full?q=小雨").get_data(as_text=True)
    assert "导出完整号码的原因" in page and 'value="q=%E5%B0%8F%E9%9B%A8&amp;' in page
