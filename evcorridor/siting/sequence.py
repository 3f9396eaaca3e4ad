"""Concrete stop sequences of a solved plan: per route and vehicle, per route and standard.

Vehicle: among the plan's sites the vehicle can use on the route, the sequence with the least
total excess over the limits (0 for a feasible plan), then the fewest stops, then (ties) the
farthest next stop — a deterministic DP over the chosen stops, O(m^2) for m chosen stops in the
worst case (an infeasible plan), O(m x stops within range) for a feasible one.
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
    wait_between,
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
    waits = veh.waits(route)
    border, wait = waits[0]
    more = waits[1:]  # a round trip's second crossing
    n = len(pts)

    def limit(i: int) -> float:
        return veh.start_m(route.id) if i == 0 else veh.range_m

    # best[i] = (total excess, stops, -next) of the best sequence from point i to the end; the
    # leg length is `problem.leg_m`'s, inlined in this hot loop (same arithmetic, same order)
    pos = [pt.pos_m for pt in pts]
    off = [pt.offset_m for pt in pts]
    bex = [0.0] * n
    bns = [0] * n
    nxt = [-1] * n
    for i in range(n - 2, -1, -1):
        a_pos, a_off, lim = pos[i], off[i], limit(i)
        a_before = a_pos < border
        c_ex, c_ns, c_k = 0.0, 0, -1
        for k in range(i + 1, n):
            d = pos[k] - a_pos
            # the excess of this leg is at least `low` (no offset at k, no wait), and `low` grows
            # with k: once it alone is worse than the best so far, no later k can win
            low = d + a_off - lim - EPS_M
            if c_k >= 0 and low > 0 and round(low, 3) > c_ex:
                break
            length = d + a_off + off[k] + (wait if a_before and border <= pos[k] else 0.0)
            if more:
                length += wait_between(more, a_pos, pos[k])
            excess = length - lim - EPS_M
            v_ex = round((excess if excess > 0.0 else 0.0) + bex[k], 3)
            v_ns = bns[k] + (1 if k < n - 1 else 0)
            if c_k < 0 or v_ex < c_ex or (v_ex == c_ex and (v_ns < c_ns or (
                    v_ns == c_ns and k > c_k))):
                c_ex, c_ns, c_k = v_ex, v_ns, k
        bex[i], bns[i], nxt[i] = c_ex, c_ns, c_k
    legs = []
    i = 0
    while i != n - 1:
        k = nxt[i]
        length, w = leg_m(route, waits, pts[i], pts[k])
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
