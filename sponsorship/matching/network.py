"""The matching problem as a min-cost flow on classes, without enumerating pairs.

A pair's cost depends only on how close the two regions are and on the caring parent's slot; the
hard rules only on the child's aid group and gender and the caring parent's preferences and
distance limit. So children fall into classes (same region path, aid group and gender) and caring
parents into classes (same region path, preferences and distance limit), and the flow runs

    child class ──0──▶ hub(town | zone | county, child type) ──level cost──▶ caring-parent class
    child class ──same-village cost──▶ caring-parent class of the same village
    child class ──unmatched penalty──▶ county sink   (one arc per child, capacity 1)
    caring-parent class ──extra_slot × k──▶ county sink   (one arc per slot level k)

Hubs are typed by the child's (aid group, gender), and only caring-parent classes that accept that
type descend from them, so every route keeps the hard rules; a same-town-only class hangs under
town hubs alone. With village ≤ town ≤ zone ≤ county (`Weights.flow_problem`), a pair's cheapest
route costs exactly its pair cost, so the least-cost flow is the least-cost assignment over every
allowed pair. A child with a pair staff rejected is a class of its own with an arc to each allowed
caring-parent class (the rejected caring parent being a class of its own too, left out).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sponsorship.matching.regions import COUNTY, TOWN, VILLAGE, ZONE, Encoded, levels


@dataclass
class Children:
    """The children in the network (county known), sorted by id."""

    regions: Encoded
    #: Rank of the region path (regions.encode): classes are ordered by it, so by county first.
    path: np.ndarray
    #: Index into the child types (aid group × gender).
    type: np.ndarray
    #: What leaving the child unmatched costs, tie-break included.
    unmatched: np.ndarray
    #: True for a child with at least one rejected pair.
    rejecting: np.ndarray


@dataclass
class Sponsors:
    """The caring parents in the network (county known, a free place), sorted by id."""

    regions: Encoded
    #: Rank of the region path, as for children.
    path: np.ndarray
    #: Index into the preference profiles (aid preference × gender preference).
    profile: np.ndarray
    #: True for "same town only".
    near: np.ndarray
    capacity: np.ndarray
    #: True for a caring parent some child has a rejected pair with.
    rejected: np.ndarray


@dataclass
class Network:
    """Arcs in blocks: pair arcs (class → class), hub arcs in and out, unmatched, slots."""

    tail: np.ndarray
    head: np.ndarray
    capacity: np.ndarray
    cost: np.ndarray
    supply: np.ndarray
    #: The county of each node: no arc joins two counties.
    county: np.ndarray
    child_class: np.ndarray
    sponsor_class: np.ndarray
    #: Per arc of each pair block: (child class, sponsor class), (child class, hub),
    #: (hub, sponsor class).
    direct: tuple[np.ndarray, np.ndarray]
    hub_in: tuple[np.ndarray, np.ndarray]
    hub_out: tuple[np.ndarray, np.ndarray]
    #: Where the unmatched block starts in the arc arrays: one arc per child, in child order.
    unmatched_start: int


def _classes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return (first member of each class, class of each entry) of small key columns (each ≥ -1).

    Classes are numbered in key order, the first column leading.
    """
    if len(columns[0]) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        key = key * (int(col.max()) + 2) + (col + 1)  # a few ranks: far below 2**63
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _join(left_keys: np.ndarray, right_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (left index, right index) of every pair with equal keys."""
    order = np.argsort(right_keys, kind="stable")
    lo = np.searchsorted(right_keys[order], left_keys, side="left")
    hi = np.searchsorted(right_keys[order], left_keys, side="right")
    counts = hi - lo
    left = np.repeat(np.arange(len(left_keys)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return left, order[np.repeat(lo, counts) + within]


def build(
    children: Children,
    sponsors: Sponsors,
    compatible: np.ndarray,
    rejected: np.ndarray,
    distance: np.ndarray,
    slot_cost: int,
) -> Network:
    """Return the network; `rejected` holds sponsor index × len(children) + child index, sorted.

    `compatible[profile, type]` says whether the aid-type and gender rules allow the pair;
    `distance` is the cost of each closeness level, `slot_cost` that of one slot level.
    """
    n, types = len(children.type), compatible.shape[1]
    c, s = children.regions, sponsors.regions
    single_child = np.where(children.rejecting, np.arange(n), -1)
    first, child_class = _classes([children.path, children.type, single_child])
    c_rows = np.stack([c.county, c.zone, c.town, c.village, children.type, single_child], 1)[first]
    single_sponsor = np.where(sponsors.rejected, np.arange(len(sponsors.near)), -1)
    s_columns = [s.county, s.zone, s.town, s.village, sponsors.profile, sponsors.near]
    first, sponsor_class = _classes(
        [sponsors.path, sponsors.profile, sponsors.near, single_sponsor]
    )
    s_rows = np.stack([*s_columns, single_sponsor], axis=1)[first]
    kc, ks = len(c_rows), len(s_rows)
    c_size = np.bincount(child_class, minlength=kc)
    s_capacity = np.bincount(sponsor_class, weights=sponsors.capacity, minlength=ks).astype(
        np.int64
    )
    c_regions = Encoded(*(c_rows[:, i] for i in range(4)))
    s_regions = Encoded(*(s_rows[:, i] for i in range(4)))
    c_type, c_single = c_rows[:, 4], c_rows[:, 5]
    s_profile, s_near, s_single = s_rows[:, 4], s_rows[:, 5].astype(bool), s_rows[:, 6]
    shared = c_single < 0

    # Which caring-parent classes accept which child types: (class, type) rows.
    s_of, t_of = np.nonzero(compatible[s_profile])

    # Same village: a direct arc from each child class to each accepting class of its village.
    village_key = c_regions.village * types + c_type
    s_village_key = s_regions.village[s_of] * types + t_of
    left = np.flatnonzero(shared & (c_regions.village >= 0))
    right = np.flatnonzero(s_regions.village[s_of] >= 0)
    li, ri = _join(village_key[left], s_village_key[right])
    direct_c, direct_s = left[li], s_of[right[ri]]
    direct_cost = np.full(len(direct_c), distance[VILLAGE], dtype=np.int64)

    # A child with a rejected pair: an arc to each allowed class of its county, priced by closeness.
    extra_c, extra_s, extra_level = _rejecting(
        c_regions, c_type, c_single, s_regions, s_profile, s_near, s_single, compatible, rejected, n
    )
    direct_c = np.r_[direct_c, extra_c].astype(np.int64)
    direct_s = np.r_[direct_s, extra_s].astype(np.int64)
    direct_cost = np.r_[direct_cost, distance[extra_level]].astype(np.int64)

    # Hubs: one per (level, region, child type) that some shared child class rises to.
    span = int(max(c_rows[:, :4].max(initial=-1), s_rows[:, :4].max(initial=-1))) + 1
    hub_c, hub_key = [], []
    for level, codes in (
        (TOWN, c_regions.town),
        (ZONE, c_regions.zone),
        (COUNTY, c_regions.county),
    ):
        rise = np.flatnonzero(shared & (codes >= 0))
        hub_c.append(rise)
        hub_key.append((level * span + codes[rise]) * types + c_type[rise])
    in_c = np.concatenate(hub_c)
    in_key = np.concatenate(hub_key)
    hubs, in_hub = np.unique(in_key, return_inverse=True)
    in_hub = in_hub.reshape(-1)

    # Each accepting class hangs under the hubs of its town, and (county-wide ones) zone and county.
    out_s, out_hub, out_cost = [], [], []
    for level, codes, allowed in (
        (TOWN, s_regions.town, np.ones(len(s_of), dtype=bool)),
        (ZONE, s_regions.zone, ~s_near[s_of]),
        (COUNTY, s_regions.county, ~s_near[s_of]),
    ):
        pick = np.flatnonzero(allowed & (codes[s_of] >= 0))
        key = (level * span + codes[s_of[pick]]) * types + t_of[pick]
        at = np.minimum(np.searchsorted(hubs, key), max(len(hubs) - 1, 0))
        found = (hubs[at] == key) if len(hubs) else np.zeros(len(key), dtype=bool)
        out_s.append(s_of[pick[found]])
        out_hub.append(at[found])
        out_cost.append(np.full(int(found.sum()), distance[level], dtype=np.int64))
    out_s_all, out_hub_all = np.concatenate(out_s), np.concatenate(out_hub)

    # Slot levels: the k-th place of a caring parent costs k × extra_slot.
    per_sponsor = sponsors.capacity
    slot_owner = np.repeat(sponsor_class, per_sponsor)
    slot_level = np.arange(int(per_sponsor.sum())) - np.repeat(
        np.cumsum(per_sponsor) - per_sponsor, per_sponsor
    )
    deepest = int(per_sponsor.max(initial=0))
    slot_key, slot_count = np.unique(slot_owner * deepest + slot_level, return_counts=True)
    slot_class, slot_level = slot_key // max(deepest, 1), slot_key % max(deepest, 1)

    # One sink per county: counties share nothing, so each is solved on its own (flow.py).
    hub_base, sink_base = kc + ks, kc + ks + len(hubs)
    counties = int(max(c_rows[:, 0].max(initial=-1), s_rows[:, 0].max(initial=-1))) + 1
    blocks = [
        (direct_c, kc + direct_s, np.minimum(c_size[direct_c], s_capacity[direct_s]), direct_cost),
        (in_c, hub_base + in_hub, c_size[in_c], np.zeros(len(in_c), dtype=np.int64)),
        (hub_base + out_hub_all, kc + out_s_all, s_capacity[out_s_all], np.concatenate(out_cost)),
        (
            child_class,
            sink_base + c_regions.county[child_class],
            np.ones(n, dtype=np.int64),
            children.unmatched,
        ),
        (
            kc + slot_class,
            sink_base + s_regions.county[slot_class],
            slot_count,
            slot_level * slot_cost,
        ),
    ]
    supply = np.zeros(sink_base + counties, dtype=np.int64)
    supply[:kc] = c_size
    np.subtract.at(supply, sink_base + c_regions.county, c_size)
    hub_county = np.zeros(len(hubs), dtype=np.int64)
    hub_county[in_hub] = c_regions.county[in_c]
    county = np.r_[c_regions.county, s_regions.county, hub_county, np.arange(counties)]
    return Network(
        tail=np.concatenate([b[0] for b in blocks]).astype(np.int64),
        head=np.concatenate([b[1] for b in blocks]).astype(np.int64),
        capacity=np.concatenate([b[2] for b in blocks]).astype(np.int64),
        cost=np.concatenate([b[3] for b in blocks]).astype(np.int64),
        supply=supply,
        county=county.astype(np.int64),
        child_class=child_class,
        sponsor_class=sponsor_class,
        direct=(direct_c, direct_s),
        hub_in=(in_c, in_hub),
        hub_out=(out_hub_all, out_s_all),
        unmatched_start=len(direct_c) + len(in_c) + len(out_s_all),
    )


def _rejecting(
    c_regions, c_type, c_single, s_regions, s_profile, s_near, s_single, compatible, rejected, n
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (child class, sponsor class, closeness level) of the arcs of rejecting children.

    Such a child is a class of its own, and so is every caring parent with a rejected pair, so
    leaving out the rejected classes leaves out exactly the rejected pairs. Caring-parent classes
    are sorted by county first: each child looks only at its own county's.
    """
    out_c, out_s, out_level = [], [], []
    for cls in np.flatnonzero(c_single >= 0).tolist():
        county = c_regions.county[cls]
        lo = np.searchsorted(s_regions.county, county, side="left")
        hi = np.searchsorted(s_regions.county, county, side="right")
        cand = np.arange(lo, hi)
        level = levels(c_regions.take(slice(cls, cls + 1)), s_regions.take(cand))
        ok = compatible[s_profile[cand], c_type[cls]] & (~s_near[cand] | (level <= TOWN))
        banned = (s_single[cand] >= 0) & np.isin(s_single[cand] * n + c_single[cls], rejected)
        keep = ok & ~banned
        out_c.append(np.full(int(keep.sum()), cls, dtype=np.int64))
        out_s.append(cand[keep])
        out_level.append(level[keep])
    if not out_c:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(out_c), np.concatenate(out_s), np.concatenate(out_level)
