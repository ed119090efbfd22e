"""The catalogue of scheduled jobs, in the order they should run when several are due."""

from __future__ import annotations

from sponsorship.jobs import (
    background,
    backups,
    housekeeping,
    letters,
    matching,
    payouts,
    pledges,
    reminders,
    retention,
    school_year,
    thanks,
)
from sponsorship.jobs.spec import JobSpec


def registry() -> dict[str, JobSpec]:
    """Return every scheduled job by id; each capability adds its own here."""
    specs = [
        housekeeping.SPEC,
        backups.SPEC,
        school_year.SPEC,
        # After the promotion: the batch reads each child's group for the new school year.
        payouts.SPEC,
        pledges.ROLLOVER,
        pledges.OVERDUE,
        matching.SPEC,
        reminders.SPEC,
        thanks.SPEC,
        letters.SPEC,
        retention.SPEC,
        background.SPEC,
    ]
    return {spec.id: spec for spec in specs}
