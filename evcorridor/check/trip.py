"""Rule family `trip`: round trips (`plan --trip round`) re-derived from the plan's sites.

With `parameters.trip == "round"` each route is driven out and back. At the far end the vehicle
charges where the start-charge rule finds a station it can use at the start of the reverse route
(recomputed here); there the way back is the reverse route's own run. Without one (the reverse
route would start with the scenario's arrival charge) the charge carries into the way back: the
run's `round_trip` must hold a stop sequence from the route start, out and back to the origin,
every gap within the range (the first within the re-derived start range), each border wait
counted where a gap passes its crossing. The checker recomputes the legs, the turn basis and,
by an exact reachability scan over every site the vehicle can use on each leg, whether the round
trip can be driven at all with the plan's sites. Shares no code with `evcorridor.siting`.
"""

from __future__ import annotations

import itertools
from typing import Any

from evcorridor.check.arith import Leg, _Geo
from evcorridor.check.routes import _Routes
from evcorridor.plan_model import RoutePlan, VehicleRun

ARRIVAL = "scenario:arrival_charge"
CARRIED = "carried"

#: (id, position along the trip, offset, leg: 0 out / 1 back)
TripPoint = tuple[str, float, float, int]


def trip_stops(vr: VehicleRun) -> list[str]:
    """Every stop of the run's round trip (none without one)."""
    t = vr.round_trip
    return [] if t is None else [*t.out_stops, *t.back_stops]


def trip_leg(a: TripPoint, b: TripPoint, borders: list[tuple[float, float]]
             ) -> tuple[float, float]:
    """(length, wait part) of the gap a -> b along a round trip: road distance, both detours,
    and the wait of each crossing strictly after a and at or before b."""
    wait = sum(w for pos, w in borders if a[1] < pos <= b[1])
    return (b[1] - a[1]) + a[2] + b[2] + wait, wait


class _Trips(_Routes):
    def check_trips(self) -> None:
        mode = self.plan.parameters.get("trip", "one-way")
        if self.plan.coverage is not None or self.generic:
            return  # coverage plans: the flow model's own trip rule (rule family coverage)
        if mode not in ("one-way", "round"):
            self.fail("trip", "", f"parameters.trip {mode!r}: one-way or round")
            return
        by_id = {r.id: r for r in self.plan.routes}
        for route in self.plan.routes:
            for vr in route.vehicles:
                where = f"route {route.id}: vehicle {vr.vehicle}"
                if mode == "one-way":
                    if vr.turn_basis is not None or vr.round_trip is not None:
                        self.fail("trip", where, "a one-way plan gives a far-end basis or a "
                                                 "round trip")
                    continue
                other = "reverse" if route.direction == "forward" else "forward"
                back = by_id.get(f"{route.crossing}:{other}")
                if back is None:
                    self.fail("trip", where, f"no route {route.crossing}:{other} to come back by")
                    continue
                self.check_round_trip(route, back, vr, where)

    def check_round_trip(self, route: RoutePlan, back: RoutePlan, vr: VehicleRun,
                         where: str) -> None:
        geo, geo_back = self.geo.get(route.id), self.geo.get(back.id)
        vehicle = self.vehicles.get(vr.vehicle)
        if geo is None or geo_back is None or vehicle is None:
            return  # the route or vehicle findings already say why
        climate = self.scenario.climate
        rng, full, wait = self.vehicle_limits(vehicle, climate, geo.wait_min)
        _r2, _f2, wait_back = self.vehicle_limits(vehicle, climate, geo_back.wait_min)
        back_run = next((b for b in back.vehicles if b.vehicle == vr.vehicle), None)
        claimed = back_run.start_basis if back_run is not None else ""
        _s, far = self.expected_start(back, geo_back, vehicle, full, claimed)
        want = CARRIED if far == ARRIVAL else far
        if vr.turn_basis != want:
            self.fail("trip", where, f"far-end basis {vr.turn_basis} in the plan, the "
                                     f"start-charge rule at {back.from_name} gives {want}")
        if want != CARRIED:
            if vr.round_trip is not None:
                self.fail("trip", where, f"a round trip through the far end although the "
                                         f"vehicle charges there ({want})")
            return
        start, _basis = self.expected_start(route, geo, vehicle, full, vr.start_basis)
        L = geo.length
        borders = [(geo.border_pos, wait), (L + geo_back.border_pos, wait_back)]
        end: TripPoint = ("end", L + geo_back.length, 0.0, 1)
        usable = self._usable(route, geo, vehicle, 0) + self._usable(back, geo_back, vehicle, L)
        possible = self._reachable(usable, end, borders, start, rng)
        rt = vr.round_trip
        if rt is None:
            self.fail("trip", where, "no round trip although no station the vehicle can use is "
                                     f"at the far end ({back.from_name})"
                      + ("" if possible else "; none can be driven with the plan's sites"))
            return
        if rt.feasible and not possible:
            self.fail("trip", where, "round trip marked feasible but no stop sequence of the "
                                     "plan's sites drives it")
        for sid in trip_stops(vr):
            site = self.sites.get(sid)
            if site is not None and (why := vehicle.can_charge_at(self.spec(site))) is not None:
                self.fail("trip", where, f"stop {sid} cannot be used by {vr.vehicle}: {why}")
        out = self.placed(route, geo, rt.out_stops, where + " (round trip, out)", "trip")
        ret = self.placed(back, geo_back, rt.back_stops, where + " (round trip, back)", "trip")
        if out is None or ret is None:
            return
        seq: list[TripPoint] = [("start", 0.0, 0.0, 0), *((s, p, o, 0) for s, p, o in out),
                                *((s, L + p, o, 1) for s, p, o in ret), end]
        legs = []
        for i, (a, b) in enumerate(itertools.pairwise(seq)):
            length, w = trip_leg(a, b, borders)
            crosses = any(a[1] < pos <= b[1] for pos, _w in borders)
            legs.append(Leg(a[0], b[0], a[1], b[1], length, w, crosses,
                            start if i == 0 else rng))
        self.count["gaps"] += len(legs)
        self.compare_gaps(where + " (round trip)", "trip", rt.gaps, legs)
        self.judge_legs(where, "trip", legs, rt.feasible, noun="round trip: gap", limit="",
                        lead="round trip ", tol=1e-6)

    def _usable(self, route: RoutePlan, geo: _Geo, vehicle: Any, shift: float
                ) -> list[TripPoint]:
        """The sites placed on `route` that the vehicle can use, as trip points."""
        leg = 0 if shift == 0 else 1
        pts = []
        for sid in sorted(route.site_positions):
            site = self.sites.get(sid)
            p = self.position(route, geo, sid)
            if site is None or p is None or vehicle.can_charge_at(self.spec(site)) is not None:
                continue
            pts.append((sid, shift + p, site.offset_m, leg))
        return sorted(pts, key=lambda t: (t[1], t[3], t[0]))

    @staticmethod
    def _reachable(pts: list[TripPoint], end: TripPoint, borders: list[tuple[float, float]],
                   start: float, rng: float) -> bool:
        """Exact: some stop sequence of `pts` leads from the start to `end` (O(n^2))."""
        seq: list[TripPoint] = [("start", 0.0, 0.0, 0), *pts, end]
        ok = [False] * len(seq)
        ok[0] = True
        for k in range(1, len(seq)):
            ok[k] = any(ok[j] and seq[j][1] <= seq[k][1]
                        and trip_leg(seq[j], seq[k], borders)[0]
                        <= (start if j == 0 else rng) + 1e-6 for j in range(k))
        return ok[-1]

