"""A brute-force matcher for tiny instances: tries every assignment, keeps the cheapest cost."""

from __future__ import annotations

from sponsorship.matching import ChildRecord, SponsorRecord, Weights, broken_rule, closeness
from sponsorship.matching.rules import distance_cost


def best_cost(
    sponsors: list[SponsorRecord],
    children: list[ChildRecord],
    weights: Weights,
    rejected: set[tuple[int, int]] = frozenset(),
) -> int:
    """Return the least total cost over every assignment that keeps the hard rules."""
    options = []
    for child in children:
        allowed = [
            (i, distance_cost(closeness(s.region, child.region), weights))
            for i, s in enumerate(sponsors)
            if broken_rule(s, child) is None and (s.id, child.id) not in rejected
        ]
        options.append(allowed)
    penalties = [weights.unmatched_cost(c.waiting_days, c.hardships) for c in children]
    used = [0] * len(sponsors)
    best = [sum(penalties)]

    def walk(k: int, cost: int) -> None:
        if cost >= best[0]:
            return
        if k == len(children):
            best[0] = cost
            return
        walk(k + 1, cost + penalties[k])
        for i, distance in options[k]:
            if used[i] < sponsors[i].capacity:
                slot = used[i]
                used[i] += 1
                walk(k + 1, cost + distance + weights.extra_slot * slot)
                used[i] -= 1

    walk(0, 0)
    return best[0]
