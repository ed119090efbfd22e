"""Scheduled jobs: thin wrappers that call services, each claiming (job, period) before acting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger


@dataclass(frozen=True)
class JobContext:
    """What a job is told about the run it is part of."""

    period_key: str
    #: When the run started, aware UTC (the frozen clock in tests).
    now: datetime


def daily(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def monthly(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def yearly(moment: datetime) -> str:
    return moment.strftime("%Y")


def minutely(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: what it runs, when, and how its runs are keyed."""

    id: str
    func: Callable[[JobContext], str]
    #: Cron fields in the programme's zone, e.g. {"month": 9, "day": 1, "hour": 0, "minute": 30}.
    cron: dict = field(default_factory=dict)
    #: Maps a local moment to the period it belongs to; one run per period.
    period_of: Callable[[datetime], str] = daily
    #: Catch up a missed run at start-up if it was due no longer ago than this; None: never.
    catch_up_window: timedelta | None = timedelta(days=2)
    #: What the job does, in words an admin understands (a lazy translation).
    description: object = ""

    def trigger(self, timezone) -> CronTrigger:
        return CronTrigger(timezone=timezone, **self.cron)

    def last_due(self, now: datetime, timezone) -> datetime | None:
        """Return the latest scheduled time at or before `now` within the catch-up window."""
        if self.catch_up_window is None:
            return None
        trigger = self.trigger(timezone)
        start = now - self.catch_up_window
        fire = trigger.get_next_fire_time(None, start)
        last = None
        while fire is not None and fire <= now:
            last = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return last


def registry() -> dict[str, JobSpec]:
    """Return every scheduled job by id; each capability adds its own here."""
    from sponsorship.jobs import (
        housekeeping,
        letters,
        matching,
        payouts,
        pledges,
        reminders,
        school_year,
        thanks,
    )

    specs = [
        housekeeping.SPEC,
        school_year.SPEC,
        # After the promotion: the batch reads each child's group for the new school year.
        payouts.SPEC,
        pledges.ROLLOVER,
        pledges.OVERDUE,
        matching.SPEC,
        reminders.SPEC,
        thanks.SPEC,
        letters.SPEC,
    ]
    return {spec.id: spec for spec in specs}
