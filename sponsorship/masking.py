"""Masking of minors' protected numbers: screens and exports show these, never the raw value."""

from __future__ import annotations

MASK = "*"


def mask_id_number(value: str | None) -> str:
    """Show a resident ID as its first four and last four characters: 4413**********123X."""
    if not value:
        return ""
    if len(value) <= 8:
        return MASK * len(value)
    return value[:4] + MASK * (len(value) - 8) + value[-4:]


def mask_account(value: str | None) -> str:
    """Show a bank account as its first four and last four digits, the rest starred."""
    if not value:
        return ""
    if len(value) <= 8:
        return MASK * (len(value) - 2) + value[-2:] if len(value) > 2 else MASK * len(value)
    return value[:4] + MASK * (len(value) - 8) + value[-4:]
