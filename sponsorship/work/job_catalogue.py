"""The scheduled jobs as the web sees them: installed by the app factory, read by views."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from flask import Flask, current_app

from sponsorship.clock import local_zone, utcnow
from sponsorship.work.job_runs import Job

KEY = "job_catalogue"


class ScheduledJob(Job, Protocol):
    """A job with a schedule and a description (sponsorship.jobs.spec.JobSpec is one)."""

    description: object

    def next_run(self, now: datetime, timezone) -> datetime | None:
        """Return the first scheduled time after `now`, in the given zone, or None."""


def install(app: Flask, jobs: dict[str, ScheduledJob]) -> None:
    """Make the jobs known to the application, by id, in the order they run."""
    app.extensions[KEY] = dict(jobs)


def catalogue() -> dict[str, ScheduledJob]:
    """Return the application's scheduled jobs by id."""
    return current_app.extensions[KEY]


def next_runs() -> list[tuple[ScheduledJob, datetime | None]]:
    """Return each job with its next scheduled time in the programme's zone."""
    zone = local_zone()
    now = utcnow().astimezone(zone)
    return [(job, job.next_run(now, zone)) for job in catalogue().values()]
