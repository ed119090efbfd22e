"""`flask jobs ...`: run the scheduler, list jobs, run one job for a period."""

import logging

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from sponsorship.extensions import db
from sponsorship.jobs import registry
from sponsorship.jobs.runner import Outcome, run_job
from sponsorship.jobs.scheduler import next_runs, run_forever
from sponsorship.models import JobRun

cli = AppGroup("jobs", help="Scheduled jobs.")


@cli.command("run")
def run_command() -> None:
    """Start the scheduler in this process (catches up missed periods first)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    click.echo("Scheduler running; Ctrl+C stops it.")
    try:
        run_forever(current_app._get_current_object())
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@cli.command("list")
def list_command() -> None:
    """Show each job, its next run and its last run."""
    for spec, next_time in next_runs(current_app._get_current_object()):
        last = db.session.scalar(
            sa.select(JobRun).where(JobRun.job_id == spec.id).order_by(JobRun.started_at.desc())
        )
        last_text = f"{last.period_key} {last.status}" if last else "never"
        click.echo(
            f"{spec.id:<24} next {next_time:%Y-%m-%d %H:%M %Z}  last {last_text}  "
            f"— {spec.description}"
        )


@cli.command("run-once")
@click.argument("job_id")
@click.option("--period", "period_key", help="Period key, e.g. 2026-11-29; default: current.")
def run_once_command(job_id: str, period_key: str | None) -> None:
    """Run JOB_ID once for a period, unless that period has run already."""
    specs = registry()
    if job_id not in specs:
        raise click.UsageError(f"unknown job {job_id!r}; known: {', '.join(sorted(specs))}")
    outcome = run_job(specs[job_id], period_key, trigger="manual")
    click.echo(f"{job_id}: {outcome}")
    if outcome == Outcome.FAILED:
        raise SystemExit(1)
