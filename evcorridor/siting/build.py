"""Corridor -> siting problem: routes by linear referencing, candidates, vehicle and standard rules.

Routes: one per crossing (`corridor_routes`) and direction; the forward route runs from the US
endpoint to the foreign one, the reverse route is the same node list reversed (position L - p).

Candidates:
- new sites at the routes' interchange nodes (visible waypoints / exits), thinned along each
  forward route by `min_spacing_m` (a node is kept when it is at least that far past the last
  kept node; the scan runs in route order, so the result is deterministic). Designs: the
  jurisdiction's `standard_site()`, plus `standard_site(vehicle)` variants where a vehicle class
  cannot use the standard design (e.g. MCS for heavy trucks), plus one combined design when
  there are several variants. Offset 0 (the site is at the exit).
- existing stations (`corridor_stations` + `snap_stations`): a station snapped to a node off the
  routes hangs off the nearest route node by road, and its offset grows by that road distance
  (undirected shortest path). Only open, public stations count. Its "as is" option is free; when
  it does not comply with its jurisdiction's profile or some vehicle cannot use it, upgrade
  options add the jurisdiction's standard design (and the vehicle variants) to what it has.
- a candidate's country is its node's country (the graph's, as the checker recomputes it).

Rules: each vehicle's usable range and start range under the scenario's climate; the border wait
(scenario minutes per crossing and direction, "into" = the route ends in the USA) as distance at
the vehicle's idle auxiliary power; per country the profile set's standard profile with its
maximum spacing (None = no spacing rule) and its `recognizes` list.
Costs: cost model units (new site, upgrade, per port beyond the standard design, per variant).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import networkx as nx

from evcorridor.errors import UsageError
from evcorridor.jurisdictions import ISO2 as _ISO2
from evcorridor.jurisdictions import node_subdivision, side_jurisdiction
from evcorridor.plan_model import NEW_CAR_BASIS, NEW_TRUCK_BASIS, TRUCK_CLASSES
from evcorridor.settings import REPO_ROOT
from evcorridor.siting.locate import (
    direction_at,
    highway_exit,
    new_site_id,
    unique_ids,
)
from evcorridor.siting.problem import (
    ARRIVAL,
    ROUND,
    Candidate,
    Option,
    Placement,
    Problem,
    Resilience,
    RouteSpec,
    StandardRule,
    TripMode,
    VehicleRule,
    endpoint_start,
    round_trip,
)

DEFAULT_MIN_SPACING_M = 2000.0
DEFAULT_MAX_OFFSET_M = 5000.0


class RouteLike(Protocol):
    @property
    def crossing_id(self) -> str: ...
    @property
    def nodes(self) -> tuple[int, ...]: ...
    @property
    def cum_m(self) -> tuple[float, ...]: ...
    @property
    def border_index(self) -> int: ...


@dataclass
class BuildOptions:
    profile_set: str = "na-2023"
    vehicles: list[str] | None = None  # None = every shipped vehicle
    scenario: str = "default"
    stations: str | Path = "embedded"
    cost_model: str = "default"
    resilience: Resilience = "none"
    min_spacing_m: float = DEFAULT_MIN_SPACING_M
    max_offset_m: float = DEFAULT_MAX_OFFSET_M
    #: auto | pulled | embedded | continental (evcorridor.network.pulled), or a `load_network`
    #: source with `network_path`; `build` records what it resolved to
    network_source: str = "auto"
    network_path: Path | None = None
    #: one-way: every route is driven on its own; round: each route is driven out and back
    #: (the charge left at a far end without a usable station carries into the return leg)
    trip: TripMode = "one-way"


@dataclass
class StationUse:
    """What happened to one existing station (for the plan's existing-station summary)."""

    station: Any  # Station
    candidate: str | None  # candidate id, None when left out
    reasons: list[str] = field(default_factory=list)  # why it cannot serve (as is)


@dataclass
class Built:
    corridor: Any
    graph: nx.MultiDiGraph
    routes: dict[str, RouteSpec]
    route_nodes: dict[str, list[int]]
    problem: Problem
    profile_set: Any
    standards: dict[str, Any]  # profile id -> StandardProfile (own and recognized)
    vehicles: list[Any]
    scenario: Any
    cost_model: Any
    stations: list[Any]
    station_uses: list[StationUse]
    options: BuildOptions
    crossings: dict[str, Any] = field(default_factory=dict)  # crossing id -> Crossing (registry)


def sha256_file(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def rel_path(path: Path | str) -> str:
    """Path relative to the repository root (with ../ for siblings such as ../shared/data), so
    plans made on different machines name their inputs the same way."""
    p = Path(path).resolve()
    try:
        return Path(os.path.relpath(p, REPO_ROOT)).as_posix()
    except ValueError:  # another drive (Windows)
        return p.as_posix()


def _merge_specs(specs: Sequence[Any]) -> Any:
    from evcorridor.profiles import SiteSpec

    conns: dict[str, tuple[int, float]] = {}
    for s in specs:
        for c, n, kw in s.connectors:
            old = conns.get(c, (0, 0.0))
            conns[c] = (max(old[0], n), max(old[1], kw))
    top_power = max(specs, key=lambda s: (s.power_kw, s.power_known))
    top_ports = max(specs, key=lambda s: (s.ports, s.ports_known))
    return SiteSpec(tuple(sorted((c, n, kw) for c, (n, kw) in conns.items())),
                    top_ports.ports, top_power.power_kw, max(s.offset_m for s in specs),
                    power_known=top_power.power_known, ports_known=top_ports.ports_known)


def _with_offset(spec: Any, offset_m: float) -> Any:
    from evcorridor.profiles import SiteSpec

    return SiteSpec(spec.connectors, spec.ports, spec.power_kw, offset_m,
                    power_known=spec.power_known, ports_known=spec.ports_known)


class _Judge:
    """Usability and compliance of specs, cached."""

    def __init__(self, vehicles: list[Any], standards: dict[str, Any]) -> None:
        self.vehicles = vehicles
        self.standards = standards

    def usable_by(self, spec: Any) -> frozenset[str]:
        return frozenset(v.id for v in self.vehicles if v.can_charge_at(spec) is None)

    def complies_with(self, spec: Any) -> frozenset[str]:
        return frozenset(pid for pid, p in self.standards.items()
                         if p.has_station_rules and not p.compliance(spec))

    def option(self, kind: Any, design: str, cost: float, spec: Any) -> Option:
        return Option(kind, design, round(cost, 6), self.usable_by(spec),
                      self.complies_with(spec), spec)


def truck_lanes(base: Any, design: Any) -> tuple[int, float]:
    """(lanes, kW per lane) a truck design adds to the standard design `base`: the ports of the
    connectors it adds (MCS), at their power."""
    have = {c: n for c, n, _kw in base.connectors}
    added = [(n - have.get(c, 0), kw) for c, n, kw in design.connectors if n > have.get(c, 0)]
    return sum(n for n, _kw in added), max((kw for _n, kw in added), default=0.0)


def _variant_extra(cost: Any, base: Any, design: Any, vehicle: Any) -> float:
    """What a design variant adds to the standard design's cost (besides `per_port`): a truck
    variant its truck lanes (MCS dispensers, truck bays, grid band step:
    `CostModel.truck_lanes`), any other variant the cost model's `extra_design`."""
    if vehicle.vehicle_class in TRUCK_CLASSES:
        lanes, kw = truck_lanes(base, design)
        priced = cost.truck_lanes(lanes, kw, base.ports * base.power_kw)
        if priced is not None:
            return float(priced.total)
    return float(cost.extra_design)


def _lanes_only(profile: Any, vehicle: Any, cost: Any, spec: Any, offset_m: float
                ) -> tuple[float, Any]:
    """(cost, spec) of an upgrade that adds only a truck design's lanes (MCS) to an existing
    station `spec` (its ports and power stay its own): the lanes' dispensers, truck bays and
    grid band step from the standard design's load (`CostModel.truck_lanes`; sizing takes an
    existing station to have the first band), or `extra_design` without truck costs."""
    base = profile.standard_site()
    design = profile.standard_site(vehicle)
    have = {c: n for c, n, _kw in base.connectors}
    added = tuple((c, n, kw) for c, n, kw in design.connectors if n > have.get(c, 0))
    lanes, kw = truck_lanes(base, design)
    priced = cost.truck_lanes(lanes, kw, base.ports * base.power_kw)
    from evcorridor.profiles import SiteSpec

    conns: dict[str, tuple[int, float]] = {c: (n, k) for c, n, k in spec.connectors}
    for c, n, k in added:
        old = conns.get(c, (0, 0.0))
        conns[c] = (max(old[0], n), max(old[1], k))
    up = SiteSpec(tuple(sorted((c, n, k) for c, (n, k) in conns.items())), spec.ports,
                  spec.power_kw, offset_m, power_known=spec.power_known,
                  ports_known=spec.ports_known)
    return (float(priced.total) if priced is not None else float(cost.extra_design)), up


def _designs(profile: Any, vehicles: list[Any], cost: Any, base_cost: float, offset_m: float
             ) -> list[tuple[str, float, Any]]:
    """(design name, cost, spec) of the designs offered at a site in `profile`'s jurisdiction."""
    base = _with_offset(profile.standard_site(), offset_m)
    out = [("standard", base_cost, base)]
    variants = []
    extras = 0.0
    for v in vehicles:
        d = _with_offset(profile.standard_site(v), offset_m)
        if d != base and all(d != s for _n, _c, s in out):
            variants.append(d)
            extra = _variant_extra(cost, base, d, v)
            extras += extra
            out.append((f"standard+{v.id}",
                        base_cost + cost.per_port * max(0, d.ports - base.ports) + extra, d))
    if len(variants) > 1:
        merged = _merge_specs([base, *variants])
        extra = cost.per_port * max(0, merged.ports - base.ports) + extras
        out.append(("standard+all", base_cost + extra, merged))
    return out


def truck_access(c: Candidate, o: Option, trucks: frozenset[str]) -> tuple[str, str]:
    """("true" | "false" | "unknown", basis) of candidate `c` built with option `o`: an existing
    station's from the station data; a new site's true when its design serves a medium- or
    heavy-duty vehicle of the plan (`trucks`), false when it is built for cars only."""
    if c.existing:
        from evcorridor.stations.truck import access_text

        return access_text(c.truck_access), c.truck_access_basis
    if o.usable_by & trucks:
        return "true", NEW_TRUCK_BASIS
    return "false", NEW_CAR_BASIS


def _without(o: Option, vehicles: frozenset[str]) -> Option:
    """`o` with `vehicles` taken out of the vehicles that can use it."""
    if not o.usable_by & vehicles:
        return o
    return Option(o.kind, o.design, o.cost, o.usable_by - vehicles, o.complies_with, o.spec)


def build_from_graph(corridor: Any, G: nx.MultiDiGraph, routes: Sequence[RouteLike],
                     stations: list[Any], *, profile_set: Any, vehicles: list[Any],
                     scenario: Any, cost_model: Any, standards: dict[str, Any],
                     options: BuildOptions, crossings: dict[str, Any] | None = None) -> Built:
    """The siting problem of `corridor` on graph `G` (no file access: everything is passed in).

    `crossings` (crossing id -> registry Crossing): medium- and heavy-duty vehicles are planned
    only on routes through crossings whose `commercial` is "true"; without it (synthetic
    problems) every vehicle is planned on every route."""
    from evcorridor.stations import describe_site, snap_stations
    from evcorridor.stations.truck import access_text

    nodes = G.nodes
    route_specs: dict[str, RouteSpec] = {}
    route_nodes: dict[str, list[int]] = {}
    node_pos: dict[str, dict[int, float]] = {}
    start_name = corridor.us_side[0].name if corridor.us_side else "US endpoint"
    end_name = corridor.other_side[-1].name if corridor.other_side else "foreign endpoint"
    for r in routes:
        L = float(r.cum_m[-1])
        b = float(r.cum_m[r.border_index])
        for direction in ("forward", "reverse"):
            rid = f"{r.crossing_id}:{direction}"
            seq = list(r.nodes) if direction == "forward" else list(reversed(r.nodes))
            cum = list(r.cum_m) if direction == "forward" else [L - c for c in reversed(r.cum_m)]
            bpos = b if direction == "forward" else L - b
            sc = str(nodes[seq[0]].get("country", ""))
            ec = str(nodes[seq[-1]].get("country", ""))
            into_usa = ec == "USA"
            wait_min = float(scenario.wait_min(r.crossing_id, into_usa))
            names = (start_name, end_name) if direction == "forward" else (end_name, start_name)
            sides_j = [side_jurisdiction([node_subdivision(nodes[n]) for n in seq
                                        if nodes[n].get("country") == cc], cc,
                                       profile_set.profiles) for cc in (sc, ec)]
            for (_j, partly), cc in zip(sides_j, (sc, ec), strict=True):
                if partly:
                    _no_partial_spacing(profile_set, standards, cc, rid)
            route_specs[rid] = RouteSpec(rid, r.crossing_id, direction, L, bpos, sc, ec, wait_min,
                                         names[0], names[1],
                                         "" if sides_j[0][0] == sc else sides_j[0][0],
                                         "" if sides_j[1][0] == ec else sides_j[1][0])
            route_nodes[rid] = seq
            pos: dict[int, float] = {}
            for n, c in zip(seq, cum, strict=True):
                pos.setdefault(int(n), float(c))
            node_pos[rid] = pos

    judge = _Judge(vehicles, standards)
    trucks = frozenset(v.id for v in vehicles if v.vehicle_class in TRUCK_CLASSES)
    own_profile: dict[str, Any] = {}

    def profile_of(country: str, subdivision: str | None = None) -> Any:
        """The profile in force at a place: its subdivision's where the set maps it."""
        key = f"{country}/{subdivision}"
        if key not in own_profile:
            pid = profile_set.profile_for(country, subdivision)
            own_profile[key] = standards[pid]
        return own_profile[key]

    def placements(node: int, offset: float) -> dict[str, Placement]:
        return {rid: Placement(pos[node], offset) for rid, pos in node_pos.items() if node in pos}

    candidates: list[Candidate] = []
    # --- new sites at interchanges, thinned along each forward route
    kept: list[int] = []
    kept_set: set[int] = set()
    for r in routes:
        last = -float("inf")
        for n, c in zip(r.nodes, r.cum_m, strict=True):
            d = nodes[n]
            if not _truthy(d.get("interchange", False)):
                continue
            if n in kept_set:
                last = float(c)
                continue
            if float(c) - last >= options.min_spacing_m:
                kept.append(int(n))
                kept_set.add(int(n))
                last = float(c)
    # readable, stable ids from the exit of each candidate node (over all candidates, so a
    # site's id does not depend on which others the solver picks)
    seqs = [list(r.nodes) for r in routes]
    exits = {n: highway_exit(G, n, seqs) for n in kept}
    ids = unique_ids({n: new_site_id(ex, region, n) for n, (ex, region) in exits.items()})
    for n in kept:
        d = nodes[n]
        country = str(d.get("country", ""))
        sub = node_subdivision(d)
        prof = profile_of(country, sub)
        opts = tuple(judge.option("new", name, cost, spec) for name, cost, spec in _designs(
            prof, vehicles, cost_model, cost_model.new_site, 0.0))
        ex = exits[n][0]
        candidates.append(Candidate(
            ids[n], country, placements(n, 0.0), opts, existing=False,
            label=str(d.get("label", "") or ""),
            name=f"New site, {ex.text()}" if ex else "New site", node=n,
            lat=float(d["y"]), lon=float(d["x"]), subdivision=sub))

    # --- existing stations
    uses: list[StationUse] = []
    usable_status = [s for s in stations if s.status == "open" and s.access == "public"]
    for s in stations:
        if s.status != "open":
            uses.append(StationUse(s, None, [f"status {s.status}"]))
        elif s.access != "public":
            uses.append(StationUse(s, None, ["restricted access"]))
    snapped, left = snap_stations(usable_status, G, max_offset_m=options.max_offset_m)
    for s, why in left:
        uses.append(StationUse(s, None, [_generic_reason(why)]))
    route_node_set = sorted({n for pos in node_pos.values() for n in pos})
    attach: dict[int, tuple[float, int]] = {}
    if snapped:
        U = G.to_undirected(as_view=True)
        dist, paths = nx.multi_source_dijkstra(
            U, route_node_set, cutoff=options.max_offset_m,
            weight=lambda u, v, e: min(float(x.get("length", 0.0)) for x in e.values()))
        for n, dd in dist.items():
            attach[int(n)] = (float(dd), int(paths[n][0]))
    for sn in sorted(snapped, key=lambda x: x.station.id):
        st = sn.station
        if sn.node not in attach:
            uses.append(StationUse(st, None, ["not connected to a corridor route within "
                                              f"{options.max_offset_m / 1000:g} km"]))
            continue
        extra, node = attach[sn.node]
        offset = round(float(sn.offset_m) + extra, 1)
        if offset > options.max_offset_m:
            uses.append(StationUse(st, None, [f"more than {options.max_offset_m / 1000:g} km "
                                              "from a corridor exit"]))
            continue
        d = nodes[node]
        country = str(d.get("country", ""))
        if country != st.country:
            uses.append(StationUse(st, None, ["nearest corridor exit is across the border"]))
            continue
        sub = node_subdivision(d)
        prof = profile_of(country, sub)
        info = describe_site(st, offset)
        spec = info.spec
        # medium/heavy-duty vehicles stop only where the station data says trucks get in:
        # elsewhere they cannot use the station as it is, and no truck lanes are offered there
        no_trucks = trucks if st.truck_access is not True else frozenset()
        as_is = _without(judge.option("existing", "existing", 0.0, spec), no_trucks)
        opts_l = [as_is]
        reasons = [f"{v.id}: not truck-accessible ({access_text(st.truck_access)})"
                   if v.id in no_trucks else f"{v.id}: {_generic_reason(why)}"
                   for v in vehicles if v.id in no_trucks
                   or (why := v.can_charge_at(spec)) is not None]
        if prof.id not in as_is.complies_with:
            reasons.append(f"{prof.id}: does not comply")
        if reasons:
            # at a truck-accessible station whose power and ports are known: truck lanes alone
            # (first, so that it wins over the dearer standard+truck upgrade offering the same)
            lanes_only = [] if no_trucks or not (spec.power_known and spec.ports_known) else [
                (f"truck-lanes+{v.id}", *_lanes_only(prof, v, cost_model, spec, offset))
                for v in vehicles if v.id in trucks]
            for name, cost, design in [*lanes_only, *_designs(
                    prof, [v for v in vehicles if v.id not in no_trucks], cost_model,
                    cost_model.upgrade, offset)]:
                up = _merge_specs([spec, design])
                extra_ports = max(0, up.ports - max(spec.ports, design.ports))
                o = _without(judge.option("upgrade", f"upgrade:{name}",
                                          cost + cost_model.per_port * extra_ports, up),
                             no_trucks)
                adds = (o.usable_by - as_is.usable_by) or (o.complies_with - as_is.complies_with)
                if adds and all((o.usable_by, o.complies_with) != (p.usable_by, p.complies_with)
                                for p in opts_l[1:]):
                    opts_l.append(o)
        cid = st.id
        at = placements(node, offset)
        serves = st.serves  # from its name, address, directions or OSM tags
        if serves is not None:  # one carriageway only: only routes driving that way pass it
            at = {rid: pl for rid, pl in at.items()
                  if (way := direction_at(G, rid, route_nodes[rid], node, "")) is not None
                  and way.heading == serves}
            if not at:
                uses.append(StationUse(st, None, [f"serves {serves} traffic only, no route "
                                                  "drives that way past it"]))
                continue
        candidates.append(Candidate(
            cid, country, at, tuple(opts_l), existing=True,
            label=str(d.get("label", "") or ""), name=st.name, node=node, lat=float(st.lat),
            lon=float(st.lon), station_ids=tuple(sorted({st.id, *st.source_ids})),
            source=st.source, meta={"assumptions": list(info.assumptions), "serves": serves,
                                    "serves_basis": st.serves_basis if serves else None},
            subdivision=sub,
            truck_access=st.truck_access, truck_access_basis=st.truck_access_basis))
        uses.append(StationUse(st, cid, reasons))

    candidates.sort(key=lambda c: _cand_key(c, route_specs))
    vrules = []
    for v in vehicles:
        waits = {}
        for rid, rs in route_specs.items():
            waits[rid] = (float(v.idle_distance_m(scenario.climate, rs.border_wait_min))
                          if rs.border_wait_min > 0 else 0.0)
        full = float(v.start_range_m(scenario.climate, scenario.start_soc))
        soc = scenario.arrival_soc(v.vehicle_class)
        arrival = None if soc is None else float(v.start_range_m(scenario.climate, soc))
        start: dict[str, tuple[float, str]] = {}
        for rid in route_specs:
            usable_here = [(c.id, c.at[rid].pos_m, c.at[rid].offset_m) for c in candidates
                           if c.existing and rid in c.at and v.id in c.options[0].usable_by]
            start[rid] = endpoint_start(full, arrival, usable_here, options.max_offset_m)
        on = None
        if crossings is not None and v.vehicle_class in TRUCK_CLASSES:
            on = frozenset(rid for rid, rs in route_specs.items()
                           if crossings.get(rs.crossing) is not None
                           and crossings[rs.crossing].takes_trucks)
        trips: frozenset[str] = frozenset()
        if options.trip == "round":
            # out and back as one trip where no usable station is at the far end (the return
            # leg would start there with the arrival charge): its start is the out route's
            trips = frozenset(rid + ROUND for rid, rs in route_specs.items()
                              if start[_reverse_id(rs)][1] == ARRIVAL
                              and (on is None or (rid in on and _reverse_id(rs) in on)))
            for t in trips:
                start[t] = start[t.removesuffix(ROUND)]
        vrules.append(VehicleRule(v.id, scenario.climate, float(v.usable_range_m(scenario.climate)),
                                  full, waits, on, start, trips))
    # one rule per jurisdiction a route side lies in (a country, or a subdivision the profile
    # set overrides it with); spacing chains run per jurisdiction (problem.standard_chain)
    sides = sorted({(rs.start_country, rs.start_jurisdiction) for rs in route_specs.values()}
                   | {(rs.end_country, rs.end_jurisdiction) for rs in route_specs.values()})
    srules = []
    for country, juris in sides:
        prof = profile_of(country, juris or None)
        srules.append(StandardRule(country, prof.id, prof.max_spacing_m, tuple(prof.recognizes),
                                   juris))
    trip_specs = []
    if options.trip == "round":
        if options.resilience != "none":
            raise UsageError("--trip round with --resilience n-1 is not modelled (a site on "
                             "both legs of a round trip is one site to lose); plan them apart")
        wanted = {t for v in vrules for t in v.trips}
        trip_specs = [round_trip(rs, route_specs[_reverse_id(rs)])
                      for rid, rs in route_specs.items() if rid + ROUND in wanted]
    problem = Problem(list(route_specs.values()), candidates, vrules, srules, options.resilience,
                      options.trip, trip_specs)
    return Built(corridor, G, route_specs, route_nodes, problem, profile_set, standards, vehicles,
                 scenario, cost_model, stations, uses, options, dict(crossings or {}))


def _reverse_id(rs: RouteSpec) -> str:
    """The id of the route driving `rs` the other way."""
    return f"{rs.crossing}:{'reverse' if rs.direction == 'forward' else 'forward'}"


def _no_partial_spacing(profile_set: Any, standards: dict[str, Any], country: str,
                        route_id: str) -> None:
    """A route side partly inside a subdivision the set overrides: the national rule runs along
    the side, so neither the national nor a subdivision profile there may have a spacing rule
    (a spacing chain that stops at a state line is not modelled): UsageError."""
    keys = [country, *(k for k in profile_set.profiles if k.startswith(_ISO2.get(country, "?")
                                                                       + "-"))]
    spaced = [profile_set.profiles[k] for k in keys if k in profile_set.profiles
              and standards[profile_set.profiles[k]].max_spacing_m is not None]
    if spaced:
        raise UsageError(f"profile set {profile_set.id}: route {route_id} runs partly inside a "
                         f"subdivision with its own profile, and {', '.join(spaced)} has a "
                         "spacing rule; a spacing chain across a state or provincial line is "
                         "not modelled (map the whole side, or use a profile without spacing)")


def _cand_key(c: Candidate, routes: dict[str, RouteSpec]) -> tuple[Any, ...]:
    # driving order along the first route the candidate is on, then the id (deterministic)
    for rid in routes:
        if rid in c.at:
            return (list(routes).index(rid), c.at[rid].pos_m, c.id)
    return (len(routes), 0.0, c.id)


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


def _generic_reason(why: str) -> str:
    """A reason without site-specific detail, for counting (text before the first ';';
    snapping's "offset 7.2 km to the nearest exit node N (label) exceeds the 5.0 km limit"
    becomes "offset to the nearest exit over the 5.0 km limit")."""
    m = re.match(r"^offset .* exceeds the ([\d.]+ km) limit$", why.strip())
    if m:
        return f"offset to the nearest exit over the {m.group(1)} limit"
    return why.split(";")[0].strip()


def load_plan_network(corridor_id: str, options: BuildOptions
                      ) -> tuple[nx.MultiDiGraph, BuildOptions]:
    """The corridor graph a plan uses, and the options saying which one it was (the source and
    the file, so that the plan's inputs name it and `check` reloads the same graph)."""
    import dataclasses

    from evcorridor.network import load_network
    from evcorridor.network.pulled import CHOICES, resolve_source

    if options.network_path is not None or options.network_source not in CHOICES:
        G = load_network(corridor_id, source=options.network_source, path=options.network_path)
        return G, options
    source, path, what = resolve_source(corridor_id, options.network_source)
    G = load_network(corridor_id, source=source, path=path)
    if source == "continental":
        path = Path(str(G.graph["path"]))
    return G, dataclasses.replace(options, network_source=what, network_path=path)


def build(corridor_id: str, options: BuildOptions) -> Built:
    """Load everything a corridor plan needs and build its siting problem."""
    from evcorridor.corridors import get_corridor

    return build_for(get_corridor(corridor_id), options)


def build_for(corridor: Any, options: BuildOptions, *, graph: nx.MultiDiGraph | None = None,
              stations: list[Any] | None = None) -> Built:
    """`build` for a corridor object (from the registry, or one made by `corridors create` and
    not in it: then pass its `graph`, with `options.network_source`/`network_path` saying where
    it came from, and its `stations`)."""
    from evcorridor.crossings import get_crossing
    from evcorridor.network.routes import corridor_routes
    from evcorridor.profiles import get_profile_set, get_standard, get_vehicle, list_vehicles
    from evcorridor.scenarios import get_cost_model, get_scenario
    from evcorridor.stations import corridor_stations

    pset = get_profile_set(options.profile_set)
    if options.vehicles:
        vehicles = [get_vehicle(v) for v in dict.fromkeys(options.vehicles)]
    else:
        vehicles = sorted(list_vehicles(), key=lambda v: v.id)
    scenario = get_scenario(options.scenario)
    for v in vehicles:
        if scenario.climate not in v.climate:
            raise UsageError(f"vehicle {v.id} has no climate scenario {scenario.climate!r} "
                             f"(scenario {scenario.id}); it knows: {', '.join(sorted(v.climate))}")
    cost = get_cost_model(options.cost_model)
    standards: dict[str, Any] = {}
    todo = list(dict.fromkeys(pset.profiles.values()))
    while todo:
        pid = todo.pop(0)
        if pid in standards:
            continue
        standards[pid] = get_standard(pid)
        todo.extend(standards[pid].recognizes)
    if graph is None:
        G, options = load_plan_network(corridor.id, options)
    else:
        G = graph
    routes = corridor_routes(G, corridor)
    if stations is None:
        stations = corridor_stations(corridor.id, options.stations)
    crossings = {c: get_crossing(c) for c in corridor.crossings}
    return build_from_graph(corridor, G, routes, stations, profile_set=pset, vehicles=vehicles,
                            scenario=scenario, cost_model=cost, standards=standards,
                            options=options, crossings=crossings)
