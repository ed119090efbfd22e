"""Paying from the batch page runs in the background; the bank's result file applies once per line,
however often it is uploaded."""

import io
from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import BackgroundWork, Payout, PayoutBatch
from sponsorship.models.enums import PayoutBatchStatus, PayoutStatus, Role
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch
from sponsorship.services.payouts.payments import pay_chunk
from sponsorship.services.payouts.results import apply_result
from tests.conftest import count, post_form
from tests.factories import make_paid_pairing, make_user
from tests.views.pages import flashes

PAID_ON = date(2026, 9, 10)


def _exported(n: int):
    for _ in range(n):
        make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    db.session.commit()
    ids = db.session.scalars(sa.select(Payout.id).order_by(Payout.id)).all()
    return batch, ids


def _result_file(batch, ids) -> str:
    first, second, third = ids
    return (
        "参考号,结果,银行流水号,失败原因\n"
        f"{batch.key}-{first},成功,B001,\n"
        f"{batch.key}-{second},失败,,户名不符\n"
        f"{batch.key}-{third},成功,B003,\n"
    )


def _upload(client, batch, text: str):
    url = f"/payouts/{batch.id}"
    data = {"file": (io.BytesIO(text.encode("utf-8")), "result.csv"), "paid_on": "2026-09-10"}
    return post_form(
        client,
        f"{url}/result",
        data,
        token_from=url,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_paying_from_the_page_runs_as_work_and_its_progress_stays_on_the_page(client, auth, frozen):
    frozen(datetime(2026, 9, 10, 2, tzinfo=UTC))
    batch, ids = _exported(2)
    auth.as_role(Role.FINANCE)
    url = f"/payouts/{batch.id}"
    page = post_form(
        client, f"{url}/pay", {"paid_on": "2026-09-10"}, token_from=url, follow_redirects=True
    ).get_data(as_text=True)
    assert flashes(page, "success") == ["已开始登记发放，进度显示在本页。"]
    work = db.session.scalar(sa.select(BackgroundWork))
    assert (work.kind, work.status, work.done, work.total) == ("pay_batch", "done", 2, 2)
    assert count(Payout, Payout.status == PayoutStatus.PAID) == 2
    again = client.get(url).get_data(as_text=True)  # a reload reads the progress back
    assert "已完成：共 2 笔，已处理 2 笔。" in again


def test_a_result_file_uploaded_again_after_an_interruption_applies_only_the_rest(
    client, auth, frozen
):
    frozen(datetime(2026, 9, 10, 2, tzinfo=UTC))
    batch, ids = _exported(3)
    first, second, third = ids
    text = _result_file(batch, ids)
    # The first upload died after recording the failure and paying the first line only.
    applied = apply_result(batch, text)
    assert applied.failed == 1 and applied.to_pay == {first: "B001", third: "B003"}
    pay_chunk(batch, paid_on=PAID_ON, only=[first], bank_references={first: "B001"})
    db.session.commit()

    auth.as_role(Role.FINANCE)
    page = _upload(client, batch, text.replace("B001", "B999")).get_data(as_text=True)
    assert flashes(page, "success")[0] == (
        "银行回单：1 笔待登记为已发放，0 笔登记为失败，2 笔此前已登记，已跳过。"
    )
    db.session.expire_all()
    states = {p.id: (p.status, p.bank_reference) for p in db.session.scalars(sa.select(Payout))}
    assert states == {
        first: (PayoutStatus.PAID, "B001"),  # kept as first recorded
        second: (PayoutStatus.FAILED, None),
        third: (PayoutStatus.PAID, "B003"),
    }
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.CLOSED

    page = _upload(client, batch, text).get_data(as_text=True)
    assert flashes(page, "success")[0] == (
        "银行回单：0 笔待登记为已发放，0 笔登记为失败，3 笔此前已登记，已跳过。"
    )
    assert flashes(page, "error") == []
    assert count(BackgroundWork) == 1  # nothing left to pay: no second payment work
