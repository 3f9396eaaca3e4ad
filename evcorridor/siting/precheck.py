"""Pre-check: find the stretches no choice of sites can cover, and say what would fix them.

For each route and vehicle, every candidate that could possibly serve the vehicle (any option
usable) is switched on and a linear scan in driving order marks the points reachable from the
start (a point is reachable when some reachable earlier point is within its limit). If the end is
not reached, the stretch from the best reachable point to the nearest unreachable one is reported,
that point is assumed fixed and the scan goes on, so every break along the route is named. The
same scan runs on each jurisdiction's spacing chain with every compliant option switched on.

With no break, the vehicle problem is feasible (choose everything); with a break it is infeasible
whatever the solver does, so the plan reports the stretches instead of a solver failure.
The scan is O(n * w) per route and rule, with w the number of candidates within one range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from evcorridor.siting.problem import (
    EPS_M,
    Chain,
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
    usable_options,
    wait_between,
)


@dataclass(frozen=True)
class Stretch:
    """An uncoverable stretch: from point a to point b, `length_m` against `limit_m`."""

    route: RouteSpec
    rule: str  # "vehicle:<id>" or "standard:<profile>"
    a: Point
    b: Point
    length_m: float
    limit_m: float
    fix: str


def km(m: float) -> str:
    return f"{m / 1000:.1f}"


def _scan(pts: list[Point], limit: Callable[[int], float], dist: Callable[[int, int], float]
          ) -> list[tuple[int, int]]:
    """Breaks (i, k) of the reachability scan over `pts` (source pts[0], sink pts[-1])."""
    n = len(pts)
    reached = [False] * n
    reached[0] = True
    breaks: list[tuple[int, int]] = []
    # positions are sorted and every distance is >= the position difference, so only a window
    # of earlier points within the largest limit can reach a point
    max_lim = max((limit(i) for i in range(n)), default=0.0)

    def propagate(first: int) -> None:
        lo = 0
        for k in range(first, n):
            if reached[k]:
                continue
            while pts[k].pos_m - pts[lo].pos_m > max_lim + EPS_M:
                lo += 1
            for j in range(lo, k):
                if reached[j] and dist(j, k) <= limit(j) + EPS_M:
                    reached[k] = True
                    break

    propagate(1)
    while not reached[n - 1]:
        last = max(i for i in range(n) if reached[i])
        best: tuple[float, int, int] | None = None
        for k in range(last + 1, n):
            for j in range(last + 1):
                if reached[j]:
                    short = dist(j, k) - limit(j)
                    if best is None or (short, k, j) < best:
                        best = (short, k, j)
            if pts[k].pos_m - pts[last].pos_m > max_lim:
                break  # later points only get farther
        assert best is not None
        _, k, j = best
        breaks.append((j, k))
        reached[k] = True
        propagate(k + 1)
    return breaks


def _where(p: Point) -> str:
    return f"{p.label or p.key} (km {km(p.pos_m)}, {p.country or '?'})"


def vehicle_stretches(problem: Problem, route: RouteSpec, vehicle: VehicleRule) -> list[Stretch]:
    """Every stretch of `route` the vehicle cannot cover even with every candidate built."""
    waits = vehicle.waits(route)
    stops = route_points(problem, route, lambda c: bool(usable_options(c, vehicle.id)))
    pts = [start_point(route), *stops, end_point(route)]

    def limit(i: int) -> float:
        return vehicle.start_m(route.id) if i == 0 else vehicle.range_m

    def dist(i: int, k: int) -> float:
        return leg_m(route, waits, pts[i], pts[k])[0]

    out = []
    for j, k in _scan(pts, limit, dist):
        a, b = pts[j], pts[k]
        length = dist(j, k)
        lim = limit(j)
        w = wait_between(waits, a.pos_m, b.pos_m)
        lo = b.pos_m + b.offset_m + w - vehicle.range_m
        hi = a.pos_m - a.offset_m + lim - w
        lo, hi = max(lo, a.pos_m), min(hi, b.pos_m)
        if lo <= hi:
            where = f"a site usable by {vehicle.id} between km {km(lo)} and km {km(hi)}"
        else:
            need = max(1, math.ceil((length - lim) / vehicle.range_m - 1e-9))
            where = (f"at least {need} sites usable by {vehicle.id} between km {km(a.pos_m)} "
                     f"and km {km(b.pos_m)}")
        what = "range at the start" if j == 0 else "range"
        fix = f"{where}, or a vehicle with at least {km(length)} km {what}"
        out.append(Stretch(route, f"vehicle:{vehicle.id}", a, b, length, lim, fix))
    return out


def chain_points(chain: Chain) -> list[Point]:
    """The chain as a scan sees it with every option on: effective entry, inner, exit."""
    entry = chain.entry_foreign[-1] if chain.entry_foreign else chain.entry_anchor
    exit_ = chain.exit_foreign[0] if chain.exit_foreign else chain.exit_anchor
    return [entry, *chain.inner, exit_]


def standard_stretches(problem: Problem, route: RouteSpec, rule: StandardRule) -> list[Stretch]:
    """Every stretch where the spacing chain of `rule` breaks even with every site compliant."""
    chain = standard_chain(problem, route, rule)
    if chain is None or rule.max_spacing_m is None:
        return []
    s = rule.max_spacing_m
    pts = chain_points(chain)

    def dist(i: int, k: int) -> float:
        return spacing_m(pts[i], pts[k])

    out = []
    for j, k in _scan(pts, lambda _i: s, dist):
        a, b = pts[j], pts[k]
        length = dist(j, k)
        lo = max(b.pos_m + b.offset_m - s, a.pos_m)
        hi = min(a.pos_m - a.offset_m + s, b.pos_m)
        if lo <= hi:
            where = (f"a site complying with {rule.profile} between km {km(lo)} and "
                     f"km {km(hi)}")
        else:
            need = max(1, math.ceil(length / s - 1 - 1e-9))
            where = (f"at least {need} sites complying with {rule.profile} between "
                     f"km {km(a.pos_m)} and km {km(b.pos_m)}")
        fix = f"{where}, or a maximum spacing of at least {km(length)} km"
        out.append(Stretch(route, f"standard:{rule.profile}", a, b, length, s, fix))
    return out


def describe(st: Stretch) -> str:
    """One line naming the stretch, e.g. for the console."""
    return (f"{st.route.id} {st.rule}: {_where(st.a)} -> {_where(st.b)}: {km(st.length_m)} km "
            f"> {km(st.limit_m)} km; fix: {st.fix}")


def n1_stretches(problem: Problem, route: RouteSpec, vehicle: VehicleRule) -> list[Stretch]:
    """Why n-1 cannot hold even with every candidate built: for each candidate whose loss
    strands the vehicle, the stretch it leaves (exact removal scan; run only after the solver
    reports n-1 infeasible, as it costs one scan per candidate)."""
    waits = vehicle.waits(route)
    stops = route_points(problem, route, lambda c: bool(usable_options(c, vehicle.id)))
    out: list[Stretch] = []
    seen: set[tuple[str, str]] = set()
    for gone in stops:
        pts = [start_point(route), *[p for p in stops if p.key != gone.key], end_point(route)]

        def limit(i: int) -> float:
            return vehicle.start_m(route.id) if i == 0 else vehicle.range_m

        def dist(i: int, k: int, pts: list[Point] = pts) -> float:
            return leg_m(route, waits, pts[i], pts[k])[0]

        for j, k in _scan(pts, limit, dist)[:1]:
            a, b = pts[j], pts[k]
            if (a.key, b.key) in seen:
                continue
            seen.add((a.key, b.key))
            length = dist(j, k)
            fix = (f"without {gone.label or gone.key} (km {km(gone.pos_m)}) the vehicle is "
                   f"stranded: a second site usable by {vehicle.id} between km {km(a.pos_m)} "
                   f"and km {km(b.pos_m)}")
            out.append(Stretch(route, f"vehicle:{vehicle.id}", a, b, length, limit(j), fix))
    return out
