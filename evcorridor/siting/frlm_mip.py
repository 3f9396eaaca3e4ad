"""A plain MIP of the same coverage model, solved by CBC (PuLP) or HiGHS: the reference that
`make bench` compares evcorridor's coverage solver with, and that tests cross-check it against.

Kuby & Lim's flow refuelling location model with Capar et al.'s (2013) arc-cover constraints,
written the straightforward way: binary x_k per candidate node, y_q per flow; maximise
sum f_q y_q subject to sum x_k <= budget and, for every arc of every trip that the range cannot
bridge from the trip start, y_q <= sum of x_k over the nodes within range before the arc's end.
Round trips start with half the range and drive origin -> destination -> origin; one-way trips
start with the full range. Every node is a candidate, no offsets (the textbook setting). The
paths are `frlm.PathFinder`'s (the same shortest paths evcorridor uses), so both models have the
same optimum. No tie-break: any optimal set.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx

from evcorridor.siting.frlm import EPS_M, Flow, PathFinder, trip_sequence


@dataclass(frozen=True)
class MipResult:
    objective: float  # covered flow
    chosen: tuple[Hashable, ...]
    build_s: float  # paths and model
    solve_s: float  # the solver
    proven: bool = True  # the solver proved the optimum (False: stopped at its time limit)


def arc_covers(graph: nx.MultiDiGraph, flows: Sequence[Flow], range_m: float, trip: str
               ) -> list[list[frozenset[Hashable]]]:
    """Per flow, the node sets of its arc-cover constraints (an empty set: never coverable)."""
    finder = PathFinder(graph)
    start = range_m / 2.0 if trip == "round" else range_m
    out: list[list[frozenset[Hashable]]] = []
    for f in flows:
        path = finder.path(f.origin, f.destination)
        assert path is not None
        back = finder.path(f.destination, f.origin) if trip == "round" else None
        nodes, pos = trip_sequence(path, finder.length(path), back,
                                   finder.length(back) if back is not None else None)
        covers: list[frozenset[Hashable]] = []
        for j in range(1, len(nodes)):
            if pos[j] <= start + EPS_M:
                continue
            covers.append(frozenset(nodes[i] for i in range(j)
                                    if pos[j] - pos[i] <= range_m + EPS_M))
        out.append(covers)
    return out


def solve_plain_mip(graph: nx.MultiDiGraph, flows: Sequence[Flow], *, range_m: float,
                    budget: int, trip: str = "round", solver: str = "cbc",
                    time_limit_s: float = 600.0) -> MipResult:
    """Maximum covered flow with at most `budget` stations, by PuLP with CBC or HiGHS."""
    import pulp

    t0 = time.perf_counter()
    covers = arc_covers(graph, flows, range_m, trip)
    prob = pulp.LpProblem("frlm", pulp.LpMaximize)
    nodes = sorted(graph.nodes)
    x = {n: prob.add_variable(f"x_{n}", cat="Binary") for n in nodes}
    y = [prob.add_variable(f"y_{q}", cat="Binary") for q in range(len(flows))]
    prob += pulp.lpSum(float(f.flow) * y[q] for q, f in enumerate(flows))
    prob += pulp.lpSum(x.values()) <= budget
    for q, sets in enumerate(covers):
        for s in sets:
            prob += y[q] <= pulp.lpSum(x[n] for n in s)
    t1 = time.perf_counter()
    with warnings.catch_warnings():  # PULP_CBC_CMD (the CBC in PuLP's wheel) is deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        if solver == "highs":
            cmd = pulp.HiGHS(msg=False, timeLimit=time_limit_s, threads=1)
        else:
            cmd = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, threads=1)
        prob.solve(cmd)
    t2 = time.perf_counter()
    chosen = tuple(n for n in nodes if (x[n].value() or 0) > 0.5)
    covered = sum((Decimal(repr(float(f.flow))) for q, f in enumerate(flows)
                   if (y[q].value() or 0) > 0.5), Decimal(0))
    proven = prob.sol_status == pulp.LpSolutionOptimal
    return MipResult(float(covered), chosen, t1 - t0, t2 - t1, proven)
