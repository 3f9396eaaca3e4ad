"""Rule family `site`: each site's offer, place, compliance claims, and existing stations."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from evcorridor.check import direction
from evcorridor.check.arith import (
    TOL_M,
    _m,
    _truthy,
    straight_line_m,
)
from evcorridor.check.inputs import _Inputs
from evcorridor.check.subdivisions import governing, subdivision_of
from evcorridor.connectors import UnknownConnector, normalize
from evcorridor.errors import EvCorridorError, InputError
from evcorridor.plan_model import (
    NEW_CAR_BASIS,
    NEW_TRUCK_BASIS,
    TRUCK_CLASSES,
    RoutePlan,
    Site,
)

#: a new site's readable id (siting/locate.py makes it from the exit: new-i35-tx-exit-4a)
_NEW_ID = re.compile(r"^new-[a-z0-9]+(?:-[a-z0-9]+)*$")


#: What a vehicle may count on at a DC fast station whose power the data does not give: the low
#: end of the AFDC's DC fast class (about 50 kW), per port, on one port.
DC_FAST_FLOOR_KW = 50.0


class _Sites(_Inputs):
    # ------------------------------------------------------------------ sites
    def spec(self, site: Site) -> Any:
        from evcorridor.profiles import SiteSpec

        # unknown power / ports (null in the plan): a vehicle may count on the DC fast floor
        # (DC_FAST_FLOOR_KW, one port), a standard never (power_known / ports_known False)
        floor = DC_FAST_FLOOR_KW
        return SiteSpec(
            connectors=tuple((c.type, c.count, floor if c.max_kw is None else c.max_kw)
                             for c in site.connectors),
            ports=1 if site.ports is None else site.ports,
            power_kw=floor if site.power_kw is None else site.power_kw,
            offset_m=site.offset_m,
            power_known=site.power_kw is not None,
            ports_known=site.ports is not None,
        )

    def complies(self, site: Site, profile_id: str) -> list[str]:
        """Reasons `site` does not comply with `profile_id` ([] = complies), recomputed."""
        key = (site.id, profile_id)
        if key not in self._compliance:
            self._compliance[key] = list(self.standards[profile_id].compliance(self.spec(site)))
        return self._compliance[key]

    def side_jurisdictions(self, route: RoutePlan) -> dict[str, str]:
        """Per country side of the route, the jurisdiction whose profile governs it, recomputed
        from the graph: an ISO 3166-2 subdivision the profile set maps when the whole side lies
        in it (Travel Mapping regions of its nodes), else the country."""
        subs: dict[str, list[str | None]] = {}
        for n in route.nodes:
            if n in self.G:
                d = self.G.nodes[n]
                subs.setdefault(str(d.get("country", "")), []).append(subdivision_of(d))
        mapped = self.profile_set.profiles if self.profile_set is not None else {}
        return {c: governing(v, c, mapped) for c, v in subs.items()}

    def check_stations(self) -> None:
        """Existing and upgraded sites are open public stations of the plan's station data, at
        the station's place, in its country; an existing site offers only the station's
        connector types."""
        used = [s for s in self.plan.sites if s.kind != "new"]
        if not used or self.generic:
            return
        from evcorridor.stations import corridor_stations

        name = str(self.plan.parameters.get("stations") or "embedded")
        source: str | Path = "embedded"
        if name != "embedded":
            refs = self._input("stations")
            found = self._resolve(refs[0].path) if refs else None
            if found is None:
                if self.graph_given:
                    return
                raise InputError(f"{self.label}: cannot reload the station data {name!r}: "
                                 "file not found")
            source = found
        try:
            # the corridor itself: one made by `plan --border` is not in the configs
            stations = {st.id: st for st in
                        corridor_stations(self.corridor or self.plan.corridor, source)}
        except EvCorridorError as exc:
            if self.graph_given:
                return  # a graph handed in directly (a synthetic corridor): no station data
            raise InputError(f"{self.label}: cannot reload the station data {name!r}: "
                             f"{exc}") from exc
        self.count["stations"] = len(used)
        self.station_data = stations
        for site in used:
            where = f"site {site.id}"
            st = stations.get(site.id)
            if st is None:
                self.fail("site", where, f"{site.kind} site but no station {site.id} in the "
                                         f"station data ({name})")
                continue
            if site.lat is None or site.lon is None:
                self.fail("site", where, f"no coordinates, but station {st.id} is at "
                                         f"({st.lat:.6f}, {st.lon:.6f})")
                continue
            dist = straight_line_m(site.lat, site.lon, st.lat, st.lon)
            if dist > 1.0:
                self.fail("site", where, f"{_m(dist)} from station {st.id} at "
                                         f"({st.lat:.6f}, {st.lon:.6f})")
            if st.status != "open" or st.access != "public":
                self.fail("site", where, f"station {st.id} is {st.status} with {st.access} "
                                         "access; only open public stations count")
            if st.country != site.country:
                self.fail("site", where, f"country {site.country} but station {st.id} is in "
                                         f"{st.country}")
            if st.serves != site.serves:
                self.fail("direction", where, f"serves {site.serves or 'both ways'} in the plan, "
                                              f"the station data says "
                                              f"{st.serves or 'both ways'} ({st.id})")
            if site.kind == "existing":
                have = {c.type for c in st.connectors}
                extra = sorted({c.type for c in site.connectors} - have)
                if extra:
                    self.fail("site", where, f"offers {', '.join(extra)} as is, but station "
                                             f"{st.id} has only "
                                             f"{', '.join(sorted(have)) or 'no connector data'}")

    # ------------------------------------------------------------------ truck access
    def truck_access(self, site: Site) -> tuple[str, str]:
        """(truck access, basis) of a site, re-derived: an existing or upgraded station's from
        the station data file (its `truck_access` column); a new site's from its design: true
        ("new truck-designed site ...") when a medium- or heavy-duty vehicle of the plan can
        charge there, else false. Without station data to reload (a graph handed in), the
        plan's own record."""
        if site.kind == "new":
            trucks = [v for v in self.vehicles.values()
                      if getattr(v, "vehicle_class", "") in TRUCK_CLASSES]
            if any(v.can_charge_at(self.spec(site)) is None for v in trucks):
                return "true", NEW_TRUCK_BASIS
            return "false", NEW_CAR_BASIS
        st = self.station_data.get(site.id) if self.station_data is not None else None
        if st is None:
            return site.truck_access, site.truck_access_basis
        from evcorridor.stations.truck import access_text

        return access_text(st.truck_access), st.truck_access_basis

    def check_truck_access(self) -> None:
        """Rule `truck-access`: every site's `truck_access` and basis are the re-derived ones,
        and every stop (and start charge) of a medium- or heavy-duty vehicle is at a site that
        is truck-accessible by the re-derived value."""
        if self.generic:
            return
        for site in self.plan.sites:
            want = self.truck_access(site)
            if (site.truck_access, site.truck_access_basis) != want:
                source = "its design" if site.kind == "new" else "the station data"
                said = site.truck_access_basis or "no basis"
                self.fail("truck-access", f"site {site.id}",
                          f"truck_access {site.truck_access} ({said}) in the plan, {source} "
                          f"gives {want[0]} ({want[1] or 'no basis'})")
        for route in self.plan.routes:
            for vr in route.vehicles:
                vehicle = self.vehicles.get(vr.vehicle)
                if getattr(vehicle, "vehicle_class", "") not in TRUCK_CLASSES:
                    continue
                for sid in dict.fromkeys((*vr.stops, vr.start_basis)):
                    stop = self.sites.get(sid)
                    if stop is None:
                        continue
                    access, basis = self.truck_access(stop)
                    self.count["truck_stops"] += 1
                    if access != "true":
                        self.fail("truck-access", f"route {route.id}: vehicle {vr.vehicle}",
                                  f"{'stops' if sid in vr.stops else 'starts charged'} at "
                                  f"{sid} ({stop.name}), which is not truck-accessible "
                                  f"({access}{': ' + basis if basis else ''})")

    def check_sites(self) -> None:
        for site in self.plan.sites:
            self.count["sites"] += 1
            where = f"site {site.id}"
            if site.id in self.sites:
                self.fail("site", where, "listed twice in the plan")
                continue
            self.sites[site.id] = site
            if site.kind == "new" and not (_NEW_ID.match(site.id)
                                           or site.id == f"new:{site.node}"):
                self.fail("site", where, "a new site's id must be 'new-' and a slug (lower-case "
                                         f"letters, digits, single dashes) or 'new:{site.node}'")
            bad = [name for name, v in (("lat", site.lat), ("lon", site.lon),
                                        ("offset_m", site.offset_m), ("power_kw", site.power_kw),
                                        ("cost", site.cost)) if v is not None
                   and not math.isfinite(v)]
            if bad:
                self.fail("site", where, f"{', '.join(bad)} not a finite number")
            if site.offset_m < 0:
                self.fail("site", where, f"negative offset {_m(site.offset_m)}")
            if not self.generic:  # coverage sites on a user's network are abstract nodes
                self._check_offer(site, where)
            self._check_place(site, where)
            if site.kind != "existing" and (site.power_kw is None or site.ports is None):
                self.fail("unknown", where, f"a {site.kind} site's power and ports are planned: "
                                            "they cannot be unknown")
            serves = (direction.serves_from(site.name, site.serves_basis)
                      if site.kind != "new" else None)
            if site.serves != serves:
                said = (f"its name {site.name!r}" if not site.serves_basis
                        or site.serves_basis.startswith("name ")
                        else f"its name {site.name!r} and {site.serves_basis}")
                self.fail("direction", where, f"serves {site.serves} in the plan; {said} "
                                              f"gives {serves}")
            if site.serves is None and site.serves_basis is not None:
                self.fail("direction", where, f"serves both ways but gives a basis "
                                              f"({site.serves_basis})")
            for pid in site.complies_with:
                if pid in self.standards and not self.standards[pid].has_station_rules:
                    self.fail("site", where, f"claims to comply with {pid}, which has no station "
                                             "rules")
                    continue
                reasons = self.complies(site, pid)
                if reasons:
                    self.fail("site", where, f"claims to comply with {pid} but does not: "
                                             + "; ".join(reasons))

    def _check_offer(self, site: Site, where: str) -> None:
        if site.ports is not None and site.ports < 1:
            self.fail("site", where, f"{site.ports} ports; a charging site has at least 1")
        if site.power_kw is not None and site.power_kw <= 0:
            self.fail("site", where, f"power {site.power_kw:g} kW per port; must be positive")
        if not site.connectors:
            self.fail("site", where, "no connectors")
            return
        seen: set[str] = set()
        for c in site.connectors:
            try:
                canon = normalize(c.type)
            except UnknownConnector as exc:
                self.fail("site", where, str(exc))
                continue
            if canon != c.type:
                self.fail("site", where,
                          f"connector {c.type!r} is not the canonical name {canon!r}")
            if canon in seen:
                self.fail("site", where, f"connector {canon} listed twice")
            seen.add(canon)
            if c.count < 1:
                self.fail("site", where, f"connector {c.type}: count {c.count}; must be at least 1")
            if c.max_kw is not None and c.max_kw <= 0:
                self.fail("site", where, f"connector {c.type}: {c.max_kw:g} kW; must be positive")
        best = max((c.max_kw for c in site.connectors if c.max_kw is not None), default=math.inf)
        if site.power_kw is not None and site.power_kw > best + 1e-6:
            self.fail("site", where, f"power {site.power_kw:g} kW per port exceeds its best "
                                     f"connector ({best:g} kW)")

    def _check_place(self, site: Site, where: str) -> None:
        if site.node not in self.G:
            self.fail("site", where, f"node {site.node} is not in the corridor graph")
            return
        nd = self.G.nodes[site.node]
        placed = nd.get("x") is not None and nd.get("y") is not None
        if site.lat is None or site.lon is None:
            dist = 0.0  # unknown stays null: only where its node has no coordinates either
            if placed:
                self.fail("site", where, f"no coordinates, but its node {site.node} is at "
                                         f"({float(nd['y']):.6f}, {float(nd['x']):.6f})")
        elif not placed:
            dist = 0.0
            self.fail("site", where, f"({site.lat:.6f}, {site.lon:.6f}), but its node "
                                     f"{site.node} has no coordinates in the network")
        else:
            dist = straight_line_m(float(nd["y"]), float(nd["x"]), site.lat, site.lon)
        if dist > site.offset_m + TOL_M:
            self.fail("site", where, f"({site.lat:.6f}, {site.lon:.6f}) is {_m(dist)} from its "
                                     f"node {site.node}, farther than its offset "
                                     f"{_m(site.offset_m)}")
        if site.kind == "new" and not self.generic and not _truthy(nd.get("interchange", False)):
            self.fail("site", where, f"a new site at node {site.node}, which is not an "
                                     "interchange (no exit to build at)")
        sub = subdivision_of(nd)
        if site.subdivision != sub:
            self.fail("site", where, f"subdivision {site.subdivision} but its node {site.node} "
                                     f"is in {sub or 'no subdivision'} (Travel Mapping region)")
        country = str(nd.get("country", ""))
        if country != site.country:
            self.fail("site", where, f"country {site.country} but its node {site.node} is in "
                                     f"{country or 'no country'}")

