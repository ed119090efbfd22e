"""Bank statements: validated whole, payers matched as sets, recorded in chunks, each line once."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import BackgroundWork, Donation, StatementLine
from sponsorship.models.enums import RemainderTo
from sponsorship.services.money import bank_statements, donation_batches, ledger_check
from sponsorship.work.background import claim, run
from sponsorship.work.statements import import_in_chunks
from tests.conftest import count
from tests.factories import make_sponsor

NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _batch():
    return donation_batches.open_batch("工行11月", expected_count=0, expected_total_fen=0)


def _csv(*lines: str) -> str:
    return "日期,金额,流水号,付款人,手机号\n" + "\n".join(lines) + "\n"


def test_one_bad_row_stages_nothing_and_names_the_row(frozen):
    frozen(NOW)
    batch = _batch()
    staged, errors = bank_statements.stage(
        batch, _csv("2026-11-20,10,A1,张三,", "2026-11-21,abc,A2,李四,")
    )
    assert staged == 0 and len(errors) == 1 and "3" in errors[0]
    staged, errors = bank_statements.stage(batch, _csv("2026-12-20,10,A1,张三,"))
    assert staged == 0 and "2" in errors[0]
    assert count(StatementLine) == 0 and count(Donation) == 0


def test_payers_match_by_mobile_then_by_a_unique_name(frozen):
    frozen(NOW)
    by_mobile = make_sponsor(mobile="13911110000", name="王芳")
    by_name = make_sponsor(name="赵敏")
    make_sponsor(name="李雷")
    make_sponsor(name="李雷")  # two parents of one name: the line is not guessed
    batch = _batch()
    staged, errors = bank_statements.stage(
        batch,
        _csv(
            "2026-11-20,10,A1,别名,13911110000",
            "2026-11-20,20,A2,赵敏,",
            "2026-11-20,30,A3,李雷,",
            "2026-11-20,40,A4,无名氏,13900009999",
        ),
    )
    assert (staged, errors) == (4, [])
    matched = db.session.execute(
        sa.select(StatementLine.reference, StatementLine.sponsor_id).order_by(StatementLine.row)
    ).all()
    assert matched == [("A1", by_mobile.id), ("A2", by_name.id), ("A3", None), ("A4", None)]


def test_chunks_record_every_line_once_and_a_rerun_records_nothing(frozen):
    frozen(NOW)
    sponsor = make_sponsor(mobile="13922220000")
    batch = _batch()
    lines = [f"2026-11-{10 + n % 10},{n + 1},R{n},付款人{n},13922220000" for n in range(7)]
    assert bank_statements.stage(batch, _csv(*lines)) == (7, [])
    assert bank_statements.progress(batch) == (0, 7)
    assert bank_statements.record_chunk(batch, size=3) == 3
    assert bank_statements.progress(batch) == (3, 7)
    assert bank_statements.record_chunk(batch, size=3) == 3
    assert bank_statements.record_chunk(batch, size=3) == 1
    assert bank_statements.record_chunk(batch, size=3) == 0
    donations = db.session.scalars(sa.select(Donation).order_by(Donation.id)).all()
    assert [d.bank_reference for d in donations] == [f"R{n}" for n in range(7)]
    assert {d.sponsor_id for d in donations} == {sponsor.id}
    assert {d.remainder_to for d in donations} == {RemainderTo.CREDIT}
    linked = db.session.scalars(sa.select(StatementLine.donation_id)).all()
    assert sorted(linked) == [d.id for d in donations]
    assert ledger_check.verify() == []


def test_a_second_statement_waits_and_the_batch_cannot_close_mid_import(frozen):
    frozen(NOW)
    batch = _batch()
    bank_statements.stage(batch, _csv("2026-11-20,10,A1,甲,", "2026-11-21,20,A2,乙,"))
    with pytest.raises(DomainError):
        bank_statements.stage(batch, _csv("2026-11-22,30,A3,丙,"))
    with pytest.raises(DomainError):
        donation_batches.close_batch(batch)
    bank_statements.record_chunk(batch)
    assert bank_statements.stage(batch, _csv("2026-11-22,30,A3,丙,")) == (1, [])
    rows = db.session.scalars(sa.select(StatementLine.row).order_by(StatementLine.row)).all()
    assert rows == [2, 3, 4]  # the second file's rows follow the first's


def test_a_requested_import_runs_as_background_work_with_its_progress(frozen):
    frozen(NOW)
    batch = _batch()
    work, errors = bank_statements.request_import(
        batch, _csv(*[f"2026-11-20,{n + 1},B{n},某{n}," for n in range(5)])
    )
    assert errors == [] and work.status == "queued" and work.total == 5
    with pytest.raises(DomainError):  # a second press while it waits
        bank_statements.request_import(batch, _csv("2026-11-20,9,C1,某,"))
    db.session.commit()
    run(claim(work.id))
    db.session.expire_all()
    work = db.session.get(BackgroundWork, work.id)
    assert (work.status, work.done, work.total) == ("done", 5, 5)
    assert count(Donation) == 5 and bank_statements.remaining(batch) == 0


def test_import_in_chunks_commits_each_chunk_and_reports_progress(frozen):
    frozen(NOW)
    batch = _batch()
    bank_statements.stage(batch, _csv(*[f"2026-11-20,{n + 1},D{n},某{n}," for n in range(5)]))
    seen = []
    assert import_in_chunks(batch.id, size=2, after_chunk=seen.append) == 5
    assert seen == [2, 4, 5]
    assert date(2026, 11, 20) in {d.received_on for d in db.session.scalars(sa.select(Donation))}
