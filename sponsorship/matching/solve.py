"""Least-cost assignment, exactly, one independent component of the candidate graph at a time.

Each caring parent's free capacity becomes that many slot columns (the k-th slot costing
`extra_slot * k` more), and each child gets one "unmatched" column of their own that costs their
unmatched penalty. Every child row is then assigned to exactly one column at least total cost.
Small components go to scipy's dense `linear_sum_assignment`; large sparse ones to its sparse twin
`min_weight_full_bipartite_matching` (LAPJVsp), which is exact too and needs no dense matrix.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

#: Components with at most this many cells (rows × columns) are solved with a dense matrix.
DENSE_CELLS = 250_000
#: Costs are exact integers in float64 only below 2**53; the tie-break scale must keep them there.
_EXACT = 2**53


def components(n_children: int, n_sponsors: int, child: np.ndarray, sponsor: np.ndarray):
    """Return (count, label per child) of the connected components of the candidate graph."""
    nodes = n_children + n_sponsors
    graph = coo_matrix(
        (np.ones(len(child), dtype=np.int8), (child, n_children + sponsor)), shape=(nodes, nodes)
    )
    count, labels = connected_components(graph, directed=True, connection="weak")
    return count, labels[:n_children]


def solve_component(
    kids: np.ndarray,
    edge_child: np.ndarray,
    edge_sponsor: np.ndarray,
    edge_cost: np.ndarray,
    capacity: np.ndarray,
    penalty: np.ndarray,
    extra_slot: int,
    dense_cells: int = DENSE_CELLS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (child, sponsor, slot number) of the least-cost assignment of one component.

    `kids` are the component's child indices, ascending (so in id order); edges are in global
    indices. Among assignments of equal cost, the one leaving higher-id children unmatched wins.
    """
    n = len(kids)
    sponsors, sponsor_local = np.unique(edge_sponsor, return_inverse=True)
    caps = capacity[sponsors]
    first_slot = np.r_[0, np.cumsum(caps)[:-1]]
    slots = int(caps.sum())

    # Expand each edge into one edge per slot of its caring parent.
    reps = caps[sponsor_local]
    rows = np.repeat(np.searchsorted(kids, edge_child), reps)
    offsets = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    cols = np.repeat(first_slot[sponsor_local], reps) + offsets
    costs = np.repeat(edge_cost, reps) + extra_slot * offsets

    top = max(int(costs.max(initial=0)), int(penalty[kids].max()))
    scale = n * (n + 1) // 2 + 1
    if (top + 1) * scale * n >= _EXACT:
        scale = 1  # too large to break ties exactly; the answer stays optimal and deterministic
    tie = (n - np.arange(n)) if scale > 1 else np.zeros(n, dtype=np.int64)
    unmatched = penalty[kids] * scale + tie
    # Rows in order of need, neediest first: the same optimum, found about twice as fast.
    order = np.argsort(-unmatched, kind="stable")
    row_of = np.empty(n, dtype=np.int64)
    row_of[order] = np.arange(n)
    # +1 everywhere: the sparse solver must not mistake a zero cost for a missing edge.
    weights = np.r_[costs * scale + 1, unmatched + 1].astype(np.float64)
    rows = row_of[np.r_[rows, np.arange(n)]]
    cols = np.r_[cols, slots + np.arange(n)]
    width = slots + n

    if n * width <= dense_cells:
        matrix = np.full((n, width), np.inf)
        matrix[rows, cols] = weights
        row_ind, col_ind = linear_sum_assignment(matrix)
    else:
        matrix = csr_matrix((weights, (rows, cols)), shape=(n, width))
        row_ind, col_ind = min_weight_full_bipartite_matching(matrix)

    matched = col_ind < slots
    row_ind, col_ind = row_ind[matched], col_ind[matched]
    owner = np.searchsorted(first_slot, col_ind, side="right") - 1
    return kids[order[row_ind]], sponsors[owner], col_ind - first_slot[owner]
