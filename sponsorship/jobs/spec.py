"""What a scheduled job is: its function, its cron schedule, how its periods are keyed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from sponsorship.work.job_runs import JobContext


def daily(moment: datetime) -> str:
    """Key a local moment by its day: "2026-11-29"."""
    return moment.strftime("%Y-%m-%d")


def yearly(moment: datetime) -> str:
    """Key a local moment by its year: "2026"."""
    return moment.strftime("%Y")


def minutely(moment: datetime) -> str:
    """Key a local moment by its minute: "2026-11-29T10:15"."""
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
    #: Catch up (and retry) a missed period if it was due no longer ago than this; None: never.
    catch_up_window: timedelta | None = timedelta(days=2)
    #: A run still "running" this long after it started is presumed dead and may be taken over;
    #: longer than the job's slowest honest run.
    lease: timedelta = timedelta(hours=2)
    #: What the job does, in words an admin understands (a lazy translation).
    description: object = ""

    def trigger(self, timezone) -> CronTrigger:
        """Return the job's cron trigger in the given zone."""
        return CronTrigger(timezone=timezone, **self.cron)

    def next_run(self, now: datetime, timezone) -> datetime | None:
        """Return the first scheduled time after `now`, in the given zone."""
        return self.trigger(timezone).get_next_fire_time(None, now)

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
