"""The scheduler process: APScheduler 3.x firing the registry's jobs, catching up and retrying."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.date import DateTrigger
from flask import Flask

from sponsorship.clock import local_zone, utcnow
from sponsorship.jobs.registry import registry
from sponsorship.jobs.spec import JobSpec
from sponsorship.work import scheduler_lock
from sponsorship.work.job_runs import Outcome, current_period, run_job

log = logging.getLogger(__name__)

#: The first retry of a period the database failed comes this soon; each next one twice as late,
#: up to RETRY_CAP.
RETRY_FIRST = timedelta(minutes=1)
RETRY_CAP = timedelta(minutes=15)


def retry_delay(attempt: int) -> timedelta:
    """Return how long to wait before retry number `attempt` (1, 2, ...)."""
    return min(RETRY_FIRST * 2 ** min(attempt - 1, 10), RETRY_CAP)


def retry_id(job_id: str, period_key: str) -> str:
    """Return the scheduler's id of the pending retry of one period."""
    return f"retry:{job_id}:{period_key}"


def fire(scheduler: BaseScheduler, app: Flask, job_id: str) -> Outcome:
    """Run one job for its current period; schedule a retry if the database failed."""
    spec = registry()[job_id]
    with app.app_context():
        period_key = current_period(spec)
        outcome = run_job(spec, period_key)
        follow_up(scheduler, app, spec, period_key, outcome, attempt=1, since=utcnow())
    return outcome


def retry(
    scheduler: BaseScheduler,
    app: Flask,
    job_id: str,
    period_key: str,
    attempt: int,
    since: datetime,
) -> Outcome:
    """Run a period the database failed once more; schedule the next retry if it fails again."""
    spec = registry()[job_id]
    with app.app_context():
        outcome = run_job(spec, period_key, trigger="retry")
        follow_up(scheduler, app, spec, period_key, outcome, attempt=attempt + 1, since=since)
    return outcome


def follow_up(
    scheduler: BaseScheduler,
    app: Flask,
    spec: JobSpec,
    period_key: str,
    outcome: Outcome,
    *,
    attempt: int,
    since: datetime,
) -> None:
    """After a database failure, schedule the period's next attempt, backing off."""
    if outcome != Outcome.DATABASE_ERROR:
        return
    # A job without catch-up does the same work next period; one with it retries for as long
    # as a restart would still catch the period up.
    if spec.catch_up_window is None:
        return
    now = utcnow()
    if now - since > spec.catch_up_window:
        log.error("job %s %s: giving up after %s retries", spec.id, period_key, attempt - 1)
        return
    when = now + retry_delay(attempt)
    scheduler.add_job(
        retry,
        DateTrigger(when),
        args=(scheduler, app, spec.id, period_key, attempt, since),
        id=retry_id(spec.id, period_key),
        name=f"retry {spec.id} {period_key}",
        replace_existing=True,
        misfire_grace_time=None,
    )
    log.warning("job %s %s: retry %s at %s", spec.id, period_key, attempt, when.isoformat())


def catch_up(app: Flask, scheduler: BaseScheduler | None = None) -> dict[str, Outcome]:
    """Run, once, each job whose latest due period passed while no scheduler was running."""
    outcomes: dict[str, Outcome] = {}
    with app.app_context():
        zone = local_zone()
        now = utcnow().astimezone(zone)
        for spec in registry().values():
            due = spec.last_due(now, zone)
            if due is None:
                continue
            period_key = spec.period_of(due)
            outcomes[spec.id] = run_job(spec, period_key, trigger="catch-up")
            if scheduler is not None:
                follow_up(
                    scheduler, app, spec, period_key, outcomes[spec.id], attempt=1, since=utcnow()
                )
    return outcomes


def build_scheduler(
    app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler
) -> BaseScheduler:
    """Return a scheduler with every registered job, coalescing missed fires into one."""
    with app.app_context():
        zone = local_zone()
    scheduler = scheduler_class(
        timezone=zone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for spec in registry().values():
        scheduler.add_job(
            fire,
            spec.trigger(zone),
            args=(scheduler, app, spec.id),
            id=spec.id,
            name=str(spec.description or spec.id),
        )
    return scheduler


def run_forever(app: Flask) -> None:
    """Catch up missed periods (retrying those the database failed), then run until stopped."""
    scheduler = build_scheduler(app)
    if app.config.get("SCHEDULER_CATCH_UP", True):
        for job_id, outcome in catch_up(app, scheduler).items():
            log.info("catch-up %s: %s", job_id, outcome)
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    # While it runs, `flask backup restore` on this machine refuses to swap the database.
    with scheduler_lock.holding(app.instance_path):
        try:
            scheduler.start()
        finally:
            # Stopped (Ctrl+C, SIGTERM): fire nothing more, and do not wait for a running job.
            if scheduler.running:
                scheduler.shutdown(wait=False)
