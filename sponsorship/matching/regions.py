"""Region paths as small integers, and how close two encoded regions are.

Each level is numbered on its own: (county), (county, zone), (county, town), (county, town,
village); an empty part, or one under an empty parent, is -1 and never equal to anything. So two
codes are equal exactly when `rules.closeness` would call the regions close at that level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Closeness levels as numbers, nearest first: the order of `engine.LEVELS`.
VILLAGE, TOWN, ZONE, COUNTY = 0, 1, 2, 3


@dataclass
class Encoded:
    """One integer code per level for each region path; -1 where the part is missing."""

    county: np.ndarray
    zone: np.ndarray
    town: np.ndarray
    village: np.ndarray

    def take(self, index: np.ndarray | slice) -> Encoded:
        """Return the codes of the entries at `index`."""
        return Encoded(self.county[index], self.zone[index], self.town[index], self.village[index])


def encode(paths: list[tuple[str, ...]]) -> tuple[Encoded, np.ndarray]:
    """Return the codes of each path, and each path's rank among the distinct paths.

    Codes number each (county), (county, zone), (county, town), (county, town, village); "" is
    -1. Ranks order the distinct paths by county, then zone, town and village code.
    """
    index: dict[tuple[str, ...], int] = {}
    path_of = np.fromiter(
        (index.setdefault(tuple(p), len(index)) for p in paths), dtype=np.int64, count=len(paths)
    )
    padded = [(p + ("", "", "", ""))[:4] for p in index]
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
    order = np.lexsort(arrays[::-1])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return Encoded(*(a[path_of] for a in arrays)), rank[path_of]


def levels(a: Encoded, b: Encoded) -> np.ndarray:
    """Return VILLAGE, TOWN, ZONE or COUNTY for each pair (a[i], b[i]) of one county."""
    village = (a.village == b.village) & (a.village >= 0)
    town = (a.town == b.town) & (a.town >= 0)
    zone = (a.zone == b.zone) & (a.zone >= 0)
    return np.where(village, VILLAGE, np.where(town, TOWN, np.where(zone, ZONE, COUNTY)))
