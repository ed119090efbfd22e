"""Run the matcher: candidates, components, exact solve, proposals with their reasons."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sponsorship.matching import candidates, solve
from sponsorship.matching.reasons import reason
from sponsorship.matching.records import ChildRecord, MatchResult, Proposal, SponsorRecord
from sponsorship.matching.rules import closeness
from sponsorship.matching.weights import Weights


def match(
    sponsors: list[SponsorRecord],
    children: list[ChildRecord],
    *,
    weights: Weights | None = None,
    rejected: set[tuple[int, int]] | frozenset = frozenset(),
    zone_window: int = candidates.ZONE_WINDOW,
    county_window: int = candidates.COUNTY_WINDOW,
    dense_cells: int = solve.DENSE_CELLS,
) -> MatchResult:
    """Propose the least-cost pairings; `rejected` holds (sponsor id, child id) never to propose."""
    weights = weights or Weights()
    sponsors = sorted((s for s in sponsors if s.capacity > 0), key=lambda s: s.id)
    children = sorted(children, key=lambda c: c.id)
    penalty = np.asarray(
        [weights.unmatched_cost(c.waiting_days, c.hardships) for c in children], dtype=np.int64
    )
    result = MatchResult()
    if not children:
        return result
    graph = candidates.build(
        sponsors, children, weights, rejected, zone_window=zone_window, county_window=county_window
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
    matched_child, matched_sponsor, matched_cost = [], [], []
    for label in range(count):
        lo, hi = edge_bounds[label], edge_bounds[label + 1]
        if lo == hi:
            continue
        result.components += 1
        pick = edge_order[lo:hi]
        kids = kid_order[kid_bounds[label] : kid_bounds[label + 1]]
        c, s, cost = solve.solve_component(
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
        matched_cost.append(cost)

    is_matched = np.zeros(len(children), dtype=bool)
    if matched_child:
        c_all = np.concatenate(matched_child)
        s_all = np.concatenate(matched_sponsor)
        cost_all = np.concatenate(matched_cost)
        is_matched[c_all] = True
        for ci, si, cost in sorted(
            zip(c_all.tolist(), s_all.tolist(), cost_all.tolist(), strict=True)
        ):
            child, sponsor = children[ci], sponsors[si]
            zh, en = _reason(closeness(sponsor.region, child.region), child)
            result.proposals.append(Proposal(sponsor.id, child.id, int(cost), zh, en))
            result.total_cost += int(cost)
    result.unmatched = [children[i].id for i in np.flatnonzero(~is_matched).tolist()]
    result.total_cost += int(penalty[~is_matched].sum())
    return result


@lru_cache(maxsize=4096)
def _cached_reason(near: str, child: ChildRecord) -> tuple[str, str]:
    return reason(near, child)


def _reason(near: str, child: ChildRecord) -> tuple[str, str]:
    """Return the reason, reusing it for children who differ only in id and region."""
    key = ChildRecord(0, ("", "", "", ""), child.aid_group, "", child.waiting_days, child.hardships)
    return _cached_reason(near, key)
