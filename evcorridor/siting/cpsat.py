"""CP-SAT model of the coupled siting problem (all routes, vehicles, standards, shared sites).

Variables
- x[c,o]: option o of candidate c is built (new design or upgrade); at most one per candidate.
  An existing station's "as is" option is a constant (always present, free).
- r[route,vehicle,c]: candidate c is a stop of a feasible stop sequence for that vehicle on that
  route; r implies that c offers an option the vehicle can use.
- y[rule,c]: candidate c offers an option complying with the rule's profile (chain element).

Vehicle rule (exact "reach" form): the start reaches the end or some r[k] within the start range;
every r[i] reaches the end or some later r[k] within the range (gap convention of
`problem.leg_m`). A feasible stop sequence exists iff such r exist, so the constraint is exact;
chosen stops the vehicle need not use (e.g. a station far off the highway) are left out of r.

Resilience "n-1" (exact): two sets of r variables ("colours") per route and vehicle, each
with the reach constraints above and no site in both: two stop sequences sharing no site, i.e.
two internally site-disjoint paths from the start to the end. By Menger's theorem these exist iff
no single site is a cut, i.e. iff the vehicle still gets through with any one site out. The
independent checker verifies n-1 by removing each site in turn.

Implied vehicles (exact): on a route, a vehicle that can use every option another one can, with
no less range, adds no constraint once the other is modelled; it is left out of the model
(`modelled_vehicles`; the plan still gives its stop sequence, the checker still verifies it).

Standard rule (exact): every chosen chain element has a later chain element within S (see
`problem.Chain`); the last chosen recognized foreign site before the border is the entry, which
the "or any later foreign site" alternative expresses exactly.

Solution hint: the greedy plan of `warmstart` (exact path DP per route and vehicle, then per
spacing chain); the LP bound usually meets it at once, so the proof is quick.

Objective: least total cost (costs scaled to integers, 1e-3 units). Tie-break, so the same inputs
always give the same plan: a second phase fixes the cost at the optimum (or, after a time limit,
at the best found) and minimises a rank sum (each option has a distinct rank, by candidate order).
The solver runs with a fixed seed and a fixed number of workers (default 1: a single worker is
deterministic; more workers are faster but may pick another plan of equal cost and rank sum).
Status: "optimal" only when CP-SAT proved the cost optimal; otherwise "feasible" (a plan without
proof), "time_limit" (no plan found in time), or "infeasible".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from evcorridor.plan_model import SolverStatus
from evcorridor.siting.problem import (
    EPS_M,
    Point,
    Problem,
    RouteSpec,
    StandardRule,
    VehicleRule,
    Waits,
    compliant_options,
    end_point,
    leg_m,
    on_route,
    route_points,
    spacing_m,
    standard_chain,
    start_point,
    usable_options,
    wait_between,
)

COST_SCALE = 1000  # objective coefficients: cost units x 1000, rounded
#: deterministic-time budget of the tie-break phase (CP-SAT's machine-independent work measure,
#: so a single-worker run returns the same plan on a fast or a slow machine)
TIE_BREAK_DTIME = 5.0

_TRUE = "TRUE"


@dataclass
class Solution:
    status: str  # optimal | feasible | infeasible | time_limit | model_invalid | unknown
    objective: float | None
    best_bound: float | None
    gap: float | None
    chosen: dict[str, int]  # candidate id -> built option index (existing stations: absent = as is)
    wall_time_s: float
    parameters: dict[str, str | int | float | bool]
    model_size: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (route id, rule) not modelled
    phase1_s: float = 0.0  # wall time of the cost phase (the rest is the tie-break)

    def option_of(self, problem: Problem, ci: int) -> int | None:
        """The option index in force at candidate `ci` (None = not part of the plan)."""
        c = problem.candidates[ci]
        if c.id in self.chosen:
            return self.chosen[c.id]
        return 0 if c.existing else None


class _Builder:
    def __init__(self, problem: Problem, skip: set[tuple[str, str]],
                 bridges: dict[tuple[str, str], set[tuple[str, str]]]) -> None:
        self.p = problem
        self.skip = skip
        self.bridges = bridges
        self.m = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.cost_terms: list[tuple[cp_model.IntVar, int]] = []
        self.rank_terms: list[tuple[cp_model.IntVar, int]] = []
        self._or_cache: dict[tuple[Any, ...], Any] = {}

    def options(self) -> None:
        rank = 0
        for ci, c in enumerate(self.p.candidates):
            lits = []
            for oi in c.choosable():
                v = self.m.new_bool_var(f"x[{c.id}#{oi}]")
                self.x[ci, oi] = v
                lits.append(v)
                rank += 1
                self.cost_terms.append((v, round(c.options[oi].cost * COST_SCALE)))
                self.rank_terms.append((v, rank))
            if len(lits) > 1:
                self.m.add_at_most_one(lits)

    def offered(self, ci: int, opts: list[int]) -> Any:
        """_TRUE, None (never) or a literal that is 1 iff the candidate offers one of `opts`."""
        c = self.p.candidates[ci]
        if c.existing and 0 in opts:
            return _TRUE
        lits = [self.x[ci, o] for o in opts if (ci, o) in self.x]
        if not lits:
            return None
        if len(lits) == 1:
            return lits[0]
        key = (ci, *sorted(o for o in opts if (ci, o) in self.x))
        if key not in self._or_cache:
            v = self.m.new_bool_var(f"any[{c.id}]")
            self.m.add(v == sum(lits))  # options are mutually exclusive
            self._or_cache[key] = v
        return self._or_cache[key]

    def vehicle(self, route: RouteSpec, veh: VehicleRule) -> None:
        waits = veh.waits(route)
        stops = route_points(self.p, route, lambda c: bool(usable_options(c, veh.id)))
        offs = [self.offered(pt.index, usable_options(self.p.candidates[pt.index], veh.id))
                for pt in stops]
        # n-1: two stop sets ("colours") that each form a stop sequence and share no site, i.e.
        # two internally site-disjoint paths; by Menger's theorem that holds iff no single site
        # is a cut, i.e. iff the vehicle gets through with any one site out (exact)
        colours = 2 if self.p.resilience == "n-1" else 1
        rs: list[list[Any]] = []
        for col in range(colours):
            r: list[Any] = []
            for pt, off in zip(stops, offs, strict=True):
                if off is None:
                    r.append(None)
                    continue
                v = self.m.new_bool_var(f"r{col}[{route.id}|{veh.id}|{pt.key}]")
                if off is not _TRUE:
                    self.m.add_implication(v, off)
                r.append(v)
            rs.append(r)
        if colours == 2:
            for a, b in zip(rs[0], rs[1], strict=True):
                if a is not None:
                    self.m.add_bool_or([a.Not(), b.Not()])
        # legs the pre-check found uncoverable are allowed as they are ("bridged"), so the rest
        # of the route still gets its sites; the plan marks the run infeasible
        bridged = self.bridges.get((route.id, f"vehicle:{veh.id}"), set())
        for r in rs:
            self._reach(route, veh, waits, stops, r, bridged)
        if bridged:
            return  # the window cuts assume every leg within range
        self._windows(route, stops, offs, veh.range_m, veh.start_m(route.id))

    def _reach(self, route: RouteSpec, veh: VehicleRule, waits: Waits, stops: list[Point],
               r: list[Any], bridged: set[tuple[str, str]]) -> None:
        """The start reaches the end or some r-stop; every r-stop reaches the end or a later
        r-stop (so the r-stops hold a stop sequence covering the route)."""
        end = end_point(route)
        pts: list[Point] = [start_point(route), *stops]
        index = {pt.key: k for k, pt in enumerate(stops)}
        pos = [b.pos_m for b in stops]
        off = [b.offset_m for b in stops]
        border, wait = waits[0]
        more = waits[1:]  # a round trip's second crossing
        for i, a in enumerate(pts):
            lit = None if i == 0 else r[i - 1]
            if i > 0 and lit is None:
                continue
            lim = veh.start_m(route.id) if i == 0 else veh.range_m
            if leg_m(route, waits, a, end)[0] <= lim + EPS_M or (a.key, "end") in bridged:
                continue
            succ = []
            # leg a -> stops[k] by the convention of `problem.leg_m`, inlined (hot loop)
            top = lim + EPS_M
            a_pos, a_off = a.pos_m, a.offset_m
            a_before = a_pos < border
            for k in range(i, len(stops)):  # stops[k] is pts[k + 1]
                if pos[k] - a_pos > top:
                    break
                rk = r[k]
                if rk is None:
                    continue
                w = wait if a_before and border <= pos[k] else 0.0
                if more:
                    w += wait_between(more, a_pos, pos[k])
                if (pos[k] - a_pos) + a_off + off[k] + w <= top:
                    succ.append(rk)
            for ak, bk in sorted(bridged):
                k = index.get(bk, -1)
                if ak == a.key and k >= 0 and r[k] is not None and r[k] not in succ:
                    succ.append(r[k])
            self._require(succ, lit)

    def _windows(self, route: RouteSpec, pts: list[Point], lits: list[Any], width: float,
                 first: float, lo: float = 0.0, hi: float | None = None) -> None:
        """Redundant window cuts, valid for every feasible plan: consecutive stops are at most
        `width` apart along the road (offsets and waits only shorten what fits), so every window
        (x, x + width] short of the end holds a stop; the first one reaches `first`. They are
        interval (covering) constraints on the build variables, whose LP relaxation is tight on
        one route, so CP-SAT proves optimality much sooner."""
        end = route.length_m if hi is None else hi
        starts = [lo] + [p.pos_m for p in pts if lo < p.pos_m]
        seen: set[tuple[int, ...]] = set()
        for x in starts:
            top = max(x + width, first)  # the stop before x may be the start
            if top + EPS_M >= end:
                break
            inside = [i for i, p in enumerate(pts) if x < p.pos_m <= top + EPS_M
                      and lits[i] is not None]
            if any(lits[i] is _TRUE for i in inside):
                continue
            key = tuple(inside)
            if key in seen:
                continue
            seen.add(key)
            self.m.add_bool_or([lits[i] for i in inside])

    def _require(self, succ: list[Any], lit: Any) -> None:
        """At least one of `succ` holds (when `lit` holds; always when lit is None)."""
        if lit is None:
            self.m.add_bool_or(succ)
        else:
            self.m.add_bool_or([*succ, lit.Not()])

    def standard(self, route: RouteSpec, rule: StandardRule) -> None:
        chain = standard_chain(self.p, route, rule)
        if chain is None or rule.max_spacing_m is None:
            return
        s = rule.max_spacing_m + EPS_M
        own = (rule.profile,)

        def lit_of(pt: Point, profiles: tuple[str, ...]) -> Any:
            return self.offered(pt.index, compliant_options(self.p.candidates[pt.index], profiles))

        inner = [(pt, lit_of(pt, own)) for pt in chain.inner]
        inner = [(pt, v) for pt, v in inner if v is not None]
        rec = rule.recognized
        entry_f = [(pt, lit_of(pt, rec)) for pt in chain.entry_foreign]
        entry_f = [(pt, v) for pt, v in entry_f if v is not None]
        exit_f = [(pt, lit_of(pt, rec)) for pt in chain.exit_foreign]
        exit_f = [(pt, v) for pt, v in exit_f if v is not None]

        def successors(a: Point, after_inner: int) -> list[Any] | None:
            """Literals of chain elements within S after `a`; None if one is always there."""
            out: list[Any] = []
            for pt, v in inner[after_inner:]:
                if pt.pos_m - a.pos_m > s:
                    break
                if pt.pos_m >= a.pos_m and spacing_m(a, pt) <= s:
                    if v is _TRUE:
                        return None
                    out.append(v)
            for pt, v in exit_f:
                if pt.pos_m >= a.pos_m and spacing_m(a, pt) <= s:
                    if v is _TRUE:
                        return None
                    out.append(v)
            if spacing_m(a, chain.exit_anchor) <= s:
                return None
            return out

        def first_inner_after(pos: float) -> int:
            for n, (pt, _v) in enumerate(inner):
                if pt.pos_m >= pos:
                    return n
            return len(inner)

        # window cuts over the stretch where only own sites can be chain points: between the
        # fixed anchors, or (recognizing foreign sites) on the own side of the border
        lo, hi = chain.entry_anchor.pos_m, chain.exit_anchor.pos_m
        if rule.recognized and route.start_country == rule.country != route.end_country:
            hi = route.border_pos_m
        if rule.recognized and route.end_country == rule.country != route.start_country:
            lo = route.border_pos_m
        self._windows(route, [pt for pt, _v in inner], [v for _pt, v in inner],
                      rule.max_spacing_m, rule.max_spacing_m, lo, hi)
        # entry anchor (fixed point)
        succ = successors(chain.entry_anchor, first_inner_after(chain.entry_anchor.pos_m))
        if succ is not None:
            if chain.entry_fallback:
                if any(v is _TRUE for _pt, v in entry_f):
                    succ = None
                else:
                    succ = succ + [v for _pt, v in entry_f]
            if succ is not None:
                self._require(succ, None)
        # recognized foreign entry sites: the last chosen one must reach the chain
        for n, (pt, v) in enumerate(entry_f):
            succ = successors(pt, first_inner_after(pt.pos_m))
            if succ is None:
                continue
            later = [w for _q, w in entry_f[n + 1:]]
            if any(w is _TRUE for w in later):
                continue
            self._require(succ + later, None if v is _TRUE else v)
        # own compliant sites
        for n, (pt, v) in enumerate(inner):
            succ = successors(pt, n + 1)
            if succ is None:
                continue
            self._require(succ, None if v is _TRUE else v)

    def cost_expr(self) -> Any:
        return sum(c * v for v, c in self.cost_terms)

    def rank_expr(self) -> Any:
        return sum(c * v for v, c in self.rank_terms)


#: CP-SAT status -> plan status (shared with the coverage model; UNKNOWN is told apart by the
#: callers: a time limit without a solution)
STATUS: dict[cp_model.CpSolverStatus, SolverStatus] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
}


#: presolve effort of the cost model: one presolve round without probing. Its presolve (probing
#: the long reach clauses, repeated rounds) took most of the solve time on the large corridors;
#: with the warm start and the window cuts the search needs no more
LIGHT_PRESOLVE: dict[str, int] = {"max_presolve_iterations": 1, "cp_model_probing_level": 0}


def new_solver(limit_s: float, *, num_workers: int, random_seed: int,
               linearization_level: int = 2, dtime: float | None = None,
               extra: dict[str, int] | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver with the parameters every siting model uses (shared with `frlm`)."""
    sv = cp_model.CpSolver()
    for name, value in (extra or {}).items():
        setattr(sv.parameters, name, value)
    sv.parameters.num_workers = int(num_workers)
    sv.parameters.random_seed = int(random_seed)
    sv.parameters.max_time_in_seconds = max(0.01, float(limit_s))
    # full LP relaxation at every node: much faster proofs on these covering models
    sv.parameters.linearization_level = linearization_level
    if dtime is not None:
        sv.parameters.max_deterministic_time = dtime
    return sv


def implies(problem: Problem, route: RouteSpec, a: VehicleRule, b: VehicleRule) -> bool:
    """True when every plan that gets vehicle `a` through `route` also gets `b` through: `b` can
    use every option `a` can, and every leg within a's limits is within b's (range and start
    range, with and without the border wait)."""
    sa, sb = a.start_m(route.id), b.start_m(route.id)
    wa, wb = [w for _b, w in a.waits(route)], [w for _b, w in b.waits(route)]
    # every set of crossings one leg may pass (one, or both on a round trip)
    for k in range(1 << len(wa)):
        da = sum(w for i, w in enumerate(wa) if k >> i & 1)
        db = sum(w for i, w in enumerate(wb) if k >> i & 1)
        if not (b.range_m - db >= a.range_m - da and sb - db >= sa - da):
            return False
    return all(b.id in o.usable_by for c in problem.candidates if on_route(c, route)
               for o in c.options if a.id in o.usable_by)


def modelled_vehicles(problem: Problem, route: RouteSpec, skip: set[tuple[str, str]],
                      bridges: dict[tuple[str, str], set[tuple[str, str]]]) -> list[VehicleRule]:
    """The vehicles whose reach constraints go into the model on `route`: a vehicle implied by
    another modelled one (see `implies`; neither with skipped or bridged legs) adds nothing, so
    it is left out (exact: the plan still lists and the checker still verifies its stops)."""
    def plain(v: VehicleRule) -> bool:
        key = (route.id, f"vehicle:{v.id}")
        return key not in skip and not bridges.get(key)

    usable = {v.id: sum(1 for c in problem.candidates if on_route(c, route)
                        for o in c.options if v.id in o.usable_by) for v in problem.vehicles}
    order = sorted(problem.vehicles, key=lambda v: (v.range_m, v.start_m(route.id),
                                                    usable[v.id], v.id))
    kept: list[VehicleRule] = []
    for v in order:
        if not v.on(route.id) or (route.id, f"vehicle:{v.id}") in skip:
            continue
        if plain(v) and any(plain(k) and implies(problem, route, k, v) for k in kept):
            continue
        kept.append(v)
    return [v for v in problem.vehicles if v in kept]


def solve(problem: Problem, *, time_limit_s: float = 60.0, num_workers: int = 1,
          random_seed: int = 0, skip: set[tuple[str, str]] | None = None,
          bridges: dict[tuple[str, str], set[tuple[str, str]]] | None = None,
          tie_break: bool = True, linearization_level: int = 2,
          tie_break_dtime: float = TIE_BREAK_DTIME, hint: bool = True,
          drop_implied: bool = True) -> Solution:
    """Least-cost plan for `problem` with CP-SAT. `skip`: (route id, rule) pairs left out (the
    pre-check found them uncoverable; rule = "vehicle:<id>" or "standard:<profile>").
    `bridges`: for (route id, rule), the (from key, to key) legs allowed although over range
    (the pre-check's uncoverable stretches), so the rest of such a route is still covered.
    `hint`: start the search from the greedy path-DP plan of `warmstart` (only a hint: the
    status and the proof are CP-SAT's). `drop_implied`: leave implied vehicles out of the model
    (`modelled_vehicles`; exact)."""
    skip = skip or set()
    t0 = time.perf_counter()
    b = _Builder(problem, skip, bridges or {})
    b.options()
    implied = 0
    # routes, then --trip round's out-and-back trips (no charge at the far end): both carry
    # vehicle rules; spacing rules apply to routes only
    for i, spec in enumerate((*problem.routes, *problem.trips)):
        modelled = (modelled_vehicles(problem, spec, skip, bridges or {}) if drop_implied
                    else [v for v in problem.vehicles
                          if v.on(spec.id) and (spec.id, f"vehicle:{v.id}") not in skip])
        implied += sum(1 for v in problem.vehicles if (spec.id, f"vehicle:{v.id}") not in skip
                       and v.on(spec.id) and v not in modelled)
        for veh in modelled:
            b.vehicle(spec, veh)
        for rule in problem.standards if i < len(problem.routes) else ():
            if (spec.id, f"standard:{rule.profile}") not in skip:
                b.standard(problem.routes[i], rule)
    cost = b.cost_expr()
    b.m.minimize(cost)
    if hint:
        from evcorridor.siting.warmstart import greedy_choice

        picked = greedy_choice(problem, skip)
        for (ci, oi), v in b.x.items():
            b.m.add_hint(v, picked.get(ci) == oi)
    proto = b.m.proto
    size = {"variables": len(proto.variables), "constraints": len(proto.constraints),
            "candidates": len(problem.candidates), "options": len(b.x),
            "implied_vehicle_runs": implied}
    params: dict[str, str | int | float | bool] = {
        "num_workers": num_workers, "random_seed": random_seed,
        "max_time_in_seconds": float(time_limit_s), "tie_break": "min-rank-sum" if tie_break
        else "none", "cost_scale": COST_SCALE, "resilience": problem.resilience,
        "linearization_level": linearization_level,
        "hint": "path-dp-greedy" if hint else "none", **LIGHT_PRESOLVE}

    def make_solver(limit: float, dtime: float | None = None) -> cp_model.CpSolver:
        return new_solver(limit, num_workers=num_workers, random_seed=random_seed,
                          linearization_level=linearization_level, dtime=dtime,
                          extra=LIGHT_PRESOLVE)

    sv = make_solver(time_limit_s)
    st = sv.solve(b.m)
    status = STATUS.get(st, "unknown")
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if st == cp_model.UNKNOWN:
            status = "time_limit"
        return Solution(status, None, None, None, {}, time.perf_counter() - t0, params, size,
                        sorted(skip))
    values = {k: bool(sv.boolean_value(v)) for k, v in b.x.items()}
    obj_int = round(sv.objective_value)
    bound_int = sv.best_objective_bound
    phase1_s = time.perf_counter() - t0
    if tie_break:
        remaining = time_limit_s - (time.perf_counter() - t0)
        b.m.clear_hints()
        for k, v in b.x.items():
            b.m.add_hint(v, values[k])
        b.m.add(cost == obj_int)
        b.m.minimize(b.rank_expr())
        sv2 = make_solver(max(remaining, 1.0), tie_break_dtime)
        params["tie_break_max_deterministic_time"] = tie_break_dtime
        st2 = sv2.solve(b.m)
        if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = {k: bool(sv2.boolean_value(v)) for k, v in b.x.items()}
        params["tie_break_status"] = STATUS.get(st2, "unknown")
    chosen = {problem.candidates[ci].id: oi for (ci, oi), on in sorted(values.items()) if on}
    objective = sum(problem.candidates[ci].options[oi].cost for (ci, oi), on in values.items()
                    if on)
    bound = bound_int / COST_SCALE
    if status == "optimal":
        gap = 0.0
        bound = obj_int / COST_SCALE
    else:
        gap = (obj_int - bound_int) / max(abs(obj_int), 1e-9) if obj_int else 0.0
    return Solution(status, round(objective, 6), round(bound, 6), round(gap, 6), chosen,
                    time.perf_counter() - t0, params, size, sorted(skip), phase1_s)
