"""Every minute: deliver queued emails and text messages, one claimed letter at a time."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.jobs.spec import JobSpec, minutely
from sponsorship.letters.channels import DeliveryError
from sponsorship.models.enums import LetterStatus
from sponsorship.services.letters import delivery
from sponsorship.work.job_runs import JobContext

log = logging.getLogger(__name__)

#: Letters one run sends at most; the rest wait for the next minute.
BATCH_LIMIT = 200


def deliver_pending(limit: int = BATCH_LIMIT) -> Counter:
    """Recover stale claims, then claim, send and record letters until none is due."""
    outcome: Counter = Counter()
    outcome["recovered"] = delivery.recover_stale_claims(utcnow())
    db.session.commit()
    for _attempt in range(limit):
        letter = delivery.claim_next(utcnow())
        if letter is None:
            db.session.rollback()
            break
        claim = delivery.Claim.of(letter)
        # The claim is committed before we talk to the server: no other worker can take it.
        db.session.commit()
        try:
            delivery.send_letter(claim)
        except DeliveryError as error:
            log.warning("letter %s not delivered: %s", claim.id, error.message)
            status = delivery.record_failure(claim, error, utcnow())
            outcome["retry" if status == LetterStatus.QUEUED else "failed"] += 1
        else:
            delivery.record_sent(claim, utcnow())
            outcome["sent"] += 1
        db.session.commit()
    return outcome


def deliver_letters(ctx: JobContext) -> str:
    """The scheduled job: deliver what is due this minute."""
    outcome = deliver_pending()
    return _(
        "Sent %(sent)s, retrying %(retry)s, failed %(failed)s, reclaimed %(recovered)s.",
        sent=outcome["sent"],
        retry=outcome["retry"],
        failed=outcome["failed"],
        recovered=outcome["recovered"],
    )


SPEC = JobSpec(
    id="deliver_letters",
    func=deliver_letters,
    cron={"minute": "*"},
    period_of=minutely,
    catch_up_window=None,
    # A run sends at most BATCH_LIMIT letters; one still "running" after this died mid-way.
    lease=timedelta(minutes=10),
    description=_l("Deliver queued letters by email and SMS, with retries"),
)
