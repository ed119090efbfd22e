"""`flask ledger ...`: prove the ledger's invariants on the whole database."""

import click
from flask.cli import AppGroup

from sponsorship.money import format_fen
from sponsorship.services.money import ledger_check, statements

cli = AppGroup("ledger", help="The double-entry ledger.")


@cli.command("verify")
def verify_command() -> None:
    """Check every transaction sums to zero and every balance is the sum of its legs."""
    problems = ledger_check.verify()
    totals = statements.programme_totals()
    if not totals.reconciles:
        problems.append(
            f"totals: raised {totals.raised_fen} != paid out {totals.paid_out_fen} "
            f"+ held {totals.held_fen} + refunded {totals.refunded_fen} "
            f"+ handed on {totals.handed_on_fen}"
        )
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        click.echo(f"{len(problems)} problems found.", err=True)
        raise SystemExit(1)
    click.echo(
        f"Ledger OK: raised {format_fen(totals.raised_fen)} = paid out "
        f"{format_fen(totals.paid_out_fen)} + held {format_fen(totals.held_fen)} "
        f"+ refunded {format_fen(totals.refunded_fen)} "
        f"+ handed on {format_fen(totals.handed_on_fen)}."
    )
