"""`flask matching run`: refresh the matcher's proposals from the command line."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Region
from sponsorship.services.pairing.matching import run_matching

cli = AppGroup("matching", help="Propose pairings of caring parents and children.")


@cli.command("run")
@click.option("--region", "code", help="Only children in this region (code); default: all.")
def run_command(code: str | None) -> None:
    """Replace the unconfirmed proposals with fresh ones."""
    scope = None
    if code:
        scope = db.session.scalar(sa.select(Region).where(Region.code == code))
        if scope is None:
            raise click.ClickException(f"没有代码为 {code} 的地区。")
    try:
        summary = run_matching(scope)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(
        f"匹配完成：等待结对儿童 {summary.children} 名，"
        f"可结对爱心父母 {summary.sponsors} 位，新建议 {summary.proposed} 条，"
        f"暂未匹配 {summary.unmatched} 名，用时 {summary.seconds} 秒。"
    )
