"""Statement screens: totals, per caring parent, per child, overdue; who sees what."""

from datetime import date

import lxml.html

from sponsorship.extensions import db
from sponsorship.models.enums import PaymentFrequency, RegionLevel, Role
from sponsorship.services.money import ledger, pledges
from tests.conftest import post_form
from tests.factories import make_child, make_donation, make_pledge, make_region, make_sponsor
from tests.views.pages import flashes, table_rows


def test_programme_totals_reconcile_on_screen(client, auth):
    pledge = make_pledge()
    make_donation(pledge.pairing.sponsor, 123_450)
    make_donation(None, 10_000)
    auth.as_role(Role.VIEWER)
    page = client.get("/statements/").get_data(as_text=True)
    assert "¥1,334.50" in page and "¥1,000.00" in page and "¥234.50" in page
    assert pledge.pairing.child.name in page


def test_sponsor_statement_by_school_year_is_printable(client, auth):
    pledge = make_pledge(frequency=PaymentFrequency.SEMESTER, amount_fen=100_000)
    make_donation(pledge.pairing.sponsor, 60_000)
    auth.as_role(Role.FINANCE)
    response = client.get(f"/statements/sponsors/{pledge.pairing.sponsor_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "¥1,000.00" in page and "¥600.00" in page and "¥400.00" in page
    assert "data-print" in page


def test_sponsors_see_only_their_own_statement(client, auth):
    user = auth.as_role(Role.SPONSOR)
    mine = make_sponsor(user=user)
    other = make_sponsor()
    make_donation(mine, 7_700)
    make_donation(other, 9_900)
    db.session.commit()
    page = client.get("/my/statement").get_data(as_text=True)
    assert mine.name in page and "¥77.00" in page and "¥99.00" not in page
    assert client.get(f"/statements/sponsors/{other.id}").status_code == 403
    assert client.get("/statements/").status_code == 403


def test_staff_outside_the_scope_get_404(client, auth):
    mine, theirs = make_region("甲镇"), make_region("乙镇")
    child = make_child(region=make_region(level=RegionLevel.VILLAGE, parent=theirs))
    sponsor = make_sponsor(region=theirs)
    auth.as_role(Role.STAFF, scope=mine)
    assert client.get(f"/statements/children/{child.id}").status_code == 404
    assert client.get(f"/statements/sponsors/{sponsor.id}").status_code == 404


def test_child_statement_and_overdue_list(client, auth):
    pledge = make_pledge(frequency=PaymentFrequency.MONTHLY, amount_fen=120_000)
    make_donation(pledge.pairing.sponsor, 15_000)
    pledges.mark_overdue(date(2026, 11, 1))  # October's instalment: 15 Oct + 15 days passed
    auth.as_role(Role.STAFF)
    child_page = client.get(f"/statements/children/{pledge.pairing.child_id}").get_data(
        as_text=True
    )
    assert "¥150.00" in child_page
    overdue = client.get("/statements/overdue").get_data(as_text=True)
    assert pledge.pairing.sponsor.name in overdue and "2026-10-15" in overdue
    assert "¥50.00" in overdue  # 100 due, 50 paid of October's
    sponsor, child = pledge.pairing.sponsor, pledge.pairing.child
    # One row, October's, with what is still owed on it: September's is paid, November's not due.
    assert table_rows(overdue) == [
        [sponsor.name, sponsor.mobile, child.name, "2026-10-15", "¥50.00"]
    ]


def test_empty_overdue_list_says_what_it_shows(client, auth):
    auth.as_role(Role.STAFF)
    pledge = make_pledge(frequency=PaymentFrequency.MONTHLY)
    pledges.mark_overdue(date(2026, 9, 30))  # September's instalment is due 15 Sep: still in grace
    page = client.get("/statements/overdue").get_data(as_text=True)
    assert "宽限" in page or "grace" in page
    assert table_rows(page) == [] and pledge.pairing.sponsor.name not in page
    empty = lxml.html.fromstring(page).xpath("//p[@class='empty']")
    assert [" ".join(p.text_content().split()) for p in empty] == [
        "没有逾期款项。超过缴款日期和宽限天数仍未缴的款项会列在这里。"
    ]


def test_nav_shows_money_entries_by_role(client, auth):
    auth.as_role(Role.FINANCE)
    page = client.get("/statements/").get_data(as_text=True)
    assert "/donations/" in page and "/statements/overdue" in page
    auth.logout()
    auth.as_role(Role.STAFF)
    page = client.get("/statements/").get_data(as_text=True)
    assert "/donations/" not in page and "/statements/overdue" in page


def test_finance_refunds_credit_from_the_statement(client, auth):
    sponsor = make_sponsor()
    make_donation(sponsor, 20_000)
    auth.as_role(Role.FINANCE)
    url = f"/statements/sponsors/{sponsor.id}"
    response = post_form(
        client,
        f"/donations/refunds/{sponsor.id}",
        {"amount": "50", "reason": "多缴退回"},
        token_from=url,
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    assert ledger.sponsor_credit(sponsor.id) == 15_000
    too_much = post_form(
        client,
        f"/donations/refunds/{sponsor.id}",
        {"amount": "151", "reason": "x"},
        token_from=url,
        follow_redirects=True,
    )
    assert "预存款余额" in too_much.get_data(as_text=True)
    assert flashes(too_much.get_data(as_text=True), "error") == [
        "退款不能超过这位爱心父母的预存款余额。"
    ]
    assert ledger.sponsor_credit(sponsor.id) == 15_000


def test_staff_cannot_refund(client, auth):
    sponsor = make_sponsor()
    make_donation(sponsor, 20_000)
    auth.as_role(Role.STAFF)
    assert "/donations/refunds/" not in client.get(f"/statements/sponsors/{sponsor.id}").get_data(
        as_text=True
    )
    response = post_form(
        client,
        f"/donations/refunds/{sponsor.id}",
        {"amount": "50", "reason": "x"},
        token_from="/statements/",
    )
    assert response.status_code == 403
    assert ledger.sponsor_credit(sponsor.id) == 20_000
