"""Concrete stop sequences of a solved plan: per route and vehicle, per route and standard.

Vehicle: among the plan's sites the vehicle can use on the route, the sequence with the least
total excess over the limits (0 for a feasible plan), then the fewest stops, then (ties) the
farthest next stop — a deterministic DP over the chosen stops, O(m^2) for m chosen stops.
Standard: the chain of chosen compliant sites in driving order (entry, own sites, exit); every
consecutive spacing is listed (the rule is about consecutive compliant sites, none is skipped).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from evcorridor.siting.cpsat import Solution
from evcorridor.siting.problem import (
    EPS_M,
    Point,
    Problem,
    RouteSpec,
    StandardRule,
    VehicleRule,
    end_point,
    leg_m,
    route_points,
    spacing_m,
    standard_chain,
    start_point,
)


@dataclass(frozen=True)
class Leg:
    a: Point
    b: Point
    length_m: float
    wait_m: float
    limit_m: float
    crosses_border: bool

    @property
    def slack_m(self) -> float:
        return self.limit_m - self.length_m

    @property
    def ok(self) -> bool:
        return self.length_m <= self.limit_m + EPS_M


def _in_force(problem: Problem, sol: Solution, ci: int) -> int | None:
    return sol.option_of(problem, ci)


def vehicle_legs(problem: Problem, sol: Solution, route: RouteSpec, veh: VehicleRule
                 ) -> list[Leg]:
    def usable(ci: int) -> bool:
        o = _in_force(problem, sol, ci)
        return o is not None and veh.id in problem.candidates[ci].options[o].usable_by

    idx = {c.id: i for i, c in enumerate(problem.candidates)}
    stops = route_points(problem, route, lambda c: usable(idx[c.id]))
    pts = [start_point(route), *stops, end_point(route)]
    wait = veh.wait_m(route.id)
    n = len(pts)

    def limit(i: int) -> float:
        return veh.start_range_m if i == 0 else veh.range_m

    best: list[tuple[float, int, int]] = [(0.0, 0, 0)] * n  # (excess, stops, -next)
    nxt = [-1] * n
    for i in range(n - 2, -1, -1):
        cand: tuple[float, int, int] | None = None
        for k in range(i + 1, n):
            length = leg_m(route, wait, pts[i], pts[k])[0]
            excess = max(0.0, length - limit(i) - EPS_M)
            ex, ns, _ = best[k]
            val = (round(excess + ex, 3), ns + (1 if k < n - 1 else 0), -k)
            if cand is None or val < cand:
                cand = val
        assert cand is not None
        best[i] = cand
        nxt[i] = -cand[2]
    legs = []
    i = 0
    while i != n - 1:
        k = nxt[i]
        length, w = leg_m(route, wait, pts[i], pts[k])
        legs.append(Leg(pts[i], pts[k], length, w, limit(i),
                        route.spans_border(pts[i].pos_m, pts[k].pos_m)))
        i = k
    return legs


def standard_legs(problem: Problem, sol: Solution, route: RouteSpec, rule: StandardRule
                  ) -> list[Leg] | None:
    """The chain of chosen compliant sites, or None when the rule does not apply on the route."""
    chain = standard_chain(problem, route, rule)
    if chain is None or rule.max_spacing_m is None:
        return None

    def complies(pt: Point, profiles: tuple[str, ...]) -> bool:
        o = _in_force(problem, sol, pt.index)
        if o is None:
            return False
        return bool(problem.candidates[pt.index].options[o].complies_with & set(profiles))

    entry_f = [p for p in chain.entry_foreign if complies(p, rule.recognized)]
    exit_f = [p for p in chain.exit_foreign if complies(p, rule.recognized)]
    inner = [p for p in chain.inner if complies(p, (rule.profile,))]
    entry = entry_f[-1] if entry_f else chain.entry_anchor
    exit_ = exit_f[0] if exit_f else chain.exit_anchor
    pts = [entry, *inner]
    # the exit is the nearest chain end: a recognized foreign site or the anchor
    if exit_f and spacing_m(pts[-1], chain.exit_anchor) < spacing_m(pts[-1], exit_):
        exit_ = chain.exit_anchor
    pts.append(exit_)
    s = rule.max_spacing_m
    return [Leg(a, b, spacing_m(a, b), 0.0, s, route.spans_border(a.pos_m, b.pos_m))
            for a, b in itertools.pairwise(pts)]
