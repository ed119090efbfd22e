"""`flask children import FILE.xlsx`: the Excel import from the command line."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import User
from sponsorship.models.enums import Role
from sponsorship.services.children.excel_import import import_sheet

cli = AppGroup("children", help="The register of children.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", help="Login name recorded as registrar (default: first admin).")
@click.option("--dry-run", is_flag=True, help="Check the sheet and report; write nothing.")
def import_command(path: Path, username: str | None, dry_run: bool) -> None:
    """Import children from an .xlsx sheet: every row, or none when any row has an error."""
    stmt = sa.select(User).where(User.active.is_(True))
    if username:
        stmt = stmt.where(User.username == username)
    else:
        stmt = stmt.where(User.role == Role.ADMIN).order_by(User.id)
    user = db.session.scalars(stmt).first()
    if user is None:
        raise click.ClickException("找不到可用的账号：请用 --user 指定登录名。")
    if path.suffix.lower() != ".xlsx":
        raise click.ClickException("请提供 .xlsx 格式的 Excel 文件。")
    try:
        with path.open("rb") as stream:
            plan, counts = import_sheet(stream, user)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    if counts is None:
        db.session.rollback()
        for problem in plan.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"共 {len(plan.problems)} 处错误，未导入任何数据。")
    summary = f"新增 {counts['create']}，更新 {counts['update']}，未变 {counts['unchanged']}。"
    if dry_run:
        db.session.rollback()
        click.echo("检查通过（未写入）：" + summary)
        return
    db.session.commit()
    click.echo("导入完成：" + summary)
