"""`flask demo load`: load the demo regions and fictional records."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from sponsorship import demo
from sponsorship.extensions import db
from sponsorship.models import User
from sponsorship.models.enums import Role

cli = AppGroup("demo", help="Demo data.")


@cli.command("load")
@click.option("--force", is_flag=True, help="Load even if the database already has regions.")
def load_command(force: bool) -> None:
    """Load demo data into an empty database (an admin account must exist)."""
    if demo.has_demo_data() and not force:
        click.echo("The database already has data; use --force to add the demo records anyway.")
        return
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).order_by(User.id))
    if admin is None:
        raise click.ClickException("Create an admin first: flask users create NAME --role admin")
    counts = demo.load(admin)
    db.session.commit()
    click.echo("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
