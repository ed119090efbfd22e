"""The payout batch screens: who may do what, and the pages in Chinese."""

from datetime import date

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Payout, PayoutBatch
from sponsorship.models.enums import PayoutBatchStatus, PayoutDecision, PayoutStatus, Role
from sponsorship.services.payouts import review
from sponsorship.services.payouts.build import build_batch
from tests.conftest import count, post_form
from tests.factories import make_paid_pairing, make_user
from tests.views.pages import field_errors, table_rows


def draft(by=None):
    make_paid_pairing()
    short = make_paid_pairing(20_000)
    batch = build_batch("2026-09", date(2026, 9, 1), by=by)
    db.session.commit()
    return batch, short


def test_staff_build_a_batch_from_the_list(client, auth):
    auth.as_role(Role.STAFF)
    make_paid_pairing()
    db.session.commit()
    page = client.get("/payouts/").get_data(as_text=True)
    assert "援助款发放批次" in page or "发放批次" in page
    response = post_form(
        client, "/payouts/", {"key": "2026-09", "cutoff_on": "2026-09-01"}, token_from="/payouts/"
    )
    assert response.status_code == 302
    batch = db.session.scalar(sa.select(PayoutBatch))
    assert batch.key == "2026-09" and count(Payout) == 1
    assert response.headers["Location"] == f"/payouts/{batch.id}"
    assert batch.status == PayoutBatchStatus.DRAFT and batch.cutoff_on == date(2026, 9, 1)
    again = post_form(
        client, "/payouts/", {"key": "2026-09", "cutoff_on": "2026-09-01"}, token_from="/payouts/"
    )
    assert again.status_code == 200 and "已存在" in again.get_data(as_text=True)
    [error] = field_errors(again.get_data(as_text=True), "key")
    assert "已存在" in error
    assert count(PayoutBatch) == 1 and count(Payout) == 1


def test_finance_cannot_build_and_viewers_only_read(client, auth):
    auth.as_role(Role.FINANCE)
    response = post_form(
        client, "/payouts/", {"key": "2026-09", "cutoff_on": "2026-09-01"}, token_from="/payouts/"
    )
    assert response.status_code == 403
    assert count(PayoutBatch) == 0
    batch, _ = draft()
    url = f"/payouts/{batch.id}"
    assert client.get(url).status_code == 200
    assert post_form(client, f"{url}/submit", token_from=url).status_code == 403
    db.session.expire_all()  # the request used its own session: read what it stored
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.DRAFT
    assert count(AuditEvent, AuditEvent.action == "batch.submitted") == 0


def test_the_batch_page_shows_groups_towns_and_flags(client, auth):
    auth.as_role(Role.STAFF)
    batch, short = draft()
    paid = db.session.scalar(sa.select(Payout).where(Payout.child_id != short.child_id)).child
    page = client.get(f"/payouts/{batch.id}").get_data(as_text=True)
    assert "按类别" in page and "按镇街" in page and "暂缓" in page
    # Columns: group or town, included, amount, held, excluded.
    assert table_rows(page, "//section[h2='按类别']/table") == [
        ["小学生", "1", "¥1,000.00", "1", "0"]
    ]
    assert sorted(table_rows(page, "//section[h2='按镇街']/table")) == sorted(
        [
            [paid.region.parent.name, "1", "¥1,000.00", "0", "0"],
            [short.child.region.parent.name, "0", "¥0.00", "1", "0"],
        ]
    )
    held = client.get(f"/payouts/{batch.id}?show=held").get_data(as_text=True)
    assert short.child.name in held
    assert paid.name not in held


def test_staff_include_exclude_and_submit(client, auth):
    auth.as_role(Role.STAFF)
    batch, short = draft()
    url = f"/payouts/{batch.id}"
    payout = db.session.scalar(sa.select(Payout).where(Payout.child_id == short.child_id))
    post_form(client, f"/payouts/payout/{payout.id}/include", {}, token_from=url)
    db.session.expire_all()
    assert payout.decision == PayoutDecision.HELD  # short: refused without general-fund cover
    post_form(client, f"/payouts/payout/{payout.id}/include", {"general_fund": "y"}, token_from=url)
    db.session.expire_all()
    assert payout.decision == PayoutDecision.INCLUDED and payout.general_fund_cover
    post_form(client, f"/payouts/payout/{payout.id}/exclude", {"reason": "核实中"}, token_from=url)
    db.session.expire_all()
    assert payout.decision == PayoutDecision.EXCLUDED
    post_form(client, f"{url}/submit", token_from=url)
    db.session.expire_all()
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.SUBMITTED


def test_the_builder_cannot_approve_and_the_refusal_is_audited(client, auth):
    finance = auth.as_role(Role.FINANCE)
    batch, _ = draft(by=finance)
    review.submit(batch, by=make_user(Role.STAFF))
    db.session.commit()
    url = f"/payouts/{batch.id}"
    response = post_form(client, f"{url}/approve", token_from=url, follow_redirects=True)
    assert "不能审批" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.SUBMITTED
    assert count(AuditEvent, AuditEvent.action == "batch.approval_refused") == 1
    refusal = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "batch.approval_refused")
    )
    # The audit log keeps one language, whatever the refused user reads.
    assert refusal.detail.startswith("Whoever built or submitted a batch cannot approve it")


def test_finance_approves_exports_and_pays(client, auth):
    batch, _ = draft(by=make_user(Role.STAFF))
    review.submit(batch, by=make_user(Role.STAFF))
    db.session.commit()
    auth.as_role(Role.FINANCE)
    url = f"/payouts/{batch.id}"
    post_form(client, f"{url}/approve", token_from=url)
    response = post_form(client, f"{url}/export", {"fmt": "csv"}, token_from=url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "6228480000000000001" in response.get_data(as_text=True)
    post_form(client, f"{url}/pay", {"paid_on": "2026-09-10"}, token_from=url)
    db.session.expire_all()
    assert count(Payout, Payout.status == PayoutStatus.PAID) == 1
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.CLOSED


def test_staff_cannot_download_the_bank_file(client, auth):
    auth.as_role(Role.STAFF)
    batch, _ = draft()
    url = f"/payouts/{batch.id}"
    assert post_form(client, f"{url}/export", {"fmt": "csv"}, token_from=url).status_code == 403
    assert count(AuditEvent, AuditEvent.action == "batch.exported") == 0


def test_the_september_job_is_on_the_admin_jobs_page(client, auth):
    auth.as_role(Role.ADMIN)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "september_batch" in page and "生成9月援助款发放批次草稿" in page


def test_town_staff_see_and_change_only_their_town(client, auth):
    from tests.factories import make_village

    east, west = make_village("东镇"), make_village("西镇")
    mine = make_paid_pairing(region=east)
    theirs = make_paid_pairing(region=west)
    batch = build_batch("2026-09", date(2026, 9, 1))
    db.session.commit()
    auth.as_role(Role.STAFF, scope=east.parent)
    url = f"/payouts/{batch.id}"
    page = client.get(url).get_data(as_text=True)
    assert mine.child.name in page and theirs.child.name not in page
    other = db.session.scalar(sa.select(Payout).where(Payout.child_id == theirs.child_id))
    response = post_form(
        client, f"/payouts/payout/{other.id}/exclude", {"reason": "x"}, token_from=url
    )
    assert response.status_code == 404
    db.session.expire_all()  # the request used its own session: read what it stored
    assert other.decision == PayoutDecision.INCLUDED and other.decision_reason == ""
