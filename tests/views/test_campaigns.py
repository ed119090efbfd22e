"""Campaign pages: who may see and do what, town scope, masking, and the clerk's journey."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Campaign, CampaignBeneficiary, Donation
from sponsorship.models.enums import (
    BeneficiaryGroup,
    CampaignKind,
    HandoutStatus,
    Hardship,
    Role,
)
from sponsorship.services.campaigns import beneficiary_import as sheet
from sponsorship.services.campaigns import fund, gift_batches
from tests.conftest import count, post_form
from tests.factories import county, id_number, make_child, make_town, make_user, make_village
from tests.services.campaigns.helpers import make_campaign
from tests.views.pages import field_errors, flashes, table_rows


@pytest.fixture
def towns():
    return make_town(name="平海镇"), make_town(name="稔山镇")


@pytest.fixture
def campaigns(towns):
    ours, theirs = towns
    admin = make_user(Role.ADMIN)
    mine = make_campaign("平海镇三八慰问", region=ours, by=admin)
    other = make_campaign("稔山镇三八慰问", region=theirs, by=admin)
    for campaign, name in ((mine, "本镇妇女"), (other, "外镇秘密妇女")):
        db.session.add(
            CampaignBeneficiary(
                campaign_id=campaign.id,
                name=name,
                id_number=id_number(date(1966, 6, 6)),
                group=BeneficiaryGroup.PATIENT,
                health_condition="两癌",
            )
        )
    db.session.commit()
    return mine, other


def person_of(campaign) -> CampaignBeneficiary:
    return db.session.scalar(
        sa.select(CampaignBeneficiary).where(CampaignBeneficiary.campaign_id == campaign.id)
    )


def test_the_list_is_empty_with_what_to_do(client, auth):
    auth.as_role(Role.STAFF)
    page = client.get("/campaigns/").get_data(as_text=True)
    assert "还没有专项活动" in page and "新建活动" in page


def test_a_town_user_sees_only_her_towns_campaigns(client, auth, towns, campaigns):
    mine, other = campaigns
    auth.as_role(Role.STAFF, scope=towns[0])
    page = client.get("/campaigns/").get_data(as_text=True)
    assert mine.name in page and other.name not in page
    assert client.get(f"/campaigns/{other.id}").status_code == 404
    assert client.get(f"/campaigns/{other.id}/people/{person_of(other).id}").status_code == 404
    assert client.get(f"/campaigns/{other.id}/people/children").status_code == 404
    response = post_form(client, f"/campaigns/{other.id}/close", token_from="/campaigns/")
    assert response.status_code == 404
    assert db.session.get(Campaign, other.id).is_open
    page = client.get(f"/campaigns/{mine.id}").get_data(as_text=True)
    assert "本镇妇女" in page and "外镇秘密妇女" not in page


def test_the_campaign_page_masks_ids_hides_health_and_audits_the_view(client, auth, campaigns):
    mine, _other = campaigns
    person = person_of(mine)
    auth.as_role(Role.ADMIN)
    page = client.get(f"/campaigns/{mine.id}").get_data(as_text=True)
    assert person.id_number not in page
    assert person.id_number[:2] + "*" * 15 + person.id_number[-1] in page
    assert "两癌" not in page
    assert count(AuditEvent, AuditEvent.action == "campaign.beneficiaries_viewed") == 1


def test_health_is_shown_after_a_reason_to_county_staff_audited(client, auth, campaigns):
    mine, _other = campaigns
    person = person_of(mine)
    auth.as_role(Role.STAFF)
    url = f"/campaigns/{mine.id}/people/{person.id}"
    page = client.get(url).get_data(as_text=True)
    assert "查看健康状况" in page and "两癌" not in page
    empty = post_form(client, f"{url}/health", {"reason": ""}, token_from=url)
    assert empty.status_code == 422 and "两癌" not in empty.get_data(as_text=True)
    shown = post_form(client, f"{url}/health", {"reason": "核实救助资格"}, token_from=url)
    assert "两癌" in shown.get_data(as_text=True)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "campaign.health_viewed")
    )
    assert event.detail == "核实救助资格"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
def test_finance_and_viewers_cannot_see_health_or_reveal(client, auth, campaigns, role):
    mine, _other = campaigns
    person = person_of(mine)
    auth.as_role(role)
    url = f"/campaigns/{mine.id}/people/{person.id}"
    assert "查看健康状况" not in client.get(url).get_data(as_text=True)
    for action in ("health", "reveal"):
        response = post_form(client, f"{url}/{action}", {"reason": "想看看"}, token_from=url)
        assert response.status_code == 403
    assert count(AuditEvent, AuditEvent.action == "campaign.health_viewed") == 0


def test_town_staff_cannot_see_health_even_in_their_town(client, auth, towns, campaigns):
    mine, _other = campaigns
    url = f"/campaigns/{mine.id}/people/{person_of(mine).id}"
    auth.as_role(Role.STAFF, scope=towns[0])
    response = post_form(client, f"{url}/health", {"reason": "核实"}, token_from=url)
    assert response.status_code == 404
    assert "两癌" not in response.get_data(as_text=True)


def test_reveal_shows_the_full_id_to_staff_with_a_reason(client, auth, campaigns):
    mine, _other = campaigns
    person = person_of(mine)
    auth.as_role(Role.STAFF)
    url = f"/campaigns/{mine.id}/people/{person.id}"
    page = post_form(client, f"{url}/reveal", {"reason": "核对名单"}, token_from=url)
    assert person.id_number in page.get_data(as_text=True)
    assert count(AuditEvent, AuditEvent.action == "campaign.id_revealed") == 1


def test_viewers_read_but_cannot_create_or_record_money(client, auth, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.VIEWER)
    assert client.get(f"/campaigns/{mine.id}").status_code == 200
    assert client.get("/campaigns/new").status_code == 403
    assert client.get(f"/campaigns/{mine.id}/money/gift").status_code == 403
    assert client.get(f"/campaigns/{mine.id}/people/children").status_code == 403


def test_finance_records_money_but_does_not_organise(client, auth, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.FINANCE)
    assert client.get("/campaigns/new").status_code == 403
    url = f"/campaigns/{mine.id}/money/gift"
    response = post_form(
        client,
        url,
        {
            "sponsor": "",
            "donor_name": "县妇联机关",
            "amount": "500",
            "received_on": "2026-03-01",
            "method": "bank",
        },
        token_from=url,
    )
    assert response.status_code == 302
    donation = db.session.scalar(sa.select(Donation))
    assert (donation.campaign_id, donation.amount_fen) == (mine.id, 50_000)


def test_a_town_user_may_not_grant_from_the_county_general_fund(client, auth, towns, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.FINANCE, scope=towns[0])
    assert client.get(f"/campaigns/{mine.id}/money/grant").status_code == 403


def test_a_clerk_opens_a_campaign_adds_children_and_sees_the_count(client, auth, towns):
    ours, _theirs = towns
    village = make_village(ours)
    orphan = make_child(village, hardships=[Hardship.ORPHAN])
    make_child(village, hardships=[Hardship.LEFT_BEHIND])
    db.session.commit()
    auth.as_role(Role.STAFF)
    response = post_form(
        client,
        "/campaigns/new",
        {
            "name": "六一慰问",
            "kind": "relief",
            "region": str(county().id),
            "starts_on": "2026-05-25",
            "ends_on": "",
            "description": "",
        },
        token_from="/campaigns/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = db.session.scalar(sa.select(Campaign))
    url = f"/campaigns/{campaign.id}/people/children"
    preview = client.get(f"{url}?hardship=orphan&town={ours.id}").get_data(as_text=True)
    assert orphan.name in preview and "符合条件的儿童 1 名" in preview
    data = {"hardship": "orphan", "town": str(ours.id), "min_age": "", "max_age": "", "status": ""}
    added = post_form(client, url, data, token_from=url, follow_redirects=True)
    assert "已添加 1 名儿童" in "".join(flashes(added.get_data(as_text=True), "success"))
    again = post_form(client, url, data, token_from=url, follow_redirects=True)
    assert "已在活动中的 1 名已跳过" in "".join(flashes(again.get_data(as_text=True), "success"))
    assert count(CampaignBeneficiary) == 1


def test_a_duplicate_name_is_explained_beside_the_field(client, auth, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.ADMIN)
    response = post_form(
        client,
        "/campaigns/new",
        {
            "name": mine.name,
            "kind": "relief",
            "region": str(mine.region_id),
            "starts_on": "2026-05-25",
        },
        token_from="/campaigns/new",
    )
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "name") == ["该地区已有同名活动。"]


def _upload(rows):
    workbook = Workbook()
    ws = workbook.active
    ws.append([h for h, _ in sheet.HEADERS])
    for row in rows:
        ws.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def test_adults_are_imported_after_a_preview(client, auth, towns, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.STAFF)
    url = f"/campaigns/{mine.id}/people/import"
    good = [
        "王秀英",
        id_number(date(1965, 3, 8)),
        "单亲特困母亲",
        "",
        "",
        "平海镇",
        "",
        "",
        "",
        "300",
    ]
    bad = ["林某", "123", "单亲特困母亲", "", "", "平海镇", "", "", "", ""]
    refused = post_form(
        client,
        url,
        {"file": (_upload([good, bad]), "people.xlsx")},
        token_from=url,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "第 3 行 · 身份证号" in refused.get_data(as_text=True)
    preview = post_form(
        client,
        url,
        {"file": (_upload([good]), "people.xlsx")},
        token_from=url,
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    token = preview.get_data(as_text=True).split('name="token" type="hidden" value="')[1][:32]
    token = token.split('"')[0]
    done = post_form(client, f"{url}/confirm", {"token": token}, token_from=url)
    assert done.status_code == 302
    assert count(CampaignBeneficiary, CampaignBeneficiary.campaign_id == mine.id) == 2


def test_the_template_downloads(client, auth, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.STAFF)
    response = client.get(f"/campaigns/{mine.id}/people/template.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")


def test_the_page_shows_the_paragraph_and_the_fund(client, auth, campaigns):
    mine, _other = campaigns
    person = person_of(mine)
    person.status, person.amount_fen = HandoutStatus.SIGNED, 200_000
    fund.record_gift(
        mine,
        amount_fen=300_000,
        received_on=date(2026, 3, 1),
        method=fund.DonationMethod.BANK,
        by=make_user(Role.FINANCE),
    )
    db.session.commit()
    auth.as_role(Role.VIEWER)
    page = client.get(f"/campaigns/{mine.id}").get_data(as_text=True)
    assert "发放慰问金2000元，慰问困难患病妇女等特殊群体1人" in page
    assert "¥3,000.00" in page or "3,000.00" in page


def test_a_drive_is_handed_on_through_the_form(client, auth):
    campaign = make_campaign("姐妹情深10元捐", kind=CampaignKind.DRIVE)
    fund.record_gift(
        campaign,
        amount_fen=7_916_100,
        received_on=date(2026, 3, 1),
        method=fund.DonationMethod.BANK,
        by=make_user(Role.FINANCE),
    )
    db.session.commit()
    auth.as_role(Role.FINANCE)
    url = f"/campaigns/{campaign.id}/money/hand-over"
    assert 'value="79161.00"' in client.get(url).get_data(as_text=True)
    response = post_form(
        client,
        url,
        {
            "receiving_body": "县慈善总会",
            "reference": "慈收01",
            "amount": "79161",
            "handed_on": "2026-03-31",
            "note": "",
        },
        token_from=url,
        follow_redirects=True,
    )
    assert "共募捐善款79161元，已全额上缴县慈善总会" in response.get_data(as_text=True)
    too_much = post_form(
        client,
        url,
        {"receiving_body": "县慈善总会", "amount": "1", "handed_on": "2026-03-31"},
        token_from=url,
    )
    assert too_much.status_code == 422
    assert "可用余额仅" in "".join(field_errors(too_much.get_data(as_text=True), "amount"))


def test_a_gift_batch_is_typed_all_or_nothing(client, auth, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.FINANCE)
    batch = gift_batches.open_gift_batch(mine, "十元捐", 2, 2_000, by=make_user(Role.FINANCE))
    db.session.commit()
    url = f"/campaigns/{mine.id}/money/batches/{batch.id}"
    form = {"received_on": "2026-03-08", "method": "cash"}
    bad = post_form(client, f"{url}/lines", {**form, "lines": "张三 10\n李四"}, token_from=url)
    assert bad.status_code == 422 and count(Donation) == 0
    ok = post_form(
        client, f"{url}/lines", {**form, "lines": "张三 10\n县妇联，10元"}, token_from=url
    )
    assert ok.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert [row[1] for row in table_rows(page)] == ["张三", "县妇联"]


def test_the_dashboard_shows_open_campaigns_in_the_users_area(client, auth, towns, campaigns):
    mine, other = campaigns
    fund.record_gift(
        mine,
        amount_fen=12_300,
        received_on=date(2026, 3, 1),
        method=fund.DonationMethod.CASH,
        by=make_user(Role.FINANCE),
    )
    db.session.commit()
    auth.as_role(Role.STAFF, scope=towns[0])
    page = client.get("/dashboard").get_data(as_text=True)
    rows = table_rows(page, "//section[@id='open-campaigns']//table")
    assert [(row[0], row[2], row[3]) for row in rows] == [(mine.name, "¥123.00", "1")]
    assert other.name not in page


def test_the_statistics_page_and_sheet_list_the_periods_campaigns(client, auth, campaigns):
    mine, _other = campaigns
    person = person_of(mine)
    person.status, person.amount_fen = HandoutStatus.PAID, 30_000
    db.session.commit()
    auth.as_role(Role.ADMIN)
    query = "?start=2026-01-01&end=2026-06-30"
    page = client.get(f"/reports/statistics{query}").get_data(as_text=True)
    assert "发放慰问金300元，慰问困难患病妇女等特殊群体1人" in page
    book = load_workbook(io.BytesIO(client.get(f"/reports/statistics.xlsx{query}").data))
    sheet = book["专项活动"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[mine.name][8] == 1
    assert rows[mine.name][11] == "发放慰问金300元，慰问困难患病妇女等特殊群体1人"


def test_town_finance_records_gifts_only_to_her_towns_campaigns(client, auth, towns, campaigns):
    mine, other = campaigns
    auth.as_role(Role.FINANCE, scope=towns[0])
    form = {
        "sponsor": "",
        "donor_name": "",
        "amount": "10",
        "received_on": "2026-03-01",
        "method": "cash",
    }
    url = f"/campaigns/{mine.id}/money/gift"
    assert post_form(client, url, form, token_from=url).status_code == 302
    assert client.get(f"/campaigns/{other.id}/money/gift").status_code == 404
    refused = post_form(client, f"/campaigns/{other.id}/money/gift", form, token_from=url)
    assert refused.status_code == 404
    assert [d.campaign_id for d in db.session.scalars(sa.select(Donation))] == [mine.id]


def test_a_mistaken_gift_is_reversed_from_its_page(client, auth, campaigns):
    mine, _other = campaigns
    gift = fund.record_gift(
        mine,
        amount_fen=5_000,
        received_on=date(2026, 3, 1),
        method=fund.DonationMethod.BANK,
        by=make_user(Role.FINANCE),
    )
    db.session.commit()
    auth.as_role(Role.FINANCE)
    url = f"/campaigns/{mine.id}/money/gifts/{gift.id}"
    response = post_form(client, url, {"reason": "重复录入"}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Donation, gift.id).reversed
    assert fund.held(mine) == 0


def test_the_donations_reversal_refuses_a_gift_already_handed_on(client, auth, campaigns):
    mine, _other = campaigns
    by = make_user(Role.FINANCE)
    gift = fund.record_gift(
        mine,
        amount_fen=5_000,
        received_on=date(2026, 3, 1),
        method=fund.DonationMethod.BANK,
        by=by,
    )
    fund.hand_over(
        mine, receiving_body="县慈善总会", amount_fen=5_000, handed_on=date(2026, 3, 2), by=by
    )
    db.session.commit()
    auth.as_role(Role.FINANCE)
    url = f"/donations/{gift.id}"
    response = post_form(client, f"{url}/reverse", {"reason": "录错"}, token_from=url)
    assert response.status_code == 422
    assert "不能冲正" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Donation, gift.id).reversed


def test_a_gift_sheet_is_imported_into_a_batch(client, auth, campaigns):
    mine, _other = campaigns
    batch = gift_batches.open_gift_batch(mine, "机关捐款", 2, 1_100, by=make_user(Role.FINANCE))
    db.session.commit()
    auth.as_role(Role.FINANCE)
    workbook = Workbook()
    workbook.active.append(["捐款人（单位或个人）", "金额（元）"])
    workbook.active.append(["县妇联", 10])
    workbook.active.append(["陈某", "1"])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    url = f"/campaigns/{mine.id}/money/batches/{batch.id}"
    response = post_form(
        client,
        f"{url}/import",
        {"file": (stream, "gifts.xlsx"), "received_on": "2026-03-08", "method": "bank"},
        token_from=url,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert sorted(d.amount_fen for d in db.session.scalars(sa.select(Donation))) == [100, 1_000]


def test_a_closed_campaign_takes_no_more_gifts(client, auth, campaigns):
    mine, _other = campaigns
    auth.as_role(Role.ADMIN)
    page = f"/campaigns/{mine.id}"
    assert post_form(client, f"{page}/close", token_from=page).status_code == 302
    url = f"/campaigns/{mine.id}/money/gift"
    response = post_form(
        client,
        url,
        {"sponsor": "", "amount": "10", "received_on": "2026-03-01", "method": "cash"},
        token_from=url,
    )
    assert response.status_code == 422
    assert count(Donation) == 0
