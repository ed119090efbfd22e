"""One payout per child per school year: the build, staff and the database each refuse a second."""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch
from sponsorship.models.enums import PayoutDecision, PayoutStatus, Role
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import (
    NothingToPayError,
    build_batch,
    left_out,
    open_adhoc_batch,
)
from sponsorship.services.payouts.by_hand import reissue
from sponsorship.services.payouts.payments import mark_failed, pay_chunk
from tests.conftest import count, post_form
from tests.factories import make_paid_pairing, make_user
from tests.views.pages import flashes

CUTOFF = date(2026, 9, 1)
LATER = date(2026, 11, 30)  # the same school year, as an ad-hoc batch's cut-off "today"


def paid_batch(key="2026-09", cutoff=CUTOFF):
    """Build, approve, export and pay a batch of every paired child."""
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch(key, cutoff, by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    pay_chunk(batch, paid_on=cutoff, by=finance)
    return batch


def payout_row(payout: Payout, batch: PayoutBatch, **changes) -> dict:
    values = {
        c.name: getattr(payout, c.key)
        for c in Payout.__table__.columns
        if c.name not in ("id", "transaction_id")
    }
    values.update(batch_id=batch.id, **changes)
    return values


def test_the_database_refuses_a_second_paid_or_included_payout_through_raw_sql():
    pairing = make_paid_pairing()
    first = paid_batch()
    paid = db.session.scalar(sa.select(Payout).where(Payout.batch_id == first.id))
    later = open_adhoc_batch("补发-1", cutoff=LATER)
    for status in (PayoutStatus.PAID, PayoutStatus.PROPOSED):
        with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.execute(
                sa.insert(Payout.__table__).values(
                    payout_row(paid, later, status=status.value, decision="included")
                )
            )
    # Held, excluded or failed rows do not pay: they are allowed beside the paid one.
    db.session.execute(sa.insert(Payout.__table__).values(payout_row(paid, later, decision="held")))
    assert count(Payout, Payout.child_id == pairing.child_id) == 2


def test_the_database_refuses_a_second_payout_on_one_ledger_transaction():
    make_paid_pairing()
    first = paid_batch()
    paid = db.session.scalar(sa.select(Payout).where(Payout.batch_id == first.id))
    later = open_adhoc_batch("补发-1", cutoff=LATER)
    # Failed: no child-and-year index stands in the way, only the transaction's own.
    row = payout_row(paid, later, status="failed", transaction_id=paid.transaction_id)
    with pytest.raises(sa.exc.IntegrityError, match="transaction"), db.session.begin_nested():
        db.session.execute(sa.insert(Payout.__table__).values(row))
    # The index leaves out payouts not paid yet: any number may have no transaction.
    db.session.execute(sa.insert(Payout.__table__).values(payout_row(paid, later, status="failed")))
    assert count(Payout, Payout.batch_id == later.id) == 1


def test_a_child_paid_in_september_is_left_out_of_a_later_build_with_the_reason():
    paid_child = make_paid_pairing()
    paid_batch()
    newcomer = make_paid_pairing()
    later = build_batch("补发-1", LATER)
    children = set(
        db.session.scalars(sa.select(Payout.child_id).where(Payout.batch_id == later.id))
    )
    assert children == {newcomer.child_id}
    assert paid_child.child_id not in children
    assert left_out(later) == 1


def test_a_build_where_every_child_is_paid_already_builds_nothing_and_says_why():
    make_paid_pairing()
    paid_batch()
    with pytest.raises(NothingToPayError) as refused:
        build_batch("补发-1", LATER)
    assert "本学年均已发放" in render(refused.value, "zh")
    assert count(PayoutBatch, PayoutBatch.key == "补发-1") == 0


def test_a_build_that_finds_no_child_creates_no_batch():
    with pytest.raises(NothingToPayError) as refused:
        build_batch("2026-09", CUTOFF)
    assert "没有结对的儿童" in render(refused.value, "zh")
    assert count(PayoutBatch) == 0


def test_staff_cannot_add_or_include_a_child_paid_this_school_year():
    pairing = make_paid_pairing()
    paid_batch()
    later = open_adhoc_batch("补发-1", cutoff=LATER)
    with pytest.raises(DomainError, match="本学年已发放"):
        batches.add_child(later, pairing.child)
    # Next school year the child is paid again.
    next_year = open_adhoc_batch("2027-09-补发", cutoff=date(2027, 9, 1))
    assert batches.add_child(next_year, pairing.child).school_year == 2027


def test_a_held_payout_cannot_be_included_while_another_batch_includes_the_child():
    pairing = make_paid_pairing()
    september = build_batch("2026-09", CUTOFF)
    adhoc = open_adhoc_batch("补发-1", cutoff=LATER)
    db.session.add(
        Payout(**payout_row(db.session.scalar(sa.select(Payout)), adhoc, decision="held"))
    )
    db.session.flush()
    held = db.session.scalar(sa.select(Payout).where(Payout.batch_id == adhoc.id))
    with pytest.raises(DomainError, match="本学年已发放"):
        batches.include(held)
    batches.exclude(
        db.session.scalar(sa.select(Payout).where(Payout.batch_id == september.id)), "改到补发"
    )
    batches.include(held)
    assert held.decision == PayoutDecision.INCLUDED
    assert pairing.child_id == held.child_id


def test_cancelling_a_batch_frees_its_children_for_another():
    pairing = make_paid_pairing()
    first = build_batch("2026-09", CUTOFF)
    batches.cancel(first, "重新编制", by=make_user())
    (cancelled,) = db.session.scalars(sa.select(Payout).where(Payout.batch_id == first.id))
    assert cancelled.status == PayoutStatus.CANCELLED
    again = build_batch("2026-09", CUTOFF)
    assert count(Payout, Payout.batch_id == again.id, Payout.child_id == pairing.child_id) == 1


def test_a_failed_payout_is_reissued_once_and_references_the_failed_one():
    pairing = make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", CUTOFF, by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    failed = db.session.scalar(sa.select(Payout).where(Payout.batch_id == batch.id))
    mark_failed(failed, "账号已销户")
    later = open_adhoc_batch("补发-1", cutoff=LATER)
    again = reissue(later, failed, by=staff)
    assert again.reissue_of_id == failed.id and again.school_year == 2026
    assert again.amount_fen == failed.amount_fen
    other = open_adhoc_batch("补发-2", cutoff=LATER)
    with pytest.raises(DomainError):
        reissue(other, failed, by=staff)
    with pytest.raises(DomainError, match="本学年已发放"):
        batches.add_child(other, pairing.child)
    paid = db.session.scalar(sa.select(Payout).where(Payout.status == PayoutStatus.PAID))
    assert paid is None


def test_only_a_failed_payout_can_be_reissued():
    make_paid_pairing()
    batch = paid_batch()
    paid = db.session.scalar(sa.select(Payout).where(Payout.batch_id == batch.id))
    with pytest.raises(DomainError, match="只有银行发放失败的款项才能补发"):
        reissue(open_adhoc_batch("补发-1", cutoff=LATER), paid)


def test_building_from_the_list_says_how_many_children_were_left_out_and_why(client, auth):
    make_paid_pairing()
    paid_batch()
    make_paid_pairing()
    db.session.commit()
    auth.as_role(Role.STAFF)
    response = post_form(
        client,
        "/payouts/",
        {"key": "补发-1", "cutoff_on": LATER.isoformat()},
        token_from="/payouts/",
        follow_redirects=True,
    )
    said = " ".join(flashes(response.get_data(as_text=True), "success"))
    assert "本学年已发放（或已在其他批次中）的 1 名儿童未列入本批次" in said
