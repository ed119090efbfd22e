"""Choosing a campaign's people: children from the register by filter, adults from a sheet."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from sponsorship.clock import today
from sponsorship.errors import DomainError, NotFoundError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, CampaignBeneficiary
from sponsorship.models.enums import (
    BeneficiaryGroup,
    ChildStatus,
    Gender,
    Hardship,
    Role,
)
from sponsorship.services.campaigns import beneficiaries as people
from sponsorship.services.campaigns import beneficiary_import as sheet
from sponsorship.services.campaigns.beneficiaries import ChildFilter, add_children
from tests.conftest import count
from tests.factories import id_number, make_child, make_town, make_user, make_village
from tests.services.campaigns.helpers import make_campaign


def test_children_are_added_by_filter_with_the_guardian_as_payee_and_skipped_when_in():
    town, other = make_town(name="平海镇"), make_town(name="稔山镇")
    orphan = make_child(make_village(town), hardships=[Hardship.ORPHAN])
    make_child(make_village(town), hardships=[Hardship.LEFT_BEHIND])
    make_child(make_village(other), hardships=[Hardship.ORPHAN])
    campaign = make_campaign("六一")
    by = make_user(Role.ADMIN)
    flt = ChildFilter(hardship=Hardship.ORPHAN, town_id=town.id)
    assert add_children(campaign, flt, by=by) == (1, 0)
    row = db.session.scalar(sa.select(CampaignBeneficiary))
    assert (row.child_id, row.group, row.payee_name) == (
        orphan.id,
        BeneficiaryGroup.CHILD,
        orphan.guardian.name,
    )
    assert row.bank_account == orphan.guardian.bank_account
    assert add_children(campaign, ChildFilter(town_id=town.id), by=by) == (1, 1)
    assert count(CampaignBeneficiary) == 2


def test_the_age_filter_uses_the_age_children_turn_this_year():
    year = today().year
    village = make_village()
    six = make_child(village, birth_date=date(year - 6, 12, 31))
    make_child(village, birth_date=date(year - 13, 1, 1))
    exited = make_child(village, birth_date=date(year - 7, 5, 1), status=ChildStatus.EXITED)
    campaign = make_campaign("六一")
    found, _ = people.preview_children(campaign, ChildFilter(min_age=6, max_age=12), make_user())
    assert [c.id for c in found] == [six.id]
    assert exited.id not in [c.id for c in found]


def test_a_town_campaign_takes_only_its_towns_children_and_a_town_user_only_her_own():
    town, other = make_town(), make_town()
    mine = make_child(make_village(town))
    make_child(make_village(other))
    town_campaign = make_campaign("镇级慰问", region=town)
    found, _ = people.preview_children(town_campaign, ChildFilter(), make_user(Role.ADMIN))
    assert [c.id for c in found] == [mine.id]
    county_campaign = make_campaign("县级慰问")
    clerk = make_user(Role.STAFF, scope=town)
    found, _ = people.preview_children(county_campaign, ChildFilter(), clerk)
    assert [c.id for c in found] == [mine.id]


def test_masked_ids_and_reveal_only_for_those_who_may_reveal_children_audited():
    campaign = make_campaign()
    number = id_number(date(1968, 5, 1))
    person = CampaignBeneficiary(
        campaign_id=campaign.id, name="李某", id_number=number, group=BeneficiaryGroup.PATIENT
    )
    db.session.add(person)
    db.session.flush()
    assert people.masked_id(person) == number[:2] + "*" * 15 + number[-1]
    with pytest.raises(NotFoundError):
        people.reveal_id(person, "核对", by=make_user(Role.FINANCE))
    with pytest.raises(DomainError):
        people.reveal_id(person, "", by=make_user(Role.STAFF))
    assert people.reveal_id(person, "核对发放名单", by=make_user(Role.STAFF)) == number
    assert count(AuditEvent, AuditEvent.action == "campaign.id_revealed") == 1


def test_health_conditions_only_for_admins_and_county_staff_with_a_reason_audited():
    town = make_town()
    campaign = make_campaign()
    person = CampaignBeneficiary(
        campaign_id=campaign.id,
        name="李某",
        id_number=id_number(date(1968, 5, 1)),
        group=BeneficiaryGroup.PATIENT,
        health_condition="两癌",
    )
    db.session.add(person)
    db.session.flush()
    for refused in (make_user(Role.FINANCE), make_user(Role.VIEWER)):
        with pytest.raises(NotFoundError):
            people.view_health(person, "核实救助资格", by=refused)
    assert not people.may_view_health(make_user(Role.STAFF, scope=town))
    with pytest.raises(DomainError, match="理由"):
        people.view_health(person, " ", by=make_user(Role.ADMIN))
    assert people.view_health(person, "核实救助资格", by=make_user(Role.STAFF)) == "两癌"
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "campaign.health_viewed")
    ).all()
    assert [e.detail for e in events] == ["核实救助资格"]


def _sheet(rows, headers=None):
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet.SHEET.title
    headers = headers or [h for h, _ in sheet.HEADERS]
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def _person(town, **kw):
    row = {
        "姓名": "王秀英",
        "身份证号": id_number(date(1965, 3, 8)),
        "类别": "单亲特困母亲",
        "健康状况": "",
        "手机号": "13912345678",
        "镇（街道）": town.name,
        "地址": "海边村 8 号",
        "开户银行": "农商银行",
        "银行账号": "6228480000000000001",
        "金额（元）": "300",
    }
    row.update(kw)
    return row


def test_adults_are_imported_all_together_with_ids_checked():
    town = make_town(name="平海镇")
    campaign = make_campaign()
    by = make_user(Role.STAFF)
    rows = sheet.read_rows(
        _sheet([_person(town), _person(town, 姓名="林某", 身份证号=id_number(date(1958, 1, 2)))])
    )
    plan = sheet.plan_import(campaign, rows, by)
    assert plan.ok, plan.problems
    assert sheet.apply_import(campaign, plan, by) == {"create": 2}
    first = db.session.scalar(
        sa.select(CampaignBeneficiary).where(CampaignBeneficiary.name == "王秀英")
    )
    assert first.group == BeneficiaryGroup.POOR_SINGLE_MOTHER
    assert (first.amount_fen, first.payee_name, first.gender) == (30_000, "王秀英", Gender.FEMALE)
    assert first.birth_date == date(1965, 3, 8)
    assert first.region_id == town.id


def test_each_bad_row_gets_its_message_and_nothing_is_written():
    town = make_town(name="平海镇")
    campaign = make_campaign()
    by = make_user(Role.STAFF)
    good = _person(town)
    wrong_check = good["身份证号"][:17] + ("0" if good["身份证号"][17] != "0" else "1")
    rows = sheet.read_rows(
        _sheet(
            [
                good,
                _person(town, 姓名="重复", 身份证号=good["身份证号"]),
                _person(town, 身份证号=wrong_check),
                _person(town, 身份证号=id_number(date(1970, 1, 1)), 类别="学生"),
                _person(town, 身份证号=id_number(date(1971, 1, 1)), **{"镇（街道）": "外县镇"}),
                _person(town, 身份证号=id_number(date(1972, 1, 1)), 手机号="123"),
            ]
        )
    )
    plan = sheet.plan_import(campaign, rows, by)
    assert not plan.ok
    assert {(p.row, p.column) for p in plan.problems} == {
        (3, "身份证号"),
        (4, "身份证号"),
        (5, "类别"),
        (6, "镇（街道）"),
        (7, "手机号"),
    }
    assert "与第 2 行重复" in str(plan.problems[0])
    with pytest.raises(DomainError):
        sheet.apply_import(campaign, plan, by)
    assert count(CampaignBeneficiary) == 0


def test_someone_already_in_the_campaign_is_refused():
    town = make_town()
    campaign = make_campaign()
    by = make_user(Role.STAFF)
    row = _person(town)
    sheet.apply_import(
        campaign, sheet.plan_import(campaign, sheet.read_rows(_sheet([row])), by), by
    )
    again = sheet.plan_import(campaign, sheet.read_rows(_sheet([row])), by)
    assert [str(p.message) for p in again.problems] == ["此人已在本活动中"]


def test_the_template_lists_the_adult_groups_and_neutralises_formulas():
    stream = sheet.template_workbook(['=HYPERLINK("http://x")', "平海镇"])
    workbook = load_workbook(stream)
    assert [c.value for c in workbook[sheet.SHEET.title][1]][:3] == ["姓名", "身份证号", "类别"]
    options = [c.value for c in workbook["选项"]["A"]]
    assert "困境儿童" not in options and "单亲特困母亲" in options
    towns = [c.value for c in workbook["选项"]["B"]]
    assert all(not str(t).startswith("=") for t in towns)
