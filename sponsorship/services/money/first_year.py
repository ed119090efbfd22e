"""Why a pledge's first school year asks less (or the same) than its yearly amount.

A pairing confirmed after September asks, for its first school year, the yearly amount pro
rata from the pairing date (or the whole of it, as the setting `pledge.mid_year_pro_rata`
says). The statement, the portal and the pairing letter show the same figures, and this module
says in words where they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from sponsorship.clock import local_zone
from sponsorship.errors import Message
from sponsorship.models import Pledge
from sponsorship.money import format_fen


@dataclass(frozen=True)
class FirstYear:
    """A mid-year pledge's first school year: the yearly amount and what the year asks."""

    yearly_fen: int
    asked_fen: int
    paired_on: date | None

    @property
    def pro_rata(self) -> bool:
        """Whether the first year asks less than the yearly amount."""
        return self.asked_fen < self.yearly_fen


def first_year(pledge: Pledge) -> FirstYear | None:
    """Return the first-year figures of a pledge that started mid-year, else None."""
    if not pledge.mid_year:
        return None
    confirmed = pledge.pairing.confirmed_at
    return FirstYear(
        yearly_fen=pledge.amount_fen,
        asked_fen=sum(i.amount_fen for i in pledge.instalments),
        paired_on=confirmed.astimezone(local_zone()).date() if confirmed else None,
    )


def explain(pledge: Pledge) -> Message | None:
    """Say, next to a mid-year pledge's figures, what its first year asks and why."""
    figures = first_year(pledge)
    if figures is None:
        return None
    day = figures.paired_on.isoformat() if figures.paired_on else "—"
    if figures.pro_rata:
        return _l(
            "First year pro rata from the pairing date (%(day)s): %(asked)s of %(yearly)s "
            "a year; full years from next September.",
            day=day,
            asked=format_fen(figures.asked_fen),
            yearly=format_fen(figures.yearly_fen),
        )
    return _l(
        "Paired mid-year (%(day)s), and the first year asks the full %(yearly)s, "
        "as the programme's setting says.",
        day=day,
        yearly=format_fen(figures.yearly_fen),
    )


def letter_context(pledge: Pledge) -> dict:
    """The figures a pairing letter needs to say what the first year asks."""
    figures = first_year(pledge)
    return {
        "yearly_fen": pledge.amount_fen,
        "first_year_fen": figures.asked_fen if figures else pledge.amount_fen,
        "first_year_pro_rata": bool(figures and figures.pro_rata),
        "paired_on": figures.paired_on if figures else None,
    }
