"""An independent reference: the assignment problem over every allowed pair, written out in full.

Rows are children; columns are every place of every caring parent (the k-th place costing
`extra_slot * k` more) and one "unmatched" column per child. It shares nothing with the engine's
classes and network: each pair is judged by `rules.broken_rule` and priced by `rules.closeness`,
and scipy's `linear_sum_assignment` finds the least-cost assignment.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from sponsorship.matching import ChildRecord, SponsorRecord, Weights, broken_rule, closeness
from sponsorship.matching.rules import distance_cost


def tie_breaks(children: list[ChildRecord]) -> list[int]:
    """Return the engine's stated tie-break per child: n − rank by id among the county's n."""
    counties: dict[str, list[int]] = {}
    for child in children:
        counties.setdefault(child.region[0], []).append(child.id)
    ties = []
    for child in children:
        ids = sorted(counties[child.region[0]])
        ties.append(len(ids) - ids.index(child.id) if child.region[0] else 0)
    return ties


def optimum(
    sponsors: list[SponsorRecord],
    children: list[ChildRecord],
    weights: Weights,
    rejected: set[tuple[int, int]] | frozenset = frozenset(),
) -> tuple[int, int, int]:
    """Return (least total cost, children matched, least tie-break sum of the unmatched)."""
    places = [(s, k) for s in sponsors for k in range(s.capacity)]
    n = len(children)
    if n == 0:
        return 0, 0, 0
    cost = np.full((n, len(places) + n), np.inf)
    for i, child in enumerate(children):
        for col, (s, k) in enumerate(places):
            if broken_rule(s, child) is None and (s.id, child.id) not in rejected:
                near = closeness(s.region, child.region)
                cost[i, col] = distance_cost(near, weights) + weights.extra_slot * k
        cost[i, len(places) + i] = weights.unmatched_cost(child.waiting_days, child.hardships)
    rows, cols = linear_sum_assignment(cost)
    best = int(cost[rows, cols].sum())
    matched = int((cols < len(places)).sum())

    # Least-cost first, then the least tie-break sum: ties weigh less than one unit of cost.
    ties = np.asarray(tie_breaks(children), dtype=np.float64)
    scale = float(ties.sum() + 1)
    lexicographic = cost * scale
    lexicographic[np.arange(n), len(places) + np.arange(n)] += ties
    rows, cols = linear_sum_assignment(lexicographic)
    unmatched = cols >= len(places)
    assert int(cost[rows, cols].sum()) == best
    return best, matched, int(ties[rows[unmatched]].sum())
