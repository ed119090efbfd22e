"""Pledges for active pairings: the money-in capability fills this in.

`start_pledge` is called when a pairing is confirmed; until pledges and instalments exist it does
nothing, so the matching capability can call it already.
"""

from __future__ import annotations

from sponsorship.models import Pairing


def start_pledge(pairing: Pairing) -> None:
    """Create the pledge for the current school year of a newly active pairing."""
    return None
