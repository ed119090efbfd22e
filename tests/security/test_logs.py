"""Logs say that a message went, never what it said: no password-reset link in any log record."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.letters import deliver_pending
from sponsorship.models import Letter
from sponsorship.models.enums import LetterKind, LetterStatus
from tests.conftest import post_form
from tests.factories import make_portal_sponsor


def test_a_reset_sent_by_sms_leaves_no_link_or_token_in_the_logs(client, caplog):
    sponsor = make_portal_sponsor(email=None)
    db.session.commit()
    with caplog.at_level(logging.DEBUG):
        response = post_form(
            client, "/portal/reset", {"login": sponsor.mobile}, token_from="/portal/reset"
        )
        assert response.status_code == 302
        outcome = deliver_pending()
    letter = db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.PASSWORD_RESET))
    assert outcome["sent"] == 1 and letter.status == LetterStatus.SENT
    token = letter.body.split("/portal/reset/")[1].split()[0]
    assert len(token) > 40  # the body does carry the live link
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert token not in logged and "/portal/reset/" not in logged
    assert sponsor.mobile not in logged  # the number is masked too
    assert f"SMS to *******{sponsor.mobile[-4:]}: " in logged  # that it went is logged
