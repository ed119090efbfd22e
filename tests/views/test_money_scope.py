"""Finance and town staff scoped to one town act only on what lies wholly within it.

A county batch seen by a town's user: they see their town's payouts and totals, adjust their own
payouts, but cannot submit, send back, approve, cancel, export, or pay it. A batch wholly in their
town is theirs to take through. (Donations: test_donation_scope.py.)
"""

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs import payouts as payouts_job
from sponsorship.models import AuditEvent, Child, Payout, PayoutBatch
from sponsorship.models.enums import (
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    Role,
)
from sponsorship.models.payout import payment_reference
from sponsorship.services.payouts import bank_file, review
from sponsorship.services.payouts.build import build_batch, open_adhoc_batch
from sponsorship.work.job_runs import Outcome, run_job
from tests.conftest import count, post_form
from tests.factories import (
    county,
    fund_general,
    make_paid_pairing,
    make_user,
    make_village,
)
from tests.views.pages import field_errors, flashes, table_rows


@pytest.fixture
def county_batch(towns):
    """A September batch paying one child in each town, built and submitted by county staff."""
    ours, theirs = towns
    make_paid_pairing(region=make_village(ours), name="本镇童")
    make_paid_pairing(region=make_village(theirs), name="外镇童")
    batch = build_batch("2026-09", date(2026, 9, 1), by=make_user(Role.STAFF, scope=county()))
    db.session.commit()
    return batch


def status_of(batch) -> PayoutBatchStatus:
    db.session.expire_all()
    return db.session.get(PayoutBatch, batch.id).status


def refused(client, url: str, data: dict | None = None, **kw) -> list[str]:
    response = post_form(client, url, data or {}, token_from="/payouts/", **kw)
    assert response.status_code == 302
    return flashes(client.get(response.headers["Location"]).get_data(as_text=True), "error")


def test_town_staff_cannot_submit_or_cancel_a_county_batch(client, auth, towns, county_batch):
    auth.as_role(Role.STAFF, scope=towns[0])
    url = f"/payouts/{county_batch.id}"
    [message] = refused(client, f"{url}/submit")
    assert "整个县" in message
    refused(client, f"{url}/cancel", {"reason": "不想发了"})
    assert status_of(county_batch) == PayoutBatchStatus.DRAFT
    assert count(AuditEvent, AuditEvent.action == "batch.out_of_scope") == 2
    assert count(AuditEvent, AuditEvent.action.in_(["batch.submitted", "batch.cancelled"])) == 0


def test_town_staff_cannot_build_the_county_batch(client, auth, towns):
    make_paid_pairing(region=make_village(towns[1]))
    db.session.commit()
    auth.as_role(Role.STAFF, scope=towns[0])
    response = post_form(
        client, "/payouts/", {"key": "2026-09", "cutoff_on": "2026-09-01"}, token_from="/payouts/"
    )
    [error] = field_errors(response.get_data(as_text=True), "key")
    assert "九月批次面向整个县发放" in error
    assert count(PayoutBatch) == 0 and count(Payout) == 0


def test_town_finance_cannot_approve_export_or_pay_a_county_batch(
    client, auth, towns, county_batch
):
    review.submit(county_batch, by=make_user(Role.STAFF))
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=towns[0])
    url = f"/payouts/{county_batch.id}"
    refused(client, f"{url}/approve")
    refused(client, f"{url}/return")
    assert status_of(county_batch) == PayoutBatchStatus.SUBMITTED
    review.approve(county_batch, by=make_user(Role.FINANCE))
    db.session.commit()
    response = post_form(client, f"{url}/export", {"fmt": "csv"}, token_from=url)
    assert response.status_code == 302 and response.mimetype != "text/csv"
    assert status_of(county_batch) == PayoutBatchStatus.APPROVED
    bank_file.export(county_batch, "csv", by=make_user(Role.FINANCE))
    db.session.commit()
    refused(client, f"{url}/pay", {"paid_on": "2026-09-10"})
    theirs = db.session.scalar(sa.select(Payout).where(Payout.town_id == towns[1].id))
    result = f"参考号,结果\n{payment_reference(county_batch.key, theirs.id)},成功\n"
    refused(
        client,
        f"{url}/result",
        {"file": (io.BytesIO(result.encode()), "result.csv"), "paid_on": "2026-09-10"},
        content_type="multipart/form-data",
    )
    fail = post_form(client, f"/payouts/payout/{theirs.id}/fail", {"reason": "x"}, token_from=url)
    assert fail.status_code == 404
    db.session.expire_all()
    assert count(Payout, Payout.status == PayoutStatus.PAID) == 0
    assert count(Payout, Payout.status == PayoutStatus.FAILED) == 0


def test_a_town_user_sees_only_the_towns_rows_and_totals(client, auth, towns, county_batch):
    auth.as_role(Role.STAFF, scope=towns[0])
    page = client.get(f"/payouts/{county_batch.id}").get_data(as_text=True)
    assert "本镇童" in page and "外镇童" not in page
    assert [r[0] for r in table_rows(page, "//section[h2='按镇街']/table")] == ["平山街道"]
    assert [r[1] for r in table_rows(page, "//section[h2='按类别']/table")] == ["1"]
    assert "其他镇" in page  # says why the batch-level steps are not offered
    assert f'action="/payouts/{county_batch.id}/submit"' not in page


def test_a_batch_wholly_in_the_town_is_the_towns_to_take_through(client, auth, towns):
    ours, theirs = towns
    mine = make_paid_pairing(region=make_village(ours), name="本镇童")
    make_paid_pairing(region=make_village(theirs))
    staff = make_user(Role.STAFF, scope=ours)
    batch = open_adhoc_batch("2026-09-补发", cutoff=date(2026, 9, 1), note="", by=staff)
    review.add_child(batch, mine.child, by=staff)
    review.submit(batch, by=staff)
    db.session.commit()
    auth.as_role(Role.FINANCE, scope=ours)
    url = f"/payouts/{batch.id}"
    post_form(client, f"{url}/approve", token_from=url)
    assert status_of(batch) == PayoutBatchStatus.APPROVED
    response = post_form(client, f"{url}/export", {"fmt": "csv"}, token_from=url)
    assert response.mimetype == "text/csv"
    assert len(response.get_data(as_text=True).strip().splitlines()) == 2  # header + our child


def test_the_bank_file_holds_only_the_users_rows(towns, county_batch):
    review.submit(county_batch, by=make_user(Role.STAFF))
    review.approve(county_batch, by=make_user(Role.FINANCE))
    town_finance = make_user(Role.FINANCE, scope=towns[0])
    rows = bank_file.payment_rows(county_batch, town_finance)
    assert [r[1] for r in rows] and len(rows) == 1
    assert len(bank_file.payment_rows(county_batch, make_user(Role.FINANCE))) == 2


def test_town_staff_cannot_cover_a_shortfall_from_the_county_general_fund(client, auth, towns):
    """The general fund is the county's: a town's staff keep a short payout held or leave it out."""
    short = make_paid_pairing(20_000, region=make_village(towns[0]), name="本镇童")  # ¥800 short
    fund_general(10_000_000)
    batch = build_batch("2026-09", date(2026, 9, 1))
    db.session.commit()
    payout = db.session.scalar(sa.select(Payout).where(Payout.child_id == short.child_id))
    assert payout.decision == PayoutDecision.HELD and payout.shortfall_fen == 80_000
    auth.as_role(Role.STAFF, scope=towns[0])
    url = f"/payouts/{batch.id}"
    assert 'name="general_fund"' not in client.get(url).get_data(as_text=True)
    # Include as the page offers it (no box to tick): told why, not to tick the general fund.
    plain = post_form(
        client, f"/payouts/payout/{payout.id}/include", token_from=url, follow_redirects=True
    )
    [refusal] = flashes(plain.get_data(as_text=True), "error")
    assert "整个县" in refusal
    one = post_form(
        client,
        f"/payouts/payout/{payout.id}/include",
        {"general_fund": "y"},
        token_from=url,
        follow_redirects=True,
    )
    [refusal] = flashes(one.get_data(as_text=True), "error")
    assert "统筹资金" in refusal and "整个县" in refusal
    many = post_form(
        client,
        f"{url}/decide",
        {"action": "include", "general_fund": "y", "everything": "y"},
        token_from=url,
        follow_redirects=True,
    )
    assert "统筹资金" in " ".join(flashes(many.get_data(as_text=True), "success"))
    db.session.expire_all()
    payout = db.session.get(Payout, payout.id)
    assert (payout.decision, payout.general_fund_cover) == (PayoutDecision.HELD, False)
    assert count(AuditEvent, AuditEvent.action == "payout.included") == 0


def test_a_towns_adhoc_batch_cannot_take_the_september_batchs_key(client, auth, frozen, towns):
    """The September job builds the county's batch unless one holds its key: a town's ad-hoc
    batch under that key would have the county's children go unpaid, without a word."""
    make_paid_pairing(region=make_village(towns[1]))
    db.session.commit()
    auth.as_role(Role.STAFF, scope=towns[0])
    adhoc = {"key": "2026-09", "cutoff_on": "2026-09-01", "adhoc": "y"}
    response = post_form(client, "/payouts/", adhoc, token_from="/payouts/")
    [error] = field_errors(response.get_data(as_text=True), "key")
    assert "九月批次" in error and "2026-09-补发" in error
    assert count(PayoutBatch) == 0
    frozen(datetime(2026, 9, 1, 0, 0, tzinfo=UTC))  # 08:00 in Shanghai
    assert run_job(payouts_job.SPEC) == Outcome.SUCCEEDED
    [batch] = db.session.scalars(sa.select(PayoutBatch)).all()
    assert (batch.key, batch.periodic, count(Payout)) == ("2026-09", True, 1)


def test_a_payout_stays_its_towns_when_the_child_moves_away(client, auth, towns, county_batch):
    """A payout is the town's it was proposed in, as its rows, totals and bank file say: after
    the child moves, the new town does not act on it; the town that lists it does."""
    ours, theirs = towns
    payout = db.session.scalar(sa.select(Payout).where(Payout.town_id == theirs.id))
    db.session.get(Child, payout.child_id).region = make_village(ours)  # moved by the county
    db.session.commit()
    url = f"/payouts/{county_batch.id}"
    leave_out = f"/payouts/payout/{payout.id}/exclude"
    auth.as_role(Role.STAFF, scope=ours)
    assert "外镇童" not in client.get(url).get_data(as_text=True)
    assert post_form(client, leave_out, {"reason": "已迁出"}, token_from=url).status_code == 404
    db.session.expire_all()
    assert db.session.get(Payout, payout.id).decision == PayoutDecision.INCLUDED
    auth.logout()
    auth.as_role(Role.STAFF, scope=theirs)
    assert "外镇童" in client.get(url).get_data(as_text=True)
    assert post_form(client, leave_out, {"reason": "已迁出"}, token_from=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Payout, payout.id).decision == PayoutDecision.EXCLUDED
