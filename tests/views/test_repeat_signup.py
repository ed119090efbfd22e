"""The public sign-up answers alike whether or not its mobile or ID number is on record."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Letter, Sponsor, User
from sponsorship.models.enums import Channel, LetterKind
from tests.conftest import CSRF_RE, count
from tests.factories import make_portal_sponsor, make_village, resident_id
from tests.views.pages import all_field_errors
from tests.views.test_signup import sign_up

OWNER_ID = resident_id()
NEW_ID = resident_id("44132319850101123")


@pytest.fixture
def village():
    village = make_village("稔山镇", "新村村")
    db.session.commit()
    return village


@pytest.fixture
def owner(village) -> Sponsor:
    owner = make_portal_sponsor(
        region=village,
        mobile="13912345678",
        id_number=OWNER_ID,
        email="owner@example.org",
        channel=Channel.POST,
    )
    db.session.commit()
    return owner


#: Headers whose values hold the time: when the rate limit's hour ends, seconds until then.
TIMED = ("X-RateLimit-Reset", "Retry-After")


def _header(name: str, value: str) -> tuple[str, str]:
    """A header as compared: a cookie without its value (signed, with a time and a CSRF secret
    in it), a time without its value."""
    if name == "Set-Cookie":
        return name, re.sub(r"=[^;]*", "=…", value, count=1)
    return name, "…" if name in TIMED else value


def outcome(app, village, **typed) -> tuple:
    """Sign up in a browser of its own; return everything it is shown and keeps.

    The answer to the post (status, headers, body), what the session holds after it (flashes
    included; the CSRF secret left out), and the page the answer leads to (its tokens left out).
    """
    browser = app.test_client()
    response = sign_up(browser, village, **typed)
    headers = sorted(_header(name, value) for name, value in response.headers.items())
    with browser.session_transaction() as session:
        kept = {key: value for key, value in session.items() if key != "csrf_token"}
    shown = browser.get(response.headers["Location"])
    page = CSRF_RE.sub("", shown.get_data(as_text=True))
    return response.status_code, headers, response.get_data(), kept, shown.status_code, page


def repeat_letters() -> list[Letter]:
    return list(
        db.session.scalars(sa.select(Letter).where(Letter.kind == LetterKind.REPEAT_SIGNUP))
    )


def test_a_taken_id_number_or_mobile_gets_exactly_the_answer_of_a_new_sign_up(
    app, client, village, owner
):
    new = outcome(app, village, mobile="13800000001", id_number=NEW_ID, email="new@example.org")
    stranger = {"email": "stranger@example.org", "name": "冒名者"}
    taken_id = outcome(app, village, mobile="13700000002", id_number=OWNER_ID, **stranger)
    taken_mobile = outcome(app, village, mobile="139 1234 5678", **stranger)

    assert new[0] == 302 and ("Location", "/signup/done") in new[1]
    assert taken_id == new
    assert taken_mobile == new
    # Only the new applicant was kept; the two others added nobody.
    assert count(Sponsor) == 2 and count(User) == 2
    assert db.session.scalar(sa.select(Sponsor).where(Sponsor.id != owner.id)).mobile == (
        "13800000001"
    )
    # One letter, to the owner's own address; the second attempt the same day queued none.
    [letter] = repeat_letters()
    assert letter.recipient_id == owner.id and letter.to_address == "owner@example.org"
    assert count(Letter, Letter.to_address.in_(["stranger@example.org", "13700000002"])) == 0


def test_a_taken_id_number_with_another_mistake_is_told_only_that_mistake(client, village, owner):
    def errors(**typed) -> list[str]:
        response = sign_up(client, village, pledge="999", **typed)
        assert response.status_code == 200
        return all_field_errors(response.get_data(as_text=True))

    new = errors(mobile="13800000001", id_number=NEW_ID)
    assert new and all("不低于" in error for error in new)
    assert errors(mobile="13700000002", id_number=OWNER_ID) == new
    assert errors(mobile="13912345678") == new
    assert repeat_letters() == [] and count(Sponsor) == 1
