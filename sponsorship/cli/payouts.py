"""`flask payouts ...`: pay a large batch from the command line, chunk by chunk, safe to re-run."""

from datetime import date

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import PayoutBatch, User
from sponsorship.models.enums import PayoutBatchStatus
from sponsorship.work.payments import pay_in_chunks

cli = AppGroup("payouts", help="Payout batches.")


@cli.command("pay")
@click.argument("key")
@click.option("--paid-on", type=click.DateTime(["%Y-%m-%d"]), help="Date the bank paid.")
@click.option("--by", "username", required=True, help="The finance user recording it.")
@click.option("--chunk", default=1000, show_default=True)
def pay_command(key: str, paid_on, username: str, chunk: int) -> None:
    """Mark every waiting payout of batch KEY paid; a crash and a re-run pay each one once."""
    batch = db.session.scalar(
        sa.select(PayoutBatch).where(
            PayoutBatch.key == key, PayoutBatch.status != PayoutBatchStatus.CANCELLED
        )
    )
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if batch is None or user is None:
        raise click.ClickException(f"no batch {key!r} or no user {username!r}")
    day: date = paid_on.date() if paid_on else today()
    paid = pay_in_chunks(
        batch.id,
        paid_on=day,
        by_id=user.id,
        size=chunk,
        after_chunk=lambda total: click.echo(f"{total} paid"),
    )
    status = db.session.get(PayoutBatch, batch.id).status
    click.echo(f"batch {key}: {paid} payouts paid now; status {status}")
