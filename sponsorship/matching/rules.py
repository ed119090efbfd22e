"""The hard rules and the cost of one pair, stated once for people and for tests."""

from __future__ import annotations

from sponsorship.matching.records import ANY, SAME_TOWN, ChildRecord, SponsorRecord
from sponsorship.matching.weights import Weights

#: Closeness levels, nearest first; the index is how many path levels must differ.
VILLAGE, TOWN, ZONE, COUNTY, FARTHER = "village", "town", "zone", "county", "farther"


def closeness(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """Return the nearest level two region paths share: village, town, zone, county or farther."""
    if not a[0] or a[0] != b[0]:
        return FARTHER
    if a[2] and a[2] == b[2]:
        return VILLAGE if a[3] and a[3] == b[3] else TOWN
    if a[1] and a[1] == b[1]:
        return ZONE
    return COUNTY


def broken_rule(sponsor: SponsorRecord, child: ChildRecord) -> str | None:
    """Return which hard rule the pair breaks ("aid", "distance", "gender"), or None."""
    if sponsor.aid_preference != ANY and sponsor.aid_preference != child.aid_group:
        return "aid"
    near = closeness(sponsor.region, child.region)
    if near == FARTHER or (sponsor.distance == SAME_TOWN and near not in (VILLAGE, TOWN)):
        return "distance"
    if sponsor.child_gender and sponsor.child_gender != child.gender:
        return "gender"
    return None


def distance_cost(near: str, weights: Weights) -> int:
    """Return the distance part of a pair's cost."""
    return {
        VILLAGE: weights.same_village,
        TOWN: weights.same_town,
        ZONE: weights.same_zone,
        COUNTY: weights.same_county,
    }[near]


def pair_cost(sponsor: SponsorRecord, child: ChildRecord, slot: int, weights: Weights) -> int:
    """Return the cost of giving `child` the sponsor's `slot`-th free place (0-based)."""
    near = closeness(sponsor.region, child.region)
    return distance_cost(near, weights) + weights.extra_slot * slot
