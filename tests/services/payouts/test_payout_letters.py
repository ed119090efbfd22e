"""The payout letters queued in SQL, a chunk at a time, are the letters `queue_letter` writes
for each payout one at a time: same recipient, channel, address, data, dedupe key and text."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Letter, Payout
from sponsorship.models.enums import Channel, LetterKind, RegionLevel, Role
from sponsorship.services.letters import text
from sponsorship.services.letters.queue import queue_letter
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch
from sponsorship.services.payouts.letters import queue_payout_letters
from sponsorship.services.payouts.payments import pay_chunk, pay_chunk_ids
from tests.conftest import count
from tests.factories import (
    make_child,
    make_guardian,
    make_paid_pairing,
    make_region,
    make_user,
    make_village,
)

PAID_ON = date(2026, 9, 10)
FIELDS = (
    *("kind", "recipient_type", "recipient_id", "region_id", "reference", "channel"),
    *("language", "recipient_name", "to_address", "subject", "body", "context", "status"),
)


def _programme() -> None:
    """Every shape the rules tell apart: guardians by SMS and by post (the address naming its
    town, its village, neither, padded with spaces, empty), a guardian of two children in two
    villages, a one-character name, caring parents by SMS, email, post, email without an
    address, with and without a contact person, in a village or a town."""
    town = make_region("稔山镇", level=RegionLevel.TOWN)
    village = make_village(town, "新村村")
    other = make_village(town, "长排村")
    addresses = ["稔山镇新村村3号", "新村村5号", "  6号\u3000", "", "广东省惠东县稔山镇7号"]
    shared = make_guardian(mobile=None, name="王芳")
    make_paid_pairing(child=make_child(region=other, address="长排村1号", guardian=shared))
    make_paid_pairing(child=make_child(region=village, address="新村村2号", guardian=shared))
    make_paid_pairing(child=make_child(region=village, name="童"))
    for n, address in enumerate(addresses * 3):
        guardian = make_guardian(mobile=None if n % 2 else f"1380000{n:04d}", name=f"监护人{n}")
        pairing = make_paid_pairing(
            child=make_child(region=village if n % 3 else other, address=address, guardian=guardian)
        )
        sponsor = pairing.sponsor
        sponsor.address = address
        sponsor.channel = [Channel.SMS, Channel.EMAIL, Channel.POST][n % 3]
        sponsor.email = f"p{n}@example.org" if n % 4 else None
        sponsor.contact_name = "李主任" if n % 5 == 0 else None
        if n % 7 == 0:
            sponsor.region = town
    db.session.flush()


def _letters() -> dict:
    letters = list(db.session.scalars(sa.select(Letter).where(Letter.reference.like("payout:%"))))
    text.fill(letters)
    return {
        letter.dedupe_key: tuple(getattr(letter, field) for field in FIELDS) for letter in letters
    }


def test_the_letters_queued_in_sql_are_the_ones_queue_letter_writes(frozen):
    frozen(datetime(2026, 9, 10, 2, tzinfo=UTC))
    _programme()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    payouts = list(db.session.scalars(sa.select(Payout).order_by(Payout.id)))

    attempt = db.session.begin_nested()
    assert pay_chunk(batch, paid_on=PAID_ON, size=500, by=finance) == len(payouts)
    in_sql = _letters()
    attempt.rollback()
    db.session.expire_all()

    for payout in payouts:
        reference = f"payout:{payout.id}"
        data = {"child": payout.child, "amount_fen": payout.amount_fen, "paid_on": PAID_ON}
        queue_letter(LetterKind.PAYOUT_NOTICE, payout.child.guardian, reference, **data)
        queue_letter(LetterKind.CHILD_RECEIVED, payout.pairing.sponsor, reference, **data)
    one_by_one = _letters()

    assert len(in_sql) == 2 * len(payouts)
    assert in_sql == one_by_one
    # the shapes were all there
    addresses = {row[8] for row in in_sql.values()}
    assert any(a.startswith("稔山镇长排村1号\n王芳") for a in addresses)  # a guardian of two
    assert {row[5] for row in in_sql.values()} == {"sms", "email", "post"}


def test_queuing_a_chunks_letters_again_queues_none(frozen):
    frozen(datetime(2026, 9, 10, 2, tzinfo=UTC))
    _programme()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    ids = pay_chunk_ids(batch, paid_on=PAID_ON, size=5, by=finance)
    queued = count(Letter)
    assert queued == 2 * len(ids) + count(Letter, ~Letter.reference.like("payout:%"))

    assert queue_payout_letters(ids, PAID_ON) == 0  # the dedupe key: the database skips them
    payout = db.session.get(Payout, ids[0])
    notice = queue_letter(
        LetterKind.PAYOUT_NOTICE, payout.child.guardian, f"payout:{payout.id}", child=payout.child
    )
    assert notice is None
    assert count(Letter) == queued


def test_a_chunk_after_an_id_pays_only_payouts_above_it(frozen):
    frozen(datetime(2026, 9, 10, 2, tzinfo=UTC))
    _programme()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    every = list(db.session.scalars(sa.select(Payout.id).order_by(Payout.id)))

    later = pay_chunk_ids(batch, paid_on=PAID_ON, size=3, after=every[4], by=finance)
    assert later == every[5:8]
    assert pay_chunk_ids(batch, paid_on=PAID_ON, size=3, by=finance) == every[:3]
