"""A separate process that runs the letter delivery job and kills itself (SIGKILL) mid-run,
after the job's first commit made its claim visible, before the job could finish.

Usage: python -m tests.jobs.job_kill_worker DATABASE_URL PERIOD_KEY
"""

import os
import signal
import sys

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.jobs.registry import registry
from sponsorship.services.letters import delivery
from sponsorship.work.job_runs import run_job


def die(now, channel=None):
    """Stand in for claiming the next letter: the process dies here, as under the OOM killer."""
    os.kill(os.getpid(), signal.SIGKILL)


def main(url: str, period_key: str) -> None:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    delivery.claim_next = die
    with app.app_context():
        run_job(registry()["deliver_letters"], period_key)
    print("survived")  # never reached: the test fails if it is


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
