"""The engine's answer is the true optimum over every allowed pair, on random instances.

Two independent oracles: a brute force over every assignment (tiny instances) and the full
assignment problem over every place of every caring parent (tests/matching/explicit.py).
"""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sponsorship.matching import ChildRecord, SponsorRecord, Weights, broken_rule, match
from sponsorship.matching.rules import closeness, distance_cost
from tests.matching.brute import best_cost
from tests.matching.explicit import optimum, tie_breaks

#: (county, zone, town): town t1 spans two zones, t2 has no zone, one town is unknown, one
#: county is unknown, and c2 is a second county.
TOWNS = [
    ("c1", "z1", "t1"),
    ("c1", "z2", "t1"),
    ("c1", "", "t2"),
    ("c1", "z1", ""),
    ("c1", "z2", "t3"),
    ("c1", "z1", "t4"),
    ("c2", "z1", "t5"),
    ("", "", ""),
]


@st.composite
def regions(draw):
    county, zone, town = draw(st.sampled_from(TOWNS))
    return (county, zone, town, draw(st.sampled_from(["v1", "v2", ""])))


@st.composite
def instances(draw, max_sponsors=3, max_children=5):
    n_sponsors = draw(st.integers(0, max_sponsors))
    n_children = draw(st.integers(0, max_children))
    sponsor_ids = draw(
        st.lists(st.integers(1, 999), min_size=n_sponsors, max_size=n_sponsors, unique=True)
    )
    child_ids = draw(
        st.lists(st.integers(1, 999), min_size=n_children, max_size=n_children, unique=True)
    )
    sponsors = [
        SponsorRecord(
            id=sid,
            region=draw(regions()),
            capacity=draw(st.integers(0, 3)),
            aid_preference=draw(st.sampled_from(["any", "any", "primary", "middle", "fostering"])),
            distance=draw(st.sampled_from(["same_town", "same_county"])),
            child_gender=draw(st.sampled_from([None, None, "female", "male"])),
        )
        for sid in sponsor_ids
    ]
    children = [
        ChildRecord(
            id=cid,
            region=draw(regions()),
            aid_group=draw(st.sampled_from(["primary", "middle", "fostering"])),
            gender=draw(st.sampled_from(["female", "male"])),
            waiting_days=draw(st.sampled_from([0, 0, 30, 300, 900])),
            hardships=tuple(draw(st.sets(st.sampled_from(["orphan", "unsupported", "other"])))),
        )
        for cid in child_ids
    ]
    pairs = [(s.id, c.id) for s in sponsors for c in children]
    rejected = set(draw(st.lists(st.sampled_from(pairs), max_size=6))) if pairs else set()
    weights = Weights(
        same_village=draw(st.sampled_from([0, 10])),
        same_town=10,
        same_zone=draw(st.sampled_from([10, 30])),
        same_county=draw(st.sampled_from([30, 60])),
        extra_slot=draw(st.sampled_from([0, 2, 7])),
        unmatched_base=draw(st.sampled_from([1000, 40])),
    )
    return sponsors, children, rejected, weights


def assert_valid(result, sponsors, children, rejected, weights) -> None:
    """Every hard rule and capacity kept, and the reported costs are the recomputed ones."""
    by_id = {s.id: s for s in sponsors}
    kids = {c.id: c for c in children}
    load = Counter(p.sponsor_id for p in result.proposals)
    assert all(load[sid] <= by_id[sid].capacity for sid in load)
    assert all(broken_rule(by_id[p.sponsor_id], kids[p.child_id]) is None for p in result.proposals)
    assert not {(p.sponsor_id, p.child_id) for p in result.proposals} & rejected
    assert sorted([p.child_id for p in result.proposals] + result.unmatched) == sorted(kids)
    distances = sum(
        distance_cost(closeness(by_id[p.sponsor_id].region, kids[p.child_id].region), weights)
        for p in result.proposals
    )
    places = sum(weights.extra_slot * k * (k - 1) // 2 for k in load.values())
    penalties = sum(
        weights.unmatched_cost(kids[c].waiting_days, kids[c].hardships) for c in result.unmatched
    )
    assert sum(p.cost for p in result.proposals) == distances + places
    assert result.total_cost == distances + places + penalties


@settings(max_examples=150, deadline=None)
@given(instances())
def test_engine_cost_is_the_brute_force_optimum(instance):
    sponsors, children, rejected, weights = instance
    result = match(sponsors, children, weights=weights, rejected=rejected)

    assert result.total_cost == best_cost(
        [s for s in sponsors if s.capacity > 0], children, weights, rejected
    )
    assert_valid(result, sponsors, children, rejected, weights)


@settings(max_examples=200, deadline=None)
@given(instances(max_sponsors=7, max_children=14))
def test_engine_is_the_full_optimum_and_keeps_the_stated_tie_rule(instance):
    sponsors, children, rejected, weights = instance
    result = match(sponsors, children, weights=weights, rejected=rejected)

    best, matched, least_ties = optimum(sponsors, children, weights, rejected)
    assert result.total_cost == best
    assert len(result.proposals) == matched
    ties = dict(zip([c.id for c in children], tie_breaks(children), strict=True))
    assert sum(ties[c] for c in result.unmatched) == least_ties
    assert_valid(result, sponsors, children, rejected, weights)


@settings(max_examples=60, deadline=None)
@given(instances(max_sponsors=7, max_children=14), st.randoms(use_true_random=False))
def test_shuffled_input_gives_the_same_proposals(instance, rng: random.Random):
    sponsors, children, rejected, weights = instance
    first = match(sponsors, children, weights=weights, rejected=rejected)
    rng.shuffle(sponsors)
    rng.shuffle(children)
    again = match(sponsors, children, weights=weights, rejected=rejected)

    assert again.proposals == first.proposals
    assert again.unmatched == first.unmatched
