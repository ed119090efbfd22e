"""Donation screens: who may record and reverse, amounts as people type them, batches, CSV."""

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Donation, DonationBatch
from sponsorship.models.enums import Role
from sponsorship.services.money import ledger, ledger_check
from tests.conftest import count, post_form
from tests.factories import make_donation, make_pledge, make_sponsor
from tests.views.pages import all_field_errors, field_errors

NOW = datetime(2026, 11, 29, 2, tzinfo=UTC)


def donation_form(sponsor, amount: str, **extra) -> dict:
    data = {
        "sponsor": str(sponsor.id) if sponsor else "",
        "amount": amount,
        "received_on": "2026-11-28",
        "method": "bank",
        "remainder_to": "credit",
        "bank_reference": "ICBC-0001",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER, Role.SPONSOR])
def test_only_finance_and_admin_may_record_or_reverse(client, auth, role):
    donation = make_donation(make_sponsor(), 1_000)
    auth.as_role(role)
    assert client.get("/donations/new").status_code == 403
    response = post_form(client, "/donations/new", donation_form(None, "10"))
    assert response.status_code == 403
    response = post_form(client, f"/donations/{donation.id}/reverse", {"reason": "x"})
    assert response.status_code == 403
    db.session.expire_all()  # the request used its own session: read what it stored
    assert count(Donation) == 1 and not donation.reversed
    assert ledger.sponsor_credit(donation.sponsor_id) == 1_000


@pytest.mark.parametrize(
    "typed,fen", [("1234.5", 123_450), ("1,234.50", 123_450), ("１２３４", 123_400)]
)
@pytest.mark.parametrize("role", [Role.FINANCE, Role.ADMIN])
def test_finance_and_admin_record_amounts_as_people_type_them(
    client, auth, frozen, role, typed, fen
):
    frozen(NOW)
    sponsor = make_sponsor()
    auth.as_role(role)
    response = post_form(
        client, "/donations/new", donation_form(sponsor, typed), token_from="/donations/new"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    donation = db.session.scalar(sa.select(Donation).where(Donation.sponsor_id == sponsor.id))
    assert response.headers["Location"] == f"/donations/{donation.id}"
    assert donation.amount_fen == fen and donation.receipt_no.startswith("HD-2026-")
    assert ledger.sponsor_credit(sponsor.id) == fen


@pytest.mark.parametrize("typed", ["12.345", "abc", "1,23", "-5", ""])
def test_bad_amounts_get_a_message_beside_the_field_and_keep_the_input(client, auth, frozen, typed):
    frozen(NOW)
    sponsor = make_sponsor()
    auth.as_role(Role.FINANCE)
    response = post_form(
        client,
        "/donations/new",
        donation_form(sponsor, typed, campaign="六一"),
        token_from="/donations/new",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error"' in page and 'value="六一"' in page
    assert len(field_errors(page, "amount")) == 1  # beside the amount, and only there
    assert all_field_errors(page) == field_errors(page, "amount")
    assert count(Donation) == 0


def test_reversal_needs_a_reason_and_restores_the_instalment(client, auth, frozen):
    frozen(NOW)
    pledge = make_pledge()
    donation = make_donation(pledge.pairing.sponsor, 100_000)
    auth.as_role(Role.FINANCE)
    url = f"/donations/{donation.id}"
    response = post_form(client, f"{url}/reverse", {"reason": ""}, token_from=url)
    assert response.status_code == 422 and not donation.reversed
    assert len(field_errors(response.get_data(as_text=True), "reason")) == 1
    db.session.expire_all()  # the request used its own session: read what it stored
    assert not donation.reversed and pledge.instalments[0].paid_fen == 100_000
    response = post_form(client, f"{url}/reverse", {"reason": "银行退票"}, token_from=url)
    assert response.status_code == 302 and response.headers["Location"] == url
    db.session.expire_all()
    assert donation.reversed and donation.reversal_reason == "银行退票"
    assert pledge.instalments[0].paid_fen == 0
    assert ledger_check.verify() == []


def test_batch_entry_flags_a_mismatch_on_closing(client, auth, frozen):
    frozen(NOW)
    sponsor = make_sponsor()
    auth.as_role(Role.FINANCE)
    response = post_form(
        client,
        "/donations/batches",
        {"title": "工行11月", "expected_count": "2", "expected_total": "300"},
        token_from="/donations/batches",
    )
    batch = db.session.scalar(sa.select(DonationBatch))
    assert response.headers["Location"].endswith(f"/donations/batches/{batch.id}")
    entry = f"/donations/new?batch={batch.id}"
    post_form(client, entry, donation_form(sponsor, "100"), token_from=entry)
    post_form(client, entry, donation_form(sponsor, "150"), token_from=entry)
    page = client.get(f"/donations/batches/{batch.id}").get_data(as_text=True)
    assert "¥250.00" in page
    assert sorted(d.amount_fen for d in db.session.scalars(sa.select(Donation))) == [10_000, 15_000]
    assert {d.batch_id for d in db.session.scalars(sa.select(Donation))} == {batch.id}
    response = post_form(
        client,
        f"/donations/batches/{batch.id}/close",
        token_from=f"/donations/batches/{batch.id}",
        follow_redirects=True,
    )
    db.session.expire_all()
    assert batch.mismatch and "-¥50.00" in response.get_data(as_text=True)


def test_csv_import_matches_payers_and_is_all_or_nothing(client, auth, frozen):
    frozen(NOW)
    sponsor = make_sponsor(mobile="13912345678")
    auth.as_role(Role.FINANCE)
    post_form(
        client,
        "/donations/batches",
        {"title": "工行", "expected_count": "2", "expected_total": "1,500"},
        token_from="/donations/batches",
    )
    batch = db.session.scalar(sa.select(DonationBatch))
    url = f"/donations/batches/{batch.id}"

    def upload(text: str):
        data = {"file": (io.BytesIO(text.encode("utf-8")), "statement.csv")}
        return post_form(
            client, f"{url}/import", data, token_from=url, content_type="multipart/form-data"
        )

    bad = upload(
        "日期,金额,付款人,手机号\n2026-11-20,1000,张三,13912345678\n2026-11-21,12.345,李四,\n"
    )
    assert bad.status_code == 422 and "第3行" in bad.get_data(as_text=True)
    assert count(Donation) == 0
    good = upload(
        "日期,金额,流水号,付款人,手机号\n2026-11-20,1000,A1,张三,13912345678\n2026/11/21,500,A2,李四,\n"
    )
    assert good.status_code == 302 and good.headers["Location"] == url
    donations = db.session.scalars(sa.select(Donation).order_by(Donation.id)).all()
    assert [(d.sponsor_id, d.amount_fen) for d in donations] == [
        (sponsor.id, 100_000),
        (None, 50_000),
    ]
    post_form(client, f"{url}/close", token_from=url)
    db.session.expire_all()
    assert not batch.mismatch
