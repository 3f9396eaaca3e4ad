"""A feasible-looking plan built quickly from the exact path DP, as a solution hint for CP-SAT.

CP-SAT's LP relaxation of the siting model (with the window cuts) usually bounds the cost at the
optimum right away; what takes time is finding a plan that reaches the bound. This module builds
one greedily: for each route and vehicle (the most restrictive vehicles first) the cheapest stop
sequence by `pathdp.min_cost_stops`, where a candidate costs what it takes to make it usable given
the options already picked (0 when it already serves the vehicle), then the same for each spacing
chain with the compliant options. The result is only a hint: CP-SAT repairs it if it breaks a rule
(recognized foreign sites, n-1 are not considered here) and proves or improves on it, so the
plan's optimality never depends on it. Deterministic: same problem, same hint.
"""

from __future__ import annotations

from evcorridor.siting.pathdp import Stop, min_cost_stops
from evcorridor.siting.problem import (
    Candidate,
    Option,
    Problem,
    route_points,
    standard_chain,
    usable_options,
)


def _upgrade_cost(c: Candidate, current: int | None, ok: list[int]) -> tuple[float, int] | None:
    """(extra cost, option) of the cheapest option in `ok` that keeps what `current` offers."""
    if current is not None and current in ok:
        return (0.0, current)
    base: Option | None = c.options[current] if current is not None else None
    paid = c.options[current].cost if current is not None and current in c.choosable() else 0.0
    best: tuple[float, int] | None = None
    for oi in c.choosable():
        if oi not in ok:
            continue
        o = c.options[oi]
        if base is not None and not (o.usable_by >= base.usable_by
                                     and o.complies_with >= base.complies_with):
            continue
        item = (max(0.0, o.cost - paid), oi)
        if best is None or item < best:
            best = item
    return best


def greedy_choice(problem: Problem, skip: set[tuple[str, str]] | None = None) -> dict[int, int]:
    """Candidate index -> built option index of a greedy plan (see the module docstring)."""
    skip = skip or set()
    chosen: dict[int, int] = {}

    def current(ci: int) -> int | None:
        if ci in chosen:
            return chosen[ci]
        return 0 if problem.candidates[ci].existing else None

    def as_is(vid: str) -> int:
        return sum(1 for c in problem.candidates if c.existing and vid in c.options[0].usable_by)

    vehicles = sorted(problem.vehicles, key=lambda v: (as_is(v.id), v.range_m, v.id))
    for veh in vehicles:
        for route in problem.routes:
            if not veh.on(route.id) or (route.id, f"vehicle:{veh.id}") in skip:
                continue
            pts = route_points(problem, route, lambda c, v=veh.id: bool(usable_options(c, v)))
            stops: list[Stop] = []
            picks: list[tuple[int, int]] = []
            for pt in pts:
                c = problem.candidates[pt.index]
                got = _upgrade_cost(c, current(pt.index), usable_options(c, veh.id))
                if got is None:
                    continue
                stops.append(Stop(pt.pos_m, pt.offset_m, got[0]))
                picks.append((pt.index, got[1]))
            res = min_cost_stops(route.length_m, veh.range_m, stops,
                                 start_range_m=veh.start_m(route.id),
                                 border_pos_m=route.border_pos_m, wait_m=veh.wait_m(route.id))
            for k in res.stops if res else ():
                ci, oi = picks[k]
                if current(ci) != oi:
                    chosen[ci] = oi
    for route in problem.routes:
        for rule in problem.standards:
            chain = standard_chain(problem, route, rule)
            if chain is None or rule.max_spacing_m is None:
                continue
            if (route.id, f"standard:{rule.profile}") in skip:
                continue
            lo, hi = chain.entry_anchor.pos_m, chain.exit_anchor.pos_m
            if rule.recognized and route.start_country == rule.country != route.end_country:
                hi = route.border_pos_m
            if rule.recognized and route.end_country == rule.country != route.start_country:
                lo = route.border_pos_m
            stops, picks = [], []
            for pt in chain.inner:
                if not lo <= pt.pos_m <= hi:
                    continue
                c = problem.candidates[pt.index]
                ok = [i for i, o in enumerate(c.options) if rule.profile in o.complies_with]
                got = _upgrade_cost(c, current(pt.index), ok)
                if got is None:
                    continue
                stops.append(Stop(pt.pos_m - lo, pt.offset_m, got[0]))
                picks.append((pt.index, got[1]))
            res = min_cost_stops(hi - lo, rule.max_spacing_m, stops)
            for k in res.stops if res else ():
                ci, oi = picks[k]
                if current(ci) != oi:
                    chosen[ci] = oi
    return chosen
