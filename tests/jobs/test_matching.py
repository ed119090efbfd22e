"""The nightly refresh of proposals: registered, and run twice for a day it acts once."""

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.jobs.registry import registry
from sponsorship.models import JobRun, Pairing
from sponsorship.models.enums import PairingStatus
from sponsorship.work.job_runs import Outcome, run_job
from tests import factories
from tests.conftest import count


def test_nightly_refresh_proposes_once_per_day():
    village = factories.make_village()
    sponsor, child = factories.make_sponsor(village), factories.make_child(village)
    spec = registry()["matching-refresh"]
    assert run_job(spec, "2026-11-29") == Outcome.SUCCEEDED
    assert run_job(spec, "2026-11-29") == Outcome.SKIPPED
    pairing = db.session.scalar(sa.select(Pairing))
    assert (pairing.sponsor_id, pairing.child_id, pairing.status) == (
        sponsor.id,
        child.id,
        PairingStatus.PROPOSED,
    )
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == "matching-refresh"))
    assert run.summary == "提出结对建议 1 对；1 名儿童中 0 名暂未匹配。"
    assert count(Pairing) == 1
