"""Run the matcher: candidates, components, exact solve, proposals with their reasons."""

from __future__ import annotations

import numpy as np

from sponsorship.matching import candidates, solve
from sponsorship.matching.reasons import reason
from sponsorship.matching.records import ChildRecord, MatchResult, Proposal, SponsorRecord
from sponsorship.matching.rules import COUNTY, TOWN, VILLAGE, ZONE, distance_cost
from sponsorship.matching.weights import Weights

#: Closeness levels by the numbers the candidate graph gives them.
LEVELS = (VILLAGE, TOWN, ZONE, COUNTY)


def match(
    sponsors: list[SponsorRecord],
    children: list[ChildRecord],
    *,
    weights: Weights | None = None,
    rejected: set[tuple[int, int]] | frozenset = frozenset(),
    zone_window: int = candidates.ZONE_WINDOW,
    county_window: int = candidates.COUNTY_WINDOW,
    town_window: int = candidates.TOWN_WINDOW,
    dense_cells: int = solve.DENSE_CELLS,
) -> MatchResult:
    """Propose the least-cost pairings; `rejected` holds (sponsor id, child id) never to propose."""
    weights = weights or Weights()
    sponsors = sorted((s for s in sponsors if s.capacity > 0), key=lambda s: s.id)
    children = sorted(children, key=lambda c: c.id)
    penalty = _penalties(children, weights)
    result = MatchResult()
    if not children:
        return result
    graph = candidates.build(
        sponsors,
        children,
        weights,
        rejected,
        zone_window=zone_window,
        county_window=county_window,
        town_window=town_window,
    )
    result.edges = len(graph.child)
    capacity = np.asarray([s.capacity for s in sponsors], dtype=np.int64)
    count, labels = solve.components(len(children), len(sponsors), graph.child, graph.sponsor)

    # Group edges and children by component; components without edges leave their child unmatched.
    edge_label = labels[graph.child]
    edge_order = np.argsort(edge_label, kind="stable")
    edge_bounds = np.searchsorted(edge_label[edge_order], np.arange(count + 1))
    kid_order = np.argsort(labels, kind="stable")
    kid_bounds = np.searchsorted(labels[kid_order], np.arange(count + 1))
    matched_child, matched_sponsor, matched_slot = [], [], []
    for label in range(count):
        lo, hi = edge_bounds[label], edge_bounds[label + 1]
        if lo == hi:
            continue
        result.components += 1
        pick = edge_order[lo:hi]
        kids = kid_order[kid_bounds[label] : kid_bounds[label + 1]]
        c, s, slot = solve.solve_component(
            kids,
            graph.child[pick],
            graph.sponsor[pick],
            graph.cost[pick],
            capacity,
            penalty,
            weights.extra_slot,
            dense_cells=dense_cells,
        )
        matched_child.append(c)
        matched_sponsor.append(s)
        matched_slot.append(slot)

    is_matched = np.zeros(len(children), dtype=bool)
    if matched_child:
        c_all = np.concatenate(matched_child)
        order = np.argsort(c_all)
        c_all = c_all[order]
        s_all = np.concatenate(matched_sponsor)[order]
        slot_all = np.concatenate(matched_slot)[order]
        is_matched[c_all] = True
        level = graph.closeness(c_all, s_all)
        distance = np.asarray([distance_cost(near, weights) for near in LEVELS])
        costs = distance[level] + weights.extra_slot * slot_all
        for ci, si, lv, cost in zip(
            c_all.tolist(), s_all.tolist(), level.tolist(), costs.tolist(), strict=True
        ):
            child = children[ci]
            zh, en = reason(LEVELS[lv], child)
            result.proposals.append(Proposal(sponsors[si].id, child.id, cost, zh, en))
        result.total_cost += int(costs.sum())
    result.unmatched = [children[i].id for i in np.flatnonzero(~is_matched).tolist()]
    result.total_cost += int(penalty[~is_matched].sum())
    return result


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
