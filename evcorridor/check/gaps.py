"""Rule family `vehicle`: every vehicle's stop sequence and gaps against its range."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from evcorridor.check.arith import (
    Leg,
    Point,
    _Geo,
    _m,
    differ,
    leg_length,
)
from evcorridor.check.sites import _Sites
from evcorridor.plan_model import TRUCK_CLASSES, Gap, RoutePlan, VehicleRun


class _Gaps(_Sites):
    def position(self, route: RoutePlan, geo: _Geo, sid: str) -> float | None:
        """Recomputed position of a site's node on a route (None when it is not on it)."""
        site = self.sites.get(sid)
        if site is None:
            return None
        i = self._first_index(route).get(site.node)
        return None if i is None else geo.cum[i]

    def _first_index(self, route: RoutePlan) -> dict[int, int]:
        """Each node of the route -> the index of its first occurrence (built once per route)."""
        memo: dict[int, tuple[RoutePlan, dict[int, int]]] = self.__dict__.setdefault(
            "_first_index_memo", {})
        got = memo.get(id(route))
        if got is None or got[0] is not route:
            index: dict[int, int] = {}
            for i, n in enumerate(route.nodes):
                index.setdefault(n, i)
            got = memo[id(route)] = (route, index)
        return got[1]

    def route_sites(self, route: RoutePlan, geo: _Geo) -> list[Point]:
        """Every site of the plan whose node is on the route, in driving order."""
        pts: list[Point] = []
        for sid, site in self.sites.items():
            p = self.position(route, geo, sid)
            if p is not None:
                pts.append((sid, p, site.offset_m))
        return sorted(pts, key=lambda t: (t[1], t[0]))

    def placed(self, route: RoutePlan, geo: _Geo, stops: Iterable[str], where: str,
               rule: str) -> list[Point] | None:
        """The stops as points, or None (with findings) when one cannot be placed in order."""
        out: list[Point] = []
        ok = True
        for sid in stops:
            site = self.sites.get(sid)
            if site is None:
                self.fail(rule, where, f"stop {sid} is not a site of the plan")
                ok = False
                continue
            if sid not in route.site_positions:
                self.fail(rule, where, f"stop {sid} has no position on this route")
            p = self.position(route, geo, sid)
            if p is None:
                self.fail(rule, where, f"stop {sid}: its node {site.node} is not on the route")
                ok = False
                continue
            out.append((sid, p, site.offset_m))
        if not ok:
            return None
        for (a, pa, _), (b, pb, _) in itertools.pairwise(out):
            if pb < pa:
                self.fail(rule, where, f"stops out of driving order: {a} at {_m(pa)} is listed "
                                       f"before {b} at {_m(pb)}")
                return None
        return out

    def compare_gaps(self, where: str, rule: str, plan_gaps: list[Gap], legs: list[Leg]) -> None:
        """The plan's gap list against the recomputed legs, field by field."""
        mine = [(g.from_id, g.to_id) for g in legs]
        theirs = [(g.from_id, g.to_id) for g in plan_gaps]
        if mine != theirs:
            def fmt(pairs: list[tuple[str, str]]) -> str:
                return ", ".join(f"{a} -> {b}" for a, b in pairs) or "none"
            self.fail(rule, where, f"the plan's gaps ({fmt(theirs)}) are not the recomputed "
                                   f"ones ({fmt(mine)})")
            return
        for g, leg in zip(plan_gaps, legs, strict=True):
            name = f"gap {g.from_id} -> {g.to_id}"
            for label, theirs_v, mine_v in (
                ("from position", g.from_pos_m, leg.from_pos_m),
                ("to position", g.to_pos_m, leg.to_pos_m),
                ("length", g.length_m, leg.length_m),
                ("border wait", g.border_wait_m, leg.border_wait_m),
                ("limit", g.limit_m, leg.limit_m),
            ):
                if differ(theirs_v, mine_v):
                    self.fail(rule, where, f"{name}: {label} {_m(theirs_v)} in the plan, "
                                           f"{_m(mine_v)} recomputed")
            if differ(g.slack_m, g.limit_m - g.length_m):
                self.fail(rule, where, f"{name}: slack {_m(g.slack_m)} is not limit - length "
                                       f"({_m(g.limit_m - g.length_m)})")
            if g.crosses_border != leg.crosses_border:
                said = "crosses" if g.crosses_border else "does not cross"
                self.fail(rule, where, f"{name}: the plan says it {said} the border; it "
                                       f"{'does' if leg.crosses_border else 'does not'}")

    def judge_legs(self, where: str, rule: str, legs: list[Leg], feasible: bool, *,
                   noun: str = "gap", limit: Callable[[Leg], str] | str,
                   lead: str = "", gap_word: str = "gap", limit_word: str = "range",
                   tol: float = 0.0) -> None:
        """One judgement for every chain of recomputed legs (vehicle runs, spacing chains,
        round trips): each leg over its limit by name, and the plan's feasibility flag against
        the legs (the plan's own gap list is compared by `compare_gaps`)."""
        over = [leg for leg in legs if leg.length_m > leg.limit_m + tol]
        for leg in over:
            label = limit(leg) if callable(limit) else limit
            self.fail(rule, where, f"{noun} {leg.from_id} -> {leg.to_id} is {_m(leg.length_m)}, "
                                   f"over {label}{_m(leg.limit_m)} by "
                                   f"{_m(leg.length_m - leg.limit_m)}")
        if feasible and over:
            self.fail(rule, where, f"{lead}marked feasible but a {gap_word} exceeds the "
                                   f"{limit_word}")
        if not feasible and not over:
            self.fail(rule, where, f"{lead}marked infeasible but every {gap_word} is within the "
                                   f"{limit_word}")

    # ------------------------------------------------------------------ vehicles
    def vehicle_limits(self, vehicle: Any, climate: str, wait_min: float) -> tuple[float, float,
                                                                                     float]:
        """(usable range, start range, border wait distance) from the profile and scenario."""
        rng = float(vehicle.usable_range_m(climate))
        srng = float(vehicle.start_range_m(climate, self.scenario.start_soc))
        wait = float(vehicle.idle_distance_m(climate, wait_min)) if wait_min > 0 else 0.0
        return rng, srng, wait

    def expected_start(self, route: RoutePlan, geo: _Geo, vehicle: Any, full: float,
                       claimed: str) -> tuple[float, str]:
        """(start range, basis) by the start-charge rule, recomputed from the plan's sites: the
        nearest station the vehicle can use within the offset limit of the route start
        (position + offset, then id; an existing station as it is, or the claimed basis if it
        was upgraded; for a medium/heavy-duty vehicle only a truck-accessible one) gives
        full - max(0, offset - position); without one the scenario's arrival charge, or full
        when the scenario gives none for the vehicle's class."""
        given = self.plan.parameters.get("max_offset_m")
        limit = float(given) if isinstance(given, int | float) else 5000.0
        near = []
        for sid, pos, off in self.route_sites(route, geo):
            site = self.sites[sid]
            if site.kind == "new" or (site.kind == "upgrade" and sid != claimed):
                continue
            if vehicle.vehicle_class in TRUCK_CLASSES and self.truck_access(site)[0] != "true":
                continue  # a truck charges only where trucks get in
            if pos + off <= limit + 1e-6 and vehicle.can_charge_at(self.spec(site)) is None:
                near.append((pos + off, sid, pos, off))
        if near:
            _d, sid, pos, off = min(near)
            return full - max(0.0, off - pos), sid
        soc = self.scenario.arrival_soc(vehicle.vehicle_class)
        if soc is None:
            return full, "scenario:start_full"
        return min(full, float(vehicle.start_range_m(self.scenario.climate, soc))), \
            "scenario:arrival_charge"

    def legs(self, geo: _Geo, stops: list[Point], wait: float, start_limit: float,
             limit: float) -> list[Leg]:
        seq: list[Point] = [("start", 0.0, 0.0), *stops, ("end", geo.length, 0.0)]
        out = []
        for i, ((a, pa, oa), (b, pb, ob)) in enumerate(itertools.pairwise(seq)):
            length, crosses = leg_length(pa, oa, pb, ob, geo.border_pos, wait)
            out.append(Leg(a, b, pa, pb, length, wait if crosses else 0.0, crosses,
                           start_limit if i == 0 else limit))
        return out

    def check_vehicle_run(self, route: RoutePlan, geo: _Geo, vr: VehicleRun,
                          wait_min: float) -> None:
        where = f"route {route.id}: vehicle {vr.vehicle}"
        vehicle = self.vehicles[vr.vehicle]
        climate = self.scenario.climate
        if vr.climate != climate:
            self.fail("vehicle", where, f"climate {vr.climate} in the plan, the scenario "
                                        f"{self.scenario.id} uses {climate}")
        rng, srng, wait = self.vehicle_limits(vehicle, climate, wait_min)
        if differ(rng, vr.range_m):
            self.fail("vehicle", where, f"range {_m(vr.range_m)} in the plan, the profile gives "
                                        f"{_m(rng)} ({climate})")
        srng, basis = self.expected_start(route, geo, vehicle, srng, vr.start_basis)
        if basis != vr.start_basis:
            self.fail("start", where, f"start basis {vr.start_basis} in the plan, the start-charge "
                                      f"rule gives {basis}")
        if differ(srng, vr.start_range_m):
            self.fail("start", where, f"start range {_m(vr.start_range_m)} in the plan, the "
                                      f"start-charge rule gives {_m(srng)} ({basis}, {climate})")
        for sid in vr.stops:
            site = self.sites.get(sid)
            if site is not None:
                why = vehicle.can_charge_at(self.spec(site))
                if why is not None:
                    self.fail("vehicle", where, f"stop {sid} cannot be used by {vr.vehicle}: {why}")
        unknown = [sid for sid in vr.stops if (s := self.sites.get(sid)) is not None
                   and (s.power_kw is None or s.ports is None)]
        if vr.unknown_stops != unknown:
            self.fail("unknown", where, f"unknown_stops {vr.unknown_stops} in the plan; the stops "
                                        f"with unknown power or ports are {unknown}")
        stops = self.placed(route, geo, vr.stops, where, "vehicle")
        if stops is None:
            return
        legs = self.legs(geo, stops, wait, srng, rng)
        self.count["gaps"] += len(legs)
        self.compare_gaps(where, "vehicle", vr.gaps, legs)
        self.judge_legs(where, "vehicle", legs, vr.feasible,
                        limit=lambda leg: "the start range " if leg.from_id == "start"
                        else "the range ")

