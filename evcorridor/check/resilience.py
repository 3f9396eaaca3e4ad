"""Rule family `resilience`: n-1 plans still complete every route without any one site."""

from __future__ import annotations

from evcorridor.check.arith import (
    reach,
)
from evcorridor.check.spacing import _Spacing


class _Resilience(_Spacing):
    # ------------------------------------------------------------------ resilience
    def check_resilience(self) -> None:
        """n-1: with any one site out, each vehicle still completes each route on the rest."""
        for route in self.plan.routes:
            geo = self.geo.get(route.id)
            if geo is None:
                continue
            for vr in route.vehicles:
                vehicle = self.vehicles[vr.vehicle]
                rng, srng, wait = self.vehicle_limits(vehicle, self.scenario.climate,
                                                     geo.wait_min)
                usable = [p for p in self.route_sites(route, geo)
                          if vehicle.can_charge_at(self.spec(self.sites[p[0]])) is None]
                for out in usable:
                    self.count["resilience_cases"] += 1
                    stuck = reach(geo, [p for p in usable if p[0] != out[0]], wait, srng, rng)
                    if stuck is not None:
                        self.fail("resilience", f"route {route.id}: vehicle {vr.vehicle}",
                                  f"without {out[0]} the vehicle cannot complete the route: "
                                  f"{stuck}")

