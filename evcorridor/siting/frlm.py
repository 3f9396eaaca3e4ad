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
- some site on the flow has a detour (offset > 0): the exact "reach" form, r_i = point i is a
  stop: y_q => the start reaches some r_k; r_i => the end or a later r_k is within range
  (gap = distance + both offsets); r_i => its site is built.
A border wait (corridor routes) is distance added at the border: positions from the border on
are shifted by it, so a gap spanning the border includes it (a site at the border node is on the
arrival side of the queue, as in the plan's gap rule).
Before the model: flows the existing sites already cover are counted as covered, flows that
even all candidates together cannot cover are left out; only candidates on the remaining
("contested") flows get a variable. When every contested trip is in arc-cover form, a candidate
is left out when an earlier one (in tie-break order) is in every cover set it is in: swapping it
for that one never covers less, with no more sites and a smaller rank sum, so it is never in the
tie-broken optimum (exact for the whole lexicographic objective).
Phase 2 (deterministic tie-break, the cost objective's rule): keep the optimal flow, use the
fewest new sites, then the least rank sum over the candidates in their given order (node id for
networks; rank 1 first), in one solve (objective: count x (largest rank sum + 1) + rank sum).
Sets with equal rank sums are left to CP-SAT, which runs single-threaded with a fixed seed, so
the same inputs give the same set. (Until issue 12 the rule was the least sum of 2**rank, a
unique set, found with one extra solve per site: most of the solve time.) Coverage in the result
is re-derived by simulating the contested trips with the chosen sites (the others are decided
before the model).

Solvers: the exact branch and bound of `frlm_bnb` when every contested trip is in arc-cover
form, CP-SAT otherwise (or when the branch and bound runs out of nodes). With a station
capacity (`capacity=`, refuels per station), the capacitated model of `frlm_cap` (Upchurch, Kuby
& Lim 2009) replaces both: flows may be served in part.

Embedded corridors (`corridor_flows`, `solve_problem_coverage`): the flows are the end-to-end
trips through each crossing on the siting `Problem`'s routes, weighted by the crossing's real
annual BTS count (`crossing_volume`: personal vehicles for light duty, trucks for medium/heavy);
see `corridor_flows` for how the inbound-only counts are split over directions.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import networkx as nx
from ortools.sat.python import cp_model

from evcorridor.errors import EvCorridorError, InputError, UsageError
from evcorridor.plan_model import CoverageResult, FlowResult, SolverResult, SolverStatus
from evcorridor.siting.cpsat import STATUS, Solution, new_solver
from evcorridor.siting.problem import (
    Candidate,
    Problem,
    RouteSpec,
    VehicleRule,
    route_points,
    usable_options,
)

Trip = Literal["one-way", "round"]
TRIPS: tuple[str, ...] = ("one-way", "round")
EPS_M = 1e-6  # metres of float slack when comparing a gap with the range


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


#: rules between equal shortest paths (same length to the millimetre, same number of edges):
#: the lexicographically smallest node sequence (node ids compared as integers), or the largest
PATH_TIE_BREAKS = ("lowest-ids", "highest-ids")


class PathFinder:
    """Deterministic shortest paths: least length (to the millimetre), then fewest edges, then
    `tie_break` (PATH_TIE_BREAKS): the lexicographically smallest node sequence ("lowest-ids",
    the default) or the largest ("highest-ids")."""

    def __init__(self, graph: nx.MultiDiGraph, tie_break: str = "lowest-ids") -> None:
        if tie_break not in PATH_TIE_BREAKS:
            raise UsageError(f"unknown path tie-break {tie_break!r} (choose from "
                             f"{', '.join(PATH_TIE_BREAKS)})")
        self.highest = tie_break == "highest-ids"
        self.adj = _adjacency(graph)
        self.radj: dict[Any, dict[Any, float]] = {n: {} for n in self.adj}
        for u, nbrs in self.adj.items():
            for v, w in nbrs.items():
                self.radj[v][u] = w
        self._from: dict[Any, dict[Any, tuple[int, int]]] = {}
        self._succ: dict[Any, list[tuple[Any, int]]] = {}
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
            du = d_from[u]
            best = None
            nxt = self._next(u)
            # in node order (reversed for highest-ids): the first match is the one the rule picks
            for v, w_mm in (reversed(nxt) if self.highest else nxt):
                dv = d_to.get(v)
                if dv is not None and (du[0] + w_mm + dv[0], du[1] + 1 + dv[1]) == total:
                    best = v
                    break
            assert best is not None  # a shortest path continues from every node on one
            path.append(best)
            u = best
        return path

    def _next(self, u: Any) -> list[tuple[Any, int]]:
        """u's successors in node order with their lengths in millimetres (cached)."""
        got = self._succ.get(u)
        if got is None:
            got = sorted(((v, round(w * 1000)) for v, w in self.adj[u].items()),
                         key=lambda vw: node_key(vw[0]))
            self._succ[u] = got
        return got

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


def trip_feasible(keys: Sequence[Hashable | None], pos: Sequence[float], offs: Sequence[float],
                  built: Collection[Hashable], *, range_m: float, start_range_m: float) -> bool:
    """Simulate the best charging strategy along a trip: the most charge left at every point wins
    (charge to full wherever it helps; a site `offs[i]` metres off the road costs that both ways).
    `keys[i]` is the site at point i (None: none); only sites in `built` exist."""
    charge = start_range_m
    for i, key in enumerate(keys):
        if key is not None and key in built and charge + EPS_M >= offs[i]:
            charge = max(charge, range_m - offs[i])
        if i + 1 < len(keys):
            charge -= pos[i + 1] - pos[i]
            if charge < -EPS_M:
                return False
    return True


# ---------------------------------------------------------------------------------------------
# The model (works on "trips": points in driving order, each maybe a site, with positions)
# ---------------------------------------------------------------------------------------------

@dataclass
class _Trip:
    weight: Decimal  # the flow as written (exact)
    keys: list[Hashable | None]  # the site at each point (None: none)
    pos: list[float]  # metres from the trip start, non-decreasing (border waits included)
    offs: list[float]  # detour of the site at each point
    result: FlowResult  # the flow, not covered (shared by every solve: never modified)
    covered_result: FlowResult = field(init=False, repr=False)  # the same, covered

    def __post_init__(self) -> None:
        self.covered_result = self.result.model_copy(update={"covered": True})


#: the largest scaled total flow: CP-SAT's objective is a 64-bit integer sum
MAX_SCALED_FLOW = 2**62


def _flow_scale(weights: Sequence[Decimal]) -> int:
    """The power of ten making every flow an integer objective coefficient exactly (as many
    decimals as the flows are written with: 0.1234567 needs 10**7). InputError when the scaled
    total would not fit a 64-bit objective (so the optimum is always exact, never rounded)."""
    digits = 0
    for w in weights:
        exponent = w.normalize().as_tuple().exponent
        if isinstance(exponent, int):
            digits = max(digits, -exponent)
    scale = 10**digits
    total = sum(weights, Decimal(0)) * scale
    if total > MAX_SCALED_FLOW:
        raise InputError(f"the flows are written with {digits} decimals and add up to "
                         f"{sum(weights, Decimal(0)):f}: counted exactly that is more than a "
                         "64-bit objective holds; round the flows to fewer decimals or use a "
                         "larger unit")
    return scale


def _exact(f: Flow) -> Decimal:
    return f.exact_flow if f.exact_flow is not None else Decimal(repr(float(f.flow)))


def _arc_cover_sets(t: _Trip, candidates: Collection[Hashable], existing: Collection[Hashable],
                    range_m: float, start: float) -> list[frozenset[Hashable]]:
    """Capar et al. arc cover (all offsets 0): every arc ending beyond the start range needs a
    site at an earlier point within the range of its end. The inclusion-minimal candidate sets,
    in a fixed order (a superset's constraint is implied); an empty set: never coverable."""
    sets: set[frozenset[Hashable]] = set()
    lo = 0  # first point within range of the current arc end (positions are non-decreasing)
    last_lo = -1
    for j in range(1, len(t.keys)):
        if t.pos[j] <= start + EPS_M:
            continue
        while t.pos[j] - t.pos[lo] > range_m + EPS_M:
            lo += 1
        if lo == last_lo:
            continue  # the window lo..j-1 holds the previous one (same lo): never minimal
        last_lo = lo
        window = {t.keys[i] for i in range(lo, j)} - {None}
        if any(k in existing for k in window):
            continue
        sets.add(frozenset(k for k in window if k in candidates))
    if frozenset() in sets:
        return [frozenset()]
    ordered = sorted(sets, key=lambda c: (len(c), sorted(map(node_key, c))))
    kept: list[frozenset[Hashable]] = []
    for cover in ordered:
        if not any(k <= cover for k in kept):
            kept.append(cover)
    return kept


def _arc_cover_masks(pos: Sequence[float], bits: Sequence[int], range_m: float, start: float
                     ) -> list[int]:
    """`_arc_cover_sets` on bitmasks: `bits[i]` is the candidate bit of point i (0: none, -1: an
    existing site). The inclusion-minimal masks by (size, mask); [0]: never coverable; []: the
    existing sites alone complete the trip."""
    masks: set[int] = set()
    lo = 0
    last_lo = -1
    for j in range(1, len(pos)):
        if pos[j] <= start + EPS_M:
            continue
        while pos[j] - pos[lo] > range_m + EPS_M:
            lo += 1
        if lo == last_lo:
            continue  # the window lo..j-1 holds the previous one (same lo): never minimal
        last_lo = lo
        mask = 0
        for i in range(lo, j):
            b = bits[i]
            if b < 0:
                break
            mask |= b
        else:
            if not mask:
                return [0]
            masks.add(mask)
    kept: list[int] = []
    for m in sorted(masks, key=lambda c: (c.bit_count(), c)):
        if not any(k & m == k for k in kept):
            kept.append(m)
    return kept


def _dominated_masks(n: int, covers: Iterable[Sequence[int]]) -> int:
    """`_dominated` on bitmasks over candidates 0..n-1 (in tie-break order): the mask of the
    dominated ones."""
    member = [0] * n
    bit = 0
    for sets in covers:
        for cover in sets:
            c = cover
            while c:
                low = c & -c
                member[low.bit_length() - 1] |= 1 << bit
                c ^= low
            bit += 1
    out = 0
    for i in range(n):
        mk = member[i]
        for j in range(i):
            if mk & ~member[j] == 0:
                out |= 1 << i
                break
    return out


def _dominated(order: Sequence[Hashable], covers: Sequence[Sequence[frozenset[Hashable]]]
               ) -> set[Hashable]:
    """Candidates never in the tie-broken optimum of an arc-cover model: k when some candidate
    j earlier in `order` is in every cover set k is in (swapping k for j, or dropping k when j
    is built, keeps every flow covered with no more sites and a smaller rank sum)."""
    index = {k: i for i, k in enumerate(order)}
    member = [0] * len(order)
    bit = 0
    for sets in covers:
        for cover in sets:
            for k in cover:
                member[index[k]] |= 1 << bit
            bit += 1
    out: set[Hashable] = set()
    for i, k in enumerate(order):
        mk = member[i]
        if any(mk & ~member[j] == 0 for j in range(i)):
            out.add(k)
    return out


def _add_reach(model: cp_model.CpModel, y: cp_model.IntVar, t: _Trip,
               x: Mapping[Hashable, cp_model.IntVar], existing: Collection[Hashable],
               range_m: float, start: float) -> int:
    """Exact "reach" form for trips with detours: r_i = point i is a stop of the vehicle's
    chain. y => the start reaches some r_k; r_i => the end or some later r_k is within range
    (gap = distance + both offsets); r_i => its site is built. Positions increase along the
    chain, so any r satisfying this contains a complete stop sequence, and vice versa."""
    end = t.pos[-1]
    stops = [i for i, k in enumerate(t.keys) if k is not None and (k in x or k in existing)]
    r = {i: model.new_bool_var("") for i in stops}
    first = [r[i] for i in stops if t.pos[i] + t.offs[i] <= start + EPS_M]
    if end <= start + EPS_M:
        return 0
    if not first:
        model.add(y == 0)
        return 1
    model.add_bool_or(first).only_enforce_if(y)
    added = 1
    for a_idx, a in enumerate(stops):
        key = t.keys[a]
        if key in x:
            model.add_implication(r[a], x[key])
        if end - t.pos[a] + t.offs[a] <= range_m + EPS_M:
            continue
        nxt = []
        for b in stops[a_idx + 1:]:
            if t.pos[b] - t.pos[a] > range_m + EPS_M:
                break
            if t.pos[b] - t.pos[a] + t.offs[a] + t.offs[b] <= range_m + EPS_M:
                nxt.append(r[b])
        if nxt:
            model.add_bool_or(nxt).only_enforce_if(r[a])
        else:
            model.add(r[a] == 0)
        added += 1
    return added


@dataclass
class _Prepared:
    """What a solve needs before the budget, for one range and start charge (shared by every
    budget of a grid): the flows already decided and the contested ones with their cover sets."""

    scale: int
    base: int  # scaled flow the existing sites cover alone
    contested: list[_Trip]
    relevant: list[Hashable]  # candidates on contested trips, not dominated, in tie-break order
    dominated: set[Hashable]
    n_choosable: int
    # arc-cover form of every contested trip (no detours): per contested trip its cover sets as
    # bitmasks over `relevant`; None when some contested trip needs the reach form
    masks: list[list[int]] | None = None
    _covers: list[list[frozenset[Hashable]] | None] | None = None
    cover_model: Any = None  # frlm_bnb.CoverModel of the masks, built by the first solve
    alone: set[int] = field(default_factory=set)  # ids of the trips existing sites complete

    @functools.cached_property
    def contested_ids(self) -> set[int]:
        return {id(t) for t in self.contested}

    @functools.cached_property
    def weights(self) -> list[int]:
        """The contested flows scaled to integers."""
        return [int(t.weight * self.scale) for t in self.contested]

    @property
    def covers(self) -> list[list[frozenset[Hashable]] | None]:
        """Per contested trip its arc-cover sets (None: the reach form)."""
        if self._covers is None:
            assert self.masks is not None
            self._covers = [[frozenset(k for i, k in enumerate(self.relevant) if m >> i & 1)
                             for m in sets] for sets in self.masks]
        return self._covers


def _point_bits(trips: Sequence[_Trip], choosable: Sequence[Hashable],
                existing: Collection[Hashable]) -> list[list[int]] | None:
    """Per trip the candidate bit of each point (0: none, -1: an existing site), over
    `choosable` in order; None when some site on a trip has a detour (the reach form)."""
    index = {k: 1 << i for i, k in enumerate(choosable)}
    out = []
    for t in trips:
        bits = []
        for k, off in zip(t.keys, t.offs, strict=True):
            if k is None:
                bits.append(0)
                continue
            if off > 0:
                return None
            bits.append(-1 if k in existing else index.get(k, 0))
        out.append(bits)
    return out


def _prepare(trips: Sequence[_Trip], choosable: Sequence[Hashable],
             existing: Collection[Hashable], *, range_m: float, start: float,
             point_bits: list[list[int]] | None = None) -> _Prepared:
    scale = _flow_scale([t.weight for t in trips])
    if point_bits is not None:  # no detours anywhere: arc cover sets decide every trip
        base = 0
        contested: list[_Trip] = []
        masks: list[list[int]] = []
        alone: set[int] = set()  # ids of the trips the existing sites complete alone
        for t, bits in zip(trips, point_bits, strict=True):
            sets = _arc_cover_masks(t.pos, bits, range_m, start)
            if not sets:
                base += int(t.weight * scale)
                alone.add(id(t))
            elif sets != [0]:
                contested.append(t)
                masks.append(sets)
        on_contested = {k for t in contested for k in t.keys}
        order = [i for i, k in enumerate(choosable) if k in on_contested]
        # re-index the masks to the candidates on contested trips, then leave out the dominated
        where = {i: 1 << j for j, i in enumerate(order)}

        def reindex(m: int, table: Mapping[int, int]) -> int:
            out = 0
            while m:
                low = m & -m
                out |= table[low.bit_length() - 1]
                m ^= low
            return out

        masks = [[reindex(m, where) for m in sets] for sets in masks]
        dom = _dominated_masks(len(order), masks)
        keep = [j for j in range(len(order)) if not dom >> j & 1]
        again = {j: 1 << new for new, j in enumerate(keep)}
        table = {j: again.get(j, 0) for j in range(len(order))}
        final = [[reindex(m & ~dom, table) for m in sets] for sets in masks] if dom else masks
        return _Prepared(scale=scale, base=base, contested=contested,
                         relevant=[choosable[order[j]] for j in keep],
                         dominated={choosable[order[j]] for j in range(len(order))
                                    if dom >> j & 1},
                         n_choosable=len(choosable), masks=final, alone=alone)
    # Flows the existing sites already cover, and flows that even every candidate cannot cover,
    # are decided before the model; only the contested ones (and their candidates) enter it.
    everything = set(existing) | set(choosable)
    contested = []
    base = 0  # scaled flow covered by the existing sites alone
    alone = set()
    for t in trips:
        if trip_feasible(t.keys, t.pos, t.offs, existing, range_m=range_m, start_range_m=start):
            base += int(t.weight * scale)
            alone.add(id(t))
        elif trip_feasible(t.keys, t.pos, t.offs, everything, range_m=range_m,
                           start_range_m=start):
            contested.append(t)
    on_contested = {k for t in contested for k in t.keys}
    relevant = [k for k in choosable if k in on_contested]
    pool = set(relevant)
    # per trip: its arc-cover sets, or None for a trip with a detour (the exact reach form)
    covers: list[list[frozenset[Hashable]] | None] = []
    for t in contested:
        sites = [i for i, k in enumerate(t.keys) if k is not None and (k in pool or k in existing)]
        if any(t.offs[i] > 0 for i in sites):
            covers.append(None)
        else:
            covers.append(_arc_cover_sets(t, pool, existing, range_m, start))
    dominated: set[Hashable] = set()
    if all(c is not None for c in covers):
        dominated = _dominated(relevant, [c for c in covers if c is not None])
    kept = [k for k in relevant if k not in dominated]
    arc_masks: list[list[int]] | None = None
    if all(c is not None for c in covers):  # every contested trip in arc-cover form
        bit = {k: 1 << i for i, k in enumerate(kept)}
        arc_masks = [[sum(bit.get(k, 0) for k in cover) for cover in sets]
                     for sets in covers if sets is not None]
    return _Prepared(scale=scale, base=base, contested=contested, relevant=kept,
                     dominated=dominated, n_choosable=len(choosable), masks=arc_masks,
                     _covers=covers, alone=alone)


#: solvers of the coverage model: "auto" (the exact branch and bound of frlm_bnb when every
#: contested trip is in arc-cover form, CP-SAT otherwise or when it runs out of nodes), or one
COVERAGE_METHODS = ("auto", "cp-sat")


def _solve(trips: Sequence[_Trip], choosable: Sequence[Hashable], existing: Collection[Hashable],
           *, budget: int, range_m: float, start: float, time_limit_s: float, seed: int,
           workers: int, trip: str, prepared: _Prepared | None = None, method: str = "auto"
           ) -> tuple[list[Hashable], CoverageResult, SolverResult]:
    """Maximise covered flow with at most `budget` of `choosable` (in tie-break order)."""
    import time

    t0 = time.perf_counter()
    if method not in COVERAGE_METHODS:
        raise UsageError(f"unknown coverage method {method!r} (choose from "
                         f"{', '.join(COVERAGE_METHODS)})")
    prep = prepared or _prepare(trips, choosable, existing, range_m=range_m, start=start)
    scale, base, contested = prep.scale, prep.base, prep.contested
    relevant = prep.relevant
    weights = prep.weights
    chosen: list[Hashable] = []
    best: int | None = None
    bound: float | None = None
    tie_status = "not run"
    status: SolverStatus = "unknown"
    hint: dict[Hashable, bool] | None = None
    name = "cp-sat"
    stats: dict[str, int] = {}
    extra: dict[str, Any] = {}
    wall = 0.0
    if prep.masks is not None and method == "auto":
        from evcorridor.siting.frlm_bnb import CoverModel

        if prep.cover_model is None:
            prep.cover_model = CoverModel(len(relevant), list(zip(weights, prep.masks,
                                                                  strict=True)))
        res = prep.cover_model.solve(budget)
        wall = time.perf_counter() - t0
        extra = {"nodes": res.nodes, "lp_bound_solved": res.lp_bound is not None}
        stats = {"families": res.families}
        if res.proven:
            name = "branch-and-bound"
            status = "optimal"
            tie_status = "optimal"
            best = res.flow
            chosen = [k for i, k in enumerate(relevant) if res.chosen >> i & 1]
        else:
            hint = {k: bool(res.chosen >> i & 1) for i, k in enumerate(relevant)}
    n_cover = sum(len(c) for c in prep.masks) if prep.masks is not None else 0
    n_vars = n_cons = 0
    if best is None:
        covers = prep.covers
        model = cp_model.CpModel()
        x = {k: model.new_bool_var(f"x[{k}]") for k in relevant}
        ys: list[cp_model.IntVar] = []
        n_cover = 0
        for q, t in enumerate(contested):
            y = model.new_bool_var(f"y[{q}]")
            sets = covers[q]
            if sets is None:
                n_cover += _add_reach(model, y, t, x, existing, range_m, start)
            else:
                for cover in sets:
                    left = sorted((k for k in cover if k in x), key=node_key)
                    if left:
                        model.add(y <= sum(x[k] for k in left))
                    else:
                        model.add(y == 0)
                n_cover += len(sets)
            ys.append(y)
        model.add(sum(x.values()) <= budget)
        if hint is not None:
            for k, v in x.items():
                model.add_hint(v, hint[k])
        flow_obj = sum(w * y for w, y in zip(weights, ys, strict=True))
        n = len(relevant)
        big = n * (n + 1) // 2 + 1  # more than any rank sum
        tie_expr = sum((big + rank) * x[k] for rank, k in enumerate(relevant, start=1))
        lex = (n + 1) * big + 1  # more than any count x big + rank sum
        one_solve = (sum(weights) + 1) * lex < MAX_SCALED_FLOW
        if one_solve:  # most flow, then the tie-break, in one objective (exact: integers)
            model.maximize(lex * flow_obj - tie_expr)
        else:
            model.maximize(flow_obj)

        def make_solver(limit: float) -> cp_model.CpSolver:
            return new_solver(limit, num_workers=workers, random_seed=seed, linearization_level=2)

        solver = make_solver(max(1.0, time_limit_s - wall))
        code = solver.solve(model)
        status = STATUS.get(code, "unknown")
        if code == cp_model.UNKNOWN:
            status = "time_limit"
        wall += solver.wall_time
        n_vars, n_cons = len(model.proto.variables), len(model.proto.constraints)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and one_solve:
            values = {k: solver.boolean_value(v) for k, v in x.items()}
            best = sum(w for w, y in zip(weights, ys, strict=True) if solver.boolean_value(y))
            # the bound on lex x flow - tie: the flow bound is its ceiling over lex
            bound = (base + -(-round(solver.best_objective_bound) // lex)) / scale
            tie_status = status
            chosen = [k for k in relevant if values[k]]
        elif code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = round(solver.objective_value)
            bound = (base + round(solver.best_objective_bound)) / scale
            values = {k: solver.boolean_value(v) for k, v in x.items()}
            # phase 2 (tie-break): the same flow with the fewest sites, then the least rank sum
            # (rank = position in the candidate order), one solve: count x big + rank sum
            model.add(flow_obj >= best)
            model.minimize(tie_expr)
            for k, v in x.items():
                model.add_hint(v, values[k])
            solver2 = make_solver(max(1.0, time_limit_s - wall))
            code2 = solver2.solve(model)
            wall += solver2.wall_time
            tie_status = STATUS.get(code2, "time_limit")
            if code2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                values = {k: solver2.boolean_value(v) for k, v in x.items()}
            chosen = [k for k in relevant if values[k]]

    built = set(existing) | set(chosen)
    flows: list[FlowResult] = []
    covered_total = Decimal(0)
    contested_ids = prep.contested_ids
    # with the cover sets as bitmasks, a contested trip is covered when the chosen set meets
    # each of them (the arc-cover rule the model is built from); otherwise by simulating the trip
    done: set[int] | None = None
    if name == "branch-and-bound" and prep.masks is not None:
        pick = sum(1 << i for i, k in enumerate(relevant) if k in built)
        done = {id(t) for t, sets in zip(contested, prep.masks, strict=True)
                if all(c & pick for c in sets)}
    for t in trips:
        # the others are decided: completed by the existing sites alone, or by no set at all
        if id(t) in contested_ids:
            ok = (id(t) in done if done is not None else
                  trip_feasible(t.keys, t.pos, t.offs, built, range_m=range_m,
                                start_range_m=start))
        else:
            ok = id(t) in prep.alone
        if ok:
            covered_total += t.weight
        flows.append(t.covered_result if ok else t.result)
    objective: float | None = None
    if best is not None:
        objective = float(covered_total)
        proven = float(Decimal(base + best) / scale)
        if status == "optimal" and objective != proven:  # pragma: no cover
            raise EvCorridorError(f"internal error: the coverage model proves {proven} but the "
                                  f"simulation covers {objective}")
    gap: float | None = None
    if status == "optimal":
        gap, bound = 0.0, objective
    elif objective is not None and bound is not None:
        gap = round((bound - objective) / bound, 6) if bound > 0 else 0.0
    coverage = CoverageResult.model_construct(
        budget=budget, trip=trip,
        total_flow=float(sum((t.weight for t in trips), Decimal(0))),
        covered_flow=float(covered_total), flows=flows)
    parameters: dict[str, Any] = {
        "time_limit_s": float(time_limit_s), "seed": int(seed), "workers": int(workers),
        "trip": trip, "range_m": round(range_m, 1), "start_range_m": round(start, 1),
        "flow_scale": scale, "tie_break": "fewest sites, then least rank sum",
        "tie_break_status": tie_status}
    if name == "cp-sat":
        parameters["linearization_level"] = 2
    parameters.update(extra)
    result = SolverResult(
        name=name, status=status, objective=objective, best_bound=bound, gap=gap,
        wall_time_s=round(wall, 3), parameters=parameters,
        model_size={"flows": len(trips), "contested_flows": len(contested),
                    "candidates": prep.n_choosable, "candidates_in_model": len(relevant),
                    "existing": len(existing), "dominated_candidates": len(prep.dominated),
                    "variables": n_vars, "constraints": n_cons, "cover_constraints": n_cover,
                    **stats})
    return chosen, coverage, result


def _check_args(trip: str, budget: int, range_m: float) -> None:
    if trip not in TRIPS:
        raise UsageError(f"unknown trip {trip!r}; choose one of: {', '.join(TRIPS)}")
    if budget < 0:
        raise UsageError(f"budget must be >= 0, got {budget}")
    if not (math.isfinite(range_m) and range_m > 0):
        raise UsageError(f"range must be a positive number of metres, got {range_m}")


# ---------------------------------------------------------------------------------------------
# Graph flows (generic networks)
# ---------------------------------------------------------------------------------------------

class CoverageNetwork:
    """The trips of a set of flows on a network, built once (shortest paths, positions, sites),
    for any number of solves over ranges and budgets (`solve`); the cover sets of a range are
    kept for the other budgets. `solve_coverage` is one such solve."""

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        flows: Sequence[Flow],
        *,
        trip: str = "round",
        candidates: Iterable[int] | None = None,
        existing: Iterable[int] | Mapping[int, float] = (),
        offsets: Mapping[int, float] | None = None,
        path_tie_break: str = "lowest-ids",
    ) -> None:
        if trip not in TRIPS:
            raise UsageError(f"unknown trip {trip!r}; choose one of: {', '.join(TRIPS)}")
        self.trip = trip
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
        cand_set = set(cands)
        self.candidates = cands
        self.existing = exist
        self._prepared: dict[tuple[float, float], _Prepared] = {}

        finder = PathFinder(graph, path_tie_break)
        trips: list[_Trip] = []
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
            if trip == "round":  # the way back: the fixed path reversed, else the shortest back
                found = path[::-1] if f.path is not None else finder.path(f.destination, f.origin)
                if found is None:
                    raise InputError(f"{where}no path back from {f.destination} to {f.origin} "
                                     "in the network (round trip impossible)")
                back = list(found)
            try:
                cum = finder.length(path)
                back_cum = finder.length(back) if back is not None else None
            except InputError as exc:
                raise InputError(f"{where}flow {f.label}: {exc}") from exc
            nodes, pos = trip_sequence(path, cum, back, back_cum)
            keys: list[Hashable | None] = [n if (n in cand_set or n in exist) else None
                                           for n in nodes]
            offs = [exist[n] if n in exist else offsets.get(n, 0.0) for n in nodes]
            result = FlowResult(
                origin=f.origin_name or str(f.origin),
                destination=f.destination_name or str(f.destination),
                flow=float(f.flow), covered=False, length_m=round(pos[-1], 1),
                nodes=[int(n) for n in nodes])
            trips.append(_Trip(_exact(f), keys, pos, offs, result))
        self.trips = trips
        # per trip the candidate bit of each point (None: a site with a detour somewhere)
        self._bits = _point_bits(trips, cands, set(exist))

    def solve(self, *, range_m: float, budget: int, start_range_m: float | None = None,
              time_limit_s: float = 60.0, seed: int = 0, workers: int = 1,
              method: str = "auto", capacity: float | None = None
              ) -> tuple[list[int], CoverageResult, SolverResult]:
        """Choose at most `budget` new sites maximising the covered flow (see
        `solve_coverage`); with `capacity`, every station refuels at most that many vehicles
        and flows may be served in part (`frlm_cap`)."""
        _check_args(self.trip, budget, range_m)
        if self.trip == "round":
            start = range_m / 2.0
        else:
            start = range_m if start_range_m is None else min(start_range_m, range_m)
        if capacity is not None:
            return self._solve_capacitated(range_m=range_m, start=start, budget=budget,
                                           capacity=capacity, time_limit_s=time_limit_s)
        key = (range_m, start)
        prep = self._prepared.get(key)
        if prep is None:
            prep = _prepare(self.trips, self.candidates, set(self.existing), range_m=range_m,
                            start=start, point_bits=self._bits)
            self._prepared[key] = prep
        chosen, coverage, solved = _solve(
            self.trips, self.candidates, set(self.existing), budget=budget, range_m=range_m,
            start=start, time_limit_s=time_limit_s, seed=seed, workers=workers, trip=self.trip,
            prepared=prep, method=method)
        picked = set(chosen)
        return [n for n in self.candidates if n in picked], coverage, solved


    def _solve_capacitated(self, *, range_m: float, start: float, budget: int,
                           capacity: float, time_limit_s: float
                           ) -> tuple[list[int], CoverageResult, SolverResult]:
        from evcorridor.plan_model import Refuel
        from evcorridor.siting.frlm_cap import CapTrip, solve_capacitated

        if not (math.isfinite(capacity) and capacity > 0):
            raise UsageError(f"capacity must be a positive number of refuels, got {capacity}")
        cap_trips = [CapTrip(t.keys, t.pos, t.offs, float(t.weight)) for t in self.trips]
        res = solve_capacitated(cap_trips, self.candidates, set(self.existing), budget=budget,
                                capacity=capacity, range_m=range_m, start=start,
                                time_limit_s=time_limit_s)
        flows: list[FlowResult] = []
        for t, served, patterns in zip(self.trips, res.served, res.patterns, strict=True):
            amount = round(served, 9)
            full = amount >= float(t.weight) * (1 - 1e-9)
            flows.append(t.result.model_copy(update={
                "covered": full, "served": amount,
                "refuels": [Refuel(stops=stops, vehicles=round(v, 9)) for stops, v in patterns]}))
        covered = sum(f.served or 0.0 for f in flows)
        coverage = CoverageResult(
            budget=budget, trip=self.trip,  # type: ignore[arg-type]
            total_flow=float(sum((t.weight for t in self.trips), Decimal(0))),
            covered_flow=round(covered, 9), flows=flows)
        optimal = res.status == "optimal"
        result = SolverResult(
            name="scip", status=res.status,  # type: ignore[arg-type]
            objective=round(covered, 9), best_bound=round(covered, 9) if optimal else None,
            gap=0.0 if optimal else None, wall_time_s=round(res.wall_s, 3),
            parameters={"time_limit_s": float(time_limit_s), "trip": self.trip,
                        "range_m": round(range_m, 1), "start_range_m": round(start, 1),
                        "capacity_refuels": capacity,
                        "model": "capacitated FRLM (Upchurch, Kuby & Lim 2009), stop flows",
                        "tie_break": "fewest sites, then least rank sum"},
            model_size={"flows": len(self.trips), "candidates": len(self.candidates),
                        "existing": len(self.existing)})
        picked = set(res.chosen)
        return [n for n in self.candidates if n in picked], coverage, result


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
    path_tie_break: str = "lowest-ids",
    method: str = "auto",
    capacity: float | None = None,
) -> tuple[list[int], CoverageResult, SolverResult]:
    """Choose at most `budget` new sites among `candidates` (default: every node) maximising the
    covered flow. `existing` sites (node ids, or node -> offset m) count for free; `offsets` gives
    the detour of a new site per node (default 0). `start_range_m` applies to one-way trips only
    (default `range_m`); round trips start with `range_m / 2`. Returns the chosen new nodes
    (sorted), the coverage (re-derived by simulation) and the solver result. `method`:
    COVERAGE_METHODS. `capacity` (refuels per station per period): the capacitated model of
    `frlm_cap` (flows served in part). For a grid of ranges and budgets on one network, build a
    `CoverageNetwork` once and call its `solve`."""
    _check_args(trip, budget, range_m)
    net = CoverageNetwork(graph, flows, trip=trip, candidates=candidates, existing=existing,
                          offsets=offsets, path_tie_break=path_tie_break)
    return net.solve(range_m=range_m, budget=budget, start_range_m=start_range_m,
                     time_limit_s=time_limit_s, seed=seed, workers=workers, method=method,
                     capacity=capacity)


# ---------------------------------------------------------------------------------------------
# Embedded corridors: flows along the siting problem's routes
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RouteFlow:
    """A flow that drives whole routes of a siting `Problem` one after the other."""

    routes: tuple[str, ...]  # route ids, e.g. ("cr:forward", "cr:reverse") for a round trip
    flow: float
    origin: str
    destination: str


def crossing_volume(crossing: Any, vehicle_class: str) -> int | None:
    """Annual BTS count at a crossing for a vehicle class: trucks for medium/heavy duty, personal
    vehicles (cars) for light duty. None when the crossing's own count is unknown (a shared
    port whose count no source splits between its crossings)."""
    if vehicle_class in ("heavy-duty", "medium-duty"):
        return crossing.trucks_per_year
    return crossing.cars_per_year


def corridor_volumes(crossings: Sequence[Any], vehicle_class: str
                     ) -> tuple[dict[str, float | None], list[str]]:
    """Per-crossing annual volumes of a corridor's crossings for a vehicle class, and notes.

    A crossing's own count is used where known. Where a shared BTS port's count is not split by
    a source, the port's total is counted once for the corridor: divided evenly between the
    corridor's crossings of that port whose own count is unknown (an assumption, noted), never
    copied onto each of them."""
    trucks = vehicle_class in ("heavy-duty", "medium-duty")
    out: dict[str, float | None] = {}
    unknown: dict[str, list[Any]] = {}
    for c in crossings:
        own = crossing_volume(c, vehicle_class)
        if own is not None:
            out[c.id] = float(own)
        else:
            unknown.setdefault(c.port_code, []).append(c)
    notes = []
    for code, group in sorted(unknown.items()):
        total = group[0].port_trucks_per_year if trucks else group[0].port_cars_per_year
        if total is None:
            out.update({c.id: None for c in group})
            continue
        share = float(Decimal(str(total)) / len(group))
        out.update({c.id: share for c in group})
        what = "trucks" if trucks else "cars"
        notes.append(f"port {code} {what} {total} split evenly over "
                     f"{', '.join(c.id for c in group)} (no source splits it; UNVERIFIED)")
    return out, notes


def corridor_flows(problem: Problem, volumes: Mapping[str, float | None], trip: str
                   ) -> tuple[list[RouteFlow], list[str]]:
    """Flows for an embedded corridor: the end-to-end trip through each crossing, weighted by the
    crossing's annual BTS count (`volumes`: crossing id -> count; see `crossing_volume`).

    Simplifications (documented in the plan parameters): BTS counts vehicles entering the USA only;
    we assume as many leave. One-way: the forward and the reverse trip each carry the annual count.
    Round: a round trip from each endpoint (US side, foreign side), each carrying half the count
    (who starts where is unknown). Crossings without a count get flow 0 and are listed."""
    by_crossing: dict[str, dict[str, RouteSpec]] = {}
    for r in problem.routes:
        by_crossing.setdefault(r.crossing, {})[r.direction] = r
    flows: list[RouteFlow] = []
    missing: list[str] = []
    for crossing in sorted(by_crossing):
        dirs = by_crossing[crossing]
        vol = volumes.get(crossing)
        if vol is None:
            missing.append(crossing)
        v = Decimal(0) if vol is None else Decimal(str(vol))
        fwd, rev = dirs.get("forward"), dirs.get("reverse")
        legs = [r for r in (fwd, rev) if r is not None]
        if trip == "one-way":
            flows.extend(RouteFlow((r.id,), float(v), r.start_label, r.end_label) for r in legs)
        elif fwd is not None and rev is not None:
            half = float(v / 2)
            flows.append(RouteFlow((fwd.id, rev.id), half, fwd.start_label, fwd.end_label))
            flows.append(RouteFlow((rev.id, fwd.id), half, rev.start_label, rev.end_label))
    return flows, missing


def _route_trip(problem: Problem, route: RouteSpec, vehicle: VehicleRule,
                sites: Mapping[str, Candidate]) -> tuple[list[str | None], list[float],
                                                          list[float]]:
    """Points of one route (start, the vehicle's usable sites, end); positions after the border
    shifted by the vehicle's border-wait distance (so a gap spanning the border includes it)."""
    wait = vehicle.wait_m(route.id)

    def shifted(p: float) -> float:
        return p + wait if route.spans_border(0.0, p) else p

    keys: list[str | None] = [None]
    pos, offs = [0.0], [0.0]
    for pt in route_points(problem, route, lambda c: c.id in sites):
        keys.append(pt.key)
        pos.append(shifted(pt.pos_m))
        offs.append(pt.offset_m)
    keys.append(None)
    pos.append(shifted(route.length_m))
    offs.append(0.0)
    return keys, pos, offs


def solve_problem_coverage(
    problem: Problem,
    flows: Sequence[RouteFlow],
    *,
    vehicle_id: str,
    budget: int,
    trip: str,
    route_nodes: Mapping[str, Sequence[int]] | None = None,
    time_limit_s: float = 60.0,
    seed: int = 0,
    workers: int = 1,
) -> tuple[Solution, CoverageResult, SolverResult]:
    """Coverage on a siting `Problem` (an embedded corridor) for one vehicle rule.

    Sites: an existing station whose present option the vehicle can use counts for free; any
    other candidate with an option the vehicle can use (a new site, or an upgrade) costs one of
    the `budget`, and its cheapest usable option is built. One-way trips start with the vehicle's
    `start_range_m`, round trips with half its range. Returns a `cpsat.Solution` (chosen options,
    so the plan can be assembled as for the cost objective), the coverage and the solver result.
    `route_nodes` (route id -> graph nodes) fills the flows' node lists."""
    veh = next((v for v in problem.vehicles if v.id == vehicle_id), None)
    if veh is None:
        raise UsageError(f"vehicle {vehicle_id!r} is not in the siting problem")
    _check_args(trip, budget, veh.range_m)
    start = veh.range_m / 2.0 if trip == "round" else min(veh.start_range_m, veh.range_m)
    existing: set[Hashable] = set()
    option: dict[str, int] = {}
    sites: dict[str, Candidate] = {}
    for c in problem.candidates:
        usable = usable_options(c, veh.id)
        if c.existing and 0 in usable:
            existing.add(c.id)
            sites[c.id] = c
            continue
        choosable = [o for o in c.choosable() if o in usable]
        if choosable:
            option[c.id] = min(choosable, key=lambda o: (c.options[o].cost, o))
            sites[c.id] = c
    choosable_ids = [c.id for c in problem.candidates if c.id in option]
    routes = {r.id: r for r in problem.routes}
    trips: list[_Trip] = []
    for f in flows:
        keys: list[Hashable | None] = []
        pos: list[float] = []
        offs: list[float] = []
        nodes: list[int] = []
        length = 0.0
        for rid in f.routes:
            if rid not in routes:
                raise UsageError(f"flow {f.origin} -> {f.destination}: unknown route {rid!r}")
            k, p, o = _route_trip(problem, routes[rid], veh, sites)
            base = pos[-1] if pos else 0.0
            keys.extend(k)
            pos.extend(base + x for x in p)
            offs.extend(o)
            length += routes[rid].length_m
            rn = list((route_nodes or {}).get(rid, ()))
            nodes.extend(rn[1:] if nodes and rn and nodes[-1] == rn[0] else rn)
        result = FlowResult(origin=f.origin, destination=f.destination, flow=float(f.flow),
                            covered=False, length_m=round(length, 1), nodes=nodes)
        trips.append(_Trip(Decimal(repr(float(f.flow))), keys, pos, offs, result))
    chosen, coverage, solved = _solve(
        trips, choosable_ids, existing, budget=budget, range_m=veh.range_m, start=start,
        time_limit_s=time_limit_s, seed=seed, workers=workers, trip=trip)
    solution = Solution(
        status=solved.status, objective=solved.objective, best_bound=solved.best_bound,
        gap=solved.gap, chosen={str(c): option[str(c)] for c in chosen},
        wall_time_s=float(solved.wall_time_s or 0.0), parameters=dict(solved.parameters),
        model_size=dict(solved.model_size))
    return solution, coverage, solved
