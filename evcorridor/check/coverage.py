"""Rule family `coverage`: budget, flow totals and every flow re-driven."""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation

import networkx as nx

from evcorridor.check.arith import (
    _m,
    differ,
    drive,
    drive_route,
    sha256_files,
)
from evcorridor.check.resilience import _Resilience
from evcorridor.inputs import loads_json, read_text
from evcorridor.plan_model import FlowResult, RoutePlan

#: relative slack when comparing served vehicles and station loads (the capacitated model's
#: continuous values come from a MIP solver with a 1e-6 feasibility tolerance)
CAPACITY_TOL = 1e-6

#: slack per edge when comparing a flow's path with the shortest (the planner compares lengths
#: rounded to the millimetre per edge)
SHORTEST_TOL_M = 0.001


class _Coverage(_Resilience):
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
        cap_raw = self.plan.parameters.get("capacity_refuels")
        capacity = float(cap_raw) if isinstance(cap_raw, (int, float)) else None
        total = sum(f.flow for f in cov.flows)
        if capacity is not None:  # capacitated: the vehicles served, flows in part
            covered = sum(f.served or 0.0 for f in cov.flows)
        else:
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
        self.check_flows_file()
        self.check_node_lists(stations)
        self.check_matrix_parameters()
        given = self._given_paths()
        shortest: dict[int, dict[int, float]] = {}
        loads: dict[int, float] = {}  # capacitated: refuels per station node
        for i, f in enumerate(cov.flows):
            self.count["flows"] += 1
            where = f"flow {i + 1} {f.origin} -> {f.destination}"
            cum = self.walk("coverage", where, f.nodes, f.length_m, "recomputed")
            if not cum:
                continue
            # a given path need not be a shortest path
            if not self.check_given_path(where, f.origin, f.destination, f.nodes, f.path_source,
                                         round_trip, given):
                self.check_shortest(where, f.nodes, cum, f.destination, round_trip, shortest)
            if capacity is not None:
                self.check_served(where, f, cum, stations, start, rng, loads)
                continue
            stranded = drive(f.nodes, cum, stations, start, rng)
            if f.covered and stranded is not None:
                self.fail("coverage", where, f"marked covered but the vehicle runs out {stranded}")
            if not f.covered and stranded is None:
                self.fail("coverage", where, "marked not covered but the trip can be completed")
        if capacity is not None:
            for node, load in sorted(loads.items()):
                if load > capacity + CAPACITY_TOL * max(1.0, capacity):
                    self.fail("coverage", f"node {node}", f"{load:g} refuels, over the station "
                                                          f"capacity of {capacity:g}")

    def check_served(self, where: str, f: FlowResult, cum: list[float], stations: set[int],
                     start: float, rng: float, loads: dict[int, float]) -> None:
        """Capacitated coverage: the flow's served vehicles are at most its volume, `covered`
        when all are, split into stop sequences that each complete the trip charging only at
        those stops (all of them stations); each stop adds the vehicles to its station's load."""
        tol = CAPACITY_TOL * max(1.0, f.flow)
        if f.served is None or f.refuels is None:
            self.fail("coverage", where, "a capacitated plan gives no served vehicles and "
                                         "refuelling stops for this flow")
            return
        if f.served > f.flow + tol or f.served < 0:
            self.fail("coverage", where, f"{f.served:g} vehicles served of a flow of {f.flow:g}")
        if f.covered != (f.served >= f.flow - tol):
            self.fail("coverage", where, f"marked {'' if f.covered else 'not '}covered but "
                                         f"{f.served:g} of {f.flow:g} vehicles are served")
        split = sum(r.vehicles for r in f.refuels)
        if abs(split - f.served) > tol:
            self.fail("coverage", where, f"its stop sequences carry {split:g} vehicles, not the "
                                         f"{f.served:g} served")
        for r in f.refuels:
            if r.vehicles < 0 or any(not 0 <= i < len(f.nodes) for i in r.stops) or \
                    r.stops != sorted(set(r.stops)):
                self.fail("coverage", where, f"stop sequence {r.stops} is not increasing points "
                                             "of the flow's path")
                continue
            off = [f.nodes[i] for i in r.stops if f.nodes[i] not in stations]
            if off:
                self.fail("coverage", where, f"stops at node {off[0]}, which has no station")
            stranded = drive(f.nodes, cum, stations, start, rng, stops=set(r.stops))
            if stranded is not None:
                self.fail("coverage", where, f"{r.vehicles:g} vehicles charging only at points "
                                             f"{r.stops} run out {stranded}")
            for i in r.stops:
                loads[f.nodes[i]] = loads.get(f.nodes[i], 0.0) + r.vehicles

    def check_matrix_parameters(self) -> None:
        """A plan on a distance matrix states how many pairs are asymmetric and whether every
        pair is linked: both re-derived from the network read here."""
        params = self.plan.parameters
        if not str(params.get("network_links") or "").startswith("matrix"):
            return
        best: dict[tuple[int, int], float] = {}
        for u, v, d in self.G.edges(data=True):
            if u != v:
                best[(u, v)] = min(best.get((u, v), float("inf")), float(d["length"]))
        asym = sum(1 for (u, v), m in best.items()
                   if u < v and (v, u) in best and best[(v, u)] != m)
        n = self.G.number_of_nodes()
        pairs = {frozenset(k) for k in best}
        complete = n > 2 and len(pairs) == n * (n - 1) // 2
        if params.get("asymmetric_pairs") != asym:
            self.fail("coverage", "", f"asymmetric_pairs {params.get('asymmetric_pairs')} in the "
                                      f"plan, the matrix has {asym}")
        if params.get("complete_matrix") != complete:
            self.fail("coverage", "", f"complete_matrix {params.get('complete_matrix')} in the "
                                      f"plan, the matrix {'links' if complete else 'does not link'}"
                                      " every pair of nodes")

    def _given_paths(self) -> dict[tuple[str, str], list[str]] | None:
        """The paths file's paths by (origin, destination), read here again (CSV
        origin,destination,path with ids separated by spaces, ';' or '>'; or a JSON list of
        objects); {} when the plan names no paths file; None when it names one that is
        missing, outside or changed (the inputs rule's finding). Every listed flow must be a
        flow of the plan."""
        refs = self._input("paths")
        if not refs:
            return {}
        path = self._resolve(refs[0].path)
        if path is None or sha256_files([path]) != refs[0].sha256:
            return None
        found: dict[tuple[str, str], list[str]] = {}
        try:
            if path.suffix.lower() == ".json":
                items = loads_json(read_text(path, "flows"), path, allow_nan=False)
                rows = [(str(it["origin"]), str(it["destination"]),
                         [str(n) for n in it["path"]]) for it in items]
            else:
                lines = [ln for ln in read_text(path, "flows").splitlines()
                         if ln.strip() and not ln.lstrip().startswith("#")]
                if lines:
                    lines[0] = lines[0].lower()
                rows = [(str(r["origin"]), str(r["destination"]),
                         [n for n in re.split(r"[\s;>]+", str(r["path"])) if n])
                        for r in csv.DictReader(lines)]
            for o, d, nodes in rows:
                found[(str(int(o)), str(int(d)))] = [str(int(n)) for n in nodes]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.fail("coverage", "", f"{path}: not a paths file ({exc})")
            return None
        flows = {(f.origin, f.destination) for f in self.plan.coverage.flows} \
            if self.plan.coverage else set()
        for o, d in found:
            if (o, d) not in flows:
                self.fail("coverage", f"flow {o} -> {d}", f"in the paths file {path.name} but "
                                                          "not a flow of the plan")
        return found

    def check_given_path(self, where: str, origin: str, destination: str, nodes: list[int],
                         source: str | None, round_trip: bool,
                         given: dict[tuple[str, str], list[str]] | None) -> bool:
        """A flow whose plan says its path was given drives exactly the paths file's path (and
        on a round trip back the same way); a flow the paths file lists must be one. True when
        the flow's path is a given one (then it need not be a shortest path)."""
        listed = None if given is None else given.get((origin, destination))
        if source != "given":
            if listed is not None:
                self.fail("coverage", where, f"the paths file gives its path "
                                             f"{' '.join(listed)}, but the plan says it drives "
                                             f"a shortest path ({source})")
            return False
        if given is None:
            return True  # the paths file cannot be read here: the inputs rule says why
        if listed is None:
            self.fail("coverage", where, "marked as a given path, but the plan's paths file "
                                         "does not list it" if self._input("paths") else
                                         "marked as a given path, but the plan names no paths "
                                         "file")
            return True
        want = listed + listed[-2::-1] if round_trip else listed
        if [str(n) for n in nodes] != want:
            self.fail("coverage", where, f"drives {' '.join(str(n) for n in nodes)}, not the "
                                         f"given path {' '.join(want)}")
        return True

    def check_shortest(self, where: str, nodes: list[int], cum: list[float], destination: str,
                       round_trip: bool, cache: dict[int, dict[int, float]]) -> None:
        """The flow's path (and on a round trip its way back) is a shortest path of the input
        network: its length equals the Dijkstra distance (to the millimetre per edge)."""
        dest = int(destination) if destination.lstrip("+-").isdigit() else None
        if dest is None or dest not in nodes:
            self.fail("coverage", where, f"the path never reaches the destination {destination}")
            return
        k = nodes.index(dest)
        legs = [(nodes[0], dest, cum[k], k)]
        if round_trip:
            legs.append((dest, nodes[-1], cum[-1] - cum[k], len(nodes) - 1 - k))
            if nodes[-1] != nodes[0]:
                self.fail("coverage", where, f"the round trip ends at node {nodes[-1]}, not at "
                                             f"its origin {nodes[0]}")
        for a, b, length, steps in legs:
            if a not in cache:
                cache[a] = nx.single_source_dijkstra_path_length(self.G, a, weight="length")
            best = cache[a].get(b)
            if best is None:
                self.fail("coverage", where, f"no path from node {a} to node {b} in the network")
            elif length > best + SHORTEST_TOL_M * max(1, steps):
                self.fail("coverage", where, f"the path from node {a} to node {b} is "
                                             f"{_m(length)}, not a shortest path ({_m(best)})")

    def check_flows_file(self) -> None:
        """The plan's flows are the flows file's: every row there with its volume, nothing
        missing, nothing added (the file is read here again, not with the planner's reader).
        Only against the very file the plan was made from (same sha256): a changed or missing
        file is the inputs rule's finding."""
        cov = self.plan.coverage
        assert cov is not None
        refs = self._input("flows")
        path = self._resolve(refs[0].path) if refs else None
        if path is None or sha256_files([path]) != refs[0].sha256:
            return  # the inputs rule already says the file is missing, outside or changed
        lines = [ln for ln in read_text(path, "flows").splitlines()
                 if ln.strip() and not ln.lstrip().startswith("#")]
        wanted: dict[tuple[str, str], Decimal] = {}
        for n, row in enumerate(csv.DictReader(lines), start=2):
            try:
                o, d = str(int(row["origin"])), str(int(row["destination"]))
                wanted[(o, d)] = Decimal(str(row["flow"]).strip())
            except (KeyError, TypeError, ValueError, InvalidOperation):
                self.fail("coverage", "", f"{path}: data row {n - 1} is not origin,destination,"
                                          "flow")
        got = {(f.origin, f.destination): f.flow for f in cov.flows}
        for (o, d), amount in wanted.items():
            if (o, d) not in got:
                self.fail("coverage", "", f"flow {o} -> {d} of {path.name} is missing from the "
                                          "plan")
            elif Decimal(repr(got[(o, d)])) != Decimal(repr(float(amount))):
                self.fail("coverage", f"flow {o} -> {d}", f"volume {got[(o, d)]!r} in the plan, "
                                                          f"{amount} in {path.name}")
        for o, d in got:
            if (o, d) not in wanted:
                self.fail("coverage", f"flow {o} -> {d}", f"not a flow of {path.name}")

    def _node_ids(self, kind: str) -> list[str] | None:
        """The node ids of the plan's `kind` input file (candidates, existing), read here again
        (one per line, or a CSV `node` column); None when the plan names no such file or it is
        missing or changed (the inputs rule's finding)."""
        refs = self._input(kind)
        path = self._resolve(refs[0].path) if refs else None
        if path is None or sha256_files([path]) != refs[0].sha256:
            return None
        rows = [ln for ln in read_text(path, "flows").splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")]
        header = [h.strip().lower() for h in next(csv.reader(rows[:1]), [])]
        if "node" in header:
            col = header.index("node")
            return [r[col].strip() if len(r) > col else "" for r in csv.reader(rows[1:])]
        return [r.strip() for r in rows]

    def check_node_lists(self, stations: set[int]) -> None:
        """New sites only at the candidates file's nodes; the plan's existing stations are the
        existing file's nodes (every one of them)."""
        cands = self._node_ids("candidates")
        if cands is not None:
            allowed = set(cands)
            for s in self.plan.sites:
                if s.kind == "new" and str(s.node) not in allowed:
                    self.fail("coverage", s.id, f"new site at node {s.node}, which is not in the "
                                                "candidates file")
        exist = self._node_ids("existing")
        if exist is not None:
            planned = {str(n) for n in self.plan.parameters.get("existing_nodes") or []}  # type: ignore[union-attr]
            for n in exist:
                if n not in planned:
                    self.fail("coverage", "", f"existing station at node {n} of the existing "
                                              "file is not among the plan's existing_nodes")

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

