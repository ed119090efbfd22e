"""The per-person amount of a handout: one amount for everyone, or one per beneficiary group.

Pure rules over plain values (no database): `handouts.set_amounts` applies them to a campaign's
pending beneficiaries, and the tests check the totals with hypothesis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.money import MAX_FEN


@dataclass(frozen=True)
class AmountRule:
    """One amount for all (`one_fen`), or an amount per group (`by_group`, group → fen)."""

    one_fen: int | None = None
    by_group: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.one_fen is None) == (not self.by_group):
            raise DomainError(_l("Give either one amount for everyone or an amount per group."))
        for fen in [self.one_fen] if self.one_fen is not None else self.by_group.values():
            if not isinstance(fen, int) or fen <= 0:
                raise DomainError(_l("Each handout amount must be more than zero."))
            if fen > MAX_FEN:
                raise DomainError(_l("The amount is too large."))

    def amount_for(self, group: str) -> int | None:
        """Return the amount for a person of `group`, or None when the rule gives none."""
        if self.one_fen is not None:
            return self.one_fen
        return self.by_group.get(group)

    def missing(self, groups: Iterable[str]) -> list[str]:
        """Return the groups (sorted, once each) the rule gives no amount for."""
        return sorted({g for g in groups if self.amount_for(g) is None})


def amounts(rule: AmountRule, groups: Iterable[str]) -> list[int]:
    """Return each person's amount, in the order of `groups`; refuse if a group has none."""
    groups = list(groups)
    missing = rule.missing(groups)
    if missing:
        raise MissingGroupAmountError(missing)
    return [rule.amount_for(g) for g in groups]  # type: ignore[misc]


def total(rule: AmountRule, groups: Iterable[str]) -> int:
    """Return what the rule hands out in all to people of these groups (fen)."""
    counts = Counter(groups)
    missing = rule.missing(counts)
    if missing:
        raise MissingGroupAmountError(missing)
    return sum(rule.amount_for(g) * n for g, n in counts.items())  # type: ignore[operator]


class MissingGroupAmountError(DomainError):
    """Some beneficiaries belong to a group the rule gives no amount for."""

    def __init__(self, groups: list[str]) -> None:
        self.groups = groups
        super().__init__(_l("Give an amount for every group on the list."))
