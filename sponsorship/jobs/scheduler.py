"""The scheduler process: APScheduler 3.x firing the registry's jobs, after catching up."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from sponsorship.clock import local_zone, utcnow
from sponsorship.jobs import JobSpec, registry
from sponsorship.jobs.runner import Outcome, run_job

log = logging.getLogger(__name__)


def fire(app: Flask, job_id: str) -> Outcome:
    """Run one job for its current period inside an application context."""
    with app.app_context():
        return run_job(registry()[job_id])


def catch_up(app: Flask) -> dict[str, Outcome]:
    """Run, once, each job whose latest due period passed while no scheduler was running."""
    outcomes: dict[str, Outcome] = {}
    with app.app_context():
        zone = local_zone()
        now = utcnow().astimezone(zone)
        for spec in registry().values():
            due = spec.last_due(now, zone)
            if due is not None:
                outcomes[spec.id] = run_job(spec, spec.period_of(due), trigger="catch-up")
    return outcomes


def next_runs(app: Flask) -> list[tuple[JobSpec, datetime | None]]:
    """Return each job with its next scheduled time in the programme's zone."""
    with app.app_context():
        zone = local_zone()
        now = utcnow().astimezone(zone)
        return [
            (spec, spec.trigger(zone).get_next_fire_time(None, now)) for spec in registry().values()
        ]


def build_scheduler(app: Flask) -> BlockingScheduler:
    """Return a scheduler with every registered job, coalescing missed fires into one."""
    with app.app_context():
        zone = local_zone()
    scheduler = BlockingScheduler(
        timezone=zone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for spec in registry().values():
        scheduler.add_job(
            fire,
            spec.trigger(zone),
            args=(app, spec.id),
            id=spec.id,
            name=str(spec.description or spec.id),
        )
    return scheduler


def run_forever(app: Flask) -> None:
    """Catch up missed periods, then run the scheduler until interrupted."""
    if app.config.get("SCHEDULER_CATCH_UP", True):
        for job_id, outcome in catch_up(app).items():
            log.info("catch-up %s: %s", job_id, outcome)
    scheduler = build_scheduler(app)
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    scheduler.start()
