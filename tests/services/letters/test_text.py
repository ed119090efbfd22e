"""Letters rendered when delivered: a saved text that breaks on a letter's data is flagged then.

Letters queued in bulk are rendered only when they are sent, printed or shown. A saved version
that breaks on one of them falls back to the built-in text, and the admin is told, once per
version, on the templates list, as when a letter rendered at queue time meets it.
"""

from datetime import UTC, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.letters import deliver_pending
from sponsorship.models import AuditEvent, Letter
from sponsorship.models.enums import Channel, LetterKind, LetterStatus
from sponsorship.services.letters import templates, text
from sponsorship.services.letters.queue import Pending, queue_many
from sponsorship.services.letters.recipients import recipient_of
from tests import factories
from tests.conftest import count

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
KIND = LetterKind.DONATION_THANKS


def queue_thanks(receipt_no: str) -> None:
    """Queue a thank-you letter by SMS, unrendered, whose data has no amount."""
    sponsor = factories.make_letter_sponsor(channel=Channel.SMS, mobile=f"1390000{receipt_no}")
    queue_many(
        [Pending(KIND, recipient_of(sponsor, KIND), f"donation:{receipt_no}", "zh", {})],
        about="test",
    )
    db.session.commit()


def test_a_saved_text_that_breaks_when_delivered_is_flagged_once(frozen):
    frozen(NOW)
    # The editor's example data has an amount; these letters' data does not.
    templates.save_template(KIND, "zh", "谢谢", "{{ amount_fen // 100 }} 元", by=None)
    queue_thanks("1001")
    queue_thanks("1002")
    assert templates.failed_templates() == {}

    assert deliver_pending()["sent"] == 2
    db.session.expire_all()
    [(key, detail)] = templates.failed_templates().items()
    assert key == (KIND.value, "zh") and detail.startswith("donation_thanks zh v1:")
    assert count(AuditEvent, AuditEvent.action == templates.FAILED_ACTION) == 1
    letters = list(db.session.scalars(sa.select(Letter).order_by(Letter.id)))
    assert [letter.status for letter in letters] == [LetterStatus.SENT] * 2
    text.fill(letters)
    built_in = templates.default_text(KIND, "zh")[0]
    assert letters[0].template_version == 1 and letters[0].subject != "谢谢"
    assert letters[0].subject.startswith(built_in.split("{")[0].strip())


def test_a_letter_shown_with_a_text_that_works_flags_nothing():
    templates.save_template(KIND, "zh", "谢谢", "{{ amount_fen // 100 }} 元", by=None)
    sponsor = factories.make_letter_sponsor()
    context = {"amount_fen": 50_000}
    queue_many([Pending(KIND, recipient_of(sponsor, KIND), "donation:1", "zh", context)], about="t")
    letters = list(db.session.scalars(sa.select(Letter)))
    text.fill(letters)
    assert letters[0].body.strip() == "500 元"
    assert templates.failed_templates() == {}
