"""Town finance records, reverses and refunds donations only within the town.

A donation is recorded only for a caring parent of the user's town whose funds all lie in it; a
donation or a caring parent of another town is not there (404, audited); bank statements are the
county's.
"""

from datetime import date

import lxml.html
import pytest

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Donation
from sponsorship.models.enums import DonationMethod, Role, SponsorStatus
from sponsorship.services.campaigns import fund
from sponsorship.services.money import ledger
from tests.conftest import count, post_form
from tests.factories import (
    make_child,
    make_donation,
    make_pairing,
    make_pledge,
    make_sponsor,
    make_user,
    make_village,
)
from tests.services.campaigns.helpers import make_campaign


def donation_form(sponsor, **extra) -> dict:
    data = {
        "sponsor": str(sponsor.id) if sponsor else "",
        "amount": "100",
        "received_on": "2026-09-02",
        "method": "bank",
        "remainder_to": "credit",
    }
    return data | extra


@pytest.fixture
def parents(towns):
    ours, theirs = towns
    return make_sponsor(region=make_village(ours)), make_sponsor(region=make_village(theirs))


def test_town_finance_records_only_within_the_town(client, auth, frozen, towns, parents):
    ours, theirs = parents
    straddling = make_sponsor(region=make_village(towns[0]))
    make_pledge(make_pairing(sponsor=straddling, child=make_child(region=make_village(towns[1]))))
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=towns[0])
    form = client.get("/donations/new").get_data(as_text=True)
    assert ours.name in form and theirs.name not in form
    for data in (
        donation_form(theirs),
        donation_form(None),
        donation_form(ours, remainder_to="general"),
        donation_form(straddling),
    ):
        response = post_form(client, "/donations/new", data, token_from="/donations/new")
        assert response.status_code == 200, data
    assert count(Donation) == 0
    response = post_form(client, "/donations/new", donation_form(ours), token_from="/donations/new")
    assert response.status_code == 302 and count(Donation) == 1


def sponsor_options(client, url: str) -> list[str]:
    page = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    return [option.text_content() for option in page.xpath("//select[@name='sponsor']/option")]


def test_a_campaign_gift_offers_the_caring_parents_a_donation_does(client, auth, towns, parents):
    ours, _theirs = parents
    make_sponsor(region=make_village(towns[0]), status=SponsorStatus.PENDING)
    campaign = make_campaign(region=towns[0])
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=towns[0])
    donation = sponsor_options(client, "/donations/new")
    gift = sponsor_options(client, f"/campaigns/{campaign.id}/money/gift")
    # Approved parents of the user's town only, named with their mobile's last four digits.
    assert donation[1:] == gift[1:] == [f"{ours.name} ({ours.mobile[-4:]})"]


def test_town_finance_reverses_and_refunds_only_within_the_town(client, auth, towns, parents):
    ours, theirs = parents
    mine, other = make_donation(ours, 5_000), make_donation(theirs, 5_000)
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=towns[0])
    listed = client.get("/donations/").get_data(as_text=True)
    assert mine.receipt_no in listed and other.receipt_no not in listed
    assert client.get(f"/donations/{other.id}").status_code == 404
    url = f"/donations/{other.id}/reverse"
    assert post_form(client, url, {"reason": "错账"}, token_from="/donations/").status_code == 404
    refund = {"amount": "10", "reason": "退款"}
    post_form(client, f"/donations/refunds/{theirs.id}", refund, token_from="/donations/")
    db.session.expire_all()
    assert not db.session.get(Donation, other.id).reversed
    assert ledger.sponsor_credit(theirs.id) == 5_000
    url = f"/donations/{mine.id}/reverse"
    assert post_form(client, url, {"reason": "错账"}, token_from="/donations/").status_code == 302
    db.session.expire_all()
    assert db.session.get(Donation, mine.id).reversed


def test_bank_statements_are_for_the_whole_county(client, auth, towns):
    auth.as_role(Role.FINANCE, scope=towns[0])
    assert client.get("/donations/batches").status_code == 403
    data = {"title": "十月对账单", "expected_count": "1", "expected_total": "100"}
    response = post_form(client, "/donations/batches", data, token_from="/donations/")
    assert response.status_code == 403


def test_a_donation_that_filled_another_towns_fund_is_not_the_towns_to_reverse(client, auth, towns):
    ours = make_sponsor(region=make_village(towns[0]))
    make_pledge(make_pairing(sponsor=ours, child=make_child(region=make_village(towns[1]))))
    donation = make_donation(ours, 100_000)
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=towns[0])
    assert client.get(f"/donations/{donation.id}").status_code == 200  # their caring parent
    url = f"/donations/{donation.id}/reverse"
    response = post_form(client, url, {"reason": "错账"}, token_from="/donations/")
    assert response.status_code == 422 and "整个县" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Donation, donation.id).reversed


def test_another_towns_donation_or_caring_parent_answers_an_audited_404(
    client, auth, towns, parents
):
    """Out of the town's area, a donation or a caring parent's credit is not there: 404, and
    the attempt is on the audit log, as for any other record of another town."""
    _, theirs = parents
    donation = make_donation(theirs, 5_000)
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=towns[0])
    denied = count(AuditEvent, AuditEvent.action == "access.denied")
    refund = {"amount": "10", "reason": "退款"}
    for url, data in (
        (f"/donations/{donation.id}", None),
        (f"/donations/{donation.id}/reverse", {"reason": "错账"}),
        (f"/donations/refunds/{theirs.id}", refund),
    ):
        response = client.get(url) if data is None else post_form(client, url, data)
        assert response.status_code == 404, url
    assert count(AuditEvent, AuditEvent.action == "access.denied") == denied + 3
    db.session.expire_all()
    assert not db.session.get(Donation, donation.id).reversed
    assert ledger.sponsor_credit(theirs.id) == 5_000


def test_another_towns_caring_parents_gift_answers_an_audited_404(client, auth, towns, parents):
    _, theirs = parents
    campaign = make_campaign(region=towns[0])  # our town's, given to by their caring parent
    gift = fund.record_gift(
        campaign,
        amount_fen=20_000,
        received_on=date(2026, 1, 20),
        method=DonationMethod.CASH,
        by=make_user(Role.FINANCE),
        sponsor=theirs,
    )
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=towns[0])
    denied = count(AuditEvent, AuditEvent.action == "access.denied")
    url = f"/campaigns/{campaign.id}/money/gifts/{gift.id}"
    page = client.get(url)
    assert page.status_code == 404 and theirs.name not in page.get_data(as_text=True)
    response = post_form(client, url, {"reason": "错账"}, token_from="/donations/")
    assert response.status_code == 404
    assert count(AuditEvent, AuditEvent.action == "access.denied") == denied + 2
    db.session.expire_all()
    assert not db.session.get(Donation, gift.id).reversed
