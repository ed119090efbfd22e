"""The candidate graph: which caring parent may be proposed for which child, at what cost.

Every candidate keeps the hard rules. Not every allowed pair is a candidate: that bound keeps a
county of thousands sparse enough to solve exactly in a second. A child sees

- every allowed caring parent of their own village (cost `same_village`: never worth dropping);
- `town_window` allowed caring parents from the rest of their town;
- `zone_window` allowed county-wide caring parents from other towns of their zone, and
  `county_window` (plus what the zone could not fill) from the rest of the county.

Each window is a run of consecutive entries of a ring ordered by id; the children of a town (for
the county-wide windows: those of a town with the same aid group and gender) start their runs one
after another, so they spread over the caring parents instead of all competing for the same few.
The solver's answer is the exact optimum on this graph; when the windows are at least as wide as
the lists (always so in a county of a few hundred children) the graph is every allowed pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sponsorship.matching.records import AID_GROUPS, ANY, SAME_TOWN, ChildRecord, SponsorRecord
from sponsorship.matching.weights import Weights

#: Default windows: wide enough that scarce zones borrow from the county, narrow enough to be fast.
TOWN_WINDOW = 16
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


def _encode(paths: list[tuple[str, ...]]) -> Encoded:
    """Number each (county), (county, zone), (county, town), (county, town, village); "" is -1."""
    padded = [(tuple(p) + ("", "", "", ""))[:4] for p in paths]
    levels = (
        [p[0] for p in padded],
        [f"{p[0]}\x1f{p[1]}" if p[0] and p[1] else "" for p in padded],
        [f"{p[0]}\x1f{p[2]}" if p[0] and p[2] else "" for p in padded],
        [f"{p[0]}\x1f{p[2]}\x1f{p[3]}" if p[0] and p[2] and p[3] else "" for p in padded],
    )
    arrays = []
    for keys in levels:
        values, codes = np.unique(np.asarray(keys, dtype=str), return_inverse=True)
        codes = codes.astype(np.int64).reshape(-1)
        if len(values) and values[0] == "":
            codes -= 1  # "" sorts first: it becomes -1, everything else keeps its order
        arrays.append(codes)
    return Encoded(*arrays)


@dataclass
class Graph:
    """Candidate edges between child indices and sponsor indices, with their distance costs."""

    child: np.ndarray
    sponsor: np.ndarray
    cost: np.ndarray
    children: Encoded | None = None
    sponsors: Encoded | None = None

    def closeness(self, child: np.ndarray, sponsor: np.ndarray) -> np.ndarray:
        """Return 0 (same village), 1 (town), 2 (zone) or 3 (county) for each pair."""
        c, s = self.children, self.sponsors
        village = (c.village[child] == s.village[sponsor]) & (c.village[child] >= 0)
        town = (c.town[child] == s.town[sponsor]) & (c.town[child] >= 0)
        zone = (c.zone[child] == s.zone[sponsor]) & (c.zone[child] >= 0)
        return np.where(village, 0, np.where(town, 1, np.where(zone, 2, 3)))


def build(
    sponsors: list[SponsorRecord],
    children: list[ChildRecord],
    weights: Weights,
    rejected: set[tuple[int, int]] | frozenset = frozenset(),
    zone_window: int = ZONE_WINDOW,
    county_window: int = COUNTY_WINDOW,
    town_window: int = TOWN_WINDOW,
) -> Graph:
    """Return the candidate graph of `sponsors` × `children` (both sorted by id by the caller)."""
    both = _encode([ch.region for ch in children] + [sp.region for sp in sponsors])
    n = len(children)
    c = Encoded(*(a[:n] for a in vars(both).values()))
    s = Encoded(*(a[n:] for a in vars(both).values()))
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
    _same_town(parts, c, s, c_group, c_gender, s_pref, s_gender, weights, town_window)
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
        return Graph(empty, empty, empty, c, s)
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
    return Graph(child, sponsor, cost, c, s)


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


def _same_town(parts, c, s, c_group, c_gender, s_pref, s_gender, weights, town_window) -> None:
    """Add a child's allowed caring parents of the same village, and a window of the same town."""
    sponsors_by_town = _groups(s.town)
    for town, kids in _groups(c.town).items():
        near = sponsors_by_town.get(town)
        if near is None:
            continue
        ok = _allowed(c_group[kids], c_gender[kids], s_pref[near], s_gender[near])
        village = c.village[kids][:, None]
        same_village = (village == s.village[near][None, :]) & (village >= 0)
        other = ok & ~same_village
        if town_window < len(near):
            # Child j of the town reads the town's list from position j * town_window, in a ring.
            starts = (np.arange(len(kids)) * town_window) % len(near)
            order = (starts[:, None] + np.arange(len(near))[None, :]) % len(near)
            rotated = np.take_along_axis(other, order, axis=1)
            rotated &= np.cumsum(rotated, axis=1) <= town_window
            other = np.zeros_like(other)
            np.put_along_axis(other, order, rotated, axis=1)
        rows, cols = np.nonzero((ok & same_village) | other)
        cost = np.where(same_village[rows, cols], weights.same_village, weights.same_town)
        parts.append((kids[rows], near[cols], cost.astype(np.int64)))


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
    # Children alike for county-wide caring parents: same town, zone, aid group and gender.
    zones = int(c.zone.max(initial=-1)) + 2
    profile = (((c.town * 4 + c_group) * 3 + c_gender) * zones) + c.zone + 1
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
