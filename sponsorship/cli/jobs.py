"""`flask jobs ...`: run the scheduler, list jobs, run one job for a period."""

import logging
import os
import signal
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from sponsorship.jobs.registry import registry
from sponsorship.jobs.scheduler import run_forever
from sponsorship.labels import label
from sponsorship.services.reports.job_health import last_runs
from sponsorship.work.job_catalogue import next_runs
from sponsorship.work.job_runs import Outcome, run_job

cli = AppGroup("jobs", help="Scheduled jobs.")


@cli.command("run")
def run_command() -> None:
    """Start the scheduler in this process (catches up missed periods first)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Started with `&` by a shell (as `make serve` does), this process inherits SIGINT ignored:
    # Ctrl+C would then reach only the web app, and the scheduler would live on until someone
    # else killed it. Take SIGINT back, so Ctrl+C stops the scheduler by itself.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    click.echo("Scheduler running; Ctrl+C stops it.")
    try:
        run_forever(current_app._get_current_object())
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
        # A job still running in the scheduler's threads (waiting out SQLite's busy timeout, a
        # slow mail server) would hold the interpreter's exit until it ended: its transaction
        # rolls back and its lease lets the next run take the period over, so do not wait.
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(0)


@cli.command("list")
def list_command() -> None:
    """Show each job, its next run and its last run."""
    schedule = next_runs()
    last = last_runs([job.id for job, _ in schedule])
    for job, next_time in schedule:
        run = last.get(job.id)
        last_text = f"{run.period_key} {label(run.status)}" if run else "从未运行"
        next_text = f"{next_time:%Y-%m-%d %H:%M %Z}" if next_time else "不再安排"
        click.echo(f"{job.id:<24} 下次 {next_text}  上次 {last_text}  — {job.description}")


@cli.command("run-once")
@click.argument("job_id")
@click.option("--period", "period_key", help="Period key, e.g. 2026-11-29; default: current.")
def run_once_command(job_id: str, period_key: str | None) -> None:
    """Run JOB_ID once for a period, unless that period has run already."""
    specs = registry()
    if job_id not in specs:
        raise click.UsageError(f"unknown job {job_id!r}; known: {', '.join(sorted(specs))}")
    outcome = run_job(specs[job_id], period_key, trigger="manual")
    if outcome == Outcome.DATABASE_ERROR:
        raise click.ClickException(
            f"{job_id}: the database failed or could not be reached, so the job did not run; "
            "the error is logged above. Run it again once the database is back."
        )
    click.echo(f"{job_id}: {outcome}")
    if outcome == Outcome.FAILED:
        raise SystemExit(1)
