"""Benchmark the matcher on a synthetic county-structured instance; print one JSON line.

    python benchmarks/matching.py --children 20000 --sponsors 10000

The instance has 50 counties at 100,000 children (fewer, in proportion, below that), each of 20
towns in 3 zones with 10 villages each; caring parents cluster in some towns, as they do in towns
with more offices. The engine's figures are compared with

- a first-come-first-served greedy pass: children in order of waiting (longest first), each
  given the nearest free allowed caring parent in the whole county, with the same costs;
- the full optimum from an independent reference (`reference`): per county, the assignment
  problem over every allowed pair written out as a dense matrix (one column per place of every
  caring parent, one "unmatched" column per child), solved by scipy's `linear_sum_assignment`.
  It shares no code with the engine's classes and network; it is slow, which is fine here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sponsorship.matching import ChildRecord, SponsorRecord, Weights, match
from sponsorship.matching.rules import broken_rule, closeness, distance_cost

TOWNS, VILLAGES, ZONES = 20, 10, 3
HARDSHIPS = [
    ("orphan", 0.05),
    ("unsupported", 0.08),
    ("single_mother", 0.10),
    ("disabled", 0.06),
    ("seriously_ill", 0.04),
    ("left_behind", 0.25),
    ("low_income", 0.30),
]


def instance(n_children: int, n_sponsors: int, seed: int = 1):
    """Return (sponsors, children) of a synthetic programme."""
    rng = random.Random(seed)
    counties = max(1, round(50 * n_children / 100_000))

    def region(town_weights=None):
        county = rng.randrange(counties)
        town = (
            rng.choices(range(TOWNS), weights=town_weights)[0]
            if town_weights
            else rng.randrange(TOWNS)
        )
        return (
            f"C{county:02d}",
            f"C{county:02d}Z{town % ZONES}",
            f"C{county:02d}T{town:02d}",
            f"C{county:02d}T{town:02d}V{rng.randrange(VILLAGES)}",
        )

    # Offices and better-off households cluster: a few towns hold most caring parents.
    rich = [4.0 if t < 4 else 1.0 if t < 12 else 0.3 for t in range(TOWNS)]
    sponsors = [
        SponsorRecord(
            id=i,
            region=region(rich),
            capacity=rng.randint(1, 3),
            aid_preference=rng.choices(["any", "primary", "middle", "fostering"], [50, 30, 15, 5])[
                0
            ],
            distance=rng.choices(["same_town", "same_county"], [40, 60])[0],
            child_gender=rng.choices([None, "female", "male"], [70, 15, 15])[0],
        )
        for i in range(1, n_sponsors + 1)
    ]
    children = [
        ChildRecord(
            id=i,
            region=region(),
            aid_group=rng.choices(["primary", "middle", "fostering"], [70, 25, 5])[0],
            gender=rng.choice(["female", "male"]),
            waiting_days=rng.randrange(0, 720),
            hardships=tuple(h for h, p in HARDSHIPS if rng.random() < p),
        )
        for i in range(1, n_children + 1)
    ]
    return sponsors, children


def greedy(sponsors, children, weights: Weights) -> tuple[int, int]:
    """First come, first served: return (matched, total cost) of the greedy pass."""
    by_county: dict[str, list[SponsorRecord]] = {}
    for s in sorted(sponsors, key=lambda s: s.id):
        by_county.setdefault(s.region[0], []).append(s)
    used = {s.id: 0 for s in sponsors}
    matched, total = 0, 0
    for child in sorted(children, key=lambda c: (-c.waiting_days, c.id)):
        best = None
        for s in by_county.get(child.region[0], ()):
            if used[s.id] >= s.capacity or broken_rule(s, child) is not None:
                continue
            cost = distance_cost(closeness(s.region, child.region), weights)
            cost += weights.extra_slot * used[s.id]
            if best is None or cost < best[0]:
                best = (cost, s.id)
                if cost == 0:
                    break
        if best is None:
            total += weights.unmatched_cost(child.waiting_days, child.hardships)
        else:
            used[best[1]] += 1
            matched += 1
            total += best[0]
    return matched, total


def _allowed_costs(kids: list[ChildRecord], carers: list[SponsorRecord], weights: Weights):
    """Return the kids × carers matrix of distance costs, infinite where a hard rule forbids."""

    def column(records, i):
        return np.asarray([r.region[i] for r in records], dtype=object)

    kid, carer = (
        [column(kids, i)[:, None] for i in range(4)],
        [column(carers, i)[None, :] for i in range(4)],
    )
    town = (kid[2] == carer[2]) & (kid[2] != "")
    village = town & (kid[3] == carer[3]) & (kid[3] != "")
    zone = (kid[1] == carer[1]) & (kid[1] != "")
    cost = np.where(
        village,
        weights.same_village,
        np.where(town, weights.same_town, np.where(zone, weights.same_zone, weights.same_county)),
    ).astype(np.float64)
    group = np.asarray([c.aid_group for c in kids], dtype=object)[:, None]
    gender = np.asarray([c.gender for c in kids], dtype=object)[:, None]
    wants = np.asarray([s.aid_preference for s in carers], dtype=object)[None, :]
    wants_gender = np.asarray([s.child_gender or "" for s in carers], dtype=object)[None, :]
    near_only = np.asarray([s.distance == "same_town" for s in carers])[None, :]
    ok = ((wants == "any") | (wants == group)) & ((wants_gender == "") | (wants_gender == gender))
    ok &= ~near_only | town
    return np.where(ok, cost, np.inf)


def reference(sponsors, children, weights: Weights) -> tuple[int, int]:
    """Return (matched, total cost) of the full optimum, county by county, explicitly."""
    counties: dict[str, tuple[list, list]] = {}
    for c in children:
        counties.setdefault(c.region[0], ([], []))[0].append(c)
    for s in sponsors:
        if s.region[0] in counties and s.capacity > 0:
            counties[s.region[0]][1].append(s)
    matched, total = 0, 0
    for kids, carers in counties.values():
        distance = _allowed_costs(kids, carers, weights)
        places = [(j, k) for j, s in enumerate(carers) for k in range(s.capacity)]
        owner = np.asarray([j for j, _ in places], dtype=np.int64)
        slot = np.asarray([k for _, k in places], dtype=np.float64)
        n = len(kids)
        matrix = np.full((n, len(places) + n), np.inf)
        matrix[:, : len(places)] = distance[:, owner] + weights.extra_slot * slot[None, :]
        matrix[np.arange(n), len(places) + np.arange(n)] = [
            weights.unmatched_cost(c.waiting_days, c.hardships) for c in kids
        ]
        rows, cols = linear_sum_assignment(matrix)
        matched += int((cols < len(places)).sum())
        total += int(matrix[rows, cols].sum())
    return matched, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--sponsors", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-greedy", action="store_true", help="skip the (slow) greedy baseline")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the (slow) full-optimum reference"
    )
    args = parser.parse_args()
    weights = Weights()
    sponsors, children = instance(args.children, args.sponsors, args.seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = match(sponsors, children, weights=weights)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    figures = {
        "children": args.children,
        "sponsors": args.sponsors,
        "slots": int(np.sum([s.capacity for s in sponsors])),
        "engine_seconds": round(seconds, 3),
        # CPU time of this process: what the engine costs when other work shares the machine.
        "engine_cpu_seconds": round(cpu_seconds, 3),
        "engine_matched": len(result.proposals),
        "engine_cost": result.total_cost,
        "arcs": result.edges,
        "counties": result.components,
    }
    if not args.no_greedy:
        started = time.perf_counter()
        matched, cost = greedy(sponsors, children, weights)
        figures.update(
            greedy_seconds=round(time.perf_counter() - started, 3),
            greedy_matched=matched,
            greedy_cost=cost,
        )
    if not args.no_reference:
        started = time.perf_counter()
        matched, cost = reference(sponsors, children, weights)
        figures.update(
            reference_seconds=round(time.perf_counter() - started, 3),
            optimum_matched=matched,
            optimum_cost=cost,
            gap_cost=result.total_cost - cost,
            gap_matched=matched - len(result.proposals),
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
