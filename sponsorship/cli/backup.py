"""`flask backup ...`: take a checked copy of the database, list the copies, restore one."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from sponsorship.clock import local_zone
from sponsorship.errors import DomainError
from sponsorship.money import format_fen
from sponsorship.services.data import backups
from sponsorship.work.restore import RestoreRefusedError, restore

cli = AppGroup("backup", help="Backups of the database: create, list, restore.")


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


@cli.command("create")
def create_command() -> None:
    """Copy the database while the app runs, check the copy, keep the rotation."""
    try:
        made = backups.create()
    except DomainError as error:
        raise click.ClickException(f"备份失败：{error}") from error
    rows = sum(made.counts.values())
    click.echo(
        f"备份完成：{made.path}（{_size(made.size)}，{rows} 行，账目核对无误，"
        f"累计收款 {format_fen(made.raised_fen)}）"
    )
    second = backups.copy_dir()
    if second is not None:
        click.echo(f"已另存一份到 {second}")


@cli.command("list")
def list_command() -> None:
    """Show the good backups, newest first, and the age of the last one."""
    found = backups.list_backups()
    if not found:
        click.echo(f"{backups.backup_dir()} 下还没有备份。运行 flask backup create 做第一份。")
        return
    zone = local_zone()
    for b in found:
        click.echo(f"{b.created_at.astimezone(zone):%Y-%m-%d %H:%M}  {_size(b.size):>9}  {b.path}")
    state = backups.health()
    hours = state.age.total_seconds() / 3600 if state.age is not None else 0
    warning = "（已超过两天，请尽快备份！）" if state.stale else ""
    click.echo(f"最近一次备份在 {hours:.0f} 小时前{warning}")


@cli.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: replace the whole database with the backup.")
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database with ARCHIVE; the current database is kept aside first."""
    try:
        done = restore(archive, confirmed=yes)
    except (RestoreRefusedError, DomainError) as error:
        raise click.ClickException(f"未恢复：{error}") from error
    click.echo(f"已恢复 {archive.name}。原数据库已另存为 {done.aside}")
    for table, (want, got) in sorted(done.missing_rows.items()):
        click.echo(f"注意：表 {table} 备份时 {want} 行，恢复后 {got} 行", err=True)
    for problem in done.problems:
        click.echo(problem, err=True)
    if done.problems or done.missing_rows:
        raise SystemExit(1)
    click.echo(
        f"核对无误：{sum(done.counts.values())} 行，账目平衡。如备份较旧，请运行 flask db upgrade。"
    )
