"""Coverage mode: the flow refuelling location model (FRLM), solved exactly with CP-SAT.

Choose at most `budget` new charging sites so that the largest total origin-destination flow can
complete its trip (Kuby & Lim 2005). A flow travels one fixed path: its own `path` when given (an
embedded corridor route through a given crossing), else the shortest path in the graph.

Trip semantics (what "a flow is covered" means)
- "one-way": the vehicle leaves the origin with `start_range_m` (default: the full usable range,
  i.e. it charged at home) and must reach the destination. Kuby & Lim's one-way variant is less
  standard; this is the plain "drive O -> D" reading.
- "round" (Kuby & Lim's round trip): the vehicle leaves the origin with HALF the usable range (a
  station at the origin refills it) and must drive origin -> destination -> origin on the same path
  (reversed; on a network with one-way roads, the shortest way back). Stations serve both ways.
  Half a range at the start is the steady-state rule: a driver who repeats the trip arrives home
  with what it left with.
- Whenever the vehicle passes a site it may charge to the full usable range `range_m`; a site with
  an offset (detour from the road) costs the offset both ways, exactly as in the plan's gap rule:
  gap i -> k = (pos_k - pos_i) + offset_i + offset_k <= range. Range already keeps the arrival
  reserve, so arriving with 0 m left is allowed.
- A flow that needs no station at all (short trip) counts as covered: it can complete its trip.

Formulation (exact). Binary x_s per candidate site (existing sites are fixed to 1, cost no
budget), binary y_q per flow; maximise sum f_q y_q subject to sum x_s <= budget and, per flow:
- all sites on the flow at offset 0: Capar et al. (2013) arc cover. Along the trip sequence
  s_0..s_m (positions c_0..c_m), every arc ending at c_j beyond the start range needs a site s_i,
  i < j, with c_j - c_i <= range: y_q <= sum of those x. Exact because charging only ever helps.
- some offset > 0: a chain of stops: flow variables on "start -> stop -> ... -> end" pairs whose gap
  is within range, one unit of flow iff y_q, a stop used only if its site is built.
Phase 2 (deterministic tie-break): keep the optimal flow, use the fewest new sites, then prefer the
set with the smallest weight sum(2**rank) over candidates sorted by node id (unique when there are
at most 50 candidates; beyond that the weights are the ranks and CP-SAT runs single-threaded with a
fixed seed, which is still reproducible). Coverage in the result is re-derived by simulation.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import networkx as nx
from ortools.sat.python import cp_model

from evcorridor.errors import EvCorridorError, InputError, UsageError
from evcorridor.plan_model import CoverageResult, FlowResult, SolverResult, SolverStatus

Trip = Literal["one-way", "round"]
TRIPS: tuple[str, ...] = ("one-way", "round")
EPS_M = 1e-6  # metres of float slack when comparing a gap with the range
MAX_EXACT_TIE = 50  # candidates up to which the tie-break weights 2**rank make the optimum unique


@dataclass(frozen=True)
class Flow:
    """One origin-destination flow (annual trips, or any consistent unit)."""

    origin: int
    destination: int
    flow: float
    origin_name: str = ""
    destination_name: str = ""
    path: tuple[int, ...] | None = None  # fixed path origin .. destination; None = shortest path
    where: str = ""  # "flows.csv:row 4" for messages
    exact_flow: Decimal | None = field(default=None, compare=False)  # the flow as written

    @property
    def label(self) -> str:
        return f"{self.origin_name or self.origin} -> {self.destination_name or self.destination}"


def node_key(node: object) -> tuple[int, int | str]:
    """Sort key for node ids (ints first, numerically; then anything else as text)."""
    if isinstance(node, int) and not isinstance(node, bool):
        return (0, node)
    return (1, str(node))


# ---------------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------------

def _adjacency(graph: nx.MultiDiGraph) -> dict[Any, dict[Any, float]]:
    """Shortest parallel edge per ordered node pair (self-loops never help a shortest path)."""
    adj: dict[Any, dict[Any, float]] = {n: {} for n in graph.nodes}
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        length = float(data.get("length", math.nan))
        if not math.isfinite(length) or length < 0:
            raise InputError(f"edge {u} -> {v}: length {data.get('length')!r} is not a "
                             "non-negative number of metres")
        if v not in adj[u] or length < adj[u][v]:
            adj[u][v] = length
    return adj


class PathFinder:
    """Deterministic shortest paths: least length (to the millimetre), then fewest edges, then the
    lexicographically smallest node sequence."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.adj = _adjacency(graph)
        self.radj: dict[Any, dict[Any, float]] = {n: {} for n in self.adj}
        for u, nbrs in self.adj.items():
            for v, w in nbrs.items():
                self.radj[v][u] = w
        self._from: dict[Any, dict[Any, tuple[int, int]]] = {}
        self._to: dict[Any, dict[Any, tuple[int, int]]] = {}

    @staticmethod
    def _dijkstra(adj: Mapping[Any, Mapping[Any, float]], src: Any
                  ) -> dict[Any, tuple[int, int]]:
        dist: dict[Any, tuple[int, int]] = {src: (0, 0)}
        heap: list[tuple[int, int, tuple[int, int | str], Any]] = [(0, 0, node_key(src), src)]
        done: set[Any] = set()
        while heap:
            d_mm, hops, _, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            for v, w in adj[u].items():
                cand = (d_mm + round(w * 1000), hops + 1)
                if v not in dist or cand < dist[v]:
                    dist[v] = cand
                    heapq.heappush(heap, (cand[0], cand[1], node_key(v), v))
        return dist

    def path(self, origin: Any, destination: Any) -> list[Any] | None:
        if origin not in self._from:
            self._from[origin] = self._dijkstra(self.adj, origin)
        if destination not in self._to:
            self._to[destination] = self._dijkstra(self.radj, destination)
        d_from, d_to = self._from[origin], self._to[destination]
        if destination not in d_from:
            return None
        total = d_from[destination]
        path = [origin]
        u = origin
        while u != destination:
            best = None
            for v, w in self.adj[u].items():
                if v not in d_to:
                    continue
                du = d_from[u]
                via = (du[0] + round(w * 1000) + d_to[v][0], du[1] + 1 + d_to[v][1])
                if via == total and (best is None or node_key(v) < node_key(best)):
                    best = v
            assert best is not None  # a shortest path continues from every node on one
            path.append(best)
            u = best
        return path

    def length(self, path: Sequence[Any]) -> list[float]:
        """Cumulative lengths (m) along `path`, using the shortest parallel edge."""
        cum = [0.0]
        for u, v in itertools.pairwise(path):
            if v not in self.adj.get(u, {}):
                raise InputError(f"path step {u} -> {v} is not an edge of the network")
            cum.append(cum[-1] + self.adj[u][v])
        return cum


def trip_sequence(path: Sequence[int], cum: Sequence[float],
                  back: Sequence[int] | None = None, back_cum: Sequence[float] | None = None
                  ) -> tuple[list[int], list[float]]:
    """The nodes and positions the vehicle passes: O..D, or with the way back O..D..O."""
    nodes, pos = list(path), list(cum)
    if back is not None and back_cum is not None:
        total = cum[-1]
        nodes.extend(back[1:])
        pos.extend(total + c for c in back_cum[1:])
    return nodes, pos


def trip_feasible(nodes: Sequence[int], pos: Sequence[float], sites: Mapping[int, float],
                  *, range_m: float, start_range_m: float) -> bool:
    """Simulate the best charging strategy: most charge left at every point wins (charging to full
    whenever it helps, detours `sites[node]` metres each way)."""
    charge = start_range_m
    for i, node in enumerate(nodes):
        off = sites.get(node)
        if off is not None and charge + EPS_M >= off:
            charge = max(charge, range_m - off)
        if i + 1 < len(nodes):
            charge -= pos[i + 1] - pos[i]
            if charge < -EPS_M:
                return False
    return True


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------

@dataclass
class _FlowTrip:
    flow: Flow
    nodes: list[int]
    pos: list[float]
    path_len: int  # number of nodes of the one-way path


def _flow_scale(flows: Sequence[Flow]) -> int:
    """Smallest power of ten (<= 1e6) making every flow an integer objective coefficient."""
    for digits in range(7):
        scale = 10**digits
        if all(_exact(f) * scale == int(_exact(f) * scale) for f in flows):
            return scale
    return 10**6


def _exact(f: Flow) -> Decimal:
    return f.exact_flow if f.exact_flow is not None else Decimal(repr(f.flow))


_STATUS: dict[cp_model.CpSolverStatus, SolverStatus] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
}


def _add_arc_cover(model: cp_model.CpModel, y: cp_model.IntVar, t: _FlowTrip,
                   x: Mapping[int, cp_model.IntVar], existing: Mapping[int, float],
                   range_m: float, start: float) -> int:
    added = 0
    seen: set[frozenset[int]] = set()
    lo = 0  # first index within range of the current arc end (positions are non-decreasing)
    for j in range(1, len(t.nodes)):
        if t.pos[j] <= start + EPS_M:
            continue
        while t.pos[j] - t.pos[lo] > range_m + EPS_M:
            lo += 1
        window = {t.nodes[i] for i in range(lo, j)}
        if window & existing.keys():
            continue
        cover = frozenset(n for n in window if n in x)
        if cover in seen:
            continue
        seen.add(cover)
        model.add(y <= sum(x[n] for n in sorted(cover, key=node_key)))
        added += 1
    return added


def _add_chain(model: cp_model.CpModel, y: cp_model.IntVar, t: _FlowTrip,
               x: Mapping[int, cp_model.IntVar], existing: Mapping[int, float],
               offsets: Mapping[int, float], range_m: float, start: float) -> int:
    stops = [i for i, n in enumerate(t.nodes) if n in x or n in existing]

    def off(i: int) -> float:
        n = t.nodes[i]
        return existing[n] if n in existing else offsets.get(n, 0.0)

    end = t.pos[-1]
    if end <= start + EPS_M:
        return 0
    inflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in stops}
    outflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in stops}
    from_start: list[cp_model.IntVar] = []
    to_end: list[cp_model.IntVar] = []
    for a_idx, a in enumerate(stops):
        if t.pos[a] + off(a) <= start + EPS_M:
            z = model.new_bool_var("")
            from_start.append(z)
            inflow[a].append(z)
        if end - t.pos[a] + off(a) <= range_m + EPS_M:
            z = model.new_bool_var("")
            to_end.append(z)
            outflow[a].append(z)
        for b in stops[a_idx + 1:]:
            gap = t.pos[b] - t.pos[a] + off(a) + off(b)
            if t.pos[b] - t.pos[a] > range_m + EPS_M:
                break
            if gap <= range_m + EPS_M:
                z = model.new_bool_var("")
                outflow[a].append(z)
                inflow[b].append(z)
    model.add(sum(from_start) == y)
    model.add(sum(to_end) == y)
    for i in stops:
        model.add(sum(inflow[i]) == sum(outflow[i]))
        n = t.nodes[i]
        if n in x:
            model.add(sum(inflow[i]) <= x[n])
        else:
            model.add(sum(inflow[i]) <= 1)
    return 2 + 2 * len(stops)


def solve_coverage(
    graph: nx.MultiDiGraph,
    flows: Sequence[Flow],
    *,
    range_m: float,
    budget: int,
    trip: str = "round",
    candidates: Iterable[int] | None = None,
    existing: Iterable[int] | Mapping[int, float] = (),
    offsets: Mapping[int, float] | None = None,
    start_range_m: float | None = None,
    time_limit_s: float = 60.0,
    seed: int = 0,
    workers: int = 1,
) -> tuple[list[int], CoverageResult, SolverResult]:
    """Choose at most `budget` new sites among `candidates` (default: every node) maximising the
    covered flow. `existing` sites (node ids, or node -> offset m) count for free; `offsets` gives
    the detour of a new site per node (default 0). `start_range_m` applies to one-way trips only
    (default `range_m`); round trips start with `range_m / 2`. Returns the chosen new nodes
    (sorted), the coverage (re-derived by simulation) and the solver result."""
    if trip not in TRIPS:
        raise UsageError(f"unknown trip {trip!r}; choose one of: {', '.join(TRIPS)}")
    if budget < 0:
        raise UsageError(f"budget must be >= 0, got {budget}")
    if not (math.isfinite(range_m) and range_m > 0):
        raise UsageError(f"range must be a positive number of metres, got {range_m}")
    if trip == "round":
        start = range_m / 2.0
    else:
        start = range_m if start_range_m is None else min(start_range_m, range_m)
    offsets = dict(offsets or {})
    exist: dict[int, float] = (dict(existing) if isinstance(existing, Mapping)
                               else dict.fromkeys(existing, 0.0))
    for n in exist:
        if n not in graph:
            raise UsageError(f"existing site at node {n!r} is not a node of the network")
    cand_pool = list(graph.nodes) if candidates is None else list(candidates)
    for n in cand_pool:
        if n not in graph:
            raise UsageError(f"candidate site node {n!r} is not a node of the network")
    cands = sorted({n for n in cand_pool if n not in exist}, key=node_key)

    finder = PathFinder(graph)
    trips: list[_FlowTrip] = []
    for f in flows:
        where = f"{f.where}: " if f.where else ""
        for end in (f.origin, f.destination):
            if end not in graph:
                raise InputError(f"{where}node {end!r} is not in the network")
        if f.path is not None:
            path = list(f.path)
            if not path or path[0] != f.origin or path[-1] != f.destination:
                raise InputError(f"{where}flow {f.label}: its path must run from origin to "
                                 "destination")
        else:
            found = finder.path(f.origin, f.destination)
            if found is None:
                raise InputError(f"{where}no path from {f.origin} to {f.destination} in the "
                                 "network (flow cannot be routed)")
            path = list(found)
        back: list[int] | None = None
        if trip == "round":  # the way back: the fixed path reversed, else the shortest way back
            found = path[::-1] if f.path is not None else finder.path(f.destination, f.origin)
            if found is None:
                raise InputError(f"{where}no path back from {f.destination} to {f.origin} in "
                                 "the network (round trip impossible)")
            back = list(found)
        try:
            cum = finder.length(path)
            back_cum = finder.length(back) if back is not None else None
        except InputError as exc:
            raise InputError(f"{where}flow {f.label}: {exc}") from exc
        nodes, pos = trip_sequence(path, cum, back, back_cum)
        trips.append(_FlowTrip(f, nodes, pos, len(path)))

    scale = _flow_scale(flows)
    model = cp_model.CpModel()
    x = {n: model.new_bool_var(f"x[{n}]") for n in cands}
    ys: list[cp_model.IntVar] = []
    weights: list[int] = []
    n_constraints = 0
    for k, t in enumerate(trips):
        y = model.new_bool_var(f"y[{k}]")
        on_path = set(t.nodes)
        if any(offsets.get(n, 0.0) > 0 for n in on_path if n in x) or any(
                exist[n] > 0 for n in on_path if n in exist):
            n_constraints += _add_chain(model, y, t, x, exist, offsets, range_m, start)
        else:
            n_constraints += _add_arc_cover(model, y, t, x, exist, range_m, start)
        ys.append(y)
        weights.append(round(_exact(t.flow) * scale))
    model.add(sum(x.values()) <= budget)
    flow_obj = sum(w * y for w, y in zip(weights, ys, strict=True))
    model.maximize(flow_obj)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.random_seed = int(seed)
    solver.parameters.num_workers = int(workers)
    code = solver.solve(model)
    status: SolverStatus = _STATUS.get(code, "unknown")
    if code == cp_model.UNKNOWN:
        status = "time_limit" if solver.wall_time >= 0.99 * time_limit_s else "unknown"
    wall = solver.wall_time
    chosen: list[int] = []
    src = solver
    objective: float | None = None
    bound: float | None = None
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best = round(solver.objective_value)
        objective = best / scale
        bound = solver.best_objective_bound / scale
        # phase 2: same flow, fewest sites, then the deterministic tie-break
        model.add(flow_obj >= best)
        n = len(cands)
        tie = [2**i for i in range(n)] if n <= MAX_EXACT_TIE else [i + 1 for i in range(n)]
        big = sum(tie) + 1
        model.minimize(sum((big + w) * x[c] for c, w in zip(cands, tie, strict=True)))
        hint_solver_vals = {c: solver.value(x[c]) for c in cands}
        for c in cands:
            model.add_hint(x[c], hint_solver_vals[c])
        remaining = max(1.0, time_limit_s - wall)
        solver2 = cp_model.CpSolver()
        solver2.parameters.max_time_in_seconds = remaining
        solver2.parameters.random_seed = int(seed)
        solver2.parameters.num_workers = int(workers)
        code2 = solver2.solve(model)
        wall += solver2.wall_time
        src = solver2 if code2 in (cp_model.OPTIMAL, cp_model.FEASIBLE) else solver
        chosen = [c for c in cands if src.value(x[c])]
    elif code == cp_model.INFEASIBLE:  # cannot happen (x = y = 0 is feasible); report honestly
        chosen = []

    sites = dict(exist)
    for c in chosen:
        sites[c] = offsets.get(c, 0.0)
    results: list[FlowResult] = []
    covered_total = Decimal(0)
    for t, y in zip(trips, ys, strict=True):
        ok = trip_feasible(t.nodes, t.pos, sites, range_m=range_m, start_range_m=start)
        if status in ("optimal", "feasible") and src.value(y) and not ok:  # pragma: no cover
            raise EvCorridorError(f"internal error: solver covers flow {t.flow.label} but the "
                                  "simulation does not")
        if ok:
            covered_total += _exact(t.flow)
        results.append(FlowResult(
            origin=t.flow.origin_name or str(t.flow.origin),
            destination=t.flow.destination_name or str(t.flow.destination),
            flow=float(t.flow.flow), covered=ok, length_m=round(t.pos[-1], 1),
            nodes=[int(n) for n in t.nodes]))
    if objective is not None:
        if status == "optimal" and float(covered_total) > objective + 1e-9:  # pragma: no cover
            raise EvCorridorError("internal error: the simulation covers more flow than the "
                                  "proven optimum")
        objective = max(objective, float(covered_total))
    gap: float | None = None
    if status == "optimal":
        gap = 0.0
    elif objective is not None and bound is not None:
        gap = (bound - objective) / max(abs(bound), 1e-9) if bound > 0 else 0.0
    coverage = CoverageResult(
        budget=budget, trip=trip,  # type: ignore[arg-type]
        total_flow=float(sum((_exact(f) for f in flows), Decimal(0))),
        covered_flow=float(covered_total), flows=results)
    result = SolverResult(
        name="cp-sat", status=status, objective=objective, best_bound=bound, gap=gap,
        wall_time_s=round(wall, 3),
        parameters={"time_limit_s": float(time_limit_s), "seed": int(seed),
                    "workers": int(workers), "trip": trip, "range_m": round(range_m, 1),
                    "start_range_m": round(start, 1), "flow_scale": scale,
                    "tie_break": "fewest sites, then sum 2**rank by node id"
                    if len(cands) <= MAX_EXACT_TIE else "fewest sites, then sum rank by node id"},
        model_size={"flows": len(trips), "candidates": len(cands), "existing": len(exist),
                    "variables": len(model.proto.variables),
                    "constraints": len(model.proto.constraints),
                    "cover_constraints": n_constraints})
    return chosen, coverage, result
