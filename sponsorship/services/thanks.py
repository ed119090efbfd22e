"""Queue the yearly thank-you letters from the year's figures the money-in capability computes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sponsorship.models import Sponsor
from sponsorship.models.enums import LetterKind
from sponsorship.services.letters import queue_letter


@dataclass(frozen=True)
class YearFigures:
    """One caring parent's year: how many children, what they gave, what the children received."""

    sponsor: Sponsor
    children_count: int
    donated_fen: int
    received_fen: int


def yearly_reference(year: int) -> str:
    return f"year:{year}"


def queue_yearly_thanks(rows: Iterable[YearFigures], year: int) -> int:
    """Queue one yearly thank-you per caring parent (once per year); return how many were new."""
    queued = 0
    for row in rows:
        letter = queue_letter(
            LetterKind.YEARLY_THANKS,
            row.sponsor,
            yearly_reference(year),
            year=year,
            children_count=row.children_count,
            donated_fen=row.donated_fen,
            received_fen=row.received_fen,
        )
        queued += letter is not None
    return queued
