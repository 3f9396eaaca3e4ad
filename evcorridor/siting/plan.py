"""Plan a corridor end to end and write its outputs.

    plan_corridor(corridor_id, options, solve_options) -> PlanOutcome (Plan + solve log)
    assemble_plan(built, solution, stretches, ...)       -> Plan (plan_model.Plan)
    write_outputs(outcome, out_dir)                      -> files written in out_dir/<corridor>/

Steps (build, pre-check, solve, assign, post-process): `build` makes the abstract problem, the
pre-check names the stretches no plan can cover (these (route, rule) pairs are left out of the
model, so the rest still gets a plan, and the plan is marked infeasible with solver status
"infeasible"), CP-SAT chooses the sites, `sequence` lists concrete stop sequences and spacing
chains, and this module turns it all into the versioned plan file.

Which sites the plan lists: every new site and upgrade it builds, and every existing station that
(as is) some vehicle can use or that complies with a profile having a spacing rule — exactly the
stations the vehicle sequences and spacing chains may count, so a reader (the checker) that
recomputes the chains from the listed sites finds the same chains.

Outputs are deterministic: `plan.json` (no wall time), `sites.geojson`, `sites.csv`; the measured
times go to `solve-log.json` beside them.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evcorridor.atomic import publish_dir
from evcorridor.errors import OutputError
from evcorridor.layers import plan_layers
from evcorridor.outpaths import inside
from evcorridor.outputs import sites_csv, sites_geojson, to_json
from evcorridor.plan_model import (
    Connector,
    CrossingTrucks,
    DataSource,
    ExistingSummary,
    Gap,
    Infeasibility,
    InputRef,
    Plan,
    RoutePlan,
    Site,
    SolverResult,
    StandardRun,
    StationData,
    TripRun,
    VehicleRun,
)
from evcorridor.provenance import (
    NETWORK_SOURCES,
    VOLUMES_SOURCE,
    files_of,
    format_name,
    station_sources,
    volume_period,
)
from evcorridor.settings import get_settings
from evcorridor.siting import cpsat
from evcorridor.siting.build import (
    TRUCK_CLASSES,
    BuildOptions,
    Built,
    build,
    rel_path,
    sha256_file,
    truck_access,
)
from evcorridor.siting.locate import direction_at, highway_exit, nearest_place
from evcorridor.siting.precheck import (
    Stretch,
    km,
    n1_stretches,
    standard_stretches,
    vehicle_stretches,
)
from evcorridor.siting.problem import ARRIVAL, CARRIED, ROUND, Candidate
from evcorridor.siting.sequence import Leg, standard_legs, vehicle_legs


@dataclass
class SolveOptions:
    time_limit_s: float | None = None  # None = settings.solver_time_limit_s
    num_workers: int = 1
    random_seed: int = 0


@dataclass
class PlanOutcome:
    plan: Plan
    log: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, str] = field(default_factory=dict)  # GIS layers (evcorridor.layers)

    @property
    def ok(self) -> bool:
        return self.plan.feasible and self.plan.solver.status == "optimal"


def _r(x: float, nd: int = 1) -> float:
    v = round(float(x), nd)
    return 0.0 if v == 0 else v


def _gap(leg: Leg) -> Gap:
    return Gap(from_id=leg.a.key, to_id=leg.b.key, from_pos_m=_r(leg.a.pos_m),
               to_pos_m=_r(leg.b.pos_m), length_m=_r(leg.length_m), border_wait_m=_r(leg.wait_m),
               limit_m=_r(leg.limit_m), slack_m=_r(leg.limit_m - leg.length_m),
               crosses_border=leg.crosses_border)


def station_names(built: Built) -> dict[str, str]:
    """Station id -> the name of the source its row comes from first ("AFDC (WA)", "AFDC CCS map
    (US)"), as the data build recorded it (evcorridor.provenance)."""
    names = {src.file: src.name for src, _ in station_sources(list(built.stations))}
    return {s.id: names.get((files_of(s) or [s.source])[0], format_name(s.source))
            for s in built.stations}


def _site(built: Built, c: Candidate, oi: int, names: dict[str, str]) -> Site:
    o = c.options[oi]
    spec = o.spec
    # unknown facts stay unknown: the DC fast floor the siting assumed is not written as data
    conns = [Connector(type=t, count=int(n), max_kw=_r(kw, 3) if spec.power_known else None)
             for t, n, kw in sorted(spec.connectors) if n > 0]
    G = built.graph
    seqs = [built.route_nodes[rid] for rid in built.routes if rid in c.at]
    exit_, _region = highway_exit(G, c.node, seqs) if c.node in G else (None, "")
    place, place_m = nearest_place(getattr(built.corridor, "places", []), c.lat, c.lon)
    directions = [d for rid, rs in built.routes.items() if rid in c.at
                  if (d := direction_at(G, rid, built.route_nodes[rid], c.node, rs.end_label))]
    trucks = frozenset(v.id for v in built.vehicles if v.vehicle_class in TRUCK_CLASSES)
    access, basis = truck_access(c, o, trucks)
    return Site(id=c.id, kind=o.kind, name=c.name, node=c.node, lat=round(c.lat, 7),
                lon=round(c.lon, 7), country=c.country, offset_m=_r(spec.offset_m),
                ports=int(spec.ports) if spec.ports_known else None,
                power_kw=_r(spec.power_kw, 3) if spec.power_known else None, connectors=conns,
                station_ids=list(c.station_ids), source=c.source,
                source_name=names.get(c.id) if c.existing else None,
                complies_with=sorted(o.complies_with), cost=round(o.cost, 6), exit=exit_,
                place=place, place_distance_m=place_m, directions=directions,
                serves=c.meta.get("serves") if c.existing else None,
                serves_basis=c.meta.get("serves_basis") if c.existing else None,
                subdivision=c.subdivision, truck_access=access,  # type: ignore[arg-type]
                truck_access_basis=basis)


def _listed(built: Built, c: Candidate, oi: int) -> bool:
    o = c.options[oi]
    if o.kind != "existing":
        return True
    spacing = {r.profile for r in built.problem.standards if r.max_spacing_m is not None}
    spacing |= {p for r in built.problem.standards if r.max_spacing_m is not None
                for p in r.recognized}
    return bool(o.usable_by) or bool(o.complies_with & spacing)


def _inputs(built: Built) -> list[InputRef]:
    refs: list[InputRef] = []

    def add(kind: str, ident: str, path: str | Path | None, date: str | None = None) -> None:
        if not path or not Path(path).is_file():
            return
        refs.append(InputRef(kind=kind, id=ident, path=rel_path(path),  # type: ignore[arg-type]
                             sha256=sha256_file(path), data_date=date))

    c = built.corridor
    add("corridor", c.id, c.source_file)
    G = built.graph
    add("network", c.id, _network_file(built), str(G.graph.get("data_date") or "") or None)
    st = built.options.stations
    if str(st) == "embedded":
        from evcorridor.stations import area_path, embedded_path

        spath: Path | None = embedded_path(c.id)
        if spath is not None and not spath.is_file():  # a created corridor: the area file
            spath = area_path()
    else:
        spath = Path(st)
    add("stations", c.id if str(st) == "embedded" else Path(str(st)).name, spath,
        _newest([s for s in built.stations]))
    add("profile_set", built.profile_set.id, built.profile_set.source_file)
    for pid, prof in sorted(built.standards.items()):
        add("profile", pid, prof.source_file)
    for v in sorted(built.vehicles, key=lambda v: v.id):
        add("vehicle", v.id, v.source_file)
    add("scenario", built.scenario.id, built.scenario.source_file)
    add("cost_model", built.cost_model.id, built.cost_model.source_file)
    return refs


def network_source(G: Any, fallback: str = "") -> DataSource:
    """The network a graph comes from, with the date and provenance the graph records (Travel
    Mapping, OpenStreetMap; a generic network file by its name `fallback`)."""
    g = G.graph
    built_from = str(g.get("built_from") or g.get("source") or "")
    name, licence = NETWORK_SOURCES.get(built_from, (fallback or built_from or "network", ""))
    provenance = str(g.get("provenance") or "")
    if g.get("data_date_kind") == "pull_date":  # an OSM pull whose answer had no base date
        provenance = "; ".join(x for x in (provenance, "date: the day of the pull (Overpass "
                                           "sent no data timestamp)") if x)
    return DataSource(kind="network", name=name, date=str(g.get("data_date") or "") or None,
                      licence=licence, provenance=provenance)


def data_sources(built: Built) -> list[DataSource]:
    """What the plan rests on, each source with its own date: the network, every raw station file
    of the corridor's stations (name, date and licence as the data build recorded them), and the
    BTS counts behind the crossings' volumes."""
    out = [network_source(built.graph, built.corridor.id)]
    for src, n in station_sources(list(built.stations)):
        out.append(DataSource(kind="stations", name=src.name, date=src.date, licence=src.licence,
                              provenance=f"{src.file} ({src.origin})" if src.origin
                              else src.file,
                              records=n))
    period = volume_period(getattr(c, "annualised_from", "") for c in built.crossings.values())
    if period is not None:
        name, licence, origin = VOLUMES_SOURCE
        out.append(DataSource(kind="crossing_volumes", name=name, date=period, licence=licence,
                              provenance=f"{origin}; annualised per crossing in "
                                         "data/crossings.csv"))
    return out


def _network_file(built: Built) -> Path | None:
    if built.options.network_path is not None:
        return built.options.network_path
    for key in ("path", "source_file", "file"):
        p = built.graph.graph.get(key)
        if p and Path(str(p)).is_file():
            return Path(str(p))
    try:
        from evcorridor.network import embedded_path as net_path

        p2 = Path(net_path(built.corridor.id))
        if p2.is_file():
            return p2
    except (ImportError, AttributeError, TypeError):
        pass
    folder = Path(get_settings().data_dir) / "networks"
    for cand in sorted(folder.glob(f"{built.corridor.id}.*")) if folder.is_dir() else []:
        return cand
    return None


def _newest(stations: list[Any]) -> str | None:
    dates = [d for s in stations for d in (s.freshness, s.open_date) if d is not None]
    return max(dates).isoformat() if dates else None


def _station_data(built: Built, countries: list[str]) -> list[StationData]:
    names = station_names(built)
    out = []
    for cc in countries:
        sts = [s for s in built.stations if s.country == cc]
        sources: dict[str, int] = {}
        by_name: dict[str, int] = {}
        for s in sts:
            sources[s.source] = sources.get(s.source, 0) + 1
            by_name[names[s.id]] = by_name.get(names[s.id], 0) + 1
        notes = []
        if not sts:
            notes.append("no station data on this side: every usable site is planned "
                         "(greenfield)")
        elif set(sources) <= {"supercharge", "tesla"}:
            notes.append("only Tesla Supercharger data on this side: other networks are missing, "
                         "so the plan may build where stations already exist (partial data)")
        assumed = sum(1 for c in built.problem.candidates if c.existing and c.country == cc
                      and any("unknown" in a for a in c.meta.get("assumptions", [])))
        if assumed:
            notes.append(f"{assumed} station(s) with unknown power or ports: null in the plan; a "
                         "vehicle may charge there as at a DC fast station, no standard counts "
                         "them as compliant")
        note = "; ".join(notes)
        out.append(StationData(country=cc, stations=len(sts), sources=dict(sorted(sources.items())),
                               source_names=dict(sorted(by_name.items())),
                               newest_date=_newest(sts), greenfield=not sts, note=note))
    return out


def _existing(built: Built, sol: cpsat.Solution) -> ExistingSummary:
    by_id = {c.id: c for c in built.problem.candidates}

    def own(c: Candidate) -> str:  # the profile in force at the station (its subdivision's)
        return str(built.profile_set.profile_for(c.country, c.subdivision))

    qualified = upgraded = unused = 0
    reasons: dict[str, int] = {}
    for use in built.station_uses:
        for why in sorted(set(use.reasons)):
            reasons[why] = reasons.get(why, 0) + 1
        if use.candidate is None:
            unused += 1
            continue
        c = by_id[use.candidate]
        if c.id in sol.chosen:
            upgraded += 1
        elif c.options[0].usable_by or own(c) in c.options[0].complies_with:
            qualified += 1  # as is: some vehicle can use it, or it meets its country's profile
        else:
            unused += 1
    return ExistingSummary(qualified=qualified, upgraded=upgraded, unused=unused,
                           reasons=dict(sorted(reasons.items())))


def _infeasibility(st: Stretch) -> Infeasibility:
    return Infeasibility(
        route=st.route.id, direction=st.route.direction, rule=st.rule,  # type: ignore[arg-type]
        from_label=st.a.label or st.a.key, from_pos_m=_r(st.a.pos_m),
        from_country=st.a.country or st.route.start_country, to_label=st.b.label or st.b.key,
        to_pos_m=_r(st.b.pos_m), to_country=st.b.country or st.route.end_country,
        length_m=_r(st.length_m), limit_m=_r(st.limit_m), fix=st.fix)


def _gap_infeasibility(rs: Any, rule: str, g: Gap, p: Any, coverage: bool) -> Infeasibility:
    """An over-long gap of the chosen plan (coverage mode, or a rule the solver could not meet)."""
    labels = {c.id: (c.label or c.id, c.country) for c in p.candidates}
    labels["start"] = (rs.start_label, rs.start_country)
    labels["end"] = (rs.end_label, rs.end_country)
    labels["border"] = ("border", "")
    a, b = labels.get(g.from_id, (g.from_id, "")), labels.get(g.to_id, (g.to_id, ""))
    fix = (f"a usable site between km {km(g.from_pos_m)} and km {km(g.to_pos_m)}"
           + (" (raise --budget)" if coverage else ""))
    return Infeasibility(
        route=rs.id, direction=rs.direction, rule=rule, from_label=a[0], from_pos_m=g.from_pos_m,
        from_country=a[1] or rs.start_country, to_label=b[0], to_pos_m=g.to_pos_m,
        to_country=b[1] or rs.end_country, length_m=g.length_m, limit_m=g.limit_m, fix=fix)


def assemble_plan(built: Built, sol: cpsat.Solution, stretches: list[Stretch],
                  parameters: dict[str, Any], coverage: Any = None,
                  solver_override: SolverResult | None = None) -> Plan:
    p = built.problem
    sites: list[Site] = []
    listed: set[str] = set()
    names = station_names(built)
    for ci, c in enumerate(p.candidates):
        oi = sol.option_of(p, ci)
        if oi is None or not _listed(built, c, oi):
            continue
        sites.append(_site(built, c, oi, names))
        listed.add(c.id)
    sites.sort(key=lambda s: s.id)
    routes: list[RoutePlan] = []
    for rid, rs in built.routes.items():
        positions = {c.id: _r(c.at[rid].pos_m) for c in p.candidates
                     if c.id in listed and rid in c.at}
        vruns = []
        for v in p.vehicles:
            if not v.on(rid):
                continue
            legs = vehicle_legs(p, sol, rs, v)
            turn, trip_run = _round_trip(p, sol, rs, v)
            vruns.append(VehicleRun(
                vehicle=v.id, climate=v.climate, range_m=_r(v.range_m),
                start_range_m=_r(v.start_m(rid)), start_basis=v.start_basis(rid),
                stops=[lg.b.key for lg in legs[:-1]],
                gaps=[_gap(lg) for lg in legs], feasible=all(lg.ok for lg in legs),
                turn_basis=turn, round_trip=trip_run))
        sruns = []
        for rule in p.standards:
            if not rule.applies_on(rs):
                continue
            slegs = standard_legs(p, sol, rs, rule) or []
            keys = [lg.a.key for lg in slegs] + ([slegs[-1].b.key] if slegs else [])
            stops = [k for k in keys if k not in ("start", "end", "border")]
            sruns.append(StandardRun(
                country=rule.country, jurisdiction=rule.jurisdiction or None,
                profile=rule.profile,
                max_spacing_m=None if rule.max_spacing_m is None else _r(rule.max_spacing_m),
                recognized_profiles=list(rule.recognized), stops=stops,
                gaps=[_gap(lg) for lg in slegs], feasible=all(lg.ok for lg in slegs)))
        routes.append(RoutePlan(
            id=rid, crossing=rs.crossing, direction=rs.direction,  # type: ignore[arg-type]
            from_name=rs.start_label, to_name=rs.end_label, nodes=built.route_nodes[rid],
            length_m=_r(rs.length_m), border_pos_m=_r(rs.border_pos_m),
            border_wait_min=rs.border_wait_min, site_positions=dict(sorted(positions.items())),
            vehicles=vruns, standards=sruns))
    unknown = {s.id for s in sites if s.power_kw is None or s.ports is None}
    for rp in routes:
        for vr in rp.vehicles:
            vr.unknown_stops = [sid for sid in vr.stops if sid in unknown]
    used: dict[str, set[str]] = {}
    for rp in routes:
        for vr in rp.vehicles:
            for sid in {*vr.stops, vr.start_basis, *trip_stops(vr)}:
                used.setdefault(sid, set()).add(f"{rp.id}/{vr.vehicle}")
    for site in sites:
        site.used_by = sorted(used.get(site.id, ()))
    infeas = [_infeasibility(s) for s in stretches]
    infeas += _no_truck_crossing(built)
    named = {(s.route.id, s.rule) for s in stretches}
    solved = sol.status in ("optimal", "feasible")
    for rp in (routes if solved else []):
        rs = built.routes[rp.id]
        runs: list[tuple[str, VehicleRun | StandardRun]] = [
            *((f"vehicle:{vr.vehicle}", vr) for vr in rp.vehicles),
            *((f"standard:{sr.profile}", sr) for sr in rp.standards)]
        for rule_id, run in runs:
            if run.feasible or (rp.id, rule_id) in named:
                continue
            infeas += [_gap_infeasibility(rs, rule_id, g, p, coverage is not None)
                       for g in run.gaps if g.slack_m < 0]
        for vr in rp.vehicles:  # a round trip the solver could not meet
            trip = vr.round_trip
            if trip is None or trip.feasible or (rp.id + ROUND, f"vehicle:{vr.vehicle}") in named:
                continue
            trs = next(t for t in p.trips if t.id == rp.id + ROUND)
            infeas += [_gap_infeasibility(trs, f"vehicle:{vr.vehicle}", g, p, False)
                       for g in trip.gaps if g.slack_m < 0]
    status = sol.status
    runs_ok = all(vr.feasible and (vr.round_trip is None or vr.round_trip.feasible)
                  for rp in routes for vr in rp.vehicles) and all(
        sr.feasible for rp in routes for sr in rp.standards)
    feasible = (status in ("optimal", "feasible") and not stretches and runs_ok
                and not any(i.rule.startswith("vehicle:") and i.fix.startswith(NO_TRUCKS)
                            for i in infeas))
    if not feasible and status in ("optimal", "feasible"):
        status = "infeasible"
    if not feasible and not infeas:
        if sol.status in ("time_limit", "unknown"):
            what = "no plan found within the time limit; raise --time-limit"
        elif p.resilience == "n-1":
            what = ("n-1 resilience cannot be met with the candidate sites (no two stop "
                    "sequences sharing no site)")
        else:
            what = "no plan meets every rule with the candidate sites"
        first = p.routes[0]
        infeas.append(Infeasibility(
            route=first.id, direction=first.direction,  # type: ignore[arg-type]
            rule="solver", from_label=first.start_label, from_pos_m=0.0,
            from_country=first.start_country, to_label=first.end_label,
            to_pos_m=_r(first.length_m), to_country=first.end_country,
            length_m=_r(first.length_m), limit_m=0.0,
            fix=f"{what} (solver status {sol.status})"))
    if solver_override is not None:
        # coverage mode: the solver status is the coverage optimisation's; `feasible` says
        # whether every trip is covered (a budget may leave some uncovered: listed stretches)
        solver = solver_override.model_copy(update={"wall_time_s": None})
    else:
        solver = SolverResult(
            name="cp-sat", status=status,  # type: ignore[arg-type]
            objective=None if not feasible else sol.objective,
            best_bound=None if not feasible else sol.best_bound,
            gap=None if not feasible else sol.gap, wall_time_s=None,
            parameters=dict(sorted(sol.parameters.items())), model_size=dict(sorted(
                sol.model_size.items())))
    countries = sorted({r.start_country for r in p.routes} | {r.end_country for r in p.routes})
    c = built.corridor
    return Plan(
        corridor=c.id, corridor_name=c.name, border=c.border, countries=countries,
        crossings=list(c.crossings), inputs=_inputs(built), parameters=parameters,
        solver=solver, feasible=feasible, sites=sites, routes=routes, infeasibilities=infeas,
        existing=_existing(built, sol), station_data=_station_data(built, countries),
        crossing_trucks=_crossing_trucks(built),
        truck_vehicles=sorted(v.id for v in p.vehicles if v.routes is not None),
        data_sources=data_sources(built), coverage=coverage)


NO_TRUCKS = "no crossing of this corridor is known to process commercial trucks"


def trip_stops(vr: VehicleRun) -> list[str]:
    """The stops of a vehicle run's round trip (none one way or with a charge at the far end)."""
    t = vr.round_trip
    return [] if t is None else [*t.out_stops, *t.back_stops]


def _round_trip(p: Any, sol: cpsat.Solution, rs: Any, v: Any) -> tuple[str | None, TripRun | None]:
    """(turn basis, round-trip run) of vehicle `v` on route `rs` (None, None one way): at a far
    end with a station it can use the vehicle charges there ((station id, None): the way back is
    the reverse route's run); without one the charge carries over ("carried", the whole trip)."""
    if p.trip != "round":
        return None, None
    back = f"{rs.crossing}:{'reverse' if rs.direction == 'forward' else 'forward'}"
    basis = v.start_basis(back)
    if basis != ARRIVAL:
        return basis, None
    trip = next(t for t in p.trips if t.id == rs.id + ROUND)
    legs = vehicle_legs(p, sol, trip, v)
    stops = [lg.b for lg in legs[:-1]]
    return CARRIED, TripRun(out_stops=[s.key for s in stops if s.leg == 0],
                            back_stops=[s.key for s in stops if s.leg == 1],
                            gaps=[_gap(lg) for lg in legs], feasible=all(lg.ok for lg in legs))


def _crossing_trucks(built: Built) -> list[CrossingTrucks]:
    """The commercial status of each of the corridor's crossings (from the registry)."""
    out = []
    for cid in built.corridor.crossings:
        c = built.crossings.get(cid)
        if c is None:
            continue
        out.append(CrossingTrucks(crossing=cid, short_name=c.short_name,
                                  commercial=c.commercial, source=c.commercial_source))
    return out


def _no_truck_crossing(built: Built) -> list[Infeasibility]:
    """A medium/heavy-duty vehicle with no route (no commercial crossing) is a named result."""
    out = []
    p = built.problem
    for v in p.vehicles:
        if v.routes is None or v.routes:
            continue
        first = p.routes[0]
        facts = "; ".join(f"{c.id}: commercial {c.commercial}" for c in built.crossings.values())
        out.append(Infeasibility(
            route=first.id, direction=first.direction,  # type: ignore[arg-type]
            rule=f"vehicle:{v.id}", from_label=first.start_label, from_pos_m=0.0,
            from_country=first.start_country, to_label=first.end_label,
            to_pos_m=_r(first.length_m), to_country=first.end_country,
            length_m=_r(first.length_m), limit_m=0.0,
            fix=f"{NO_TRUCKS} ({facts}); add its commercial crossing to the corridor"))
    return out


def parameters_of(built: Built, solve: SolveOptions, time_limit: float) -> dict[str, Any]:
    o = built.options
    return {
        "objective": "cost", "profile_set": built.profile_set.id,
        "vehicles": sorted(v.id for v in built.vehicles), "scenario": built.scenario.id,
        "climate": built.scenario.climate, "stations": str(o.stations)
        if str(o.stations) == "embedded" else Path(str(o.stations)).name,
        "cost_model": built.cost_model.id, "cost_currency": built.cost_model.currency,
        "resilience": o.resilience, "trip": o.trip,
        "min_spacing_m": o.min_spacing_m, "max_offset_m": o.max_offset_m, "anchor_ends": True,
        "network_source": o.network_source, "time_limit_s": float(time_limit),
        "num_workers": solve.num_workers, "random_seed": solve.random_seed,
    }


def plan_built(built: Built, solve: SolveOptions | None = None) -> PlanOutcome:
    """Pre-check, solve and assemble the plan of an already built problem."""
    solve = solve or SolveOptions()
    limit = solve.time_limit_s or get_settings().solver_time_limit_s
    p = built.problem
    stretches: list[Stretch] = []
    for rs in p.routes:
        for v in p.vehicles:
            if v.on(rs.id):
                stretches.extend(vehicle_stretches(p, rs, v))
        for rule in p.standards:
            stretches.extend(standard_stretches(p, rs, rule))
    for trs in p.trips:  # --trip round: out and back without a charge at the far end
        for v in p.vehicles:
            if v.on(trs.id):
                stretches.extend(vehicle_stretches(p, trs, v))
    # an uncoverable round trip is left out of the model (its one-way routes stay in it)
    skip = {(s.route.id, s.rule) for s in stretches
            if s.rule.startswith("standard:") or s.route.legs}
    bridges: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for s in stretches:
        if s.rule.startswith("vehicle:") and not s.route.legs:
            bridges.setdefault((s.route.id, s.rule), set()).add((s.a.key, s.b.key))
    sol = cpsat.solve(p, time_limit_s=limit, num_workers=solve.num_workers,
                      random_seed=solve.random_seed, skip=skip, bridges=bridges)
    if p.resilience == "n-1" and sol.status == "infeasible" and not stretches:
        stretches = [st for rs in p.routes for v in p.vehicles if v.on(rs.id)
                     for st in n1_stretches(p, rs, v)]
    plan = assemble_plan(built, sol, stretches, parameters_of(built, solve, limit))
    log = {"corridor": built.corridor.id, "status": plan.solver.status,
           "cp_sat_status": sol.status, "wall_time_s": round(sol.wall_time_s, 3),
           "cost_phase_s": round(sol.phase1_s, 3),
           "model_size": sol.model_size, "parameters": sol.parameters,
           "objective": sol.objective, "best_bound": sol.best_bound,
           "skipped_rules": [f"{r} {rule}" for r, rule in sorted(skip)],
           "bridged_legs": [f"{r} {rule}: {a} -> {b}" for (r, rule), legs in sorted(
               bridges.items()) for a, b in sorted(legs)],
           "stretches": [f"{s.route.id} {s.rule}: km {km(s.a.pos_m)} -> km {km(s.b.pos_m)}"
                         for s in stretches]}
    return PlanOutcome(plan, log, plan_layers(plan, built.graph))


def plan_built_coverage(built: Built, *, vehicle: str, budget: int, trip: str,
                        solve: SolveOptions | None = None) -> PlanOutcome:
    """Coverage objective (flow refuelling location model) on a corridor: at most `budget` new
    sites or upgrades for `vehicle`, maximising the BTS-weighted crossing flow that completes
    its trip (see `evcorridor.siting.frlm`)."""
    from evcorridor.crossings import get_crossing
    from evcorridor.siting.frlm import corridor_flows, corridor_volumes, solve_problem_coverage

    solve = solve or SolveOptions()
    limit = solve.time_limit_s or get_settings().solver_time_limit_s
    p = built.problem
    veh = next(v for v in built.vehicles if v.id == vehicle)
    rule = next(v for v in p.vehicles if v.id == vehicle)
    open_to = [c for c in built.corridor.crossings
               if any(rule.on(rs.id) for rs in p.routes if rs.crossing == c)]
    volumes, volume_notes = corridor_volumes([get_crossing(c) for c in open_to],
                                             veh.vehicle_class)
    closed = sorted(set(built.corridor.crossings) - set(open_to))
    volumes.update({c: 0.0 for c in closed})
    flows, missing = corridor_flows(p, volumes, trip)
    sol, coverage, solver = solve_problem_coverage(
        p, flows, vehicle_id=vehicle, budget=budget, trip=trip, route_nodes=built.route_nodes,
        time_limit_s=limit, seed=solve.random_seed, workers=solve.num_workers)
    params = parameters_of(built, solve, limit)
    params.update({"objective": "coverage", "budget": budget, "trip": trip,
                   "vehicles": [vehicle], "flows": "bts-crossing-volumes",
                   "flows_missing": sorted(missing), "flows_notes": volume_notes
                   + [f"{c}: no flow for {vehicle} (not a commercial crossing)" for c in closed]})
    p_one = copy.copy(p)
    p_one.vehicles = [v for v in p.vehicles if v.id == vehicle]
    built_one = copy.copy(built)
    built_one.problem = p_one
    built_one.vehicles = [veh]
    plan = assemble_plan(built_one, sol, [], params, coverage=coverage, solver_override=solver)
    log = {"corridor": built.corridor.id, "status": plan.solver.status,
           "wall_time_s": round(sol.wall_time_s, 3), "model_size": sol.model_size,
           "parameters": sol.parameters, "objective": sol.objective}
    return PlanOutcome(plan, log, plan_layers(plan, built.graph))


def plan_corridor(corridor_id: str, options: BuildOptions | None = None,
                  solve: SolveOptions | None = None) -> PlanOutcome:
    """Build, solve and assemble the plan of one embedded (or given) corridor."""
    built = build(corridor_id, options or BuildOptions())
    return plan_built(built, solve)


def write_outputs(outcome: PlanOutcome, out_dir: Path) -> Path:
    """Write plan.json, sites.geojson, sites.csv, the GIS layers (routes.geojson, gaps.geojson,
    crossings.geojson: evcorridor.layers) and solve-log.json into out_dir/<corridor>/.

    The folder is published as one unit (evcorridor.atomic.publish_dir): a previous run's files
    are replaced together or not at all. plan.json records the SHA-256 of the sites files and
    layers (`files`), so `check` notices siblings that do not belong to the plan."""
    final = inside(out_dir, outcome.plan.corridor)
    if final.is_dir() and not (final / "plan.json").is_file() and any(final.iterdir()):
        raise OutputError(f"{final}: exists and holds no plan.json; a plan replaces its whole "
                          "corridor folder, so it will not replace this one (choose another "
                          "--out)")
    sites = {"sites.geojson": sites_geojson(outcome.plan).encode("utf-8"),
             "sites.csv": sites_csv(outcome.plan).encode("utf-8"),
             **{name: text.encode("utf-8") for name, text in sorted(outcome.layers.items())}}
    plan = outcome.plan.model_copy(
        update={"files": {name: hashlib.sha256(data).hexdigest() for name, data in sites.items()}})
    files = {"plan.json": plan.dump().encode("utf-8"), **sites,
             "solve-log.json": to_json(outcome.log).encode("utf-8")}
    with publish_dir(final) as stage:
        for name, data in files.items():
            (stage / name).write_bytes(data)
    return final
