"""Held payouts decided in bulk on the batch page, only within the user's region."""

from datetime import date

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Payout
from sponsorship.models.enums import PayoutDecision, Role
from sponsorship.services.payouts.build import build_batch
from tests.conftest import count, post_form
from tests.factories import fund_general, make_paid_pairing, make_village
from tests.views.pages import flashes


def held_batch(*regions):
    """A draft whose payouts are all held: each pairing's fund is ¥800 short."""
    pairings = [make_paid_pairing(20_000, region=region) for region in regions]
    fund_general(10_000_000)
    batch = build_batch("2026-09", date(2026, 9, 1))
    db.session.commit()
    return batch, pairings


def payout_of(pairing) -> Payout:
    db.session.expire_all()  # the request used its own session: read what it stored
    return db.session.scalar(sa.select(Payout).where(Payout.child_id == pairing.child_id))


def test_ticked_payouts_are_included_with_the_general_funds_cover_in_one_post(client, auth):
    village = make_village()
    batch, (a, b, c) = held_batch(village, village, village)
    auth.as_role(Role.STAFF)
    url = f"/payouts/{batch.id}?show=held"
    page = client.get(url).get_data(as_text=True)
    assert 'form="bulk-decision"' in page
    ids = [payout_of(a).id, payout_of(b).id]
    response = post_form(
        client,
        f"/payouts/{batch.id}/decide?show=held",
        {"action": "include", "general_fund": "y", "ids": ids},
        token_from=url,
        follow_redirects=True,
    )
    assert "已处理 2 笔款项" in " ".join(flashes(response.get_data(as_text=True), "success"))
    assert payout_of(a).decision == payout_of(b).decision == PayoutDecision.INCLUDED
    assert payout_of(a).general_fund_cover
    assert payout_of(c).decision == PayoutDecision.HELD
    assert count(AuditEvent, AuditEvent.action == "payout.included") == 2


def test_every_payout_a_filter_shows_is_excluded_with_one_reason(client, auth):
    village = make_village()
    batch, pairings = held_batch(village, village, village)
    auth.as_role(Role.STAFF)
    url = f"/payouts/{batch.id}?show=held"
    refused = post_form(
        client,
        f"/payouts/{batch.id}/decide?show=held",
        {"action": "exclude", "everything": "y"},
        token_from=url,
        follow_redirects=True,
    )
    assert "请填写不发放的原因" in " ".join(flashes(refused.get_data(as_text=True), "error"))
    assert all(payout_of(p).decision == PayoutDecision.HELD for p in pairings)
    post_form(
        client,
        f"/payouts/{batch.id}/decide?show=held",
        {"action": "exclude", "everything": "y", "reason": "下学期再发"},
        token_from=url,
    )
    for pairing in pairings:
        payout = payout_of(pairing)
        assert payout.decision == PayoutDecision.EXCLUDED
        assert payout.decision_reason == "下学期再发"


def test_town_staff_decide_only_their_towns_payouts_whatever_ids_they_send(client, auth):
    east, west = make_village("东镇"), make_village("西镇")
    batch, (mine, theirs) = held_batch(east, west)
    auth.as_role(Role.STAFF, scope=east.parent)
    url = f"/payouts/{batch.id}?show=held"
    post_form(
        client,
        f"/payouts/{batch.id}/decide?show=held",
        {"action": "exclude", "reason": "核实中", "ids": [payout_of(theirs).id]},
        token_from=url,
    )
    assert payout_of(theirs).decision == PayoutDecision.HELD
    post_form(
        client,
        f"/payouts/{batch.id}/decide?show=held",
        {"action": "exclude", "reason": "核实中", "everything": "y"},
        token_from=url,
    )
    assert payout_of(mine).decision == PayoutDecision.EXCLUDED
    assert payout_of(theirs).decision == PayoutDecision.HELD


def test_a_payout_that_cannot_be_included_is_named_and_the_rest_are_included(client, auth):
    village = make_village()
    batch, (ok, no_account) = held_batch(village, village)
    no_account.child.guardian.bank_account = None
    db.session.execute(
        sa.update(Payout).where(Payout.child_id == no_account.child_id).values(bank_account="")
    )
    db.session.commit()
    auth.as_role(Role.STAFF)
    url = f"/payouts/{batch.id}"
    response = post_form(
        client,
        f"/payouts/{batch.id}/decide",
        {"action": "include", "general_fund": "y", "everything": "y"},
        token_from=url,
        follow_redirects=True,
    )
    said = " ".join(flashes(response.get_data(as_text=True), "success"))
    assert "已处理 1 笔款项" in said and no_account.child.name in said
    assert payout_of(ok).decision == PayoutDecision.INCLUDED
    assert payout_of(no_account).decision == PayoutDecision.HELD
