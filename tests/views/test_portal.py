"""The caring parent's portal: only their own data, contact details, withdrawal, password reset."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import lxml.html
import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Letter
from sponsorship.models.enums import Channel, LetterKind, RegionLevel, Role, SponsorStatus
from sponsorship.services.core import password_reset
from tests.conftest import Auth, count, post_form
from tests.factories import (
    PASSWORD,
    make_child,
    make_pairing,
    make_portal_sponsor,
    make_region,
    make_village,
)
from tests.views.pages import table_rows


@pytest.fixture
def me(auth):
    sponsor = make_portal_sponsor(region=make_village(), email="me@example.com")
    db.session.commit()
    assert auth.login(sponsor.mobile).headers["Location"] == "/portal/"
    return sponsor


def test_portal_shows_the_application_state(client, me):
    page = client.get("/portal/").get_data(as_text=True)
    assert "已通过" in page and me.name in page
    assert "我的孩子" in page and "我的认捐" in page
    status = lxml.html.fromstring(page).xpath("//h2/span[contains(@class, 'status')]")
    assert [s.text_content().strip() for s in status] == ["已通过"]


def test_sections_without_data_yet_say_what_will_appear(client, me):
    for section, words in [
        ("pledges", "您还没有认捐"),
        ("donations", "收据编号"),
        ("received", "九月"),
        ("letters", "暂无信件"),
    ]:
        page = client.get(f"/portal/{section}").get_data(as_text=True)
        assert words in page
        # Said by the empty state itself, not by a table heading or the navigation.
        [empty] = lxml.html.fromstring(page).xpath("//section[@class='card empty']")
        assert words in empty.text_content()
        assert lxml.html.fromstring(page).xpath("//table") == []


def test_pledges_donations_and_letters_are_the_caring_parents_own(client, me):
    from sponsorship.services.letters.queue import LetterKind, queue_letter
    from tests.factories import make_donation, make_pledge

    pledge = make_pledge(make_pairing(sponsor=me))
    donation = make_donation(me, 40_000)
    letter = queue_letter(LetterKind.APPROVAL, me, "sponsor-approval")
    other = make_portal_sponsor(region=make_village())
    other_donation = make_donation(other, 70_000)
    db.session.commit()
    pledges_page = client.get("/portal/pledges").get_data(as_text=True)
    assert pledge.pairing.child.given_name in pledges_page and "¥400.00" in pledges_page
    assert pledge.pairing.child.name not in pledges_page
    donations_page = client.get("/portal/donations").get_data(as_text=True)
    assert donation.receipt_no in donations_page and other_donation.receipt_no not in donations_page
    letters_page = client.get("/portal/letters").get_data(as_text=True)
    assert "通过" in letters_page
    summaries = lxml.html.fromstring(letters_page).xpath("//details/summary/strong")
    mine = db.session.scalars(sa.select(Letter.subject).where(Letter.recipient_id == me.id)).all()
    assert letter.subject in mine and len(mine) == 2  # the approval and the donation's thanks
    assert sorted(s.text_content() for s in summaries) == sorted(mine)
    theirs = db.session.scalars(sa.select(Letter.subject).where(Letter.recipient_id == other.id))
    assert set(theirs).isdisjoint(s.text_content() for s in summaries)


def test_my_children_shows_only_what_a_sponsor_may_see(client, me):
    town = make_region("稔山镇")
    child = make_child(
        region=make_region("新村村", level=RegionLevel.VILLAGE, parent=town),
        name="陈小梅",
        id_number="44132320160301002X",
        address="新村村 8 号",
    )
    pairing = make_pairing(sponsor=me, child=child, confirmed_at=datetime(2026, 10, 8, tzinfo=UTC))
    db.session.commit()
    page = client.get("/portal/children").get_data(as_text=True)
    assert "小梅" in page and "稔山镇" in page and "2026-10-08" in page and "小学" in page
    for secret in ("陈小梅", "44132320160301002X", "新村村 8 号", "6228480000000000001", "祖母"):
        assert secret not in page
    detail = client.get(f"/portal/children/{pairing.id}").get_data(as_text=True)
    assert "小梅" in detail and "陈小梅" not in detail and "6228480000000000001" not in detail


def test_a_sponsor_cannot_read_another_sponsors_pages_or_staff_pages(client, me):
    other = make_portal_sponsor()
    theirs = make_pairing(sponsor=other)
    db.session.commit()
    assert client.get(f"/portal/children/{theirs.id}").status_code == 404
    assert client.get(f"/sponsors/{other.id}").status_code == 403
    assert client.get("/sponsors/").status_code == 403
    assert client.get("/dashboard").status_code == 403
    assert client.get("/regions/").status_code == 403
    assert client.get("/admin/users").status_code == 403
    assert other.name not in client.get("/portal/children").get_data(as_text=True)


def test_staff_get_no_portal(client, auth):
    auth.as_role(Role.STAFF)
    assert client.get("/portal/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/portal/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sponsor_changes_contact_details_and_channel(app, client, me):
    url = "/portal/contact"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{me.mobile}"' in page
    data = {
        "mobile": "13700001111",
        "email": "",
        "region": str(me.region_id),
        "address": "新地址 1 号",
        "channel": "email",
    }
    response = post_form(client, url, data, token_from=url)
    assert "请填写电子邮箱" in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.mobile != "13700001111" and me.channel != Channel.EMAIL  # the refusal kept nothing
    response = post_form(client, url, data | {"email": "new@example.com"}, token_from=url)
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    db.session.refresh(me)
    assert me.channel == Channel.EMAIL and me.mobile == "13700001111"
    assert Auth(app.test_client()).login("13700001111").status_code == 302


def test_sponsor_asks_to_withdraw_and_nothing_is_deleted(client, me):
    assert "退出" in client.get("/portal/withdraw").get_data(as_text=True)
    response = post_form(client, "/portal/withdraw", token_from="/portal/withdraw")
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    db.session.refresh(me)
    assert me.withdraw_requested_at is not None and me.status == SponsorStatus.APPROVED
    home = client.get("/portal/").get_data(as_text=True)
    assert "申请退出" in home
    [notice] = lxml.html.fromstring(home).xpath("//p[@class='notice']")
    assert "申请退出" in notice.text_content()


def test_sponsor_changes_password_on_the_existing_page(client, me):
    data = {"current": PASSWORD, "new": "another long password", "confirm": "another long password"}
    response = post_form(client, "/password", data, token_from="/password")
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"


@pytest.fixture
def reset_link(client, monkeypatch):
    """Ask for a reset and return the link the letter would carry (None when none is sent)."""
    original = password_reset.queue_letter

    def ask(login: str) -> str | None:
        sent = []

        def capture(kind, recipient, reference, **context):
            sent.append(context["link"])
            return original(kind, recipient, reference, **context)

        monkeypatch.setattr(password_reset, "queue_letter", capture)
        response = post_form(client, "/portal/reset", {"login": login}, token_from="/portal/reset")
        assert response.status_code == 302 and response.headers["Location"] == "/login"
        return sent[0] if sent else None

    return ask


def test_password_reset_by_emailed_link(app, client, reset_link):
    sponsor = make_portal_sponsor(email="me@example.com")
    db.session.commit()
    link = reset_link("ME@example.com")
    assert link and "/portal/reset/" in link
    path = re.sub(r"^https?://[^/]+", "", link)
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.PASSWORD_RESET))
    assert letter.recipient_id == sponsor.id and letter.to_address == "me@example.com"
    token = path.split("/")[-1]
    assert not any(token in e.detail for e in db.session.scalars(sa.select(AuditEvent)))
    data = {"new": "a brand new password", "confirm": "a brand new password"}
    response = post_form(client, path, data, token_from=path)
    assert response.status_code == 302
    assert Auth(app.test_client()).login(sponsor.mobile, "a brand new password").status_code == 302
    # The link is spent: the password hash it was signed with has changed.
    assert client.get(path).status_code == 404


def test_reset_link_expires_after_an_hour(client, reset_link, monkeypatch):
    make_portal_sponsor(mobile="13955556666")
    db.session.commit()
    path = re.sub(r"^https?://[^/]+", "", reset_link("13955556666"))
    assert client.get(path).status_code == 200
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(path).status_code == 404


def test_reset_request_for_unknown_login_says_the_same_and_sends_nothing(reset_link):
    assert reset_link("13900009999") is None
    assert reset_link("nobody@example.com") is None
    assert count(Letter) == 0


def test_forged_or_staff_tokens_do_not_work(client, auth):
    assert client.get("/portal/reset/not-a-token").status_code == 404
    staff = auth.as_role(Role.STAFF)
    assert password_reset.user_for_token(password_reset.make_token(staff)) is None


def test_login_page_links_to_reset_and_sign_up(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/portal/reset" in page and "/signup" in page and "忘记密码" in page


def test_rejected_applicant_sees_the_reason(client, auth):
    sponsor = make_portal_sponsor(status=SponsorStatus.REJECTED, review_note="暂不接受外县报名")
    db.session.commit()
    auth.login(sponsor.mobile)
    page = client.get("/portal/").get_data(as_text=True)
    assert "未获通过" in page and "暂不接受外县报名" in page


def test_what_my_children_received_lists_paid_payouts_only(client, me):
    from datetime import date

    from sponsorship.services.payouts.payments import pay_chunk
    from tests.factories import make_paid_pairing
    from tests.services.payouts.test_payments import exported_batch

    mine = make_paid_pairing()
    mine.sponsor = me
    theirs = make_paid_pairing()
    db.session.flush()
    batch = exported_batch()
    pay_chunk(batch, paid_on=date(2026, 9, 10))
    db.session.commit()
    page = client.get("/portal/received").get_data(as_text=True)
    assert mine.child.given_name in page and "2026-09" in page and "¥1,000.00" in page
    # Child, batch, paid on, amount: one row, this caring parent's child only.
    assert table_rows(page) == [[mine.child.given_name, "2026-09", "2026-09-10", "¥1,000.00"]]
    assert theirs.child.given_name not in page and mine.child.name not in page
