"""`flask users ...`: create accounts and set passwords from the command line."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Region
from sponsorship.models.enums import Role
from sponsorship.services.core import users

cli = AppGroup("users", help="Staff accounts.")


@cli.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role if r != Role.SPONSOR]),
    default=Role.STAFF.value,
    show_default=True,
)
@click.option("--name", "display_name", default="", help="Name shown on screens.")
@click.option("--email", default=None)
@click.option("--scope", "scope_code", default=None, help="Region code bounding the user's data.")
@click.option("--password", default=None, help="Omit to generate one and print it once.")
def create_command(username, role, display_name, email, scope_code, password) -> None:
    """Create a staff, finance, viewer or admin account."""
    scope = None
    if scope_code:
        scope = db.session.scalar(sa.select(Region).where(Region.code == scope_code))
        if scope is None:
            raise click.BadParameter(f"no region with code {scope_code}", param_hint="--scope")
    generated = password is None
    password = password or users.generate_password()
    try:
        users.create_user(
            username, password, Role(role), display_name=display_name, email=email, scope=scope
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {role} account {username}.")
    if generated:
        click.echo(f"Password (shown once): {password}")


@cli.command("set-password")
@click.argument("username")
@click.option("--password", default=None, help="Omit to generate one and print it once.")
def set_password_command(username, password) -> None:
    """Set a user's password; their existing sessions end."""
    user = users.find_by_username(username)
    if user is None:
        raise click.ClickException(f"no user {username}")
    generated = password is None
    password = password or users.generate_password()
    try:
        users.change_password(user, password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Password of {username} changed.")
    if generated:
        click.echo(f"New password (shown once): {password}")
