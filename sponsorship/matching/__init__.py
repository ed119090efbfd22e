"""The matching engine: plain records in, least-cost proposals with reasons out.

It imports neither Flask nor SQLAlchemy: loading and saving are the service's job.
"""

from sponsorship.matching.engine import match
from sponsorship.matching.records import ChildRecord, MatchResult, Proposal, SponsorRecord
from sponsorship.matching.rules import broken_rule, closeness, pair_cost
from sponsorship.matching.weights import Weights, setting_defaults, weights_from

__all__ = [
    "ChildRecord",
    "MatchResult",
    "Proposal",
    "SponsorRecord",
    "Weights",
    "broken_rule",
    "closeness",
    "match",
    "pair_cost",
    "setting_defaults",
    "weights_from",
]
