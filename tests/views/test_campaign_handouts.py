"""The handouts page of a campaign: roles, scope, the forms, the sign-for sheet download."""

import io
from datetime import date

import sqlalchemy as sa
from pypdf import PdfReader

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, CampaignBeneficiary, Payout, PayoutBatch
from sponsorship.models.enums import HandoutMethod, HandoutStatus, Role
from tests import factories
from tests.conftest import count, post_form
from tests.services.campaigns.handout_data import fund_campaign, make_adult, make_campaign
from tests.views.pages import flashes, table_rows


def url(campaign, tail=""):
    return f"/campaigns/{campaign.id}/handouts{tail}"


def reload(person):
    db.session.expire_all()
    return db.session.get(CampaignBeneficiary, person.id)


def test_viewers_read_the_page_and_change_nothing(client, auth):
    campaign = make_campaign()
    person = make_adult(campaign, amount_fen=30000)
    db.session.commit()
    auth.as_role(Role.VIEWER)
    page = client.get(url(campaign))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert person.name in text and person.id_number not in text
    assert 'name="ids"' not in text and "签领表" not in text
    response = post_form(
        client, url(campaign, "/amounts"), {"one": "100"}, token_from=url(campaign)
    )
    assert response.status_code == 403
    assert client.get(url(campaign, "/sign-sheet")).status_code == 403
    assert reload(person).amount_fen == 30000


def test_staff_set_amounts_print_the_sheet_and_record_signatures(client, auth):
    campaign = make_campaign(name="春节送温暖")
    people = [make_adult(campaign) for _ in range(3)]
    fund_campaign(campaign, 90000)
    db.session.commit()
    staff = auth.as_role(Role.STAFF)
    response = post_form(
        client, url(campaign, "/amounts"), {"mode": "one", "one": "300"}, token_from=url(campaign)
    )
    assert response.status_code == 302
    assert [reload(p).amount_fen for p in people] == [30000] * 3
    sheet = client.get(url(campaign, "/sign-sheet?on=2027-01-28"))
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = "".join(
        "".join(p.extract_text().replace("\x00", "").split())
        for p in PdfReader(io.BytesIO(sheet.data)).pages
    )
    assert "春节送温暖签领表" in text and "金额合计900.00元" in text
    assert all(p.id_number not in text for p in people)
    assert (
        db.session.scalar(
            sa.select(AuditEvent.user_id).where(AuditEvent.action == "campaign.sign_sheet_exported")
        )
        == staff.id
    )
    signed = post_form(
        client,
        url(campaign, "/signatures"),
        {"outcome": "signed", "signed_on": "2027-01-28", "ids": [people[0].id, people[1].id]},
        token_from=url(campaign),
        follow_redirects=True,
    )
    assert "2" in " ".join(flashes(signed.get_data(as_text=True), "success"))
    absent = post_form(
        client,
        url(campaign, "/signatures"),
        {"outcome": "not_signed", "reason": "住院", "ids": [people[2].id]},
        token_from=url(campaign),
    )
    assert absent.status_code == 302
    states = [reload(p).status for p in people]
    assert states == [HandoutStatus.SIGNED, HandoutStatus.SIGNED, HandoutStatus.NOT_SIGNED]
    again = post_form(
        client,
        url(campaign, "/signatures"),
        {"outcome": "signed", "signed_on": "2027-01-28", "ids": [people[0].id]},
        token_from=url(campaign),
        follow_redirects=True,
    )
    assert flashes(again.get_data(as_text=True), "error")
    undo = post_form(
        client,
        f"/campaigns/handouts/{people[0].id}/undo",
        {"reason": "签错"},
        token_from=url(campaign),
    )
    assert undo.status_code == 302 and reload(people[0]).status == HandoutStatus.PENDING
    rows = table_rows(
        client.get(url(campaign)).get_data(as_text=True), "//table[@id='handout-people']"
    )
    assert len(rows) == 3


def test_the_bank_batch_is_built_from_the_page_and_shown_with_payee_names(client, auth):
    campaign = make_campaign()
    people = [make_adult(campaign, bank=True, amount_fen=30000) for _ in range(2)]
    cash = make_adult(campaign, amount_fen=30000)
    db.session.commit()
    auth.as_role(Role.STAFF)
    response = post_form(client, url(campaign, "/bank-batch"), token_from=url(campaign))
    batch = db.session.scalar(sa.select(PayoutBatch))
    assert response.status_code == 302 and response.headers["Location"] == f"/payouts/{batch.id}"
    page = client.get(f"/payouts/{batch.id}").get_data(as_text=True)
    for person in people:
        assert person.name in page
    assert cash.name not in page and campaign.name in page
    viewed = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "campaign.beneficiaries_viewed")
    ).all()
    assert f"batch {batch.key} rows=2" in viewed
    assert campaign.name in client.get("/payouts/").get_data(as_text=True)
    assert count(Payout) == 2


def test_the_method_form_sets_the_ticked_people(client, auth):
    campaign = make_campaign()
    banked = make_adult(campaign, bank=True, method=HandoutMethod.CASH)
    plain = make_adult(campaign)
    db.session.commit()
    auth.as_role(Role.STAFF)
    post_form(
        client,
        url(campaign, "/method"),
        {"method": "bank", "ids": [banked.id, plain.id]},
        token_from=url(campaign),
    )
    assert reload(banked).method == HandoutMethod.CASH  # refused: one has no bank details
    post_form(client, url(campaign, "/method"), {"method": "auto"}, token_from=url(campaign))
    assert (reload(banked).method, reload(plain).method) == (HandoutMethod.BANK, HandoutMethod.CASH)


def test_a_town_user_gets_404_for_another_areas_campaign(client, auth):
    town = factories.make_town()
    county_campaign = make_campaign()
    person = make_adult(county_campaign, amount_fen=100)
    own = make_campaign(region=town)
    db.session.commit()
    auth.as_role(Role.STAFF, scope=town)
    assert client.get(url(county_campaign)).status_code == 404
    assert client.get(url(county_campaign, "/sign-sheet")).status_code == 404
    response = post_form(
        client,
        url(county_campaign, "/signatures"),
        {"outcome": "not_signed", "reason": "x", "ids": [person.id]},
        token_from=url(own),
    )
    assert response.status_code == 404
    assert reload(person).status == HandoutStatus.PENDING
    assert client.get(url(own)).status_code == 200


def test_gifts_in_kind_are_recorded_and_listed(client, auth):
    campaign = make_campaign()
    person = make_adult(campaign)
    db.session.commit()
    auth.as_role(Role.STAFF)
    response = post_form(
        client,
        f"/campaigns/{campaign.id}/gifts",
        {
            "description": "书包",
            "count": "78",
            "value": "3900",
            "given_on": "2027-06-01",
            "beneficiary": "",
        },
        token_from=url(campaign),
    )
    assert response.status_code == 302
    post_form(
        client,
        f"/campaigns/{campaign.id}/gifts",
        {
            "description": "大米",
            "count": "1",
            "value": "50",
            "given_on": "2027-06-01",
            "beneficiary": str(person.id),
        },
        token_from=url(campaign),
    )
    rows = table_rows(
        client.get(url(campaign)).get_data(as_text=True), "//table[@id='campaign-gifts']"
    )
    # Newest first; the same day by the order recorded, the last first.
    assert [r[1:4] for r in rows] == [["大米", "1", "¥50.00"], ["书包", "78", "¥3,900.00"]]


def test_looking_at_the_list_is_audited(client, auth):
    campaign = make_campaign()
    make_adult(campaign)
    db.session.commit()
    viewer = auth.as_role(Role.VIEWER)
    assert client.get(url(campaign)).status_code == 200
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "campaign.beneficiaries_viewed")
    )
    assert event.user_id == viewer.id and event.detail == "handouts rows=1"


def test_a_campaign_payout_is_left_out_from_the_batch_page_within_the_area(client, auth):
    from sponsorship.services.campaigns.handouts_bank import build_bank_batch

    town, other = factories.make_town(), factories.make_town()
    campaign = make_campaign(region=town)
    person = make_adult(campaign, bank=True, amount_fen=100, region=factories.make_village(town))
    batch = build_bank_batch(campaign)
    payout = db.session.scalar(sa.select(Payout).where(Payout.batch_id == batch.id))
    db.session.commit()
    auth.as_role(Role.STAFF, scope=other)
    batch_url = f"/payouts/{batch.id}"
    outside = post_form(
        client, f"/payouts/payout/{payout.id}/exclude", {"reason": "重复"}, token_from="/payouts/"
    )
    assert outside.status_code == 404 and reload(person).status == HandoutStatus.IN_BATCH
    auth.logout()
    auth.as_role(Role.STAFF, scope=town)
    page = client.get(batch_url).get_data(as_text=True)
    assert person.name in page and "专项活动发放" in page
    response = post_form(
        client, f"/payouts/payout/{payout.id}/exclude", {"reason": "已领现金"}, token_from=batch_url
    )
    assert response.status_code == 302 and reload(person).status == HandoutStatus.PENDING


def test_the_campaign_page_shows_the_handouts_panel_with_the_gifts_in_kind(client, auth):
    from sponsorship.services.campaigns.gifts_in_kind import record_gift

    campaign = make_campaign()
    make_adult(campaign, amount_fen=30000)
    record_gift(
        campaign,
        description="慰问大礼包",
        count=55,
        value_fen=55 * 8000,
        given_on=date(2027, 1, 28),
    )
    db.session.commit()
    auth.as_role(Role.VIEWER)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    rows = table_rows(page, "//section[@id='handouts-panel']//table[@id='campaign-gifts']")
    assert [r[1:4] for r in rows] == [["慰问大礼包", "55", "¥4,400.00"]]
    assert f"/campaigns/{campaign.id}/handouts" in page
