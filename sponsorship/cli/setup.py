"""`flask setup`: migrate, create the first admin, load demo data on first start."""

import os
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_migrate import upgrade

from sponsorship import demo
from sponsorship.extensions import db
from sponsorship.models import User
from sponsorship.models.enums import Role
from sponsorship.services.core import users


def flask_command() -> str:
    """Return the flask command as typed from the project's folder (".venv/bin/flask --app wsgi").

    A newcomer's shell has no activated virtualenv, so a bare "flask" is not found.
    """
    beside_python = Path(sys.executable).parent / "flask"
    if beside_python.exists():
        relative = os.path.relpath(beside_python)
        flask = relative if not relative.startswith("..") else str(beside_python)
    else:
        flask = "flask"
    return f"{flask} --app wsgi"


@click.command("setup")
@click.option(
    "--demo/--no-demo",
    "with_demo",
    default=True,
    show_default=True,
    help="Load demo data when the database is empty.",
)
@with_appcontext
def setup_command(with_demo: bool) -> None:
    """Bring the database up to date; on first start create an admin and load demo data."""
    upgrade()
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0:
        password = users.generate_password()
        admin = users.create_user("admin", password, Role.ADMIN, display_name="admin")
        db.session.commit()
        click.echo("=" * 60)
        click.echo("First admin account created. Note the password: it is shown only once.")
        click.echo("  login name: admin")
        click.echo(f"  password:   {password}")
        click.echo(f"(Forgot it? {flask_command()} users set-password admin)")
        click.echo("=" * 60)
        if with_demo and not demo.has_demo_data():
            counts = demo.load(admin)
            db.session.commit()
            click.echo("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    else:
        click.echo("Database up to date.")
