"""The monthly retention job: once per month, it anonymises the exits that expired."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.jobs.retention import monthly
from sponsorship.models import Child
from sponsorship.models.enums import ChildStatus, ExitReason
from sponsorship.services.data.anonymise import PLACEHOLDER
from sponsorship.work.job_runs import Outcome, run_job
from tests import factories as f


def test_the_retention_job_anonymises_expired_exits_once_a_month(frozen):
    frozen(datetime(2030, 2, 1, 4, tzinfo=UTC))
    old = f.make_child(status=ChildStatus.EXITED, name="陈旧人", exited_on=date(2026, 12, 1))
    old.exit_reason = ExitReason.MOVED_AWAY
    recent = f.make_child(status=ChildStatus.EXITED, name="李新人", exited_on=date(2027, 6, 1))
    recent.exit_reason = ExitReason.MOVED_AWAY
    db.session.flush()
    spec = registry()["retention"]
    assert monthly(datetime(2030, 2, 1, 4)) == "2030-02"
    assert run_job(spec, "2030-02") == Outcome.SUCCEEDED
    assert run_job(spec, "2030-02") == Outcome.SKIPPED
    names = dict(db.session.execute(sa.select(Child.id, Child.name)).all())
    assert names[old.id] == PLACEHOLDER and names[recent.id] == "李新人"
