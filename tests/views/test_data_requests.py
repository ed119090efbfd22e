"""Personal-data requests end to end: the portal's copy and erasure request, staff's decisions,
and a guardian's requests about a child (the record as a file, withdrawal of consent)."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Child, DataRequest, Instalment, Pairing, Sponsor
from sponsorship.models.data_request import DataRequestStatus
from sponsorship.models.enums import (
    ChildStatus,
    InstalmentStatus,
    LetterKind,
    PairingStatus,
    Role,
    SponsorStatus,
)
from sponsorship.services.data.anonymise import PLACEHOLDER
from sponsorship.services.letters.queue import queue_letter
from sponsorship.services.money import ledger_check
from tests import factories as f
from tests.conftest import count, post_form
from tests.views.pages import all_field_errors, flashes, table_rows


def _sponsor_with_everything(town, surname: str, receipt_amount: int):
    """A portal caring parent with an active pairing, a pledge, a donation and a letter."""
    sponsor = f.make_portal_sponsor(region=town, name=f"{surname}爱心", email=f"{surname}@ex.org")
    child = f.make_child(town, name=f"{surname}小明", status=ChildStatus.PAIRED)
    child.guardian.name = f"{surname}奶奶"
    pairing = f.make_pairing(sponsor=sponsor, child=child)
    pledge = f.make_pledge(pairing)
    donation = f.make_donation(sponsor, receipt_amount)
    queue_letter(LetterKind.PAIRING_NOTICE, sponsor, f"pairing:{pairing.id}", child=child)
    db.session.flush()
    return sponsor, child, pledge, donation


@pytest.fixture
def two_parents():
    town = f.make_village()
    mine = _sponsor_with_everything(town, "甲", 30_000)
    theirs = _sponsor_with_everything(town, "乙", 70_000)
    db.session.commit()
    return mine, theirs


def test_the_portal_copy_holds_only_the_caring_parents_own_data(client, auth, two_parents):
    (me, my_child, _, my_donation), (other, other_child, _, other_donation) = two_parents
    auth.login(me.mobile)
    response = client.get("/portal/my-data/download.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    text = response.get_data(as_text=True)
    assert data["profile"]["name"] == "甲爱心" and data["profile"]["mobile"] == me.mobile
    assert [d["receipt_no"] for d in data["donations"]] == [my_donation.receipt_no]
    assert data["donations"][0]["amount_yuan"] == "300.00"
    assert [c["given_name"] for c in data["children"]] == ["小明"]
    assert len(data["pledges"]) == 1 and data["letters"]
    # Nothing of the other caring parent, nor what the portal hides about the child.
    for foreign in (other.name, other.mobile, other_donation.receipt_no, "乙小明", "乙奶奶"):
        assert foreign not in text
    for hidden in (my_child.name, "甲奶奶", my_child.guardian.bank_account):
        assert hidden not in text
    assert count(AuditEvent, AuditEvent.action == "sponsor.data_exported") == 1


def test_the_portal_copy_as_a_workbook_has_a_sheet_per_section(client, auth, two_parents):
    (me, _, _, my_donation), (_, _, _, other_donation) = two_parents
    auth.login(me.mobile)
    response = client.get("/portal/my-data/download.xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == [
        "profile",
        "pledges",
        "donations",
        "children",
        "aid_received",
        "letters",
    ]
    receipts = [row[0] for row in book["donations"].iter_rows(min_row=2, values_only=True)]
    assert receipts == [my_donation.receipt_no]
    assert other_donation.receipt_no not in receipts


def test_staff_carry_out_an_erasure_request_and_the_money_stays(client, auth, two_parents):
    (me, child, pledge, donation), _ = two_parents
    auth.login(me.mobile)
    refused = post_form(client, "/portal/my-data/erase", {}, token_from="/portal/my-data/")
    assert refused.status_code == 422
    assert all_field_errors(refused.get_data(as_text=True)) == ["请勾选以确认。"]
    asked = post_form(
        client,
        "/portal/my-data/erase",
        {"confirm": "y"},
        token_from="/portal/my-data/",
        follow_redirects=True,
    )
    assert flashes(asked.get_data(as_text=True), "success")
    assert count(DataRequest, DataRequest.status == DataRequestStatus.OPEN) == 1
    auth.logout()

    auth.as_role(Role.STAFF)
    page = client.get("/data-requests/").get_data(as_text=True)
    assert [row[0] for row in table_rows(page)] == ["甲爱心"]
    request = db.session.scalar(sa.select(DataRequest))
    done = post_form(
        client,
        f"/data-requests/{request.id}",
        {"erase": "y"},
        token_from="/data-requests/",
        follow_redirects=True,
    )
    assert flashes(done.get_data(as_text=True), "success")
    db.session.expire_all()
    sponsor = db.session.get(Sponsor, me.id)
    assert sponsor.name == PLACEHOLDER and sponsor.email is None
    assert sponsor.status == SponsorStatus.WITHDRAWN and sponsor.anonymised_at is not None
    assert sponsor.user.active is False
    pairing = db.session.scalar(sa.select(Pairing).where(Pairing.sponsor_id == me.id))
    assert pairing.status == PairingStatus.ENDED
    statuses = db.session.scalars(
        sa.select(Instalment.status).where(Instalment.pledge_id == pledge.id)
    ).all()
    assert statuses == [InstalmentStatus.WAIVED]
    assert db.session.get(type(donation), donation.id).amount_fen == 30_000
    assert ledger_check.verify() == []
    auth.logout()
    assert auth.login(me.mobile).status_code == 200  # the login is gone: the form again


def test_a_refusal_needs_a_reason_and_keeps_the_data(client, auth, two_parents):
    (me, *_), _ = two_parents
    db.session.add(DataRequest(kind="erasure", sponsor=me))
    db.session.commit()
    auth.as_role(Role.STAFF)
    request = db.session.scalar(sa.select(DataRequest))
    bare = post_form(
        client,
        f"/data-requests/{request.id}",
        {"refuse": "y", "note": ""},
        token_from="/data-requests/",
        follow_redirects=True,
    )
    assert flashes(bare.get_data(as_text=True), "error")
    post_form(
        client,
        f"/data-requests/{request.id}",
        {"refuse": "y", "note": "尚有未结清的捐款争议"},
        token_from="/data-requests/",
    )
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).status == DataRequestStatus.REFUSED
    assert db.session.get(Sponsor, me.id).name == "甲爱心"


def test_the_childs_record_as_a_file_is_a_recorded_reveal(client, auth, two_parents):
    (_, child, _, _), _ = two_parents
    child.id_number = f.resident_id()
    db.session.commit()
    auth.as_role(Role.STAFF)
    response = post_form(
        client, f"/children/{child.id}/record.xlsx", token_from=f"/children/{child.id}"
    )
    book = load_workbook(io.BytesIO(response.get_data()))
    fields = dict(book["child"].iter_rows(values_only=True))
    assert fields["name"] == "甲小明" and fields["id_number"] == child.id_number
    guardian = dict(book["guardian"].iter_rows(values_only=True))
    assert guardian["bank_account"] == child.guardian.bank_account
    reveals = db.session.scalars(
        sa.select(AuditEvent.detail).where(
            AuditEvent.action == "child.reveal", AuditEvent.object_id == str(child.id)
        )
    ).all()
    assert reveals == ["personal-data request: record exported"]


def test_a_viewer_may_not_produce_the_childs_record(client, auth, two_parents):
    (_, child, _, _), _ = two_parents
    auth.as_role(Role.VIEWER)
    response = post_form(client, f"/children/{child.id}/record.json", token_from="/")
    assert response.status_code == 403
    assert count(AuditEvent, AuditEvent.action == "child.reveal") == 0


def test_consent_withdrawal_ends_the_pairing_and_anonymises_the_child(client, auth, two_parents):
    (sponsor, child, pledge, _), _ = two_parents
    auth.as_role(Role.STAFF)
    url = f"/children/{child.id}/erase"
    unconfirmed = post_form(client, url, {"ground": "consent_withdrawn"}, token_from=url)
    assert unconfirmed.status_code == 422
    assert db.session.get(Child, child.id).status == ChildStatus.PAIRED
    done = post_form(
        client,
        url,
        {"ground": "consent_withdrawn", "confirm": "y"},
        token_from=url,
        follow_redirects=True,
    )
    assert flashes(done.get_data(as_text=True), "success")
    db.session.expire_all()
    pairing = db.session.scalar(sa.select(Pairing).where(Pairing.child_id == child.id))
    assert pairing.status == PairingStatus.ENDED
    instalments = db.session.scalars(
        sa.select(Instalment).where(Instalment.pledge_id == pledge.id)
    ).all()
    assert [i.status for i in instalments] == [InstalmentStatus.WAIVED]
    record = db.session.get(Child, child.id)
    assert record.status == ChildStatus.EXITED and record.name == PLACEHOLDER
    assert record.id_number is None and record.guardian.bank_account is None
    assert record.guardian.name == PLACEHOLDER
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == str(child.id))
    ).all()
    assert "child.consent_withdrawn" in actions and "child.anonymised" in actions
    assert db.session.get(Sponsor, sponsor.id).name == "甲爱心"  # the caring parent stays
    assert datetime.now(UTC) >= record.anonymised_at


def test_town_staff_see_and_decide_only_their_own_towns_requests(client, auth):
    home, elsewhere = f.make_town(), f.make_town()
    own = f.make_sponsor(f.make_village(home), name="本镇爱心")
    foreign = f.make_sponsor(f.make_village(elsewhere), name="外镇爱心")
    for sponsor in (own, foreign):
        db.session.add(DataRequest(kind="erasure", sponsor=sponsor))
    db.session.commit()
    auth.as_role(Role.STAFF, scope=home)
    page = client.get("/data-requests/").get_data(as_text=True)
    assert [row[0] for row in table_rows(page)] == ["本镇爱心"]
    theirs = db.session.scalar(sa.select(DataRequest).where(DataRequest.sponsor_id == foreign.id))
    response = post_form(
        client, f"/data-requests/{theirs.id}", {"erase": "y"}, token_from="/data-requests/"
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Sponsor, foreign.id).name == "外镇爱心"
    assert db.session.get(DataRequest, theirs.id).status == DataRequestStatus.OPEN


def test_the_portal_copy_gives_the_age_this_year_not_the_birthday(client, auth, frozen):
    """Whole-year ages watched day by day give the birthday away: the copy says this year's age."""
    town = f.make_village()
    sponsor, child, _, _ = _sponsor_with_everything(town, "丙", 10_000)
    child.birth_date = date(2016, 12, 15)
    db.session.commit()
    # Before the birthday in December, a whole-year age would still read 9.
    frozen(datetime(2026, 11, 30, 4, tzinfo=UTC))
    auth.login(sponsor.mobile)
    data = json.loads(client.get("/portal/my-data/download.json").get_data())
    assert [c["age"] for c in data["children"]] == [10]


def test_town_staff_cannot_end_another_towns_pairing_by_carrying_out_an_erasure(client, auth):
    """A caring parent of the town sponsors a child of another: that child's pairing is not the
    town's to end; a colleague responsible for the whole county carries the erasure out."""
    home, elsewhere = f.make_town(), f.make_town()
    parent = f.make_sponsor(f.make_village(home), name="本镇爱心")
    pairing = f.make_pairing(sponsor=parent, child=f.make_child(f.make_village(elsewhere)))
    f.make_pledge(pairing)
    request = DataRequest(kind="erasure", sponsor=parent)
    db.session.add(request)
    db.session.commit()
    auth.as_role(Role.STAFF, scope=home)
    url = f"/data-requests/{request.id}"
    refused = post_form(client, url, {"erase": "y"}, token_from="/data-requests/")
    [message] = flashes(client.get(refused.headers["Location"]).get_data(as_text=True), "error")
    assert "整个县" in message
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).status == PairingStatus.ACTIVE
    assert db.session.get(Sponsor, parent.id).name == "本镇爱心"
    assert db.session.get(DataRequest, request.id).status == DataRequestStatus.OPEN
    auth.logout()
    auth.as_role(Role.STAFF, scope=f.county())
    post_form(client, url, {"erase": "y"}, token_from="/data-requests/")
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).status == PairingStatus.ENDED
    assert db.session.get(DataRequest, request.id).status == DataRequestStatus.DONE
