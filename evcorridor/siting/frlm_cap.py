"""Capacitated coverage: the capacitated flow refuelling location model (CFRLM) of Upchurch,
Kuby & Lim (2009), written as flows of vehicles over each trip's possible stops (the
expanded-network idea of MirHassani & Ebrazi 2013), solved exactly by SCIP (OR-Tools).

Every station (new or existing) refuels at most `capacity` vehicles per period (the flows'
unit: annual trips -> refuels per year). A flow may be served in part: its vehicles split over
stop sequences; every stop is one refuel at that station (a round trip passing a station on the
way out and back and stopping both times uses two). Maximise the vehicles served; then the
fewest new sites, then the least rank sum (the uncapacitated model's tie-break).

Per trip, points i with a site (in driving order, position p_i, detour o_i). Arcs: start -> i
when p_i + o_i <= start charge; i -> j (i < j) when p_j - p_i + o_i + o_j <= range; i -> end
when length - p_i + o_i <= range; start -> end when the trip needs no stop. v_a >= 0 vehicles
per arc; conservation at every point; served_q = flow out of the start <= f_q. Capacity:
sum of the vehicles arriving at the points of station k (over all trips) <= capacity x_k
(existing: <= capacity). sum x <= budget, x binary. The served vehicles of each flow are split
into stop sequences (a path decomposition of its arc flow) for the plan; `check` re-derives
every sequence's feasibility and every station's load.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

from evcorridor.errors import EvCorridorError

EPS_M = 1e-6
#: relative tolerance of the MIP's continuous values (SCIP's feasibility tolerance is 1e-6)
TOL = 1e-6


@dataclass(frozen=True)
class CapTrip:
    keys: Sequence[Hashable | None]  # the site at each point (None: none)
    pos: Sequence[float]
    offs: Sequence[float]
    flow: float


@dataclass(frozen=True)
class CapResult:
    chosen: list[Hashable]
    served: list[float]  # per trip, vehicles served
    patterns: list[list[tuple[list[int], float]]]  # per trip: (stop point indices, vehicles)
    loads: dict[Hashable, float]  # refuels per station
    status: str  # "optimal" or "time_limit" / "infeasible"
    objective: float
    wall_s: float


def solve_capacitated(trips: Sequence[CapTrip], choosable: Sequence[Hashable],
                      existing: Collection[Hashable], *, budget: int, capacity: float,
                      range_m: float, start: float, time_limit_s: float = 60.0) -> CapResult:
    """Most vehicles served with at most `budget` of `choosable` (in tie-break order), every
    station refuelling at most `capacity` vehicles."""
    import time

    from ortools.linear_solver import pywraplp

    t0 = time.perf_counter()
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:  # pragma: no cover - SCIP ships with every OR-Tools wheel
        raise EvCorridorError("internal error: OR-Tools has no SCIP solver")
    solver.SetNumThreads(1)
    solver.SetTimeLimit(int(time_limit_s * 1000))
    inf = solver.infinity()
    exist = set(existing)
    on_trips = {k for t in trips for k in t.keys if k is not None}
    cands = [k for k in choosable if k in on_trips and k not in exist]
    x = {k: solver.BoolVar("") for k in cands}
    load: dict[Hashable, list[object]] = {}
    arcs: list[list[tuple[int, int, object]]] = []  # per trip: (from, to, var); -1 start, -2 end
    served_vars = []
    for t in trips:
        end = t.pos[-1]
        pts = [i for i, k in enumerate(t.keys) if k is not None and (k in x or k in exist)]
        trip_arcs: list[tuple[int, int, object]] = []
        if end <= start + EPS_M:
            trip_arcs.append((-1, -2, solver.NumVar(0.0, inf, "")))
        for a, i in enumerate(pts):
            if t.pos[i] + t.offs[i] <= start + EPS_M:
                trip_arcs.append((-1, i, solver.NumVar(0.0, inf, "")))
            if end - t.pos[i] + t.offs[i] <= range_m + EPS_M:
                trip_arcs.append((i, -2, solver.NumVar(0.0, inf, "")))
            for j in pts[a + 1:]:
                if t.pos[j] - t.pos[i] > range_m + EPS_M:
                    break
                if t.pos[j] - t.pos[i] + t.offs[i] + t.offs[j] <= range_m + EPS_M:
                    trip_arcs.append((i, j, solver.NumVar(0.0, inf, "")))
        out_start = [v for a, _, v in trip_arcs if a == -1]
        served = solver.NumVar(0.0, t.flow, "")
        solver.Add(served == solver.Sum(out_start))
        for i in pts:
            inflow = [v for _, b, v in trip_arcs if b == i]
            outflow = [v for a, _, v in trip_arcs if a == i]
            solver.Add(solver.Sum(inflow) == solver.Sum(outflow))
            load.setdefault(t.keys[i], []).extend(inflow)
        arcs.append(trip_arcs)
        served_vars.append(served)
    for k, vs in load.items():
        cap = capacity * x[k] if k in x else capacity
        solver.Add(solver.Sum(vs) <= cap)
    solver.Add(solver.Sum(list(x.values())) <= budget)
    total = solver.Sum(served_vars)
    solver.Maximize(total)
    code = solver.Solve()
    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return CapResult([], [0.0] * len(trips), [[] for _ in trips], {}, "time_limit", 0.0,
                         time.perf_counter() - t0)
    status = "optimal" if code == pywraplp.Solver.OPTIMAL else "time_limit"
    best = solver.Objective().Value()
    hint = list(x.values())  # the first solve's set as the start of the second
    first = [float(round(v.solution_value())) for v in hint]
    # tie-break: the same vehicles served with the fewest sites, then the least rank sum
    n = len(cands)
    big = n * (n + 1) // 2 + 1
    solver.Add(total >= best - TOL * max(1.0, best))
    solver.Minimize(solver.Sum([(big + r) * x[k] for r, k in enumerate(cands, start=1)]))
    solver.SetHint(hint, first)
    code2 = solver.Solve()
    if code2 not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):  # pragma: no cover
        raise EvCorridorError("internal error: the capacitated tie-break found no solution")
    if code2 != pywraplp.Solver.OPTIMAL:
        status = "time_limit"
    chosen = [k for k in cands if x[k].solution_value() > 0.5]
    # the most vehicles the chosen set serves (the tie-break solve may give up a tolerance)
    for k, v in x.items():
        v.SetBounds(float(k in chosen), float(k in chosen))
    solver.Maximize(total)
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL,):  # pragma: no cover
        raise EvCorridorError("internal error: the capacitated model lost its solution")
    served_out: list[float] = []
    patterns: list[list[tuple[list[int], float]]] = []
    loads: dict[Hashable, float] = {}
    for t, trip_arcs in zip(trips, arcs, strict=True):
        flow = {(a, b): max(0.0, v.solution_value()) for a, b, v in trip_arcs}  # type: ignore[attr-defined]
        paths = _decompose(flow, t.flow)
        patterns.append(paths)
        served_out.append(float(sum(v for _, v in paths)))
        for stops, v in paths:
            for i in stops:
                key = t.keys[i]
                loads[key] = loads.get(key, 0.0) + v
    return CapResult(chosen, served_out, patterns, loads, status, sum(served_out),
                     time.perf_counter() - t0)


def _decompose(flow: dict[tuple[int, int], float], limit: float
               ) -> list[tuple[list[int], float]]:
    """Split an arc flow from the start (-1) to the end (-2) into stop sequences with their
    vehicles (largest first from each point, ties by the earliest point): deterministic.
    Amounts below the solver's tolerance are dropped; the total never exceeds `limit`."""
    tiny = TOL * max(1.0, limit)
    out: list[tuple[list[int], float]] = []
    left = limit
    while left > tiny:
        path: list[int] = []
        here = -1
        amount = left
        while here != -2:
            nxt = [(b, v) for (a, b), v in flow.items() if a == here and v > tiny]
            if not nxt:
                break
            b, v = max(nxt, key=lambda bv: (bv[1], -bv[0] if bv[0] >= 0 else 1))
            amount = min(amount, v)
            path.append(b)
            here = b
        if here != -2 or not path:
            break
        stops = [i for i in path if i >= 0]
        prev = -1
        for b in path:
            flow[(prev, b)] -= amount
            prev = b
        out.append((stops, amount))
        left -= amount
    return out
