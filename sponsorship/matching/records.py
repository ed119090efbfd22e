"""The matcher's plain inputs and outputs: no database, no web, only values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

#: A region path: (county code, zone code, town code, village code); "" where unknown.
RegionPath = tuple[str, str, str, str]

#: Aid groups (the report's three headline groups) and sponsor preferences, as stored values.
AID_GROUPS = ("primary", "middle", "fostering")
ANY = "any"
SAME_TOWN = "same_town"
SAME_COUNTY = "same_county"


@dataclass(frozen=True)
class SponsorRecord:
    """An approved caring parent with free capacity, and what they asked for."""

    id: int
    region: RegionPath
    #: Free slots: capacity minus active and confirmed pairings.
    capacity: int = 1
    #: "any", or one of AID_GROUPS.
    aid_preference: str = ANY
    #: "same_town" or "same_county".
    distance: str = SAME_COUNTY
    #: "female", "male", or None for no preference.
    child_gender: str | None = None


@dataclass(frozen=True)
class ChildRecord:
    """A child awaiting a caring parent."""

    id: int
    region: RegionPath
    #: One of AID_GROUPS.
    aid_group: str = "primary"
    gender: str = "female"
    waiting_days: int = 0
    #: Hardship category values: "orphan", "unsupported", ...
    hardships: tuple[str, ...] = ()


class Proposal(NamedTuple):
    """One proposed pairing with its cost and the reason in both languages.

    A named tuple, not a dataclass: a run makes up to a hundred thousand, five times faster.
    """

    sponsor_id: int
    child_id: int
    cost: int
    reason_zh: str
    reason_en: str


@dataclass
class MatchResult:
    """Everything one run of the matcher decided."""

    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)
    #: Sum of the proposals' costs and of the unmatched children's penalties.
    total_cost: int = 0
    #: Number of counties solved (each its own flow), and arcs in their networks.
    components: int = 0
    edges: int = 0
