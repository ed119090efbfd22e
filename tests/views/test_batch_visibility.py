"""A town's users see only the payout batches their town has a part in.

Another town's ad-hoc batch (its key, its note, which may name a child) is neither listed, nor
counted as awaiting their approval, nor shown as the dashboard's last batch, and its page answers
404 like any record outside their area. A county batch paying a child of their town, and an
empty batch a colleague of their town opened, stay theirs to see.
"""

from datetime import date

import lxml.html
import pytest

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, PayoutBatch
from sponsorship.models.enums import PayoutBatchStatus, Role
from sponsorship.services.payouts import reach, review
from sponsorship.services.payouts.build import build_batch, open_adhoc_batch
from tests.conftest import count, post_form
from tests.factories import make_paid_pairing, make_user, make_village
from tests.views.pages import table_rows


@pytest.fixture
def batches(towns):
    """A county batch paying a child of each town, and each town's own submitted ad-hoc batch."""
    ours, theirs = towns
    make_paid_pairing(region=make_village(ours), name="本镇童")
    make_paid_pairing(region=make_village(theirs), name="外镇童")
    county_batch = build_batch("2026-09", date(2026, 9, 1), by=make_user(Role.STAFF))
    review.submit(county_batch, by=make_user(Role.STAFF))
    adhoc = {}
    for town, key in ((ours, "2026-10-本镇补发"), (theirs, "2026-10-外镇补发")):
        clerk = make_user(Role.STAFF, scope=town)
        batch = open_adhoc_batch(key, cutoff=date(2026, 10, 1), note=f"{key}说明", by=clerk)
        child = make_paid_pairing(region=make_village(town), name=f"{key}童").child
        review.add_child(batch, child, by=clerk)
        review.submit(batch, by=clerk)
        adhoc[town.id] = batch
    db.session.commit()
    return county_batch, adhoc[ours.id], adhoc[theirs.id]


def listed(client) -> list[str]:
    page = client.get("/payouts/").get_data(as_text=True)
    return [row[0] for row in table_rows(page)]


def test_a_town_user_lists_only_the_batches_of_their_town(client, auth, towns, batches):
    auth.as_role(Role.STAFF, scope=towns[0])
    assert listed(client) == ["2026-10-本镇补发 · 2026-10-本镇补发说明", "2026-09"]
    auth.logout()
    auth.as_role(Role.STAFF)
    assert len(listed(client)) == 3


def test_another_towns_batch_answers_404_and_is_audited(client, auth, towns, batches):
    theirs = batches[2]
    auth.as_role(Role.FINANCE, scope=towns[0])
    response = client.get(f"/payouts/{theirs.id}")
    assert response.status_code == 404
    assert "外镇补发" not in response.get_data(as_text=True)
    denied = count(AuditEvent, AuditEvent.action == "access.denied")
    approve = post_form(client, f"/payouts/{theirs.id}/approve", token_from="/payouts/")
    assert approve.status_code == 404
    assert count(AuditEvent, AuditEvent.action == "access.denied") == denied + 1
    db.session.expire_all()
    assert db.session.get(PayoutBatch, theirs.id).status == PayoutBatchStatus.SUBMITTED


def test_town_finance_is_told_only_of_the_batches_they_may_approve(client, auth, towns, batches):
    auth.as_role(Role.FINANCE, scope=towns[0])
    notice = lxml.html.fromstring(client.get("/payouts/").get_data(as_text=True))
    # The county batch also pays the other town: a county colleague approves it.
    assert notice.xpath("normalize-space(//p[@role='status'])") == "有 1 个批次等待您审批。"
    auth.logout()
    auth.as_role(Role.FINANCE)
    notice = lxml.html.fromstring(client.get("/payouts/").get_data(as_text=True))
    assert notice.xpath("normalize-space(//p[@role='status'])") == "有 3 个批次等待您审批。"


def dashboard(client) -> tuple[str, str]:
    """Return the dashboard's count of batches to approve, and its last batch's line."""
    page = lxml.html.fromstring(client.get("/dashboard").get_data(as_text=True))
    to_approve = page.xpath("normalize-space(//li[a='待审批的发放批次']/strong)")
    last = page.xpath("normalize-space(//h2[.='最近的发放批次']/following-sibling::p[1])")
    return to_approve, last


def test_the_dashboard_shows_the_towns_last_batch_and_its_count(client, auth, towns, batches):
    auth.as_role(Role.FINANCE, scope=towns[0])
    to_approve, last = dashboard(client)
    assert (to_approve, last.split(" · ")[0]) == ("1", "2026-10-本镇补发")
    auth.logout()
    auth.as_role(Role.FINANCE)
    to_approve, last = dashboard(client)
    assert (to_approve, last.split(" · ")[0]) == ("3", "2026-10-外镇补发")


def test_an_empty_batch_is_seen_and_taken_through_by_the_openers_town(towns):
    ours, theirs = towns
    opened = open_adhoc_batch(
        "2026-11-补发", cutoff=date(2026, 11, 1), note="", by=make_user(Role.STAFF, scope=ours)
    )
    colleague = make_user(Role.FINANCE, scope=ours)
    stranger = make_user(Role.FINANCE, scope=theirs)
    assert reach.batch_seen_by(opened, colleague) and reach.batch_within(opened, colleague)
    assert not reach.batch_seen_by(opened, stranger)
    assert not reach.batch_within(opened, stranger)
    assert reach.batch_seen_by(opened, make_user(Role.FINANCE))


def test_a_county_batch_paying_no_one_of_the_town_is_not_shown_to_it(towns):
    ours, theirs = towns
    make_paid_pairing(region=make_village(theirs))
    batch = build_batch("2026-09", date(2026, 9, 1), by=make_user(Role.STAFF))
    town_user = make_user(Role.STAFF, scope=ours)
    assert not reach.batch_seen_by(batch, town_user)
    assert reach.batch_seen_by(batch, make_user(Role.STAFF, scope=theirs))
