"""Solve the class network with OR-Tools' min-cost flow, one county at a time.

Counties share no arc, so their flows are independent; several small solves are much faster than
one large one (the solver's work grows faster than the network).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from sponsorship.matching.network import Network
from sponsorship.matching.weights import CostsTooLargeError


class FlowError(RuntimeError):
    """The solver could not find the least-cost flow (costs too large for it, or a bug)."""


def solve(network: Network) -> np.ndarray:
    """Return the flow on each arc of the least-cost flow that meets every supply."""
    flow = np.zeros(len(network.tail), dtype=np.int64)
    if len(network.tail) == 0:
        return flow
    # Number nodes within their county, and group arcs by county (both stay in their order).
    node_order = np.argsort(network.county, kind="stable")
    node_county = network.county[node_order]
    node_start = np.searchsorted(node_county, np.arange(int(node_county.max()) + 2))
    local = np.empty(len(node_order), dtype=np.int64)
    local[node_order] = np.arange(len(node_order)) - node_start[node_county]
    arc_county = network.county[network.tail]
    arc_order = np.argsort(arc_county, kind="stable")
    arc_start = np.searchsorted(arc_county[arc_order], np.arange(len(node_start)))
    tail, head = local[network.tail], local[network.head]
    for county in range(len(node_start) - 1):
        arcs = arc_order[arc_start[county] : arc_start[county + 1]]
        if len(arcs) == 0:
            continue
        nodes = node_order[node_start[county] : node_start[county + 1]]
        solver = min_cost_flow.SimpleMinCostFlow()
        ids = solver.add_arcs_with_capacity_and_unit_cost(
            tail[arcs], head[arcs], network.capacity[arcs], network.cost[arcs]
        )
        solver.set_nodes_supplies(local[nodes], network.supply[nodes])
        status = solver.solve()
        if status == solver.BAD_COST_RANGE:
            raise CostsTooLargeError(f"costs of county {county} too large for the solver")
        if status != solver.OPTIMAL:
            raise FlowError(f"min-cost flow of county {county} ended with status {status!r}")
        flow[arcs] = solver.flows(ids)
    return flow
