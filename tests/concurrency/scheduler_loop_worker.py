"""A separate process that runs the real scheduler's everyday jobs back to back, as `flask jobs
run` does at every tick, for a number of seconds; prints one JSON line of what happened.

Usage: python -m tests.concurrency.scheduler_loop_worker DATABASE_URL SECONDS

Every round gives each job a fresh period (the next minute, the next day), so each run claims
and does its work instead of skipping; any outcome but "succeeded" is reported.
"""

import json
import sys
import time
from datetime import UTC, datetime, timedelta

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.jobs.registry import registry
from sponsorship.jobs.spec import daily, minutely
from sponsorship.work.job_runs import Outcome, run_job

#: The first period the loop claims; far from the test data's own dates.
START = datetime(2031, 1, 1, 0, 0, tzinfo=UTC)


def main(url: str, seconds: float) -> None:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    # The jobs of an ordinary day: every minute and every day (the yearly ones run on 1 September).
    steps = {minutely: timedelta(minutes=1), daily: timedelta(days=1)}
    specs = [spec for spec in registry().values() if spec.period_of in steps]
    runs, bad = 0, []
    deadline = time.monotonic() + seconds
    round_no = 0
    while time.monotonic() < deadline:
        for spec in specs:
            period = spec.period_of(START + steps[spec.period_of] * round_no)
            with app.app_context():
                outcome = run_job(spec, period, trigger="manual")
            runs += 1
            if outcome != Outcome.SUCCEEDED:
                bad.append(f"{spec.id} {period}: {outcome}")
        round_no += 1
    print(json.dumps({"runs": runs, "rounds": round_no, "jobs": [s.id for s in specs], "bad": bad}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
