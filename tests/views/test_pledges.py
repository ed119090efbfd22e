"""Changing a pledge's amount on screen: who may, what it changes, and what it refuses."""

import pytest

from sponsorship.extensions import db
from sponsorship.models.enums import PaymentFrequency, RegionLevel, Role
from tests.conftest import post_form
from tests.factories import make_child, make_donation, make_pairing, make_pledge, make_region
from tests.views.pages import field_errors


def test_staff_change_a_pledge_from_the_next_unpaid_instalment(client, auth):
    pledge = make_pledge(frequency=PaymentFrequency.SEMESTER, amount_fen=100_000)
    make_donation(pledge.pairing.sponsor, 50_000)
    auth.as_role(Role.STAFF)
    url = f"/pledges/{pledge.id}/amount"
    assert "修改" in client.get(f"/statements/sponsors/{pledge.pairing.sponsor_id}").get_data(
        as_text=True
    )
    response = post_form(client, url, {"amount": "1,600", "reason": "家庭困难加重"}, token_from=url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/statements/sponsors/{pledge.pairing.sponsor_id}"
    db.session.expire_all()  # the request used its own session: read what it stored
    assert pledge.amount_fen == 160_000
    assert [i.amount_fen for i in pledge.instalments] == [50_000, 80_000]
    assert pledge.changes[0].reason == "家庭困难加重"
    assert "¥1,000.00" in client.get(url).get_data(as_text=True)  # the history shows the old amount


def test_an_amount_below_the_standard_is_refused_beside_the_field(client, auth):
    pledge = make_pledge()
    auth.as_role(Role.ADMIN)
    url = f"/pledges/{pledge.id}/amount"
    response = post_form(client, url, {"amount": "500", "reason": "x"}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="error"' in page and 'value="500"' in page
    assert field_errors(page, "amount") == ["认捐金额不能低于该组儿童的标准金额。"]
    db.session.expire_all()  # the request used its own session: read what it stored
    assert pledge.amount_fen == 100_000 and pledge.changes == []


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER, Role.SPONSOR])
def test_other_roles_cannot_change_pledges(client, auth, role):
    pledge = make_pledge()
    auth.as_role(role)
    url = f"/pledges/{pledge.id}/amount"
    assert client.get(url).status_code == 403
    response = post_form(client, url, {"amount": "2,000", "reason": "x"}, token_from="/login")
    assert response.status_code == 403
    db.session.expire_all()
    assert pledge.amount_fen == 100_000 and pledge.changes == []


def test_staff_outside_the_childs_town_get_404(client, auth):
    mine, theirs = make_region("甲镇"), make_region("乙镇")
    child = make_child(region=make_region(level=RegionLevel.VILLAGE, parent=theirs))
    pledge = make_pledge(make_pairing(child=child))
    auth.as_role(Role.STAFF, scope=mine)
    url = f"/pledges/{pledge.id}/amount"
    assert client.get(url).status_code == 404
    response = post_form(client, url, {"amount": "2,000", "reason": "x"}, token_from="/dashboard")
    assert response.status_code == 404
    db.session.expire_all()
    assert pledge.amount_fen == 100_000 and pledge.changes == []
