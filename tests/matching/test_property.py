"""The engine's cost equals a brute-force optimum on tiny random instances, with both solvers."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sponsorship.matching import ChildRecord, SponsorRecord, Weights, broken_rule, candidates, match
from tests.matching.brute import best_cost, best_cost_on_edges

#: Towns of two counties; each town lies in one zone.
TOWNS = [("c1", "z1", "t1"), ("c1", "z1", "t2"), ("c1", "z2", "t3"), ("c2", "z1", "t4")]


@st.composite
def regions(draw):
    county, zone, town = draw(st.sampled_from(TOWNS))
    return (county, zone, town, draw(st.sampled_from(["v1", "v2", ""])))


@st.composite
def instances(draw):
    n_sponsors = draw(st.integers(0, 3))
    n_children = draw(st.integers(0, 5))
    sponsors = [
        SponsorRecord(
            id=10 + i,
            region=draw(regions()),
            capacity=draw(st.integers(1, 3)),
            aid_preference=draw(st.sampled_from(["any", "any", "primary", "middle", "fostering"])),
            distance=draw(st.sampled_from(["same_town", "same_county"])),
            child_gender=draw(st.sampled_from([None, None, "female", "male"])),
        )
        for i in range(n_sponsors)
    ]
    children = [
        ChildRecord(
            id=100 + i,
            region=draw(regions()),
            aid_group=draw(st.sampled_from(["primary", "middle", "fostering"])),
            gender=draw(st.sampled_from(["female", "male"])),
            waiting_days=draw(st.integers(0, 900)),
            hardships=tuple(draw(st.sets(st.sampled_from(["orphan", "unsupported", "other"])))),
        )
        for i in range(n_children)
    ]
    pairs = [(s.id, c.id) for s in sponsors for c in children]
    rejected = set(draw(st.lists(st.sampled_from(pairs), max_size=3))) if pairs else set()
    extra = draw(st.sampled_from([0, 2, 7]))
    return sponsors, children, rejected, Weights(extra_slot=extra)


@settings(max_examples=300, deadline=None)
@given(instances(), st.sampled_from([0, 10**6]))
def test_engine_cost_is_the_brute_force_optimum(instance, dense_cells):
    sponsors, children, rejected, weights = instance
    result = match(sponsors, children, weights=weights, rejected=rejected, dense_cells=dense_cells)

    assert result.total_cost == best_cost(sponsors, children, weights, rejected)
    by_id = {s.id: s for s in sponsors}
    kids = {c.id: c for c in children}
    load = Counter(p.sponsor_id for p in result.proposals)
    assert all(load[sid] <= by_id[sid].capacity for sid in load)
    assert all(broken_rule(by_id[p.sponsor_id], kids[p.child_id]) is None for p in result.proposals)
    assert not {(p.sponsor_id, p.child_id) for p in result.proposals} & rejected
    assert sorted([p.child_id for p in result.proposals] + result.unmatched) == sorted(kids)


@settings(max_examples=200, deadline=None)
@given(instances(), st.integers(1, 2), st.integers(0, 2))
def test_with_narrow_windows_the_answer_is_exact_on_the_candidate_graph(instance, town, wide):
    sponsors, children, rejected, weights = instance
    sponsors = sorted(sponsors, key=lambda s: s.id)
    children = sorted(children, key=lambda c: c.id)
    windows = dict(town_window=town, zone_window=wide, county_window=wide)
    graph = candidates.build(sponsors, children, weights, rejected, **windows)
    edges = list(
        zip(graph.child.tolist(), graph.sponsor.tolist(), graph.cost.tolist(), strict=True)
    )
    result = match(sponsors, children, weights=weights, rejected=rejected, **windows)

    assert result.total_cost == best_cost_on_edges(sponsors, children, edges, weights)
    allowed = {(sponsors[s].id, children[c].id) for c, s, _ in edges}
    assert {(p.sponsor_id, p.child_id) for p in result.proposals} <= allowed
