"""The candidate graph: which caring parent may be proposed for which child, at what cost.

Every pair that keeps the hard rules is a candidate, with one bound that keeps a county of
thousands sparse: a child sees every allowed caring parent of their own town, but of the
county-wide caring parents living in other towns only `zone_window` from the child's own zone
and `county_window` from the rest of the county. Children of one town with the same needs take
consecutive windows of those lists in turn, so they spread over the county instead of all
competing for the same few. The optimum is exact on this graph; with windows at least as wide
as the county's lists the graph is every allowed pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sponsorship.matching.records import AID_GROUPS, ANY, SAME_TOWN, ChildRecord, SponsorRecord
from sponsorship.matching.weights import Weights

#: Default windows: wide enough that scarce zones borrow from the county, narrow enough to be fast.
ZONE_WINDOW = 12
COUNTY_WINDOW = 12
_GENDERS = {"female": 0, "male": 1}


@dataclass
class Encoded:
    """Children and caring parents as parallel arrays of small integers."""

    county: np.ndarray
    zone: np.ndarray
    town: np.ndarray
    village: np.ndarray


def _encode(paths: list[tuple[str, ...]], table: list[dict]) -> Encoded:
    """Number each (county), (county, zone), (county, town), (county, town, village); "" is -1."""
    columns: list[list[int]] = [[], [], [], []]
    for path in paths:
        county, zone, town, village = (tuple(path) + ("", "", "", ""))[:4]
        keys = (
            (county,) if county else None,
            (county, zone) if county and zone else None,
            (county, town) if county and town else None,
            (county, town, village) if county and town and village else None,
        )
        for level, key in enumerate(keys):
            columns[level].append(
                -1 if key is None else table[level].setdefault(key, len(table[level]))
            )
    arrays = [np.asarray(c, dtype=np.int64) for c in columns]
    return Encoded(*arrays)


@dataclass
class Graph:
    """Candidate edges between child indices and sponsor indices, with their distance costs."""

    child: np.ndarray
    sponsor: np.ndarray
    cost: np.ndarray


def build(
    sponsors: list[SponsorRecord],
    children: list[ChildRecord],
    weights: Weights,
    rejected: set[tuple[int, int]] | frozenset = frozenset(),
    zone_window: int = ZONE_WINDOW,
    county_window: int = COUNTY_WINDOW,
) -> Graph:
    """Return the candidate graph of `sponsors` × `children` (both sorted by id by the caller)."""
    table: list[dict] = [{}, {}, {}, {}]
    c = _encode([ch.region for ch in children], table)
    s = _encode([sp.region for sp in sponsors], table)
    group_index = {g: i for i, g in enumerate(AID_GROUPS)}
    c_group = np.asarray(
        [group_index.get(ch.aid_group, len(AID_GROUPS)) for ch in children], dtype=np.int64
    )
    c_gender = np.asarray([_GENDERS.get(ch.gender, 2) for ch in children], dtype=np.int64)
    s_pref = np.asarray(
        [
            -1 if sp.aid_preference == ANY else group_index.get(sp.aid_preference, 9)
            for sp in sponsors
        ],
        dtype=np.int64,
    )
    s_gender = np.asarray(
        [-1 if not sp.child_gender else _GENDERS.get(sp.child_gender, 9) for sp in sponsors],
        dtype=np.int64,
    )
    s_near = np.asarray([sp.distance == SAME_TOWN for sp in sponsors], dtype=bool)

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    _same_town(parts, c, s, c_group, c_gender, s_pref, s_gender, weights)
    _county_wide(
        parts,
        c,
        s,
        c_group,
        c_gender,
        s_pref,
        s_gender,
        s_near,
        weights,
        zone_window,
        county_window,
    )
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Graph(empty, empty, empty)
    child = np.concatenate([p[0] for p in parts])
    sponsor = np.concatenate([p[1] for p in parts])
    cost = np.concatenate([p[2] for p in parts])
    if rejected:
        child_ids = np.asarray([ch.id for ch in children], dtype=np.int64)
        sponsor_ids = np.asarray([sp.id for sp in sponsors], dtype=np.int64)
        keys = (sponsor_ids[sponsor] << 32) | child_ids[child]
        banned = np.asarray([(sid << 32) | cid for sid, cid in rejected], dtype=np.int64)
        keep = ~np.isin(keys, banned)
        child, sponsor, cost = child[keep], sponsor[keep], cost[keep]
    return Graph(child, sponsor, cost)


def _groups(keys: np.ndarray) -> dict[int, np.ndarray]:
    """Return the indices of each non-negative key, in index order."""
    if len(keys) == 0:
        return {}
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    return {
        int(sorted_keys[a]): order[a:b]
        for a, b in zip(starts, ends, strict=True)
        if sorted_keys[a] >= 0
    }


def _allowed(c_group, c_gender, s_pref, s_gender) -> np.ndarray:
    """Return the children × sponsors matrix of aid-type and gender rules kept."""
    aid = (s_pref[None, :] == -1) | (s_pref[None, :] == c_group[:, None])
    gender = (s_gender[None, :] == -1) | (s_gender[None, :] == c_gender[:, None])
    return aid & gender


def _same_town(parts, c, s, c_group, c_gender, s_pref, s_gender, weights) -> None:
    """Add every allowed pair of a child and a caring parent living in the same town."""
    sponsors_by_town = _groups(s.town)
    for town, kids in _groups(c.town).items():
        near = sponsors_by_town.get(town)
        if near is None:
            continue
        ok = _allowed(c_group[kids], c_gender[kids], s_pref[near], s_gender[near])
        rows, cols = np.nonzero(ok)
        kid, spo = kids[rows], near[cols]
        same_village = (c.village[kid] == s.village[spo]) & (c.village[kid] >= 0)
        cost = np.where(same_village, weights.same_village, weights.same_town)
        parts.append((kid, spo, cost.astype(np.int64)))


def _windows(count: int, size: int, width: int) -> np.ndarray:
    """Return `count` rows of `width` consecutive positions in a ring of `size`, row after row."""
    starts = (np.arange(count) * width) % size
    return (starts[:, None] + np.arange(width)[None, :]) % size


def _county_wide(
    parts, c, s, c_group, c_gender, s_pref, s_gender, s_near, weights, zone_window, county_window
) -> None:
    """Add windows of county-wide caring parents living in other towns than the child's."""
    wide = np.flatnonzero(~s_near)
    wide_by_county = _groups(s.county[wide])
    profile = (c.town * 4 + c_group) * 3 + c_gender
    profile = np.where(c.town >= 0, profile, -1)
    for _key, kids in _groups(profile).items():
        first = kids[0]
        pool = wide_by_county.get(int(c.county[first]))
        if pool is None:
            continue
        pool = wide[pool]
        ok = _allowed(c_group[[first]], c_gender[[first]], s_pref[pool], s_gender[pool])[0]
        ok &= s.town[pool] != c.town[first]
        in_zone = (s.zone[pool] == c.zone[first]) & (c.zone[first] >= 0)
        zone_pool, rest_pool = pool[ok & in_zone], pool[ok & ~in_zone]
        take_zone = min(zone_window, len(zone_pool))
        take_rest = min(county_window + zone_window - take_zone, len(rest_pool))
        for tier, take, cost in (
            (zone_pool, take_zone, weights.same_zone),
            (rest_pool, take_rest, weights.same_county),
        ):
            if take == 0:
                continue
            picks = tier[_windows(len(kids), len(tier), take)]
            parts.append(
                (
                    np.repeat(kids, take),
                    picks.ravel(),
                    np.full(len(kids) * take, cost, dtype=np.int64),
                )
            )
