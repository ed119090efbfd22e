"""Turn the class flows back into pairs: which child, which caring parent, which of their places.

Deterministic, by id: a class's matched children take its pieces of flow in id order; a class's
flow fills its caring parents' first places (in id order), then their second places, and so on,
which is the cheapest way to place that many children in the class and so costs what the flow
paid. Flow through a hub is split between the classes that enter and leave it in class order.
"""

from __future__ import annotations

import numpy as np

from sponsorship.matching.network import Network


def pairs(network: Network, flow: np.ndarray, capacity: np.ndarray):
    """Return (child index, sponsor index, slot) of every pair, ordered by child index."""
    n = len(network.child_class)
    start = network.unmatched_start
    matched = flow[start : start + n] == 0
    pieces_c, pieces_s, pieces_n = _pieces(network, flow)

    # Children: pieces in child-class order against the class's matched children in id order.
    kids = np.flatnonzero(matched)
    kids = kids[np.argsort(network.child_class[kids], kind="stable")]
    offset = np.cumsum(pieces_n) - pieces_n
    by_child = np.argsort(pieces_c, kind="stable")
    child_of_unit = np.empty(len(kids), dtype=np.int64)
    child_of_unit[_units(offset[by_child], pieces_n[by_child])] = kids

    # Caring parents: each class's inflow fills first places, then second places, by id.
    classes = int(network.sponsor_class.max(initial=-1)) + 1
    inflow = np.bincount(pieces_s, weights=pieces_n, minlength=classes).astype(np.int64)
    sponsor, slot = _places(network, inflow, capacity)
    by_sponsor = np.argsort(pieces_s, kind="stable")
    units = _units(offset[by_sponsor], pieces_n[by_sponsor])
    sponsor_of_unit = np.empty(len(units), dtype=np.int64)
    slot_of_unit = np.empty(len(units), dtype=np.int64)
    sponsor_of_unit[units], slot_of_unit[units] = sponsor, slot

    order = np.argsort(child_of_unit, kind="stable")
    return child_of_unit[order], sponsor_of_unit[order], slot_of_unit[order]


def _units(offset: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Return the unit numbers of pieces laid end to end: offset[p], offset[p] + 1, ..."""
    total = int(count.sum())
    within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    return np.repeat(offset, count) + within


def _pieces(network: Network, flow: np.ndarray):
    """Return (child class, sponsor class, count) pieces whose sum is the flow."""
    d_c, d_s = network.direct
    in_c, in_hub = network.hub_in
    out_hub, out_s = network.hub_out
    a, b = len(d_c), len(d_c) + len(in_c)
    d_flow, in_flow, out_flow = flow[:a], flow[a:b], flow[b : network.unmatched_start]

    # Through a hub: lay its inflows (by child class) and outflows (by sponsor class) side by side.
    # Every hub passes on what it receives, so both cumulative sums meet at each hub's end.
    keep_in = np.flatnonzero(in_flow > 0)
    keep_in = keep_in[np.lexsort((in_c[keep_in], in_hub[keep_in]))]
    keep_out = np.flatnonzero(out_flow > 0)
    keep_out = keep_out[np.lexsort((out_s[keep_out], out_hub[keep_out]))]
    cum_in = np.cumsum(in_flow[keep_in])
    cum_out = np.cumsum(out_flow[keep_out])
    bounds = np.union1d(cum_in, cum_out)
    begin = np.r_[0, bounds][:-1].astype(np.int64)
    i = np.searchsorted(cum_in, begin, side="right")
    o = np.searchsorted(cum_out, begin, side="right")
    hub_c, hub_s = in_c[keep_in[i]], out_s[keep_out[o]]

    used = d_flow > 0
    return (
        np.r_[d_c[used], hub_c].astype(np.int64),
        np.r_[d_s[used], hub_s].astype(np.int64),
        np.r_[d_flow[used], bounds - begin].astype(np.int64),
    )


def _places(network: Network, inflow: np.ndarray, capacity: np.ndarray):
    """Return (sponsor, slot) of the places used, ordered by sponsor class, sponsor, slot."""
    klass = network.sponsor_class
    owner = np.repeat(np.arange(len(klass)), capacity)
    level = np.arange(len(owner)) - np.repeat(np.cumsum(capacity) - capacity, capacity)
    cls = klass[owner]
    if len(owner) == 0:
        return owner, level
    # Places in (class, level, sponsor) order; each (class, level) group in sponsor id order.
    order = np.lexsort((owner, level, cls))
    cls_o, level_o = cls[order], level[order]
    group_start = np.r_[True, (cls_o[1:] != cls_o[:-1]) | (level_o[1:] != level_o[:-1])]
    starts = np.flatnonzero(group_start)
    sizes = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, sizes)
    # Levels of one class are consecutive groups: fill them in turn with the class's inflow.
    g_cls = cls_o[starts]
    before = np.cumsum(sizes) - sizes
    class_first = np.r_[True, g_cls[1:] != g_cls[:-1]]
    filled_before = before - np.maximum.accumulate(np.where(class_first, before, 0))
    used_in_group = np.clip(inflow[g_cls] - filled_before, 0, sizes)
    used = rank < np.repeat(used_in_group, sizes)
    places = order[used]
    places = places[np.lexsort((level[places], owner[places], cls[places]))]
    return owner[places], level[places]
