"""The checker: every rule family layered into one class, run in order, plus `status`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import networkx as nx

from evcorridor.check import trucks
from evcorridor.check.arith import (
    _m,
)
from evcorridor.check.findings import CheckReport
from evcorridor.check.trip import _Trips, trip_stops
from evcorridor.errors import EvCorridorError, InputError
from evcorridor.plan_model import Plan, load_plan


class _Checker(_Trips):
    def run(self) -> CheckReport:
        try:
            return self._run()
        except InputError:
            raise
        except EvCorridorError as exc:  # e.g. a climate the vehicle profile does not define
            raise InputError(f"{self.label}: cannot verify the plan: {exc}") from exc

    def _run(self) -> CheckReport:
        self.check_inputs()
        self.check_data_sources()
        self.check_corridor()
        self.crossings = trucks.registry(list(self.plan.crossings))
        for rule, where, message in trucks.findings(self.plan, self.vehicles, self.crossings):
            self.fail(rule, where, message)
        self.check_sites()
        self.check_stations()
        self.check_truck_access()
        for route in self.plan.routes:
            self.count["routes"] += 1
            self.check_route(route)
        self.check_trips()
        if str(self.plan.parameters.get("resilience") or "none").lower() == "n-1":
            self.check_resilience()
        if self.plan.coverage is not None:
            self.check_coverage()
        self.check_used()
        self.check_status()
        self.report.checked = dict(self.count)
        return self.report

    # ------------------------------------------------------------------ used
    def check_used(self) -> None:
        """Each site's `used_by` is exactly the vehicle runs that stop there or start there."""
        used: dict[str, set[str]] = {}
        for r in self.plan.routes:
            for vr in r.vehicles:
                for sid in (*vr.stops, vr.start_basis, *trip_stops(vr)):
                    used.setdefault(sid, set()).add(f"{r.id}/{vr.vehicle}")
        for site in self.plan.sites:
            want = sorted(used.get(site.id, ()))
            if site.used_by != want:
                self.fail("used", f"site {site.id}", f"used_by {site.used_by} in the plan, the "
                                                     f"vehicle runs give {want}")

    # ------------------------------------------------------------------ status
    def check_status(self) -> None:
        plan, solver = self.plan, self.plan.solver
        runs_ok = all(vr.feasible and (vr.round_trip is None or vr.round_trip.feasible)
                      for r in plan.routes for vr in r.vehicles) and all(
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




def check_file(path: Path | str, *, inputs: Sequence[Path] = ()) -> CheckReport:
    """Load and check one plan file, and that its sibling files are the ones it wrote. Raises
    `InputError` when the plan file is unreadable, of an unknown schema, with unsafe ids or
    non-finite numbers, or when an input it names (graph, profile, vehicle...) cannot be
    reloaded. `inputs`: files and folders outside data/ and configs/ it may read."""
    plan = load_plan(path)
    return _Checker(plan, str(path), None, inputs=inputs, folder=Path(path).parent).run()


def check_paths(paths: Iterable[Path | str], *, inputs: Sequence[Path] = ()
                ) -> list[CheckReport]:
    """Check several plan files (each raises InputError as `check_file` does)."""
    return [check_file(p, inputs=inputs) for p in paths]


def check_plan(plan: Plan, *, label: str = "plan", graph: nx.MultiDiGraph | None = None,
               inputs: Sequence[Path] = ()) -> CheckReport:
    """Check every rule of `plan`; `graph` replaces reloading the corridor graph; `inputs`
    are the files and folders outside data/ and configs/ that the checker may read."""
    return _Checker(plan, label, graph, inputs=inputs).run()

