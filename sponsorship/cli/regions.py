"""`flask regions import FILE.csv`: load or update the region tree."""

from pathlib import Path

import click
from flask.cli import AppGroup

from sponsorship.extensions import db
from sponsorship.services.core.regions import RegionImportError, import_regions

cli = AppGroup("regions", help="The region tree (towns, villages).")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import regions from a CSV file with columns code,name,level,parent,zone."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException("文件不是 UTF-8 编码的 CSV。") from exc
    try:
        result = import_regions(text)
    except RegionImportError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(
        f"地区导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}。"
    )
