"""Run the matcher: classes, one exact min-cost flow, pairs with their reasons.

Ties: among answers of equal least cost, the engine serves the children with the lower ids. Each
child's unmatched cost is scaled up and given a tie-break below one unit of real cost: the child
of rank r (0 for the lowest id) among the n children of their county adds n − r. So the answer is
a least-cost one, and among those the sum of the tie-breaks of the children left unmatched is the
least: lower ids are matched first, whatever the size. The same input gives the same proposals.
"""

from __future__ import annotations

import numpy as np

from sponsorship.matching import flow, network, regions, unflow
from sponsorship.matching.reasons import reason
from sponsorship.matching.records import (
    ANY,
    SAME_TOWN,
    ChildRecord,
    MatchResult,
    Proposal,
    SponsorRecord,
)
from sponsorship.matching.rules import COUNTY, TOWN, VILLAGE, ZONE
from sponsorship.matching.weights import CostsTooLargeError, UnsupportedWeightsError, Weights

#: Scaled costs must stay well inside 64 bits for the solver (it multiplies them further).
_COST_LIMIT = 2**44

#: Closeness levels by the numbers `regions.levels` gives them.
LEVELS = (VILLAGE, TOWN, ZONE, COUNTY)


def match(
    sponsors: list[SponsorRecord],
    children: list[ChildRecord],
    *,
    weights: Weights | None = None,
    rejected: set[tuple[int, int]] | frozenset = frozenset(),
) -> MatchResult:
    """Propose the least-cost pairings; `rejected` holds (sponsor id, child id) never to propose.

    Raises `UnsupportedWeightsError` when the weights break what the flow relies on.
    """
    weights = weights or Weights()
    problem = weights.flow_problem()
    if problem:
        raise UnsupportedWeightsError(problem)
    sponsors = sorted((s for s in sponsors if s.capacity > 0), key=lambda s: s.id)
    children = sorted(children, key=lambda c: c.id)
    result = MatchResult()
    if not children:
        return result
    penalty = _penalties(children, weights)
    coded, path = regions.encode([c.region for c in children] + [s.region for s in sponsors])
    n = len(children)
    c_in = np.flatnonzero(coded.county[:n] >= 0)
    s_in = n + np.flatnonzero(coded.county[n:] >= 0)
    kids, carers = [children[i] for i in c_in], [sponsors[j - n] for j in s_in]

    c_county = coded.county[c_in]
    scale, tie = _tie_breaks(c_county, int(coded.county.max(initial=-1)) + 1)
    # The largest cost any arc can carry, scaled: refuse rather than overflow silently.
    places = max((s.capacity for s in sponsors), default=0)
    largest = max(
        abs(weights.same_county),
        abs(weights.extra_slot) * places,
        abs(int(penalty.max(initial=0))),
        abs(int(penalty.min(initial=0))),
    )
    if largest * int(scale.max(initial=1)) >= _COST_LIMIT:
        raise CostsTooLargeError("costs too large to solve exactly")
    types, type_of = _codes([f"{c.aid_group}\x1f{c.gender}" for c in kids])
    profiles, profile_of = _codes([f"{s.aid_preference}\x1f{s.child_gender or ''}" for s in carers])
    compatible = np.asarray(
        [[_accepts(p, t) for t in types] for p in profiles], dtype=bool
    ).reshape(len(profiles), len(types))
    banned = _rejected_keys(rejected, kids, carers)
    rejecting = np.zeros(len(kids), dtype=bool)
    rejecting[banned % max(len(kids), 1)] = True
    rejected_sponsor = np.zeros(len(carers), dtype=bool)
    rejected_sponsor[banned // max(len(kids), 1)] = True
    capacity = np.asarray([s.capacity for s in carers], dtype=np.int64)
    distance = np.asarray(
        [weights.same_village, weights.same_town, weights.same_zone, weights.same_county],
        dtype=np.int64,
    )
    net = network.build(
        network.Children(
            coded.take(c_in), path[c_in], type_of, penalty[c_in] * scale[c_county] + tie, rejecting
        ),
        network.Sponsors(
            coded.take(s_in),
            path[s_in],
            profile_of,
            np.asarray([s.distance == SAME_TOWN for s in carers], dtype=bool),
            capacity,
            rejected_sponsor,
        ),
        compatible,
        banned,
        distance,
        weights.extra_slot,
    )
    # Scale every other arc's cost by its county's scale (the unmatched arcs carry theirs).
    paid = np.ones(len(net.cost), dtype=bool)
    paid[net.unmatched_start : net.unmatched_start + len(c_in)] = False
    net.cost[paid] *= scale[net.county[net.tail[paid]]]
    result.edges = len(net.tail)
    result.components = len(np.unique(c_county))
    child_i, sponsor_i, slot = unflow.pairs(net, flow.solve(net), capacity)

    level = regions.levels(coded.take(c_in[child_i]), coded.take(s_in[sponsor_i]))
    costs = distance[level] + weights.extra_slot * slot
    for ci, si, lv, cost in zip(
        child_i.tolist(), sponsor_i.tolist(), level.tolist(), costs.tolist(), strict=True
    ):
        zh, en = reason(LEVELS[lv], kids[ci])
        result.proposals.append(Proposal(carers[si].id, kids[ci].id, cost, zh, en))
    is_matched = np.zeros(n, dtype=bool)
    is_matched[c_in[child_i]] = True
    result.unmatched = [children[i].id for i in np.flatnonzero(~is_matched).tolist()]
    result.total_cost = int(costs.sum()) + int(penalty[~is_matched].sum())
    return result


def _codes(keys: list[str]) -> tuple[list[str], np.ndarray]:
    """Return (distinct keys sorted, index of each key)."""
    values, codes = np.unique(np.asarray(keys, dtype=str), return_inverse=True)
    return values.tolist(), codes.reshape(-1).astype(np.int64)


def _accepts(profile: str, child_type: str) -> bool:
    """Return whether a caring parent's aid-type and gender preferences accept a child type."""
    aid, gender = profile.split("\x1f")
    group, child_gender = child_type.split("\x1f")
    return (aid in (ANY, group)) and (not gender or gender == child_gender)


def _rejected_keys(rejected, kids: list[ChildRecord], carers: list[SponsorRecord]) -> np.ndarray:
    """Return sponsor index × len(kids) + child index of each rejected pair present, sorted."""
    if not rejected or not kids or not carers:
        return np.zeros(0, dtype=np.int64)
    child_at = {c.id: i for i, c in enumerate(kids)}
    sponsor_at = {s.id: j for j, s in enumerate(carers)}
    keys = [
        sponsor_at[s] * len(kids) + child_at[c]
        for s, c in rejected
        if s in sponsor_at and c in child_at
    ]
    return np.unique(np.asarray(keys, dtype=np.int64))


def _tie_breaks(county: np.ndarray, counties: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (scale per county code, tie-break per child) as the module docstring states them.

    `county` is in child id order. A county's scale exceeds the sum of its tie-breaks, so no
    tie-break, nor all of them together, can outweigh one unit of real cost.
    """
    scale = np.ones(max(counties, 1), dtype=np.int64)
    if len(county) == 0:
        return scale, np.zeros(0, dtype=np.int64)
    order = np.argsort(county, kind="stable")
    sorted_county = county[order]
    starts = np.flatnonzero(np.r_[True, sorted_county[1:] != sorted_county[:-1]])
    sizes = np.diff(np.r_[starts, len(county)])
    rank = np.arange(len(county)) - np.repeat(starts, sizes)
    tie = np.empty(len(county), dtype=np.int64)
    tie[order] = np.repeat(sizes, sizes) - rank
    scale[sorted_county[starts]] = sizes * (sizes + 1) // 2 + 1
    return scale, tie


def _penalties(children: list[ChildRecord], weights: Weights) -> np.ndarray:
    """Return each child's unmatched cost, as `Weights.unmatched_cost` defines it."""
    hardship: dict[tuple[str, ...], int] = {}
    for c in children:
        if c.hardships not in hardship:
            hardship[c.hardships] = weights.hardship_points(c.hardships)
    days = np.asarray([c.waiting_days for c in children], dtype=np.int64)
    points = np.asarray([hardship[c.hardships] for c in children], dtype=np.int64)
    wait = np.minimum(
        np.maximum(days, 0) // max(weights.wait_days_per_point, 1), weights.wait_cap_points
    )
    return weights.unmatched_base + wait + points
