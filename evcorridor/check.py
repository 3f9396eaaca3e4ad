"""Independent verifier for plan files: re-derive every gap and rule from the plan alone.

`check_plan(plan)` reloads the corridor graph, the vehicle and standard profiles, the profile set,
the scenario and the station data the plan names, then recomputes, with its own arithmetic,
everything the plan claims. Findings by rule:

- inputs: every input file still has the sha256 the plan recorded (else the plan is stale);
- route: the corridor's crossings are all planned in both directions; each route's nodes are a
  path of the graph between the nodes nearest the corridor's endpoints (forward: along the
  shortest roads to and from the crossing); cumulative distances (edge `length`, the shortest of
  parallel edges) give the route length, the border position (the node whose `crossing` is the
  route's crossing) and every site position; the border wait is the scenario's; every planned
  vehicle and every jurisdiction's standard has its run;
- site: each sits where it says (the straight-line distance from its node to its coordinates is
  at most its declared offset), in its node's country, new sites at interchanges, with consistent
  ports / power / connectors, really complying with every standard it claims
  (`StandardProfile.compliance`); existing and upgraded sites are open public stations of the
  station data, at their place;
- vehicle: usable range and start range from the vehicle profile and the scenario (climate,
  start state of charge), the border wait distance from the scenario's minutes and the vehicle's
  idle consumption, every stop usable by the vehicle (`can_charge_at`), and every gap
  (start -> first stop, stop -> stop, last stop -> end) equal to the plan's figure within 0.5 m and
  within the range exactly (no tolerance in the vehicle's favour);
- standard: the spacing chain of compliant sites per route and jurisdiction, re-derived from all
  the plan's sites (see `_Checker.spacing_chain`), and its gaps against the maximum spacing;
- resilience ("n-1" plans): with any one site out, every vehicle still completes every route on
  the remaining sites (an exact reachability pass, see `reach`);
- coverage (coverage plans): budget and flow totals, and every flow's path, length and covered
  flag, re-derived by driving it (on a user's network node by node; on a corridor route by route
  with the planned vehicle, detours and the border wait);
- status: the plan's `feasible` flag, its infeasibilities, the solver status (optimal means gap 0
  and objective = bound) and the objective (= the sites' costs) agree; the infeasibilities of an
  infeasible plan are reported as findings.

Gap convention (CONTRACTS.md, written out again here): gap i -> k = (p_k - p_i) + off_i + off_k,
plus the border-wait distance when p_i < border <= p_k; "start" is p = 0 and "end" p = L, both
without offset. It shares no code with `evcorridor.siting` (tests assert that no siting module is
even loaded). Findings are returned, never printed; a plan that cannot be verified at all (an
unreadable file, an input that cannot be reloaded) raises `InputError`.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from evcorridor.connectors import UnknownConnector, normalize
from evcorridor.errors import EvCorridorError, InputError
from evcorridor.plan_model import Gap, Plan, RoutePlan, Site, StandardRun, VehicleRun, load_plan
from evcorridor.settings import REPO_ROOT, get_settings

#: how far a recomputed distance may differ from the plan's figure (plans round to 0.1 m)
TOL_M = 0.5
#: mean Earth radius used for straight-line distances (same value as osmnx's great_circle)
EARTH_RADIUS_M = 6_371_009.0

RULES = ("inputs", "route", "site", "vehicle", "standard", "resilience", "coverage", "status")


@dataclass(frozen=True)
class Finding:
    """One rule that does not hold. `where` locates it (route, vehicle, site...)."""

    rule: str
    where: str
    message: str

    def line(self, plan_label: str) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{plan_label}: {self.rule}:{where} {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "where": self.where, "message": self.message}


@dataclass
class CheckReport:
    """What `check_plan` found for one plan, with counts of what it verified."""

    plan: str
    corridor: str
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        return [f.line(self.plan) for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "corridor": self.corridor,
            "ok": self.ok,
            "checked": dict(sorted(self.checked.items())),
            "findings": [f.to_dict() for f in self.findings],
        }


# --------------------------------------------------------------------------- arithmetic helpers


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def straight_line_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def edge_length_m(G: nx.MultiDiGraph, u: int, v: int) -> float | None:
    """Shortest `length` among the parallel edges u -> v; None when there is no such edge."""
    if not G.has_edge(u, v):
        return None
    return min(float(d.get("length", math.inf)) for d in G[u][v].values())


def cumulative_m(G: nx.MultiDiGraph, nodes: Sequence[int]) -> tuple[list[float], list[str]]:
    """Cumulative distance at each node of a path, and the problems found walking it."""
    problems: list[str] = []
    missing = [n for n in nodes if n not in G]
    if missing:
        shown = ", ".join(str(n) for n in missing[:5]) + (" ..." if len(missing) > 5 else "")
        problems.append(f"{len(missing)} route node(s) not in the graph: {shown}")
        return [], problems
    cum = [0.0]
    for u, v in itertools.pairwise(nodes):
        length = edge_length_m(G, u, v)
        if length is None or not math.isfinite(length):
            problems.append(f"no road edge from node {u} to node {v} "
                            f"(step {len(cum)} of the route)")
            return [], problems
        cum.append(cum[-1] + length)
    return cum, problems


def sha256_files(paths: Sequence[Path]) -> str:
    """sha256 of the files' bytes, one after the other (a nodes/edges CSV pair is one input)."""
    h = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def differ(plan_value: float, recomputed: float) -> bool:
    """True when a plan figure is not within TOL_M of the recomputed one (NaN never is)."""
    return not abs(plan_value - recomputed) <= TOL_M


def _m(x: float) -> str:
    return f"{x:.1f} m"


@dataclass(frozen=True)
class Leg:
    """A recomputed gap."""

    from_id: str
    to_id: str
    from_pos_m: float
    to_pos_m: float
    length_m: float
    border_wait_m: float
    crosses_border: bool
    limit_m: float


def spans_border(from_pos: float, to_pos: float, border_pos: float) -> bool:
    """A leg spans the crossing when the border lies strictly after its start and at or before
    its end (a stop exactly at the border node waits at the border after charging)."""
    return from_pos < border_pos <= to_pos


def leg_length(from_pos: float, from_off: float, to_pos: float, to_off: float,
               border_pos: float, wait_m: float) -> tuple[float, bool]:
    """Gap convention (CONTRACTS.md): (pos_k - pos_i) + off_i + off_k (+ wait when it spans)."""
    crosses = spans_border(from_pos, to_pos, border_pos)
    return (to_pos - from_pos) + from_off + to_off + (wait_m if crosses else 0.0), crosses


# --------------------------------------------------------------------------- the checker

#: inputs whose files the checker hashes: all of them (a changed station snapshot, cost model or
#: flow file makes the plan stale even where the checker does not reload it)
HASHED_KINDS = ("network", "corridor", "vehicle", "profile", "profile_set", "scenario",
                "stations", "cost_model", "flows")


def check_file(path: Path | str) -> CheckReport:
    """Load and check one plan file. Raises `InputError` when the plan file is unreadable or of
    an unknown schema, or when an input it names (graph, profile, vehicle...) cannot be reloaded."""
    plan = load_plan(path)
    return check_plan(plan, label=str(path))


def check_paths(paths: Iterable[Path | str]) -> list[CheckReport]:
    """Check several plan files (each raises InputError as `check_file` does)."""
    return [check_file(p) for p in paths]


def check_plan(plan: Plan, *, label: str = "plan",
               graph: nx.MultiDiGraph | None = None) -> CheckReport:
    """Check every rule of `plan`; `graph` replaces reloading the corridor graph."""
    return _Checker(plan, label, graph).run()


Point = tuple[str, float, float]  # (site id / "start" / "end" / "border", position, offset)


@dataclass
class _Geo:
    """What the checker recomputed for one route."""

    cum: list[float]
    border_pos: float
    start_country: str
    end_country: str
    wait_min: float = 0.0  # the scenario's border wait for this crossing and direction

    @property
    def length(self) -> float:
        return self.cum[-1]


class _Checker:
    def __init__(self, plan: Plan, label: str, graph: nx.MultiDiGraph | None) -> None:
        self.plan = plan
        self.label = label
        self.report = CheckReport(plan=label, corridor=plan.corridor)
        self.G: nx.MultiDiGraph = graph if graph is not None else nx.MultiDiGraph()
        self.graph_given = graph is not None
        self.sites: dict[str, Site] = {}
        self.geo: dict[str, _Geo] = {}
        self.vehicles: dict[str, Any] = {}
        self.standards: dict[str, Any] = {}
        self.profile_set: Any = None
        self.corridor: Any = None
        self.scenario: Any = None
        self._compliance: dict[tuple[str, str], list[str]] = {}
        # a coverage plan on a user's network: no corridor routes, abstract sites
        self.generic = not plan.routes and plan.coverage is not None
        self.count: dict[str, int] = {
            "routes": 0, "sites": 0, "vehicle_runs": 0, "gaps": 0, "standard_runs": 0,
            "spacing_gaps": 0, "resilience_cases": 0, "flows": 0, "stations": 0,
        }

    def fail(self, rule: str, where: str, message: str) -> None:
        self.report.findings.append(Finding(rule, where, message))

    def walk(self, rule: str, where: str, nodes: Sequence[int], length_m: float,
             recomputed: str) -> list[float]:
        """Cumulative metres along `nodes` ([] when the walk breaks); a finding for every broken
        step and for a plan length that differs ("length L in the plan, M <recomputed>")."""
        cum, problems = cumulative_m(self.G, nodes)
        for p in problems:
            self.fail(rule, where, p)
        if cum and differ(cum[-1], length_m):
            self.fail(rule, where, f"length {_m(length_m)} in the plan, {_m(cum[-1])} {recomputed}")
        return cum

    def run(self) -> CheckReport:
        try:
            return self._run()
        except InputError:
            raise
        except EvCorridorError as exc:  # e.g. a climate the vehicle profile does not define
            raise InputError(f"{self.label}: cannot verify the plan: {exc}") from exc

    def _run(self) -> CheckReport:
        self.check_inputs()
        self.check_corridor()
        self.check_sites()
        self.check_stations()
        for route in self.plan.routes:
            self.count["routes"] += 1
            self.check_route(route)
        if str(self.plan.parameters.get("resilience") or "none").lower() == "n-1":
            self.check_resilience()
        if self.plan.coverage is not None:
            self.check_coverage()
        self.check_status()
        self.report.checked = dict(self.count)
        return self.report

    # ------------------------------------------------------------------ inputs
    def _input(self, kind: str) -> list[Any]:
        return [ref for ref in self.plan.inputs if ref.kind == kind]

    def _resolve(self, path: str) -> Path | None:
        p = Path(path)
        settings = get_settings()
        candidates = [p] if p.is_absolute() else [
            REPO_ROOT / p, Path(settings.data_dir) / p, Path(settings.configs_dir) / p,
            Path.cwd() / p]
        for c in candidates:
            if c.is_file():
                return c
        return None

    def check_inputs(self) -> None:
        """Hash the inputs the checker relies on; reload graph, scenario, vehicles and profiles
        (a reload failure raises InputError: the plan cannot be verified here)."""
        from evcorridor.profiles import get_profile_set, get_standard, get_vehicle
        from evcorridor.scenarios import get_scenario

        for ref in self.plan.inputs:
            if ref.kind not in HASHED_KINDS:
                continue
            where = f"{ref.kind} {ref.id}"
            parts = [self._resolve(part.strip()) for part in ref.path.split(",")]
            if any(f is None for f in parts):
                self.fail("inputs", where,
                          f"input file {ref.path} not found; cannot verify its hash")
                continue
            digest = sha256_files([f for f in parts if f is not None])
            if digest != ref.sha256:
                self.fail("inputs", where,
                          f"{ref.path} has changed since the plan was made (sha256 {digest[:12]}, "
                          f"the plan has {ref.sha256[:12]}); re-run `evcorridor plan`")
        if not self.graph_given:
            self.G = self._load_generic_graph() if self.generic else self._load_graph()
        if not self.generic:
            from evcorridor.corridors import get_corridor

            try:
                self.corridor = get_corridor(self.plan.corridor)
            except EvCorridorError:
                self.corridor = None  # a graph given directly (tests) may have no corridor
        scen_refs = self._input("scenario")
        scen_id = scen_refs[0].id if scen_refs else str(self.plan.parameters.get("scenario") or "")
        if scen_id:
            self.scenario = self._reload("scenario", scen_id, get_scenario)
        elif self.plan.routes:
            raise InputError(f"{self.label}: the plan names no scenario (inputs or parameters)")
        for vid in sorted({vr.vehicle for r in self.plan.routes for vr in r.vehicles}):
            self.vehicles[vid] = self._reload("vehicle", vid, get_vehicle)
        wanted = {p for s in self.plan.sites for p in s.complies_with}
        for r in self.plan.routes:
            for sr in r.standards:
                wanted.add(sr.profile)
                wanted.update(sr.recognized_profiles)
        for pid in sorted(wanted):
            self.standards[pid] = self._reload("standard profile", pid, get_standard)
        for pid in sorted({p for prof in list(self.standards.values()) for p in prof.recognizes}):
            if pid not in self.standards:
                self.standards[pid] = self._reload("standard profile", pid, get_standard)
        set_refs = self._input("profile_set")
        set_id = set_refs[0].id if set_refs else str(self.plan.parameters.get("profile_set") or "")
        if set_id:
            self.profile_set = self._reload("profile set", set_id, get_profile_set)

    def _reload(self, kind: str, ident: str, getter: Any) -> Any:
        try:
            return getter(ident)
        except EvCorridorError as exc:
            raise InputError(f"{self.label}: cannot reload {kind} {ident!r} named by the plan: "
                             f"{exc}") from exc

    def _load_generic_graph(self) -> nx.MultiDiGraph:
        refs = self._input("network")
        if not refs:
            raise InputError(f"{self.label}: the coverage plan names no network input")
        files = [self._resolve(part.strip()) for part in refs[0].path.split(",")]
        missing = [part for part, f in zip(refs[0].path.split(","), files, strict=True)
                   if f is None]
        if missing:
            raise InputError(f"{self.label}: cannot reload the network {refs[0].id!r}: "
                             f"{missing[0].strip()}: file not found")
        found = [f for f in files if f is not None]
        try:
            return read_generic_network(found)
        except (OSError, ValueError, KeyError, nx.NetworkXError, ET.ParseError) as exc:
            raise InputError(f"{self.label}: cannot reload the network {refs[0].id!r}: "
                             f"{exc}") from exc

    def _load_graph(self) -> nx.MultiDiGraph:
        from evcorridor.network import load_network

        refs = self._input("network")
        source = str(self.plan.parameters.get("network_source") or "embedded")
        path: Path | None = None
        if refs and source != "embedded":
            path = self._resolve(refs[0].path)
        try:
            if path is not None:
                return load_network(self.plan.corridor, source="file", path=path)
            return load_network(self.plan.corridor, source=source)
        except EvCorridorError as exc:
            raise InputError(f"{self.label}: cannot reload the corridor graph of "
                             f"{self.plan.corridor!r}: {exc}") from exc

    # ------------------------------------------------------------------ corridor
    def check_corridor(self) -> None:
        """The plan covers its corridor: the corridor's crossings, both directions of each."""
        c = self.corridor
        if c is None or self.generic:
            return
        if self.plan.border != c.border:
            self.fail("route", "", f"border {self.plan.border} in the plan, the corridor "
                                   f"{c.id} is on the {c.border} border")
        if list(self.plan.crossings) != list(c.crossings):
            self.fail("route", "", f"crossings {', '.join(self.plan.crossings) or 'none'} in the "
                                   f"plan, the corridor has {', '.join(c.crossings)}")
        ids = [r.id for r in self.plan.routes]
        for cid in c.crossings:
            for direction in ("forward", "reverse"):
                rid = f"{cid}:{direction}"
                if rid not in ids:
                    self.fail("route", "", f"no route {rid}: every crossing is planned in both "
                                           "directions")
        for rid in sorted({i for i in ids if ids.count(i) > 1}):
            self.fail("route", "", f"route {rid} is listed {ids.count(rid)} times")

    # ------------------------------------------------------------------ sites
    def spec(self, site: Site) -> Any:
        from evcorridor.profiles import SiteSpec

        return SiteSpec(
            connectors=tuple((c.type, c.count, c.max_kw) for c in site.connectors),
            ports=site.ports,
            power_kw=site.power_kw,
            offset_m=site.offset_m,
        )

    def complies(self, site: Site, profile_id: str) -> list[str]:
        """Reasons `site` does not comply with `profile_id` ([] = complies), recomputed."""
        key = (site.id, profile_id)
        if key not in self._compliance:
            self._compliance[key] = list(self.standards[profile_id].compliance(self.spec(site)))
        return self._compliance[key]

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
            stations = {st.id: st for st in corridor_stations(self.plan.corridor, source)}
        except EvCorridorError as exc:
            if self.graph_given:
                return  # a graph handed in directly (a synthetic corridor): no station data
            raise InputError(f"{self.label}: cannot reload the station data {name!r}: "
                             f"{exc}") from exc
        self.count["stations"] = len(used)
        for site in used:
            where = f"site {site.id}"
            st = stations.get(site.id)
            if st is None:
                self.fail("site", where, f"{site.kind} site but no station {site.id} in the "
                                         f"station data ({name})")
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
            if site.kind == "existing":
                have = {c.type for c in st.connectors}
                extra = sorted({c.type for c in site.connectors} - have)
                if extra:
                    self.fail("site", where, f"offers {', '.join(extra)} as is, but station "
                                             f"{st.id} has only "
                                             f"{', '.join(sorted(have)) or 'no connector data'}")

    def check_sites(self) -> None:
        for site in self.plan.sites:
            self.count["sites"] += 1
            where = f"site {site.id}"
            if site.id in self.sites:
                self.fail("site", where, "listed twice in the plan")
                continue
            self.sites[site.id] = site
            if site.kind == "new" and site.id != f"new:{site.node}":
                self.fail("site", where, f"a new site at node {site.node} must be named "
                                         f"'new:{site.node}'")
            bad = [name for name, v in (("lat", site.lat), ("lon", site.lon),
                                        ("offset_m", site.offset_m), ("power_kw", site.power_kw),
                                        ("cost", site.cost)) if not math.isfinite(v)]
            if bad:
                self.fail("site", where, f"{', '.join(bad)} not a finite number")
            if site.offset_m < 0:
                self.fail("site", where, f"negative offset {_m(site.offset_m)}")
            if not self.generic:  # coverage sites on a user's network are abstract nodes
                self._check_offer(site, where)
            self._check_place(site, where)
            for pid in site.complies_with:
                reasons = self.complies(site, pid)
                if reasons:
                    self.fail("site", where, f"claims to comply with {pid} but does not: "
                                             + "; ".join(reasons))

    def _check_offer(self, site: Site, where: str) -> None:
        if site.ports < 1:
            self.fail("site", where, f"{site.ports} ports; a charging site has at least 1")
        if site.power_kw <= 0:
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
            if c.max_kw <= 0:
                self.fail("site", where, f"connector {c.type}: {c.max_kw:g} kW; must be positive")
        best = max(c.max_kw for c in site.connectors)
        if site.power_kw > best + 1e-6:
            self.fail("site", where, f"power {site.power_kw:g} kW per port exceeds its best "
                                     f"connector ({best:g} kW)")

    def _check_place(self, site: Site, where: str) -> None:
        if site.node not in self.G:
            self.fail("site", where, f"node {site.node} is not in the corridor graph")
            return
        nd = self.G.nodes[site.node]
        dist = straight_line_m(float(nd.get("y", 0.0)), float(nd.get("x", 0.0)), site.lat,
                               site.lon)
        if dist > site.offset_m + TOL_M:
            self.fail("site", where, f"({site.lat:.6f}, {site.lon:.6f}) is {_m(dist)} from its "
                                     f"node {site.node}, farther than its offset "
                                     f"{_m(site.offset_m)}")
        if site.kind == "new" and not self.generic and not _truthy(nd.get("interchange", False)):
            self.fail("site", where, f"a new site at node {site.node}, which is not an "
                                     "interchange (no exit to build at)")
        country = str(nd.get("country", ""))
        if country != site.country:
            self.fail("site", where, f"country {site.country} but its node {site.node} is in "
                                     f"{country or 'no country'}")

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
        try:
            shortest = (nx.shortest_path_length(self.G, route.nodes[0], border_node,
                                                weight="length")
                        + nx.shortest_path_length(self.G, border_node, route.nodes[-1],
                                                  weight="length"))
        except nx.NetworkXNoPath:
            return
        if length > shortest + TOL_M:
            self.fail("route", where, f"{_m(length)} long, {_m(length - shortest)} longer than "
                                      f"the shortest road through the crossing "
                                      f"({_m(shortest)})")

    def _check_runs_present(self, route: RoutePlan, geo: _Geo, where: str) -> None:
        """Every planned vehicle runs every route once; every jurisdiction on the route has the
        run of its profile (a missing run would otherwise go unchecked)."""
        runs = [vr.vehicle for vr in route.vehicles]
        wanted = self.plan.parameters.get("vehicles")
        if isinstance(wanted, list) and self.plan.coverage is None:
            for vid in wanted:
                if vid not in runs:
                    self.fail("route", where, f"no run for vehicle {vid}")
        for vid in sorted({v for v in runs if runs.count(v) > 1}):
            self.fail("route", where, f"vehicle {vid} has {runs.count(vid)} runs")
        if self.profile_set is None:
            return
        have = [sr.profile for sr in route.standards]
        for country in sorted({geo.start_country, geo.end_country}):
            pid = self.profile_set.profiles.get(country)
            if pid is not None and pid not in have:
                self.fail("route", where, f"no run for the standard {pid} of {country} "
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
            if sid not in route.site_positions and site.node in index:
                self.fail("route", where, f"site {sid} hangs off node {site.node} of this route "
                                          f"but has no position on it")

    def position(self, route: RoutePlan, geo: _Geo, sid: str) -> float | None:
        """Recomputed position of a site's node on a route (None when it is not on it)."""
        site = self.sites.get(sid)
        if site is None:
            return None
        for i, n in enumerate(route.nodes):
            if n == site.node:
                return geo.cum[i]
        return None

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

    # ------------------------------------------------------------------ vehicles
    def vehicle_limits(self, vehicle: Any, climate: str, wait_min: float) -> tuple[float, float,
                                                                                     float]:
        """(usable range, start range, border wait distance) from the profile and scenario."""
        rng = float(vehicle.usable_range_m(climate))
        srng = float(vehicle.start_range_m(climate, self.scenario.start_soc))
        wait = float(vehicle.idle_distance_m(climate, wait_min)) if wait_min > 0 else 0.0
        return rng, srng, wait

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
        if differ(srng, vr.start_range_m):
            self.fail("vehicle", where, f"start range {_m(vr.start_range_m)} in the plan, the "
                                        f"profile gives {_m(srng)} ({climate})")
        for sid in vr.stops:
            site = self.sites.get(sid)
            if site is not None:
                why = vehicle.can_charge_at(self.spec(site))
                if why is not None:
                    self.fail("vehicle", where, f"stop {sid} cannot be used by {vr.vehicle}: {why}")
        stops = self.placed(route, geo, vr.stops, where, "vehicle")
        if stops is None:
            return
        legs = self.legs(geo, stops, wait, srng, rng)
        self.count["gaps"] += len(legs)
        self.compare_gaps(where, "vehicle", vr.gaps, legs)
        over = [leg for leg in legs if leg.length_m > leg.limit_m]
        for leg in over:
            kind = "start range" if leg.from_id == "start" else "range"
            self.fail("vehicle", where,
                      f"gap {leg.from_id} -> {leg.to_id} is {_m(leg.length_m)}, over the {kind} "
                      f"{_m(leg.limit_m)} by {_m(leg.length_m - leg.limit_m)}")
        if vr.feasible and over:
            self.fail("vehicle", where, "marked feasible but a gap exceeds the range")
        if not vr.feasible and not over:
            self.fail("vehicle", where, "marked infeasible but every gap is within the range")

    # ------------------------------------------------------------------ standards
    def check_standard_run(self, route: RoutePlan, geo: _Geo, sr: StandardRun) -> None:
        where = f"route {route.id}: standard {sr.profile}"
        prof = self.standards[sr.profile]
        applies = list(prof.jurisdiction.applies_to)
        if sr.country not in applies:
            self.fail("standard", where, f"country {sr.country} but the profile applies to "
                                         f"{', '.join(applies) or 'no country'}")
        if self.profile_set is not None:
            expected = self.profile_set.profiles.get(sr.country)
            if expected != sr.profile:
                self.fail("standard", where, f"the profile set {self.profile_set.id} uses "
                                             f"{expected or 'no profile'} in {sr.country}")
        spacing = prof.max_spacing_m
        if (spacing is None) != (sr.max_spacing_m is None) or (
                spacing is not None and sr.max_spacing_m is not None
                and differ(float(spacing), sr.max_spacing_m)):
            self.fail("standard", where, f"max spacing {sr.max_spacing_m} m in the plan, the "
                                         f"profile says {spacing} m")
        if sorted(sr.recognized_profiles) != sorted(prof.recognizes):
            self.fail("standard", where, f"recognized profiles {sorted(sr.recognized_profiles)} "
                                         f"in the plan, the profile says {sorted(prof.recognizes)}")
        for sid in sr.stops:
            site = self.sites.get(sid)
            if site is None:
                continue
            ok_ids = [sr.profile] if site.country == sr.country else list(prof.recognizes)
            if not any(not self.complies(site, pid) for pid in ok_ids):
                self.fail("standard", where, f"stop {sid} ({site.country}) complies with none of "
                                             f"{', '.join(ok_ids) or 'the recognized profiles'}")
        if spacing is None:
            if sr.gaps:
                self.fail("standard", where, "the profile has no spacing rule but the plan lists "
                                             "spacing gaps")
            return
        chain = self.spacing_chain(route, geo, sr.country, sr.profile, list(prof.recognizes))
        if chain is None:
            return
        limit = float(spacing)
        legs = []
        for (a, pa, oa), (b, pb, ob) in itertools.pairwise(chain):
            legs.append(Leg(a, b, pa, pb, abs(pb - pa) + oa + ob, 0.0,
                            spans_border(pa, pb, geo.border_pos), limit))
        mine = [p[0] for p in chain if p[0] not in ("start", "end", "border")]
        if list(sr.stops) != mine:
            self.fail("standard", where, f"the plan's chain ({', '.join(sr.stops) or 'none'}) is "
                                         f"not the recomputed one ({', '.join(mine) or 'none'})")
        self.count["spacing_gaps"] += len(legs)
        self.compare_gaps(where, "standard", sr.gaps, legs)
        over = [leg for leg in legs if leg.length_m > leg.limit_m]
        for leg in over:
            self.fail("standard", where,
                      f"spacing {leg.from_id} -> {leg.to_id} is {_m(leg.length_m)}, over the "
                      f"maximum {_m(leg.limit_m)} by {_m(leg.length_m - leg.limit_m)}")
        if sr.feasible and over:
            self.fail("standard", where, "marked feasible but a spacing gap exceeds the maximum")
        if not sr.feasible and not over:
            self.fail("standard", where, "marked infeasible but every spacing gap is within the "
                                         "maximum")

    def spacing_chain(self, route: RoutePlan, geo: _Geo, country: str, profile: str,
                      recognized: list[str]) -> list[Point] | None:
        """The chain of one jurisdiction's compliant sites along a route (None when the
        jurisdiction is not on the route).

        Inside the jurisdiction: every site of the plan in that country that complies with its
        profile. The route endpoint in the jurisdiction is a chain point (parameter
        `anchor_ends`, default true). Across the border: the nearest site that complies with a
        recognized profile (the last one before the border on the way in, the first one after it
        on the way out; the far route endpoint when there is none, or when that endpoint is
        nearer than the foreign site counting detours); with no recognized profile the chain
        stops at the border itself.
        """
        j_start, j_end = geo.start_country == country, geo.end_country == country
        if not (j_start or j_end):
            return None
        anchor = bool(self.plan.parameters.get("anchor_ends", True))
        start: Point = ("start", 0.0, 0.0)
        end: Point = ("end", geo.length, 0.0)
        border: Point = ("border", geo.border_pos, 0.0)
        pts = self.route_sites(route, geo)
        inner = [p for p in pts if self.sites[p[0]].country == country
                 and not self.complies(self.sites[p[0]], profile)]
        foreign = [p for p in pts if self.sites[p[0]].country != country and any(
            not self.complies(self.sites[p[0]], q) for q in recognized)]
        b = geo.border_pos
        head: list[Point] = []
        tail: list[Point] = []
        def gap(a: Point, c: Point) -> float:
            return abs(c[1] - a[1]) + a[2] + c[2]

        if j_start and j_end:
            head, tail = ([start], [end]) if anchor else ([], [])
        elif j_start:
            head = [start] if anchor else []
            if recognized:
                after = [p for p in foreign if p[1] >= b]
                tail = [after[0]] if after else ([end] if anchor else [])
                last = (head + inner)[-1:]
                if after and anchor and last and gap(last[0], end) < gap(last[0], after[0]):
                    tail = [end]  # the route end is nearer than the foreign site (detour)
            else:
                tail = [border]
        else:
            tail = [end] if anchor else []
            if recognized:
                before = [p for p in foreign if p[1] <= b]
                head = [before[-1]] if before else ([start] if anchor else [])
                first = (inner + tail)[:1]
                if before and anchor and first and gap(start, first[0]) < gap(before[-1], first[0]):
                    head = [start]  # the route start is nearer than the foreign site (detour)
            else:
                head = [border]
        return [*head, *inner, *tail]

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

    # ------------------------------------------------------------------ coverage
    def check_coverage(self) -> None:
        """Coverage mode: budget, flow totals and, on a user's network, every flow's path,
        length and covered flag (a vehicle charging to full at each chosen or existing site)."""
        cov = self.plan.coverage
        assert cov is not None
        built = [s for s in self.plan.sites if s.kind in ("new", "upgrade")]
        if len(built) > cov.budget:
            self.fail("coverage", "", f"{len(built)} new or upgraded sites, over the budget of "
                                      f"{cov.budget}")
        total = sum(f.flow for f in cov.flows)
        covered = sum(f.flow for f in cov.flows if f.covered)
        for label, theirs, mine in (("total flow", cov.total_flow, total),
                                    ("covered flow", cov.covered_flow, covered)):
            if abs(theirs - mine) > 1e-6 * max(1.0, abs(mine)):
                self.fail("coverage", "", f"{label} {theirs:g} in the plan, the flows add up "
                                          f"to {mine:g}")
        if not self.generic:
            self.check_corridor_flows()
            return
        rng = float(self.plan.parameters.get("range_m") or 0.0)  # type: ignore[arg-type]
        if rng <= 0:
            self.fail("coverage", "", "the plan gives no range_m parameter")
            return
        round_trip = self.plan.parameters.get("trip") == "round"
        start = rng / 2.0 if round_trip else rng
        stations = {s.node for s in self.plan.sites}
        stations |= {int(n) for n in self.plan.parameters.get("existing_nodes") or []  # type: ignore[union-attr]
                     if str(n).lstrip("+-").isdigit()}
        for i, f in enumerate(cov.flows):
            self.count["flows"] += 1
            where = f"flow {i + 1} {f.origin} -> {f.destination}"
            cum = self.walk("coverage", where, f.nodes, f.length_m, "recomputed")
            if not cum:
                continue
            stranded = drive(f.nodes, cum, stations, start, rng)
            if f.covered and stranded is not None:
                self.fail("coverage", where, f"marked covered but the vehicle runs out {stranded}")
            if not f.covered and stranded is None:
                self.fail("coverage", where, "marked not covered but the trip can be completed")

    def check_corridor_flows(self) -> None:
        """Coverage on a corridor: each flow drives whole routes (one, or there and back); its
        covered flag is re-derived by driving them with the one planned vehicle, charging to the
        full range (less the detour back) at every usable site, the border wait added where a
        route crosses, leaving with half the range on a round trip (else the start range)."""
        cov = self.plan.coverage
        assert cov is not None
        vids = self.plan.parameters.get("vehicles")
        vid = vids[0] if isinstance(vids, list) and len(vids) == 1 else None
        if vid is None or vid not in self.vehicles or self.scenario is None:
            self.fail("coverage", "", "a corridor coverage plan names exactly one planned vehicle")
            return
        vehicle = self.vehicles[vid]
        rng = float(vehicle.usable_range_m(self.scenario.climate))
        srng = float(vehicle.start_range_m(self.scenario.climate, self.scenario.start_soc))
        start = rng / 2.0 if cov.trip == "round" else min(srng, rng)
        routes = [r for r in self.plan.routes if r.id in self.geo]
        for i, f in enumerate(cov.flows):
            self.count["flows"] += 1
            where = f"flow {i + 1} {f.origin} -> {f.destination}"
            legs = self._flow_routes(routes, f.nodes, 2 if cov.trip == "round" else 1)
            if legs is None:
                self.fail("coverage", where, "its nodes are not "
                          + ("a route there and back" if cov.trip == "round" else "a route"))
                continue
            length = sum(self.geo[r.id].length for r in legs)
            if differ(length, f.length_m):
                self.fail("coverage", where, f"length {_m(f.length_m)} in the plan, "
                                             f"{_m(length)} recomputed")
            charge, stranded = start, None
            for r in legs:
                geo = self.geo[r.id]
                wait = self.vehicle_limits(vehicle, self.scenario.climate, geo.wait_min)[2]
                usable = [p for p in self.route_sites(r, geo)
                          if vehicle.can_charge_at(self.spec(self.sites[p[0]])) is None]
                charge, stranded = drive_route(geo, usable, wait, charge, rng)
                if stranded is not None:
                    stranded = f"on {r.id} {stranded}"
                    break
            if f.covered and stranded is not None:
                self.fail("coverage", where, f"marked covered but {vid} runs out {stranded}")
            if not f.covered and stranded is None:
                self.fail("coverage", where, f"marked not covered but {vid} completes the trip")

    def _flow_routes(self, routes: list[RoutePlan], nodes: list[int],
                     n: int) -> list[RoutePlan] | None:
        for first in routes:
            if n == 1:
                if list(first.nodes) == list(nodes):
                    return [first]
                continue
            for second in routes:
                joined = list(first.nodes) + list(second.nodes)[1:]
                if first.nodes[-1] == second.nodes[0] and joined == list(nodes):
                    return [first, second]
        return None

    # ------------------------------------------------------------------ status
    def check_status(self) -> None:
        plan, solver = self.plan, self.plan.solver
        runs_ok = all(vr.feasible for r in plan.routes for vr in r.vehicles) and all(
            sr.feasible for r in plan.routes for sr in r.standards)
        if plan.feasible and not runs_ok:
            self.fail("status", "", "the plan says feasible but a vehicle or standard run is "
                                    "marked infeasible")
        if plan.feasible and plan.infeasibilities:
            self.fail("status", "", f"the plan says feasible but lists "
                                    f"{len(plan.infeasibilities)} infeasibilities")
        if plan.feasible and solver.status not in ("optimal", "feasible"):
            self.fail("status", "", f"the plan says feasible but the solver status is "
                                    f"{solver.status}")
        if not plan.feasible and solver.status in ("optimal", "feasible") \
                and plan.coverage is None:  # coverage: the status is the coverage optimum's
            self.fail("status", "", f"the plan says infeasible but the solver status is "
                                    f"{solver.status}")
        if solver.status == "optimal":
            if solver.gap is not None and abs(solver.gap) > 1e-9:
                self.fail("status", "", f"solver status optimal with a relative gap of "
                                        f"{solver.gap:g}")
            if (solver.objective is not None and solver.best_bound is not None
                    and abs(solver.objective - solver.best_bound)
                    > 1e-6 * max(1.0, abs(solver.objective))):
                self.fail("status", "", f"solver status optimal but the objective "
                                        f"{solver.objective:g} is not the best bound "
                                        f"{solver.best_bound:g}")
        if solver.objective is not None and plan.coverage is None:
            cost = sum(s.cost for s in plan.sites)
            if abs(cost - solver.objective) > 1e-6 * max(1.0, abs(cost)):
                self.fail("status", "", f"objective {solver.objective:g} but the sites' costs add "
                                        f"up to {cost:g}")
        if not plan.feasible:
            if not plan.infeasibilities:
                self.fail("status", "", "the plan is infeasible but lists no infeasibility")
            for inf in plan.infeasibilities:
                where = (f"route {inf.route}" if inf.route.endswith(f":{inf.direction}")
                         else f"route {inf.route} ({inf.direction})")
                self.fail("status", where,
                          f"infeasible ({inf.rule}): {inf.from_label} ({inf.from_country}, "
                          f"{inf.from_pos_m / 1000:.1f} km) -> {inf.to_label} ({inf.to_country}, "
                          f"{inf.to_pos_m / 1000:.1f} km) is {_m(inf.length_m)} against "
                          f"{_m(inf.limit_m)}; fix: {inf.fix}")


def drive(nodes: Sequence[int], cum: Sequence[float], stations: set[int], start: float,
          rng: float) -> str | None:
    """Drive a trip node by node, charging to the full range at every station (at the road,
    no detour on a user's network): None when it completes, else where the charge runs out."""
    charge = start
    for i, n in enumerate(nodes):
        if n in stations:
            charge = max(charge, rng)
        if i + 1 < len(nodes):
            charge -= cum[i + 1] - cum[i]
            if charge < 0:
                return f"between node {n} and node {nodes[i + 1]} (km {cum[i] / 1000:.1f})"
    return None


def drive_route(geo: _Geo, stops: list[Point], wait: float, charge: float,
                rng: float) -> tuple[float, str | None]:
    """Drive one route arriving with `charge`, charging where it helps: a stop `off` metres off
    the road is reachable with at least `off` left and sends the vehicle back to the road with
    `rng - off`. Returns (charge at the end, None) or (.., where it ran out)."""
    b = geo.border_pos

    def at(p: float) -> float:  # position with the border wait added past the crossing
        return p + wait if spans_border(0.0, p, b) else p

    here = 0.0
    for sid, p, off in sorted(stops, key=lambda t: (t[1], t[0])):
        charge -= at(p) - here
        here = at(p)
        if charge < 0:
            return charge, f"before {sid} at {_m(p)}"
        if charge >= off:
            charge = max(charge, rng - off)
    charge -= at(geo.length) - here
    if charge < 0:
        return charge, f"before the end at {_m(geo.length)}"
    return charge, None


def _csv_rows(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8-sig").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def read_generic_network(files: Sequence[Path]) -> nx.MultiDiGraph:
    """A user's network as the coverage planner reads it (GraphML, or nodes.csv + edges.csv):
    integer node ids, x/y, country; edge `length` or `length_m`; undirected / two-way roads get
    both directions. Read here again so the checker does not lean on the planner's reader."""
    G = nx.MultiDiGraph()
    if len(files) == 1:
        raw = nx.read_graphml(files[0])
        for n, d in raw.nodes(data=True):
            G.add_node(int(n), x=float(d.get("x", 0.0)), y=float(d.get("y", 0.0)),
                       country=str(d.get("country", "") or ""))
        for u, v, d in raw.edges(data=True):
            length = float(d.get("length", d.get("length_m")))
            G.add_edge(int(u), int(v), length=length)
            if not raw.is_directed():
                G.add_edge(int(v), int(u), length=length)
        return G
    for row in _csv_rows(files[0]):
        G.add_node(int(row["id"]), x=float(row["x"]), y=float(row["y"]),
                   country=str(row.get("country") or ""))
    for row in _csv_rows(files[1]):
        u, v, length = int(row["u"]), int(row["v"]), float(row["length_m"])
        G.add_edge(u, v, length=length)
        if str(row.get("oneway") or "").strip().lower() not in ("true", "yes", "1", "y", "t"):
            G.add_edge(v, u, length=length)
    return G


def reach(geo: _Geo, stops: list[Point], wait: float, start_range: float,
          rng: float) -> str | None:
    """Exact reachability along a route charging fully at each stop: None when the end can be
    reached, else where the vehicle is stranded.

    A stop is reachable from the start or from a reachable earlier stop. Leaving stop i costs
    its detour back to the highway, so the best stop to come from is the reached one with the
    largest `pos - offset` (kept separately before and after the border, since only legs that
    span the border pay the wait). This is exact where "drive to the farthest stop" is not
    (a far stop with a long detour can be worse than a nearer one at the exit)."""
    b, L = geo.border_pos, geo.length
    if leg_length(0.0, 0.0, L, 0.0, b, wait)[0] <= start_range:
        return None
    best: dict[bool, Point | None] = {True: None, False: None}  # after border? -> best launch
    last: Point | None = None

    def fits(frm: Point | None, p: float, off: float) -> bool:
        return frm is not None and leg_length(frm[1], frm[2], p, off, b, wait)[0] <= rng

    for pt in sorted(stops, key=lambda t: (t[1], t[0])):
        _, p, off = pt
        if (leg_length(0.0, 0.0, p, off, b, wait)[0] <= start_range
                or fits(best[False], p, off) or fits(best[True], p, off)):
            side = p >= b
            cur = best[side]
            if cur is None or p - off > cur[1] - cur[2]:
                best[side] = pt
            last = pt
    if fits(best[False], L, 0.0) or fits(best[True], L, 0.0):
        return None
    if last is None:
        return "no usable stop is within the start range"
    return f"stranded after {last[0]} at {_m(last[1])} of {_m(L)}"


__all__ = [
    "TOL_M", "CheckReport", "Finding", "check_file", "check_paths", "check_plan",
    "cumulative_m", "edge_length_m", "leg_length", "reach", "spans_border", "straight_line_m",
]
