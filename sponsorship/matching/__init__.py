"""The matching engine: plain records in, least-cost proposals with reasons out.

It imports neither Flask nor SQLAlchemy: loading and saving are the service's job. `match` (and
with it numpy and OR-Tools) is imported on first use, so the weights and rules stay cheap to import.
"""

from sponsorship.matching.records import ChildRecord, MatchResult, Proposal, SponsorRecord
from sponsorship.matching.rules import broken_rule, closeness, pair_cost
from sponsorship.matching.weights import (
    CostsTooLargeError,
    UnsupportedWeightsError,
    Weights,
    setting_defaults,
    weights_from,
)

__all__ = [
    "CostsTooLargeError",
    "ChildRecord",
    "MatchResult",
    "Proposal",
    "SponsorRecord",
    "UnsupportedWeightsError",
    "Weights",
    "broken_rule",
    "closeness",
    "match",
    "pair_cost",
    "setting_defaults",
    "weights_from",
]


def __getattr__(name: str):
    if name == "match":
        # Deliberately lazy: the engine loads numpy and OR-Tools, which every web worker would
        # otherwise pay for at start-up although only the matching job and command use them.
        from sponsorship.matching.engine import match  # noqa: PLC0415

        return match
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
