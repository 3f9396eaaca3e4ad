"""Rule family `route`: each route's path, ends, border position and runs; it then hands each
vehicle run and standard run to their families."""

from __future__ import annotations

import math

import networkx as nx

from evcorridor.check import direction, trucks
from evcorridor.check.arith import (
    TOL_M,
    _Geo,
    _m,
    differ,
    straight_line_m,
)
from evcorridor.check.coverage import _Coverage
from evcorridor.plan_model import RoutePlan


class _Routes(_Coverage):
    # ------------------------------------------------------------------ routes
    def check_route(self, route: RoutePlan) -> None:
        where = f"route {route.id}"
        if route.id != f"{route.crossing}:{route.direction}":
            self.fail("route", where, f"id should be '{route.crossing}:{route.direction}'")
        if route.crossing not in self.plan.crossings:
            self.fail("route", where, f"crossing {route.crossing} is not one of the plan's "
                                      f"crossings ({', '.join(self.plan.crossings)})")
        if len(route.nodes) < 2:
            self.fail("route", where, "fewer than two nodes")
            return
        cum = self.walk("route", where, route.nodes, route.length_m, "recomputed from the graph")
        if not cum:
            return
        nodes = self.G.nodes
        border_idx = [i for i, n in enumerate(route.nodes)
                      if str(nodes[n].get("crossing", "")) == route.crossing]
        if not border_idx:
            self.fail("route", where, f"no node of the route is the border crossing "
                                      f"{route.crossing}")
            return
        if len(border_idx) > 1:
            self.fail("route", where, f"the route passes the border node of {route.crossing} "
                                      f"{len(border_idx)} times")
        geo = _Geo(cum, cum[border_idx[0]], str(nodes[route.nodes[0]].get("country", "")),
                   str(nodes[route.nodes[-1]].get("country", "")))
        self.geo[route.id] = geo
        self._check_ends(route, route.nodes[border_idx[0]], cum[-1], where)
        if differ(geo.border_pos, route.border_pos_m):
            self.fail("route", where, f"border position {_m(route.border_pos_m)} in the plan, "
                                      f"{_m(geo.border_pos)} recomputed from the graph")
        if route.direction == "forward" and geo.start_country != "USA":
            self.fail("route", where, f"a forward route starts in the USA, this one in "
                                      f"{geo.start_country or 'no country'}")
        if route.direction == "reverse" and geo.end_country != "USA":
            self.fail("route", where, f"a reverse route ends in the USA, this one in "
                                      f"{geo.end_country or 'no country'}")
        into_usa = geo.end_country == "USA"
        minutes = float(self.scenario.wait_min(route.crossing, into_usa))
        geo.wait_min = minutes
        if abs(minutes - route.border_wait_min) > 1e-6:
            self.fail("route", where, f"border wait {route.border_wait_min:g} min in the plan, the "
                                      f"scenario {self.scenario.id} says {minutes:g} min "
                                      f"{'into' if into_usa else 'out of'} the USA")
        self._check_positions(route, geo, where)
        self._check_runs_present(route, geo, where)
        for vr in route.vehicles:
            self.count["vehicle_runs"] += 1
            self.check_vehicle_run(route, geo, vr, minutes)
        for sr in route.standards:
            self.count["standard_runs"] += 1
            self.check_standard_run(route, geo, sr)

    def _nearest(self, lat: float, lon: float) -> tuple[int, float]:
        best: tuple[int, float] | None = None
        for n, d in self.G.nodes(data=True):
            if "x" not in d or "y" not in d:
                continue
            dist = straight_line_m(lat, lon, float(d["y"]), float(d["x"]))
            if best is None or dist < best[1]:
                best = (n, dist)
        return best if best is not None else (-1, math.inf)

    def _check_ends(self, route: RoutePlan, border_node: int, length: float, where: str) -> None:
        """The route runs between the graph nodes nearest to the corridor's endpoints (so a
        truncated route cannot hide a gap) and, forward, along the shortest roads to and from
        the crossing."""
        if self.corridor is None:
            return
        us, other = self.corridor.start, self.corridor.end
        first, last = (us, other) if route.direction == "forward" else (other, us)
        for verb, node, place in (("starts", route.nodes[0], first),
                                  ("ends", route.nodes[-1], last)):
            nd = self.G.nodes[node]
            dist = straight_line_m(place.lat, place.lon, float(nd.get("y", 0.0)),
                                   float(nd.get("x", 0.0)))
            best, dmin = self._nearest(place.lat, place.lon)
            if dist > dmin + 1.0:
                self.fail("route", where, f"{verb} at node {node}, {_m(dist)} from "
                                          f"{place.name}; node {best} is nearer ({_m(dmin)})")
        if route.direction != "forward":
            return
        def side(country: str) -> nx.MultiDiGraph:  # a route crosses the border once
            return self.G.subgraph([n for n, c in self.G.nodes(data="country")
                                    if c == country or n == border_node])

        us = str(self.G.nodes[route.nodes[0]].get("country", ""))
        other = str(self.G.nodes[route.nodes[-1]].get("country", ""))
        try:
            shortest = (nx.shortest_path_length(side(us), route.nodes[0], border_node,
                                                weight="length")
                        + nx.shortest_path_length(side(other), border_node, route.nodes[-1],
                                                  weight="length"))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return
        if length > shortest + TOL_M:
            self.fail("route", where, f"{_m(length)} long, {_m(length - shortest)} longer than "
                                      f"the shortest road through the crossing (each leg in "
                                      f"its country) "
                                      f"({_m(shortest)})")

    def _check_runs_present(self, route: RoutePlan, geo: _Geo, where: str) -> None:
        """Every planned vehicle runs every route once; every jurisdiction on the route has the
        run of its profile (a missing run would otherwise go unchecked)."""
        runs = [vr.vehicle for vr in route.vehicles]
        wanted = self.plan.parameters.get("vehicles")
        crossing = self.crossings.get(route.crossing)
        if isinstance(wanted, list) and self.plan.coverage is None:
            for vid in wanted:
                vehicle = self.vehicles.get(str(vid))
                must = vehicle is None or trucks.planned_on(vehicle, crossing)
                if must and vid not in runs:
                    self.fail("route", where, f"no run for vehicle {vid}")
        for vid in sorted(set(runs)):
            vehicle = self.vehicles.get(vid)
            if vehicle is not None and not trucks.planned_on(vehicle, crossing):
                status = crossing.commercial if crossing is not None else "not in the registry"
                self.fail("trucks", where, f"{vehicle.vehicle_class} vehicle {vid} is planned "
                                           f"through {route.crossing}, which does not take "
                                           f"commercial trucks (commercial: {status})")
        for vid in sorted({v for v in runs if runs.count(v) > 1}):
            self.fail("route", where, f"vehicle {vid} has {runs.count(vid)} runs")
        if self.profile_set is None:
            return
        have = [sr.profile for sr in route.standards]
        sides = self.side_jurisdictions(route)
        for country in sorted({geo.start_country, geo.end_country}):
            juris = sides.get(country, country)
            pid = self.profile_set.profiles.get(juris)
            if pid is not None and pid not in have:
                self.fail("route", where, f"no run for the standard {pid} of {juris} "
                                          f"(profile set {self.profile_set.id})")

    def _check_positions(self, route: RoutePlan, geo: _Geo, where: str) -> None:
        index: dict[int, list[int]] = {}
        for i, n in enumerate(route.nodes):
            index.setdefault(n, []).append(i)
        for sid, pos in sorted(route.site_positions.items()):
            site = self.sites.get(sid)
            if site is None:
                self.fail("route", where, f"site_positions names {sid}, which is not a site of "
                                          f"the plan")
                continue
            idxs = index.get(site.node)
            if not idxs:
                self.fail("route", where, f"site {sid}: its node {site.node} is not on the route")
            elif not any(abs(geo.cum[i] - pos) <= TOL_M for i in idxs):
                self.fail("route", where, f"site {sid}: position {_m(pos)} in the plan, "
                                          f"{_m(geo.cum[idxs[0]])} recomputed at node {site.node}")
        for sid, site in self.sites.items():
            if site.node not in index:
                continue
            serves = (direction.serves_from(site.name, site.serves_basis)
                      if site.kind != "new" else None)
            heading = direction.heading_at(self.G, route.nodes, site.node)
            if serves is not None and heading != serves:  # the other carriageway's station
                if sid in route.site_positions:
                    self.fail("direction", where, f"site {sid} serves {serves} traffic only; "
                                                  f"this route drives {heading} there")
                continue
            if sid not in route.site_positions:
                self.fail("route", where, f"site {sid} hangs off node {site.node} of this route "
                                          f"but has no position on it")

