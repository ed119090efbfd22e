"""Every minute: deliver queued emails and text messages, one claimed letter at a time."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.jobs.spec import JobSpec, minutely
from sponsorship.letters.channels import DeliveryError, UnresponsiveServerError
from sponsorship.models.enums import LetterStatus
from sponsorship.services.letters import delivery
from sponsorship.work.job_runs import JobContext

log = logging.getLogger(__name__)

#: Letters one run sends at most; the rest wait for the next minute.
BATCH_LIMIT = 200
#: Below this many seconds left in the budget, a run claims no more letters.
LEAST_USEFUL_WAIT = 1.0


def deliver_pending(limit: int = BATCH_LIMIT, budget: float | None = None) -> Counter:
    """Recover stale claims, then claim, send and record letters until none is due.

    The channels take turns, letter by letter, so text messages do not queue behind a slow mail
    server. A channel whose server did not answer in time is left alone for the rest of the run
    (its letters stay queued for the next). The run stops claiming when its time budget
    (`budget` seconds, LETTER_DELIVERY_BUDGET by default) is spent, and no server may keep it
    waiting past that.
    """
    if budget is None:
        budget = float(current_app.config["LETTER_DELIVERY_BUDGET"])
    deadline = time.monotonic() + budget
    outcome: Counter = Counter()
    outcome["recovered"] = delivery.recover_stale_claims(utcnow())
    db.session.commit()
    turns = list(delivery.SENT_CHANNELS)
    handled = 0
    while turns and handled < limit:
        channel = turns.pop(0)
        left = deadline - time.monotonic()
        if left < LEAST_USEFUL_WAIT:
            outcome["out_of_time"] += 1
            break
        letter = delivery.claim_next(utcnow(), channel)
        if letter is None:
            db.session.rollback()
            continue  # nothing due on this channel: it drops out of the turns
        claim = delivery.Claim.of(letter)
        # The claim is committed before we talk to the server: no other worker can take it.
        db.session.commit()
        turns.append(channel)
        handled += 1
        try:
            delivery.send_letter(claim, timeout=left)
        except DeliveryError as error:
            log.warning("letter %s not delivered: %s", claim.id, error.message)
            status = delivery.record_failure(claim, error, utcnow())
            outcome["retry" if status == LetterStatus.QUEUED else "failed"] += 1
            if isinstance(error, UnresponsiveServerError):
                log.warning("%s: the server did not answer; left alone until the next run", channel)
                turns.remove(channel)
                outcome["backed_off"] += 1
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
